"""Is the posterior the data's or the seed's? Two calibrations with different seeds compared.

A rerun with another seed draws another Latin hypercube and other runs; a posterior
that reflects the data, not luck, comes out the same. The criterion (issue 19):

- **medians**: each parameter's posterior median moves by at most 5 % of its prior's
  range;
- **overlap of the accepted mass**: for each parameter, the two posteriors' histograms on
  the same :data:`BINS` equal bins over the prior range share at least 90 % of their
  mass (the overlap coefficient, the sum over the bins of the smaller of the two
  shares: 1 for identical histograms, 0 for disjoint ones); the criterion takes the
  smallest over the parameters.

Both are computed for each method (plain rejection and regression-adjusted; the
regression's weights count). Even two samples of one distribution overlap less than
fully: with ``n`` sets a side and ``B`` bins the expected shortfall is about
``sqrt(B / (pi n))`` (0.14 for 164 sets and 10 bins), so the criterion needs a few
hundred accepted sets or more at any seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coalition_sim.calibration.adjust import Posterior

#: Equal bins over each prior's range on which the overlap is measured.
BINS = 10
#: The criterion: medians within this share of the prior's range, overlap at least this.
MEDIAN_SHIFT = 0.05
OVERLAP = 0.90


def histogram(posterior: Posterior, column: int, low: float, high: float) -> np.ndarray:
    """The posterior mass in each of :data:`BINS` equal bins over ``[low, high]``."""
    counts, _ = np.histogram(
        posterior.values[:, column], bins=BINS, range=(low, high), weights=posterior.weights
    )
    return counts / counts.sum()


def overlap(one: Posterior, other: Posterior, bounds: np.ndarray) -> np.ndarray:
    """The overlap coefficient of the two posteriors' histograms, per parameter."""
    return np.array(
        [
            np.minimum(histogram(one, j, lo, hi), histogram(other, j, lo, hi)).sum()
            for j, (lo, hi) in enumerate(np.asarray(bounds, float))
        ]
    )


@dataclass(frozen=True)
class Stability:
    """Two posteriors compared by the criterion of the module docstring."""

    names: tuple[str, ...]
    shift: np.ndarray  # |median difference| / prior range, per parameter
    overlap: np.ndarray  # per parameter

    @property
    def passes(self) -> bool:
        """Medians within :data:`MEDIAN_SHIFT` and overlap at least :data:`OVERLAP`."""
        return bool(self.shift.max() <= MEDIAN_SHIFT and self.overlap.min() >= OVERLAP)

    def worst(self) -> str:
        """The largest shift and the smallest overlap, with their parameters."""
        i, j = int(np.argmax(self.shift)), int(np.argmin(self.overlap))
        return (
            f"largest median shift {self.shift[i]:.3f} of the prior range (`{self.names[i]}`), "
            f"smallest overlap {self.overlap[j]:.2f} (`{self.names[j]}`)"
        )


def compare(one: Posterior, other: Posterior, bounds: np.ndarray) -> Stability:
    """Compare two posteriors of the same parameters (see the module docstring)."""
    if one.names != other.names:
        raise ValueError(f"different parameters: {one.names} and {other.names}")
    bounds = np.asarray(bounds, float)
    span = bounds[:, 1] - bounds[:, 0]
    a = np.array(list(one.median().values()))
    b = np.array(list(other.median().values()))
    return Stability(one.names, np.abs(a - b) / span, overlap(one, other, bounds))


def table(results: dict[str, Stability]) -> str:
    """The comparison per parameter and method, as a Markdown table."""
    methods = list(results)
    names = results[methods[0]].names
    head = " | ".join(f"{m}: median shift / overlap" for m in methods)
    lines = [f"| parameter | {head} |", "|---|" + "---|" * len(methods)]
    for j, name in enumerate(names):
        cells = [f"{results[m].shift[j]:.3f} / {results[m].overlap[j]:.2f}" for m in methods]
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    verdicts = "; ".join(
        f"{m}: {'passes' if r.passes else 'fails'} ({r.worst()})" for m, r in results.items()
    )
    lines.append(
        f"\nCriterion: every median within {MEDIAN_SHIFT:.2f} of its prior's range and every "
        f"overlap at least {OVERLAP:.2f} ({BINS} bins over the prior). {verdicts}."
    )
    return "\n".join(lines)
