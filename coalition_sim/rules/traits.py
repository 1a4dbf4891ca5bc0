"""Derived traits of states: proximity, alignment, reliability, industry, capability."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from coalition_sim.datasets import VOTE_SCORE, StateData


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
    return np.asarray(spending_usd_bn, dtype=float) * (1.0 + industry_weight * np.asarray(industry))


@dataclass(frozen=True, eq=False)
class Traits:
    """Every state's derived traits for a batch of runs: ``(runs, states)`` arrays.

    An array whose values are the same in every run of the batch is kept as one row,
    ``(1, states)``, which numpy broadcasts against the others.
    """

    proximity: np.ndarray
    alignment: np.ndarray
    reliability: np.ndarray
    industry: np.ndarray
    defence_pct_gdp: np.ndarray  # starting burden, % of GDP
    experience: np.ndarray  # Ukraine's combat-experience multiplier, 1 elsewhere
    founder: np.ndarray
    unreliable: np.ndarray
    #: Capability per point of GDP spent (USD bn): capability is linear in the burden.
    capability_per_pct: np.ndarray
    #: Contribution to coalition strength per point of GDP (reliability, readiness, ...).
    contribution_per_pct: np.ndarray


def derive(
    data: StateData,
    values: Mapping[str, np.ndarray],
    overrides: Mapping[str, np.ndarray],
    founder: np.ndarray,
    unreliable: np.ndarray,
) -> Traits:
    """The traits of every state, from the data and the parameters of each run.

    The one place traits are derived: the engine, ``coalition-sim states`` and the
    landscape view all call it.

    Args:
        data: the states' data (:attr:`coalition_sim.datasets.Dataset.arrays`).
        values: parameter values as ``(runs, 1)`` (or ``(1, 1)``) arrays, by schema name.
        overrides: per-state overrides by trait (``alignment``, ``reliability``,
            ``proximity``, ``defence_pct_gdp``): ``(runs, states)`` arrays, NaN where a
            run does not override that state.
        founder: ``(runs, states)`` mask of the founding members.
        unreliable: ``(runs, states)`` mask of the unreliable set.
    """

    def overridden(trait: str, derived: np.ndarray) -> np.ndarray:
        override = overrides.get(trait)
        if override is None:
            return derived
        return np.where(np.isnan(override), derived, override)

    codes = data.codes
    prox = overridden(
        "proximity", proximity(data.km_to_russia[None, :], values["proximity_scale_km"])
    )
    align = overridden("alignment", alignment(data.votes)[None, :])
    rel = overridden(
        "reliability",
        np.where(unreliable, values["unreliable_reliability"], values["reliability"]),
    )
    pct0 = overridden("defence_pct_gdp", data.defence_pct_gdp[None, :])
    industry = industry_index(data.arms_revenue)[None, :]
    experience = np.ones((1, len(codes)))
    if "UKR" in data.index:
        is_ukraine = (np.arange(len(codes)) == data.index["UKR"])[None, :]
        experience = np.where(is_ukraine, values["ukraine_experience_multiplier"], 1.0)
    per_pct = capability(data.gdp[None, :] / 100.0, industry, values["industry_weight"])
    return Traits(
        proximity=prox,
        alignment=align,
        reliability=rel,
        industry=industry,
        defence_pct_gdp=pct0,
        experience=experience,
        founder=founder,
        unreliable=unreliable,
        capability_per_pct=per_pct,
        contribution_per_pct=rel * experience * values["readiness"] * per_pct,
    )
