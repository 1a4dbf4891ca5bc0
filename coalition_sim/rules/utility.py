"""The utility of joining (or staying in) the coalition, term by term."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: Names of the terms of the utility, in the order they are summed.
TERMS = ("threat", "cost", "affinity", "alignment", "entrapment")


@dataclass(frozen=True)
class UtilityWeights:
    """Weights of the utility terms (``w_threat`` ... ``w_entrap`` in the schema)."""

    threat: float
    cost: float
    affinity: float
    alignment: float
    entrapment: float


def protection_gain(own_capability: np.ndarray, others_strength: np.ndarray) -> np.ndarray:
    """Share of the combined force that the others bring: ``S_-i / (S_-i + cap_i)``.

    ``others_strength`` is the coalition's strength without state i (for an outsider,
    the whole coalition). A small state gains nearly all its defence from joining (close
    to 1); a large one brings much of it itself.
    """
    own = np.asarray(own_capability, dtype=float)
    others = np.broadcast_to(np.asarray(others_strength, dtype=float), own.shape)
    total = others + own
    return np.divide(others, total, out=np.zeros_like(own), where=total > 0)


def burden(defence_pct: np.ndarray, floor_pct: float) -> np.ndarray:
    """Gap between a state's spending and the coalition's floor, as a share of the floor."""
    if floor_pct <= 0:
        return np.zeros_like(np.asarray(defence_pct, dtype=float))
    return np.clip((floor_pct - defence_pct) / floor_pct, 0.0, 1.0)


def affinity(
    adjacency: np.ndarray, member: np.ndarray, alignment: np.ndarray
) -> np.ndarray:
    """Closeness to the coalition in [0, 1]: half member neighbours, half alignment.

    The first half is the share of a state's neighbours (``borders.csv``) that are
    members; the second is one minus half the distance between the state's alignment
    and the members' mean alignment.
    """
    neighbours = adjacency.sum(axis=1)
    member_neighbours = adjacency[:, member].sum(axis=1)
    share = np.divide(member_neighbours, neighbours, out=np.zeros(len(member)), where=neighbours > 0)
    mean_alignment = alignment[member].mean() if member.any() else 0.0
    similarity = 1.0 - np.abs(alignment - mean_alignment) / 2.0
    return 0.5 * share + 0.5 * similarity


def entrapment(proximity: np.ndarray, threat: float) -> np.ndarray:
    """Fear of being drawn into a war that is not one's own: ``(1 - p_i) * T``."""
    return (1.0 - proximity) * threat


def utility_terms(
    weights: UtilityWeights,
    perceived: np.ndarray,
    gain: np.ndarray,
    burden_share: np.ndarray,
    affinity_score: np.ndarray,
    alignment: np.ndarray,
    entrapment_score: np.ndarray,
) -> np.ndarray:
    """Weighted terms of ``U_i``, one column per entry of :data:`TERMS` (signed)."""
    return np.column_stack(
        (
            weights.threat * perceived * gain,
            -weights.cost * burden_share,
            weights.affinity * affinity_score,
            weights.alignment * alignment,
            -weights.entrapment * entrapment_score,
        )
    )
