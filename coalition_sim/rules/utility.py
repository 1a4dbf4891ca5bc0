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
    to 1); a large one brings much of it itself. A state with no force joining an empty
    coalition gains nothing (0).
    """
    total = others_strength + own_capability
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, others_strength / safe, 0.0)


def burden(defence_pct: np.ndarray, floor_pct: float) -> np.ndarray:
    """Gap between a state's spending and the coalition's floor, as a share of the floor."""
    if floor_pct <= 0:
        return np.zeros_like(np.asarray(defence_pct, dtype=float))
    return np.minimum(np.maximum(1.0 - defence_pct / floor_pct, 0.0), 1.0)


def affinity(adjacency: np.ndarray, member: np.ndarray, alignment: np.ndarray) -> np.ndarray:
    """Closeness to the coalition in [0, 1]: half member neighbours, half alignment.

    The first half is the share of a state's neighbours (``borders.csv``, a 0/1
    matrix) that are members; the second is one minus half the distance between the
    state's alignment and the members' mean alignment.
    """
    adjacency = np.asarray(adjacency, dtype=float)
    neighbours = adjacency.sum(axis=1)
    member_neighbours = adjacency @ member
    share = member_neighbours / np.where(neighbours > 0, neighbours, 1.0)
    count = member.sum()
    mean_alignment = (alignment @ member) / count if count else 0.0
    return 0.5 * share + 0.5 * (1.0 - np.abs(alignment - mean_alignment) / 2.0)


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
    terms = np.empty((len(perceived), len(TERMS)))
    terms[:, 0] = weights.threat * perceived * gain
    terms[:, 1] = -weights.cost * burden_share
    terms[:, 2] = weights.affinity * affinity_score
    terms[:, 3] = weights.alignment * alignment
    terms[:, 4] = -weights.entrapment * entrapment_score
    return terms
