"""Simulation-based calibration: whether the posterior intervals cover known answers.

Draw parameter sets from the prior (the *truths*), simulate one data set from each as if
it had been observed, calibrate on it with the same reference table and the same
acceptance as the real calibration, and count how often each parameter's 90 % posterior
interval holds its true value. A method that is right about its own uncertainty covers
in about 90 % of the cases (Cook, Gelman and Rubin 2006; Talts et al. 2018): much less
means the intervals are too narrow, much more that they are too wide.

:func:`coverage` is the check, for any model: it asks a function for the reference
table's statistics and the observed ones of each truth;
:func:`coalition_sim.calibration.reference.engine_coverage` gives it the engine's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from coalition_sim.calibration.adjust import (
    Posterior,
    nearest,
    regression_adjust,
    rejection,
    scaled_distances,
)

#: The methods compared, in the order the table shows them.
METHODS = ("rejection", "regression")
#: The share of the cases an interval should cover, and the band the issue accepts.
LEVEL = 0.9
TARGET_BAND = (0.85, 0.95)


@dataclass(frozen=True)
class Coverage:
    """How often each method's interval covered each parameter's true value."""

    names: tuple[str, ...]
    cases: int
    level: float
    covered: dict[str, np.ndarray]  # method -> cases covered, per parameter
    # method -> mean interval width over the prior range, per parameter
    width: dict[str, np.ndarray] = field(default_factory=dict)

    def share(self, method: str) -> np.ndarray:
        """The share of the cases covered, per parameter."""
        return self.covered[method] / self.cases

    def binomial_band(self) -> tuple[float, float]:
        """Where 95 % of the shares fall when the true coverage is exactly ``level``.

        The normal approximation, cut to [0, 1]: a share is never above one.
        """
        half = 1.96 * np.sqrt(self.level * (1 - self.level) / self.cases)
        return max(0.0, self.level - half), min(1.0, self.level + half)

    def table(self) -> str:
        """The coverage per parameter and method, as a Markdown table."""
        low, high = TARGET_BAND
        head = " | ".join(f"{m}: covered (interval / prior)" for m in METHODS)
        lines = [f"| parameter | {head} |", "|---|" + "---|" * len(METHODS)]
        for j, name in enumerate(self.names):
            cells = []
            for method in METHODS:
                share = self.share(method)[j]
                mark = "" if low <= share <= high else " *"
                width = self.width[method][j] if method in self.width else float("nan")
                cells.append(f"{share * 100:.0f} %{mark} ({width:.2f})")
            lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
        summary = []
        for method in METHODS:
            shares = self.share(method)
            inside = int(np.sum((shares >= low) & (shares <= high)))
            summary.append(
                f"{method}: mean {shares.mean() * 100:.1f} %, {inside} of {len(shares)} "
                f"in {_band(low, high)}"
            )
        lo, hi = self.binomial_band()
        lines.append(
            f"\n{self.cases} pseudo-observed data sets, {self.level * 100:.0f} % intervals; "
            f"{'; '.join(summary)}. * outside {_band(low, high)}; with exact intervals, "
            f"95 % of the shares would fall in {_band(lo, hi)} by chance alone."
        )
        return "\n".join(lines)


def _band(low: float, high: float) -> str:
    return f"{low * 100:.0f}-{high * 100:.0f} %"


def posteriors(
    names: Sequence[str],
    values: np.ndarray,
    statistics: np.ndarray,
    observed: np.ndarray,
    bounds: np.ndarray,
    keep: int,
) -> dict[str, Posterior]:
    """Both methods' posteriors for one observed data set from one reference table."""
    distance = scaled_distances(statistics, observed)
    rows = nearest(distance, keep)
    return {
        "rejection": rejection(names, values, distance, keep),
        "regression": regression_adjust(
            names, values[rows], statistics[rows], observed, distance[rows], bounds
        ),
    }


def coverage(
    names: Sequence[str],
    values: np.ndarray,
    bounds: np.ndarray,
    truths: np.ndarray,
    observe: Callable[[int], tuple[np.ndarray, np.ndarray]],
    *,
    keep: int,
    level: float = LEVEL,
    progress: Callable[[int], object] | None = None,
) -> Coverage:
    """Count the cases whose posterior interval covers the truth, per parameter.

    ``values`` is the reference table's parameter sets (sets x parameters), ``truths``
    the true sets of the cases (cases x parameters, drawn from the prior and simulated
    apart from the table), ``observe(case)`` returns the table's statistics and the
    case's observed statistics (they may depend on the case: a statistic such as a rank
    correlation with the data is computed against each case's data).
    """
    bounds = np.asarray(bounds, float)
    spans = bounds[:, 1] - bounds[:, 0]
    covered = {m: np.zeros(len(names), int) for m in METHODS}
    width = {m: np.zeros(len(names)) for m in METHODS}
    for case, truth in enumerate(np.asarray(truths, float)):
        statistics, observed = observe(case)
        for method, posterior in posteriors(
            names, values, statistics, observed, bounds, keep
        ).items():
            low, high = posterior.interval(level)
            covered[method] += (low <= truth) & (truth <= high)
            width[method] += (high - low) / spans
        if progress is not None:
            progress(1)
    cases = len(truths)
    return Coverage(
        tuple(names), cases, level, covered, {m: w / max(cases, 1) for m, w in width.items()}
    )
