"""``calibrate --coverage N`` and ``calibrate --stability SEED``: checks of the method."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from coalition_sim.errors import InputError

#: Fewest cases of the coverage check the issue accepts (a share's sd is 3 points at 100).
FEWEST_CASES = 100
#: Most cases: each is one calibration on the table (milliseconds), but its runs add up.
MOST_CASES = 100_000


def _bar(total: int, desc: str, quiet: bool):
    if quiet or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="set", desc=desc, file=sys.stderr)


def run_checks(args: argparse.Namespace, settings: dict[str, Any], stored: Any) -> int:
    """Run the checks asked for, print their tables; 1 when stability fails."""
    if args.check or args.store or args.out or args.plot:
        raise InputError(
            "--coverage and --stability print a check; give no --check, --store, --out or "
            "--plot with them"
        )
    if args.coverage is not None and not 1 <= args.coverage <= MOST_CASES:
        raise InputError(f"--coverage: {args.coverage} must be between 1 and {MOST_CASES:,}")
    if args.stability is not None and args.stability < 0:
        raise InputError(f"--stability: {args.stability} must be >= 0")
    if args.stability == settings["seed"]:
        raise InputError(
            f"--stability: {args.stability} is the calibration's own seed; give another"
        )
    per_set = settings["hindcast_reps"] + settings["join_reps"]
    runs = settings["samples"] * per_set * (1 if args.stability is None else 2)
    runs += 2 * (args.coverage or 0)
    if runs > args.max_runs:
        raise InputError(
            f"the checks have {runs:,} runs, more than --max-runs {args.max_runs:,}; lower "
            "--samples or --coverage, or raise --max-runs"
        )
    code = 0
    if args.coverage is not None:
        code = max(code, coverage(args, settings))
    if args.stability is not None:
        code = max(code, stability(args, settings, stored))
    return code


def coverage(args: argparse.Namespace, settings: dict[str, Any]) -> int:
    """Print the coverage table of both methods."""
    from coalition_sim.calibration import reference

    bar = _bar(settings["samples"], "reference table", args.quiet)
    try:
        result, seconds = reference.engine_coverage(
            args.coverage,
            progress=bar.update if bar else None,
            **settings,
        )
    finally:
        if bar is not None:
            bar.close()
    print(
        f"coverage: {args.coverage} parameter sets from the priors, each run once as the "
        f"observed data and calibrated on a table of {settings['samples']} sets (seed "
        f"{settings['seed']}, {settings['hindcast_reps']} hindcast and "
        f"{settings['join_reps']} join runs a set, {settings['accept']:g} accepted)\n"
    )
    print(result.table())
    if args.coverage < FEWEST_CASES:
        print(f"\n(fewer than {FEWEST_CASES} cases: too few to judge 85-95 %)")
    print(
        f"\ntime: table {seconds['table']:.0f} s, cases {seconds['cases']:.0f} s, "
        f"all {seconds['total']:.0f} s"
    )
    return 0


def stability(args: argparse.Namespace, settings: dict[str, Any], stored: Any) -> int:
    """Compare the posterior of the settings' seed with that of ``--stability SEED``."""
    from coalition_sim.calibration import reference
    from coalition_sim.calibration import stability as stab
    from coalition_sim.calibration.abc import calibrate

    def run(seed: int):
        same = stored is not None and all(
            getattr(stored, k) == v for k, v in {**settings, "seed": seed}.items()
        )
        if same:
            return stored
        bar = _bar(settings["samples"], f"calibrate seed {seed}", args.quiet)
        try:
            return calibrate(progress=bar.update if bar else None, **{**settings, "seed": seed})
        finally:
            if bar is not None:
                bar.close()

    one, other = run(settings["seed"]), run(args.stability)
    first, second = reference.stored_posteriors(one), reference.stored_posteriors(other)
    results = {
        method: stab.compare(first[method], second[method], reference.bounds()) for method in first
    }
    print(
        f"stability: seed {settings['seed']} against seed {args.stability}, "
        f"{settings['samples']} sets, {len(one.accepted)} accepted each\n"
    )
    print(stab.table(results))
    seconds = [r.provenance.get("seconds") for r in (one, other)]
    print(f"\ntime of each calibration: {seconds[0]} s and {seconds[1]} s")
    # the calibration's method is rejection; the adjusted posterior is shown for comparison
    return 0 if results["rejection"].passes else 1
