"""``coalition-sim calibrate``: fit the behavioural parameters to 2014-2025, on the engine."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from coalition_sim.errors import InputError

EPILOG = """\
examples:
  coalition-sim calibrate                           # the stored configuration, about a minute
  coalition-sim calibrate --samples 512 --out cal.json --plot cal.png
  coalition-sim calibrate --check                   # rerun the stored one: same result?

Targets (observed_behaviour.csv): NATO's figures for the European Allies' spending in
2024 and 2025, hindcast from their 2014 burdens under the Wales pledge and a threat
history (Crimea 2014, the full-scale invasion 2022); who took part in the London meeting
of the coalition of the willing (March 2025) and who stayed out; the share of
commitments honoured (0.745, Leeds, Long and Mitchell 2000). Method: rejection ABC over
a Latin hypercube of uniform priors (see coalition_sim/calibration/abc.py). The package
ships the accepted sets in coalition_sim/data/calibration.json; the median of each
fitted parameter is its default. --store replaces that file (for maintainers).
"""


def register(subparsers: Any) -> None:
    """Add the ``calibrate`` subcommand."""
    parser = subparsers.add_parser(
        "calibrate",
        help="fit the behavioural parameters to what states did in 2014-2025 (ABC)",
        description=(
            "Fit the utility weights, application threshold and noise, threat response, "
            "spending ramp, reliability, veto propensity and vote threshold to observed "
            "behaviour, print the goodness of fit and the posterior, and write the "
            "accepted parameter sets."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--samples", type=int, metavar="N", help="parameter sets drawn (default: as stored, 16384)"
    )
    parser.add_argument(
        "--hindcast-reps", type=int, metavar="R", help="hindcast runs a set (default: as stored, 4)"
    )
    parser.add_argument(
        "--join-reps", type=int, metavar="R", help="runs a set at the start (default: as stored, 8)"
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
        help="rerun the stored calibration's settings and compare the accepted sets",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(handler=handle)


def _settings(args: argparse.Namespace, stored: Any) -> dict[str, Any]:
    """The calibration's settings: the options given, else the stored calibration's."""
    settings = {
        "samples": stored.samples if stored else 16384,
        "hindcast_reps": stored.hindcast_reps if stored else 4,
        "join_reps": stored.join_reps if stored else 8,
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
    return settings


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
    settings = _settings(args, stored)
    check_target("--out", args.out)
    check_target("--plot", args.plot)
    bar = None
    if not args.quiet and sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=settings["samples"], unit="set", desc="calibrate", file=sys.stderr)
    try:
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
        same = stored_calibration.same_sets(stored, result)
        print(
            "\ncheck: the stored calibration is reproduced exactly"
            if same
            else "\ncheck: the accepted sets differ from the stored calibration",
        )
        return 0 if same else 1
    return 0
