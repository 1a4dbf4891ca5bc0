"""Derived traits of states: proximity, alignment, reliability, their arms industry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from coalition_sim.datasets import StateData
from coalition_sim.indicators import VOTE_SCORE
from coalition_sim.parameters import ModelParameters
from coalition_sim.parameters.kinds import Number


def proximity(km_to_russia: np.ndarray, scale_km: Number) -> np.ndarray:
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


def graded_alignment(
    vote_score, sanctions_score, support, *, weights, aid_reference_pct, fallback, impute=None
) -> np.ndarray:
    """Alignment in [-1, 1] graded from several kinds of evidence, so that states differ.

    The weighted mean of the indicators a state has (``coalition_sim.indicators``): its
    UNGA votes on the war, its sanctions record, and its military aid to Ukraine scored
    ``min(1, aid / aid_reference_pct)`` (a state that gives no aid is not hostile, so
    the score does not go below 0). A state whose aid is not reported, among those in
    ``impute``, takes the median aid score of the states that report it: a gap in the
    data should neither raise its alignment above a reporting donor's nor lower it. A
    state with none of the indicators (not in the indicators file) takes ``fallback``,
    the mean of the states file's two UNGA votes.

    Args:
        vote_score: per-state score of the UNGA votes in [-1, 1], NaN where missing.
        sanctions_score: per-state score of the sanctions record in [-1, 1], NaN where
            missing.
        support: per-state military aid to Ukraine (% of GDP), NaN where not reported.
        weights: the weights of votes, sanctions and support (each a number or a
            ``(runs, 1)`` column).
        aid_reference_pct: aid (% of GDP) that counts as full support.
        fallback: per-state alignment from the two votes of the states file.
        impute: per-state mask of those whose missing aid takes the median (none by
            default).
    """
    aid = np.minimum(1.0, np.asarray(support, dtype=float) / aid_reference_pct)
    reported = ~np.isnan(aid)
    if impute is not None and reported.any():
        median = np.median(aid[..., reported], axis=-1, keepdims=True)
        aid = np.where(~reported & np.asarray(impute, dtype=bool), median, aid)
    total_weight, weighted = 0.0, 0.0
    for weight, indicator in zip(weights, (vote_score, sanctions_score, aid), strict=True):
        score = np.asarray(indicator, dtype=float)
        present = ~np.isnan(score)
        total_weight = total_weight + weight * present
        weighted = weighted + weight * np.where(present, score, 0.0)
    graded = weighted / np.where(total_weight > 0, total_weight, 1.0)
    return np.where(total_weight > 0, graded, fallback)


def industry_index(arms_revenue_usd_bn: np.ndarray) -> np.ndarray:
    """Arms-industrial base in [0, 1]: SIPRI Top 100 revenue over the largest among the states."""
    revenue = np.asarray(arms_revenue_usd_bn, dtype=float)
    top = revenue.max() if revenue.size else 0.0
    return revenue / top if top > 0 else np.zeros_like(revenue)


@dataclass(frozen=True, eq=False)
class Traits:
    """Every state's derived traits for a batch of runs: ``(runs, states)`` arrays.

    An array whose values are the same in every run of the batch is kept as one row,
    ``(1, states)``, which numpy broadcasts against the others.
    """

    proximity: np.ndarray
    alignment: np.ndarray
    reliability: np.ndarray  # chance of responding when an ally is attacked
    keeping: np.ndarray  # chance of keeping to its spending path a quarter
    industry: np.ndarray
    defence_pct_gdp: np.ndarray  # starting burden, % of GDP
    founder: np.ndarray
    unreliable: np.ndarray


def derive(
    data: StateData,
    values: ModelParameters,
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
        overrides: per-state overrides by trait (``STATE_TRAITS`` of the schema):
            ``(runs, states)`` arrays, NaN where a run does not override that state.
        founder: ``(runs, states)`` mask of the founding members.
        unreliable: ``(runs, states)`` mask of the unreliable set.
    """

    def overridden(trait: str, derived: np.ndarray) -> np.ndarray:
        override = overrides.get(trait)
        if override is None:
            return derived
        return np.where(np.isnan(override), derived, override)

    prox = overridden("proximity", proximity(data.km_to_russia[None, :], values.proximity_scale_km))
    graded = graded_alignment(
        data.vote_score,
        data.sanctions_score,
        data.support,
        weights=(
            values.alignment_votes_weight,
            values.alignment_sanctions_weight,
            values.alignment_support_weight,
        ),
        aid_reference_pct=values.alignment_aid_reference_pct,
        fallback=alignment(data.votes)[None, :],
        # The Kiel tracker covers EU members and most allies; a gap there is a gap in
        # the packaged file, not a sign of no aid. Others are not tracked.
        impute=(data.eu | data.nato),
    )
    align = overridden("alignment", np.broadcast_to(graded, np.broadcast(graded, prox).shape))
    rel = overridden(
        "reliability",
        np.where(unreliable, values.unreliable_reliability, values.reliability),
    )
    keeping = overridden(
        "commitment_keeping",
        np.where(unreliable, values.unreliable_commitment_keeping, values.commitment_keeping),
    )
    pct0 = overridden("defence_pct_gdp", data.defence_pct_gdp[None, :])
    industry = industry_index(data.arms_revenue)[None, :]
    return Traits(
        proximity=prox,
        alignment=np.ascontiguousarray(align),
        reliability=rel,
        keeping=keeping,
        industry=industry,
        defence_pct_gdp=pct0,
        founder=founder,
        unreliable=unreliable,
    )
