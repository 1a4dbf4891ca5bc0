"""``coalition-sim validate``: checks of the model, each decided by a rule declared before it runs.

Two kinds (``docs/odd.md``, *Evaluation*):

- **face validity** (:mod:`~coalition_sim.validation.face`): what any defensible model of
  this question must do (balancing, a US withdrawal that matters, admission rules,
  vetoes, proximity, Ukraine's industry, a Morris screen);
- **the experts' balance** (:mod:`~coalition_sim.validation.experts`): the figures of
  the IISS and Bruegel/Kiel the model must come near, with their tolerances.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from coalition_sim.datasets import Dataset, load_dataset
from coalition_sim.parameters import PRESETS, Scenario
from coalition_sim.validation import experts, face
from coalition_sim.validation.common import Check, Context, Result, mean_ci

#: Every check, in the order of the table: face validity, then the experts' balance.
CHECKS: tuple[Check, ...] = (*face.CHECKS, *experts.CHECKS)

__all__ = ["CHECKS", "Check", "Context", "Result", "format_table", "mean_ci",
           "planned_runs", "validate"]  # fmt: skip


def planned_runs(
    *,
    reps: int,
    base: Scenario | None = None,
    dataset: Dataset | None = None,
    only: Sequence[str] | None = None,
) -> dict[str, int]:
    """The engine runs each chosen check makes, counted without building anything."""
    context = Context(dataset or load_dataset(), reps, 0, base or PRESETS["baseline"])
    return {c.name: c.runs(context) for c in CHECKS if not only or c.name in only}


def validate(
    *,
    reps: int = 400,
    seed: int = 1,
    base: Scenario | None = None,
    dataset: Dataset | None = None,
    only: Sequence[str] | None = None,
    progress: Callable[[str], Any] | None = None,
) -> list[Result]:
    """Run the checks (all, or those named in ``only``) and return their results."""
    context = Context(dataset or load_dataset(), reps, seed, base or PRESETS["baseline"])
    results = []
    for check in CHECKS:
        if only and check.name not in only:
            continue
        if progress is not None:
            progress(check.name)
        results.append(check.run(context))
    return results


def format_table(results: Sequence[Result]) -> str:
    """The results as a table: check, estimate with its 95 % interval, verdict, detail."""
    sources = {c.name: c.source for c in CHECKS}
    lines = [f"{'check':<24} {'estimate':>10} {'95 % interval':>22}  verdict"]
    for r in results:
        interval = "" if math.isnan(r.low) else f"[{r.low:+.3f}, {r.high:+.3f}]"
        lines.append(
            f"{r.name:<24} {r.estimate:>+10.3f} {interval:>22}  {'pass' if r.passed else 'FAIL'}"
        )
        lines.append(f"    {r.claim}")
        lines.append(f"    rule: {r.rule}; {r.detail}")
        if sources.get(r.name):
            lines.append(f"    source: {sources[r.name]}")
    failed = sum(not r.passed for r in results)
    lines.append(f"\n{len(results) - failed} of {len(results)} checks pass")
    return "\n".join(lines)
