"""``coalition-sim calibrate``: fit the behavioural parameters to 2014-2025, on the engine."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from coalition_sim.errors import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_RUNS_FAILED,
    InputError,
)

EPILOG = """\
examples:
  coalition-sim calibrate                           # the stored configuration, about two minutes
  coalition-sim calibrate --samples 512 --out cal.json --plot cal.png
  coalition-sim calibrate --check                   # rerun the stored one: same result?
  coalition-sim calibrate --holdout                 # out of sample, against baselines
  coalition-sim calibrate --coverage 200            # 90 % intervals on 200 known answers
  coalition-sim calibrate --stability 2027          # the posterior with another seed

Targets: NATO's yearly figures for the European Allies' spending, 2015-2021 and
2022-2025 (nato_spending_series.csv), hindcast from their 2014 burdens under the Wales
pledge and a threat history (Crimea 2014, the full-scale invasion 2022); who took part
in the coalition of the willing's four leaders' meetings, March 2025 to January 2026
(coalition_meetings.csv); the share of commitments honoured (0.745, Leeds, Long and
Mitchell 2000). Method: rejection ABC over
a Latin hypercube of uniform priors (see coalition_sim/calibration/abc.py). The package
ships the accepted sets in coalition_sim/data/calibration.json; the median of each
fitted parameter is its default. --store replaces that file (for maintainers).

--check reruns the stored settings and compares: the accepted sets' ids (rows of the
Latin hypercube) and their order exactly; floating-point numbers (parameter values,
distances, statistics, fit) within 1e-9 relative plus 1e-12 absolute, since numpy and
scipy do not promise the same last digits across versions (a fresh install changed
distances by 3.6e-15). Every result records the versions of Python, coalition-sim,
numpy, pandas, scipy and SALib that produced it. A design is counted before it is run:
more than --max-runs runs (sets x (hindcast + join runs)) is refused with its size.

--holdout runs the same design and prints, for the model and two baselines (the rule
max(2014 burden, 2 %) + 1.5 x proximity, and a least-squares regression on proximity and
the 2014 burden; alignment alone for taking part), the fit in sample, out of sample
(fitted to 2015-2021, scored on 2022-2025 and the meetings) and leaving each country
out (see coalition_sim/calibration/holdout.py). It writes nothing.

--coverage N draws N parameter sets from the priors, runs each once as if it were the
observed data, calibrates on it with the same reference table and acceptance, and
prints how often each parameter's 90 % interval covers its true value, for plain
rejection and for regression-adjusted ABC (Beaumont et al. 2002); --stability SEED
reruns the calibration with another seed and compares the posteriors (see
docs/calibration.md). Both use the settings given, else the stored ones.
"""

#: Default of --max-runs: about eight times the stored calibration (131,072 sets x 2 runs,
#: about two minutes on two cores); a million sets' statistics alone take gigabytes of
#: memory.
DEFAULT_MAX_RUNS = 2_000_000
#: Most runs of one parameter set: a set's runs go through the engine as one batch.
MAX_REPS = 4096

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = (
    EXIT_OK,
    EXIT_RUNS_FAILED,
    EXIT_BAD_INPUT,
    EXIT_OUTPUT,
    EXIT_INTERRUPTED,
)


def register(subparsers: Any) -> None:
    """Add the ``calibrate`` subcommand."""
    parser = subparsers.add_parser(
        "calibrate",
        help="fit the behavioural parameters to what states did in 2014-2025 (ABC)",
        description=(
            "Fit the utility weights, application threshold and noise, threat response, "
            "spending ramp, commitment keeping, veto propensity and vote threshold to observed "
            "behaviour, print the goodness of fit and the posterior, and write the "
            "accepted parameter sets."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--samples", type=int, metavar="N", help="parameter sets drawn (default: as stored, 131072)"
    )
    parser.add_argument(
        "--hindcast-reps", type=int, metavar="R", help="hindcast runs a set (default: as stored, 1)"
    )
    parser.add_argument(
        "--join-reps", type=int, metavar="R", help="runs a set at the start (default: as stored, 1)"
    )
    parser.add_argument(
        "--accept",
        type=float,
        metavar="SHARE",
        help="share of the sets accepted, 0 to 1 (default: as stored, 0.01)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        metavar="S",
        help="seed of the design and the runs (default: as stored, 2026)",
    )
    parser.add_argument("--out", type=Path, metavar="FILE.json", help="write the result here")
    parser.add_argument("--plot", type=Path, metavar="FILE.png", help="draw the fit here")
    parser.add_argument(
        "--store",
        action="store_true",
        help="replace the package's calibration (coalition_sim/data/calibration.json)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="rerun the stored calibration's settings and compare: accepted ids exactly, "
        "numbers within 1e-9 relative plus 1e-12 absolute; exit 1 when they differ",
    )
    parser.add_argument(
        "--holdout",
        action="store_true",
        help="print the fit in sample, out of sample (fitted to 2015-2021) and leaving each "
        "country out, for the model and two baselines; writes nothing",
    )
    parser.add_argument(
        "--coverage",
        type=int,
        metavar="N",
        help="check the method on N known answers (simulation-based calibration): print "
        "how often each parameter's 90 %% interval covers the truth, for rejection and "
        "regression-adjusted ABC (N >= 100 for the issue's criterion)",
    )
    parser.add_argument(
        "--stability",
        type=int,
        metavar="SEED",
        help="rerun the calibration with seed SEED and compare the posteriors: medians "
        "within 5 %% of each prior's range, overlap of the accepted mass at least 0.90; "
        "exit 1 when the accepted sets' (rejection) posteriors differ more",
    )
    parser.add_argument(
        "--max-runs",
        type=int,
        default=DEFAULT_MAX_RUNS,
        metavar="N",
        help=f"refuse a calibration of more runs than this (default {DEFAULT_MAX_RUNS:,})",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=handle)


def _settings(args: argparse.Namespace, stored: Any) -> dict[str, Any]:
    """The calibration's settings: the options given, else the stored calibration's."""
    settings = {
        "samples": stored.samples if stored else 131072,
        "hindcast_reps": stored.hindcast_reps if stored else 1,
        "join_reps": stored.join_reps if stored else 1,
        "accept": stored.accept if stored else 0.01,
        "seed": stored.seed if stored else 2026,
    }
    for name in settings:
        value = getattr(args, name)
        if value is not None:
            settings[name] = value
    for name in ("samples", "hindcast_reps", "join_reps"):
        if settings[name] < 1:
            raise InputError(f"--{name.replace('_', '-')}: {settings[name]} must be >= 1")
    if not 0 < settings["accept"] <= 1:
        raise InputError(f"--accept: {settings['accept']:g} must be in (0, 1]")
    if settings["seed"] < 0:
        raise InputError(f"--seed: {settings['seed']} must be >= 0")
    for name in ("hindcast_reps", "join_reps"):
        if settings[name] > MAX_REPS:
            raise InputError(
                f"--{name.replace('_', '-')}: {settings[name]:,} is more than {MAX_REPS:,} "
                "(a set's runs are one batch in memory); use more --samples instead"
            )
    return settings


def check_size(settings: dict[str, Any], max_runs: int) -> int:
    """Count the runs (sets x runs per set) before anything is built; refuse too many."""
    if max_runs < 1:
        raise InputError(f"--max-runs: {max_runs} must be >= 1")
    per_set = settings["hindcast_reps"] + settings["join_reps"]
    total = settings["samples"] * per_set
    if total > max_runs:
        raise InputError(
            f"the calibration has {total:,} runs ({settings['samples']:,} sets x {per_set} "
            f"runs), more than --max-runs {max_runs:,}; lower --samples or the runs a set, "
            "or raise --max-runs"
        )
    return total


def handle(args: argparse.Namespace) -> int:
    """Run the calibration; print the fit; write what was asked for."""
    from coalition_sim.calibration import stored as stored_calibration
    from coalition_sim.calibration.abc import calibrate
    from coalition_sim.calibration.report import format_report, plot
    from coalition_sim.cli.common import check_target

    stored = stored_calibration.load()
    if args.check and stored is None:
        raise InputError("--check: the package holds no stored calibration to check")
    if args.check and any(
        getattr(args, n) is not None
        for n in ("samples", "hindcast_reps", "join_reps", "accept", "seed")
    ):
        raise InputError("--check: reruns the stored settings; give no other settings")
    if args.holdout:
        given = [n for n in ("check", "store", "out", "plot") if getattr(args, n)]
        if given:
            raise InputError(f"--holdout: prints its table and writes nothing; drop --{given[0]}")
        if args.coverage is not None or args.stability is not None:
            raise InputError("--holdout: runs alone; give --coverage or --stability separately")
    settings = _settings(args, stored)
    check_size(settings, args.max_runs)
    if args.coverage is not None or args.stability is not None:
        from coalition_sim.cli.calibrate_checks import run_checks

        return run_checks(args, settings, stored)
    check_target("--out", args.out)
    check_target("--plot", args.plot)
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=settings["samples"], unit="set", desc="calibrate", file=sys.stderr)
    try:
        if args.holdout:
            from coalition_sim.calibration import holdout
            from coalition_sim.calibration.report import format_holdout

            print(format_holdout(holdout.run(progress=bar.update if bar else None, **settings)))
            return 0
        result = calibrate(progress=bar.update if bar else None, **settings)
    finally:
        if bar is not None:
            bar.close()
    print(format_report(result))
    if args.out is not None:
        stored_calibration.write(result, args.out)
        print(f"\nwritten: {args.out}")
    if args.plot is not None:
        plot(result, args.plot)
        print(f"figure: {args.plot}")
    if args.store:
        path = stored_calibration.write(result, stored_calibration.PATH)
        print(f"stored: {path} (the defaults of the fitted parameters change with it)")
    if args.check:
        from coalition_sim.calibration.check import compare, describe_versions

        comparison = compare(stored, result)
        print("\n" + comparison.summary(len(stored.accepted)))
        print(f"  stored: {describe_versions(stored.provenance)}")
        print(f"  rerun:  {describe_versions(result.provenance)}")
        return 0 if comparison.reproduced else 1
    return 0
