"""A single run through ``CoalitionModel`` against the pre-engine model, both measured now.

The pre-engine model (commit ``bdfe2e6`` by default, ``--anchor REV``) is checked out
into a temporary git worktree and timed in a subprocess with that checkout first on
``PYTHONPATH``, interleaved with this checkout, so both meet the same load on the
machine. Each side builds and steps ``CoalitionModel`` for the baseline scenario, 40
quarters, ``collect_states=False`` and then ``True``; figures are milliseconds per step
including the model's set-up (the best of ``--trials`` rounds of ``--runs`` runs, in CPU
time of the subprocess). The anchor is a fixed revision, so a slower change on this side
cannot make the ratio look better.

The two models are not the same model: this one carries forces (stocks, pipelines,
crews, enablers, Russia's forces, Ukraine's industry) that the anchor did not have. The
ratio says what a single run costs now, not what the engine's overhead is; the engine's
own cost per run-step is in ``benchmarks/step.py``.

    python benchmarks/single.py [--anchor bdfe2e6] [--runs 30] [--trials 3]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from anchor import PRE_ENGINE, REPO, checkout, model_loop


def measure(folder: Path, runs: int, trials: int) -> dict[str, float]:
    """Milliseconds per step of ``CoalitionModel`` in ``folder``, by ``collect_states``."""
    return {key: timing["ms_per_step"] for key, timing in model_loop(folder, runs, trials).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anchor", default=PRE_ENGINE, help="git revision of the anchor")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    with checkout(args.anchor) as anchor:
        then = measure(anchor, args.runs, args.trials)
        now = measure(REPO, args.runs, args.trials)
    print(f"CoalitionModel, baseline, 40 quarters, ms per step incl. set-up ({args.runs} runs)")
    header = f"{'collect_states':>15} {'anchor ' + args.anchor:>16} {'this checkout':>14}"
    print(f"{header} {'ratio':>7}")
    for key in ("False", "True"):
        print(f"{key:>15} {then[key]:16.3f} {now[key]:14.3f} {now[key] / then[key]:7.2f}")
    print("goal (issue 17): at most 0.2 ms a step with collect_states=False")
    print(f"ratio: {now['False'] / then['False']:.2f}")


if __name__ == "__main__":
    main()
