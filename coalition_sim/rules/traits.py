"""Derived traits of states: proximity, alignment, reliability, industry, capability."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from coalition_sim.datasets import VOTE_SCORE


def proximity(km_to_russia: np.ndarray, scale_km: float) -> np.ndarray:
    """Exposure to Russia in [0, 1]: ``exp(-km / scale)``.

    A capital on the border scores 1; at ``scale_km`` it scores 1/e (0.37); Lisbon
    (2,772 km) scores 0.01 with the default 600 km.
    """
    return np.exp(-np.asarray(km_to_russia, dtype=float) / scale_km)


def alignment(votes: Sequence[Sequence[str]]) -> np.ndarray:
    """Orientation toward the Western/Ukrainian side in [-1, 1].

    The mean score of a state's UNGA votes on Ukraine (yes 1, abstain or absent 0,
    no -1). ``non-member`` votes (Kosovo) carry no information and are skipped; a
    state with no scored vote is neutral (0) unless a scenario overrides it.
    """
    out = np.zeros(len(votes))
    for i, row in enumerate(votes):
        scores = [VOTE_SCORE[v] for v in row if v in VOTE_SCORE]
        out[i] = float(np.mean(scores)) if scores else 0.0
    return out


def reliability(
    codes: Sequence[str], unreliable: Iterable[str], base: float, unreliable_value: float
) -> np.ndarray:
    """Probability of honouring a commitment: ``base`` for all, lower for the unreliable set.

    The default base, 0.75, is the share of alliance commitments honoured in Leeds,
    Long and Mitchell (2000), "Reevaluating Alliance Reliability", JCR 44(5).
    """
    unreliable = set(unreliable)
    return np.array([unreliable_value if c in unreliable else base for c in codes])


def industry_index(arms_revenue_usd_bn: np.ndarray) -> np.ndarray:
    """Arms-industrial base in [0, 1]: SIPRI Top 100 revenue over the largest among the states."""
    revenue = np.asarray(arms_revenue_usd_bn, dtype=float)
    top = revenue.max() if revenue.size else 0.0
    return revenue / top if top > 0 else np.zeros_like(revenue)


def capability(spending_usd_bn: np.ndarray, industry: np.ndarray, industry_weight: float):
    """Military capability in USD bn: spending, raised by a domestic industrial base.

    A state that builds its own arms sustains its forces longer; ``industry_weight`` is
    the bonus of the largest industry (the United Kingdom's among the agents).
    """
    return np.asarray(spending_usd_bn, dtype=float) * (1.0 + industry_weight * industry)
