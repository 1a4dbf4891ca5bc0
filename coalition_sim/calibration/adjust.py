"""ABC posteriors from one reference table: rejection, and local-linear regression adjustment.

Rejection ABC keeps the parameter sets whose summary statistics lie nearest the
observed ones. Its posterior is as wide as the acceptance window lets it be: a set
accepted at the window's edge counts as much as one that fits exactly. Beaumont, Zhang
and Balding (2002, "Approximate Bayesian computation in population genetics",
Genetics 162: 2025-2035) correct each accepted set for how far its statistics are from
the observed ones: regress the parameters on the statistics' gaps, with weights that
fall from one at a perfect fit to zero at the window's edge (Epanechnikov), and move each
accepted set along the fitted slope to where its statistics would equal the observed.
The regression runs on the logit of each parameter's position in its prior range
(Hamilton et al. 2005), so the adjusted sets stay inside the priors.

The calibration keeps plain rejection: its statistics are distances from the data whose
observed value is a perfect fit no parameter set reaches, so the regression would have
to extrapolate beyond every accepted set, and on this model its intervals cover known
answers less often than they claim (docs/calibration.md, *Method*). The adjustment is
kept, tested on a model with a known posterior, and reported beside rejection.

Written here in numpy rather than taken from pyABC or sbi: both need the model called
again for each new round or each new data set (pyABC's sequential Monte Carlo asks for
one parameter set at a time), whereas the engine's strength is one large batch: the
reference table of :mod:`~coalition_sim.calibration.abc` is simulated once (about a
minute), and the same table serves the calibration, the coverage check
(:mod:`~coalition_sim.calibration.coverage`, hundreds of pseudo-observed data sets at
no extra runs) and the stability check. The method is short enough to read whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Positions within a prior closer to its ends than this are clipped before the logit.
EDGE = 1e-6


def to_logit(values: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The logit of each value's position in ``[low, high]`` (columns are parameters)."""
    position = np.clip((values - low) / (high - low), EDGE, 1 - EDGE)
    return np.log(position / (1 - position))


def from_logit(z: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Back from :func:`to_logit`: always strictly inside ``[low, high]``."""
    return low + (high - low) / (1 + np.exp(-np.clip(z, -50.0, 50.0)))


def epanechnikov(distances: np.ndarray, bandwidth: float) -> np.ndarray:
    """Weights ``1 - (d / h)^2``, zero beyond ``h``."""
    if bandwidth <= 0:
        return np.ones_like(distances, dtype=float)
    return np.clip(1.0 - (np.asarray(distances, float) / bandwidth) ** 2, 0.0, None)


def scaled_distances(statistics: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Euclidean distance of each row's statistics from the observed ones, each scaled.

    Each statistic's gap ``|s - observed|`` is divided by its median absolute deviation
    over the table (its standard deviation when the MAD is zero); a gap that could not
    be computed (NaN) counts as the table's worst, never as a perfect fit. The same
    distance as :func:`coalition_sim.calibration.abc.distances`, for any statistics; a
    statistic whose observed value is unknown (NaN: a pseudo-observed data set with no
    state of one class has no AUC) is left out.
    """
    gaps = []
    for column, target in zip(np.asarray(statistics, float).T, observed, strict=True):
        if np.isnan(target):
            continue
        gap = np.abs(column - target)
        worst = np.nanmax(gap) if np.isfinite(gap).any() else 1.0
        gap = np.where(np.isnan(gap), worst, gap)
        spread = np.median(np.abs(gap - np.median(gap)))
        gaps.append(gap / (spread if spread > 0 else max(gap.std(), 1e-12)))
    return np.sqrt(np.sum(np.square(gaps), axis=0))


@dataclass(frozen=True)
class Posterior:
    """A weighted sample of parameter sets (rows), one column per parameter."""

    names: tuple[str, ...]
    values: np.ndarray  # (sets, parameters)
    weights: np.ndarray  # (sets,), summing to one

    def quantiles(self, q: Sequence[float]) -> np.ndarray:
        """Weighted quantiles, one row per ``q``, one column per parameter."""
        out = np.empty((len(q), self.values.shape[1]))
        for j in range(self.values.shape[1]):
            out[:, j] = weighted_quantiles(self.values[:, j], self.weights, q)
        return out

    def median(self) -> dict[str, float]:
        """The weighted median of each parameter."""
        return dict(zip(self.names, self.quantiles([0.5])[0].tolist(), strict=True))

    def interval(self, level: float = 0.9) -> np.ndarray:
        """The central ``level`` interval of each parameter: two rows, low and high."""
        tail = (1 - level) / 2
        return self.quantiles([tail, 1 - tail])

    def sd(self) -> np.ndarray:
        """The weighted standard deviation of each parameter."""
        mean = self.weights @ self.values
        return np.sqrt(self.weights @ (self.values - mean) ** 2)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """Quantiles of a weighted sample: the inverse of its piecewise-linear CDF.

    Each point sits at the middle of its own weight (the Hazen plotting position), so
    with equal weights this is the ordinary quantile of ``n`` points up to the ends.
    """
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    keep = w > 0
    v, w = v[keep], w[keep]
    cumulative = (np.cumsum(w) - w / 2) / w.sum()
    return np.interp(q, cumulative, v)


def nearest(distances: np.ndarray, keep: int) -> np.ndarray:
    """Rows of the ``keep`` smallest distances, nearest first (ties by row: stable)."""
    return np.argsort(distances, kind="stable")[:keep]


def rejection(
    names: Sequence[str], values: np.ndarray, distances: np.ndarray, keep: int
) -> Posterior:
    """Plain rejection ABC: the ``keep`` nearest sets, equally weighted."""
    rows = nearest(distances, keep)
    return Posterior(tuple(names), np.asarray(values, float)[rows], np.full(len(rows), 1 / keep))


def regression_adjust(
    names: Sequence[str],
    values: np.ndarray,
    statistics: np.ndarray,
    observed: np.ndarray,
    distances: np.ndarray,
    bounds: np.ndarray,
) -> Posterior:
    """Local-linear regression adjustment of accepted sets (see the module docstring).

    ``values`` (sets x parameters), ``statistics`` (sets x statistics) and ``distances``
    are those of the accepted sets alone; ``observed`` the observed statistics and
    ``bounds`` each parameter's prior (parameters x 2). The bandwidth is the largest
    accepted distance, so the farthest set gets weight zero (as in Beaumont et al.). A
    statistic not computed for some accepted set (NaN), or constant over them, is left
    out of the regression. Weighted least squares of the logits on ``[1, s - observed]``;
    each set is moved by ``-(s - observed) beta``.
    """
    values = np.asarray(values, float)
    stats = np.asarray(statistics, float)
    bounds = np.asarray(bounds, float)
    low, high = bounds[:, 0], bounds[:, 1]
    weights = epanechnikov(distances, float(np.max(distances)))
    if weights.sum() <= 0:
        weights = np.ones(len(values))
    usable = np.all(np.isfinite(stats), axis=0) & (np.ptp(stats, axis=0) > 0)
    gaps = stats[:, usable] - np.asarray(observed, float)[usable]
    z = to_logit(values, low, high)
    if gaps.shape[1] and np.count_nonzero(weights) > gaps.shape[1] + 1:
        scale = gaps.std(axis=0)  # for conditioning only: the fit does not depend on it
        design = np.column_stack([np.ones(len(gaps)), gaps / scale])
        root = np.sqrt(weights)[:, None]
        beta, *_ = np.linalg.lstsq(design * root, z * root, rcond=None)
        z = z - (gaps / scale) @ beta[1:]
    adjusted = from_logit(z, low, high)
    return Posterior(tuple(names), adjusted, weights / weights.sum())
