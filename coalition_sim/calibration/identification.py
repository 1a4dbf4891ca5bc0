"""Which parameters the data pin, and which verdicts hang on the ones they do not.

Two numbers per fitted parameter:

- **spread**: the posterior's standard deviation over the prior's (a uniform prior's is
  its range over the square root of 12). Near 1 the data say nothing about the
  parameter; the posterior is its prior.
- **verdicts moved**: the hypotheses' rules (:mod:`coalition_sim.hypotheses`) are decided
  over the calibrated sets; cut those sets at the parameter's posterior median and
  decide each rule in each half. A rule moves with the parameter when the two halves
  give different verdicts and the shares of sets in which it holds differ by more than
  chance (a two-proportion test at :data:`LEVEL`, Bonferroni-corrected over the
  parameters). Such a rule's verdict is as uncertain as the parameter is.

Cheap: it reads the rules' per-set results, which the experiments compute anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from coalition_sim.calibration.adjust import Posterior

if TYPE_CHECKING:  # pragma: no cover  (the hypotheses sit above the calibration)
    from coalition_sim.hypotheses import Evaluation, RuleResult

#: Two-sided level of the test that the halves' shares differ, before the correction.
LEVEL = 0.05
#: Spread above which a parameter counts as not pinned by the data.
NOT_PINNED = 0.8


@dataclass(frozen=True)
class Moved:
    """A rule whose verdict differs between the sets below and above a parameter's median."""

    rule: str  # "H1 rule 2 (members at the end)"
    below: tuple[str, float]  # verdict and share of sets where the rule holds, lower half
    above: tuple[str, float]

    def text(self) -> str:
        """The move in words."""
        return (
            f"{self.rule}: {self.below[0]} below the median (holds in "
            f"{self.below[1] * 100:.0f} % of the sets), {self.above[0]} above "
            f"({self.above[1] * 100:.0f} %)"
        )


@dataclass(frozen=True)
class Row:
    """The identification of one parameter."""

    name: str
    spread: dict[str, float]  # method -> posterior sd / prior sd
    median: float
    moved: tuple[Moved, ...]


def spread(posterior: Posterior, bounds: np.ndarray) -> np.ndarray:
    """Posterior sd over the uniform prior's sd, per parameter."""
    bounds = np.asarray(bounds, float)
    return posterior.sd() / ((bounds[:, 1] - bounds[:, 0]) / np.sqrt(12.0))


def _subset(result: RuleResult, rows: np.ndarray) -> RuleResult:
    return replace(
        result,
        effects=result.effects[rows],
        holds=result.holds[rows],
        opposite=result.opposite[rows],
    )


def moved_rules(
    evaluations: Sequence[Evaluation],
    values: np.ndarray,
    median: float,
    tests: int,
) -> tuple[Moved, ...]:
    """The rules whose verdicts differ, beyond chance, between the halves at ``median``."""
    from scipy.stats import norm

    bound = float(norm.ppf(1.0 - LEVEL / (2 * max(tests, 1))))
    below, above = values <= median, values > median
    if not below.any() or not above.any():  # the parameter does not vary over the sets
        return ()
    found = []
    for e in evaluations:
        for i, result in enumerate(e.rules, start=1):
            low, high = _subset(result, below), _subset(result, above)
            if low.verdict == high.verdict:
                continue
            p1, p2 = float(low.holds.mean()), float(high.holds.mean())
            q1, q2 = float(low.opposite.mean()), float(high.opposite.mean())
            n1, n2 = int(below.sum()), int(above.sum())
            if _differs(p1, p2, n1, n2, bound) or _differs(q1, q2, n1, n2, bound):
                name = f"{e.hypothesis.key.upper()} rule {i} ({_metric_words(result.rule.metric)})"
                found.append(
                    Moved(
                        name,
                        (low.verdict, p1),
                        (high.verdict, p2),
                    )
                )
    return tuple(found)


def _metric_words(name: str) -> str:
    from coalition_sim.outcomes import measure

    found = measure(name)
    return found.label if found is not None else name


def _differs(p1: float, p2: float, n1: int, n2: int, bound: float) -> bool:
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    sd = np.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / n1 + 1 / n2))
    return abs(p1 - p2) / sd > bound


def identify(
    posteriors: Mapping[str, Posterior],
    bounds: np.ndarray,
    evaluations: Sequence[Evaluation],
    sets: Sequence[Mapping[str, float]],
) -> list[Row]:
    """One :class:`Row` per parameter of the posteriors.

    ``sets`` are the parameter sets the evaluations ran on, in their order; a parameter
    they do not hold (the hindcast's threat history) moves no verdict by construction.
    """
    methods = list(posteriors)
    names = posteriors[methods[0]].names
    spreads = {m: spread(p, bounds) for m, p in posteriors.items()}
    tested = [n for n in names if sets and all(n in s for s in sets)]
    rows = []
    for j, name in enumerate(names):
        median = posteriors[methods[0]].median()[name]
        moved: tuple[Moved, ...] = ()
        if name in tested:
            values = np.array([s[name] for s in sets], dtype=float)
            moved = moved_rules(evaluations, values, float(np.median(values)), len(tested))
        rows.append(Row(name, {m: float(spreads[m][j]) for m in methods}, median, moved))
    return rows


def table(rows: Sequence[Row], used: Sequence[str]) -> str:
    """The identification report as a Markdown table."""
    methods = list(rows[0].spread)
    head = " | ".join(f"sd / prior sd, {m}" for m in methods)
    lines = [
        f"| parameter | {head} | verdicts that move over its posterior |",
        "|---|" + "---|" * len(methods) + "---|",
    ]
    for row in rows:
        spreads = " | ".join(f"{row.spread[m]:.2f}" for m in methods)
        if row.name not in used:
            moved = "(not a parameter of the experiments)"
        elif row.moved:
            moved = "; ".join(m.text() for m in row.moved)
        else:
            moved = "none"
        lines.append(f"| `{row.name}` | {spreads} | {moved} |")
    return "\n".join(lines)


def not_pinned(rows: Sequence[Row], method: str = "regression") -> list[Row]:
    """The parameters whose posterior spread is above :data:`NOT_PINNED` of the prior's."""
    return [r for r in rows if r.spread[method] > NOT_PINNED]
