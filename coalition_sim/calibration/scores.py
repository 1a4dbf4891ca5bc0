"""Goodness-of-fit scores computed for many parameter sets at once.

Each function takes the simulated values of every set as the rows of an array and the
observed values as one row, and returns one score per set: the calibration, the
out-of-sample checks and the baselines all score through these, so that the model and
the baselines are judged by the same arithmetic.
"""

from __future__ import annotations

import numpy as np


def rank_correlation(simulated: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Spearman's rank correlation of each row of ``simulated`` with ``observed``.

    Pearson's correlation of the average ranks (ties share their mean rank), over the
    last axis; 0 where either side has no spread (nothing to rank); NaN where a value is
    NaN (not simulated).
    """
    from scipy.stats import rankdata

    sim = rankdata(np.asarray(simulated, dtype=float), axis=-1)
    obs = rankdata(np.asarray(observed, dtype=float))
    sim = sim - sim.mean(axis=-1, keepdims=True)
    obs = obs - obs.mean()
    scale = np.sqrt(np.sum(sim**2, axis=-1) * np.sum(obs**2))
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = np.sum(sim * obs, axis=-1) / scale
    return np.where(np.isnan(scale), np.nan, np.where(scale > 0, rho, 0.0))


def burden_scores(simulated: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank correlation (mean over years) and RMSE (points of GDP) of yearly burdens.

    Args:
        simulated: ``(sets, years, states)`` burdens, % of GDP.
        observed: ``(years, states)`` NATO's burdens over the same years and states.

    Returns:
        Per set: the mean over the years of each year's rank correlation across the
        states, and the root mean square error over every state-year.
    """
    simulated = np.asarray(simulated, dtype=float)
    observed = np.asarray(observed, dtype=float)
    rho = np.mean(
        [rank_correlation(simulated[:, y], observed[y]) for y in range(observed.shape[0])],
        axis=0,
    )
    rmse = np.sqrt(np.mean((simulated - observed[None]) ** 2, axis=(1, 2)))
    return rho, rmse


def brier(chance: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Brier score of each row of chances ``(sets, states)`` against 0/1 outcomes."""
    return np.mean((np.asarray(chance, dtype=float) - np.asarray(truth, dtype=float)) ** 2, axis=-1)


def auc(score: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """Per row: the chance that a random positive scores above a random negative.

    Ties count half; NaN where there are no positives or no negatives.
    """
    score = np.atleast_2d(np.asarray(score, dtype=float))
    positive = np.asarray(positive, dtype=bool)
    pos, neg = score[:, positive], score[:, ~positive]
    if not pos.shape[1] or not neg.shape[1]:
        return np.full(score.shape[0], np.nan)
    gap = pos[:, :, None] - neg[:, None, :]
    return np.mean(gap > 0, axis=(1, 2)) + np.mean(gap == 0, axis=(1, 2)) / 2


def rmse(predicted: np.ndarray, observed: np.ndarray) -> float:
    """Root mean square error of one prediction, over every cell."""
    return float(np.sqrt(np.mean((np.asarray(predicted) - np.asarray(observed)) ** 2)))
