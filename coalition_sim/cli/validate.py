"""``coalition-sim validate``: checks of face validity and against the experts' balance."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from coalition_sim.cli.common import add_data_options, load_data
from coalition_sim.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_RUNS_FAILED

EPILOG = """\
examples:
  coalition-sim validate                       # every check on the calibrated defaults
  coalition-sim validate --reps 1000 --seed 7
  coalition-sim validate --check "US withdrawal" --check "unanimity vs qmv"
  coalition-sim validate --scenario my.toml    # the checks on another base scenario

Each check compares paired settings on the same seeds, estimates one effect with a 95 %
interval and passes or fails by the rule printed beside it (declared in
coalition_sim/validation/ before it is run); the checks of the military balance name the
expert figure (IISS, Bruegel/Kiel) they are held to. Exit code 1 when a check fails.
The runs are counted before any is made; more than --max-runs is refused with the
count (at the defaults all checks make about 29,500 runs).
"""

#: Default of --max-runs: a check runs its runs as one batch of about 40 KB a run, so
#: this keeps the largest batch under about 4 GB (a billion replications took 24 GB
#: before the kernel ended it).
DEFAULT_MAX_RUNS = 100_000

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = (
    EXIT_OK,
    EXIT_RUNS_FAILED,
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
)


def register(subparsers: Any) -> None:
    """Add the ``validate`` subcommand."""
    from coalition_sim.validation import CHECKS

    parser = subparsers.add_parser(
        "validate",
        help="checks of the model (face validity, the experts' balance); exit 1 on a failure",
        description=(
            "Run the model's face-validity checks (balancing, US withdrawal, admission rules, "
            "vetoes, proximity, investment in Ukraine, a Morris screen) and its checks "
            "against the experts' balance (spending at PPP, the cost of replacing the US, "
            "parity in years, Ukraine's army) with replications, and print each estimate "
            "with its 95 % interval, the rule, the source and the verdict."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--scenario", default="baseline", metavar="NAME|FILE", help="base scenario (baseline)"
    )
    parser.add_argument("--reps", type=int, default=400, metavar="R", help="runs per setting")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="seed of the runs")
    parser.add_argument(
        "--check",
        action="append",
        default=None,
        metavar="NAME",
        choices=[c.name for c in CHECKS],
        help="run only this check (repeatable): " + "; ".join(c.name for c in CHECKS),
    )
    parser.add_argument(
        "--max-runs",
        type=int,
        default=DEFAULT_MAX_RUNS,
        metavar="N",
        help=f"refuse checks that make more runs than this (default {DEFAULT_MAX_RUNS:,})",
    )
    add_data_options(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run the checks; print the table; exit 1 when one fails."""
    from coalition_sim.errors import InputError
    from coalition_sim.parameters import load_scenario
    from coalition_sim.validation import format_table, planned_runs, validate

    if args.reps < 2:
        raise InputError(f"--reps: {args.reps} must be >= 2 (an interval needs two runs)")
    if args.seed < 0:
        raise InputError(f"--seed: {args.seed} must be >= 0")
    if args.max_runs < 1:
        raise InputError(f"--max-runs: {args.max_runs} must be >= 1")
    base = load_scenario(args.scenario)
    dataset = load_data(args)
    planned = planned_runs(reps=args.reps, base=base, dataset=dataset, only=args.check)
    total = sum(planned.values())
    if total > args.max_runs:
        largest = max(planned, key=planned.__getitem__)
        raise InputError(
            f"the checks make {total:,} runs ({args.reps:,} a setting; the largest, "
            f"'{largest}', {planned[largest]:,}), more than --max-runs {args.max_runs:,}; "
            "lower --reps or raise --max-runs"
        )
    say = (lambda name: print(f"  {name} ...", file=sys.stderr)) if sys.stderr.isatty() else None
    results = validate(
        reps=args.reps, seed=args.seed, base=base, dataset=dataset, only=args.check, progress=say
    )
    print(f"validate: scenario {base.name}, {args.reps} runs per setting, seed {args.seed}\n")
    print(format_table(results))
    return 0 if all(r.passed for r in results) else 1
