"""``coalition-sim discover``: PRIM boxes of parameter values where chosen runs gather."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from coalition_sim.cli.common import (
    READS_A_SWEEP,
    add_plot_option,
    add_sweep_folder,
    add_title_option,
)

EPILOG = """\
examples:
  coalition-sim discover results/lhs --where "first_parity_step.notna()"
  coalition-sim discover results/lhs --where "final_parity >= 1" --plot parity.png
  coalition-sim discover results/lhs --where "vetoes_unreliable > 0" --threshold 0.7
  coalition-sim discover results/lhs --where "final_members >= 20" --box 12 --no-paste

The query is pandas' DataFrame.query syntax over the columns of runs.parquet: the varied
parameters and the outcomes (a name that does not exist gets the list of columns).
first_parity_step is missing when parity was never reached (older sweeps stored -1;
both read as missing), so write "first_parity_step.notna()" for runs that reached
parity, "first_parity_step <= 20" for runs that reached it by quarter 20, or
"parity_reached == 1". Quote names with dots in backticks: "`state.HUN.reliability` < 0.3".
Only successful runs (status ok) take part.

The default box is the first on the peeling trajectory whose density reaches
--threshold: coverage only falls and density only rises along the trajectory, so it is
the box that keeps most cases at that density; later boxes are smaller and fit noise.

Writes DIR/discovery.json (every box of the trajectory, the chosen one, the settings).
Bad input (no such folder, not a sweep, a query pandas cannot evaluate or that selects no
run or every run, a sweep without varied parameters) gives one line on stderr and
nothing written.
"""

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = READS_A_SWEEP


def register(subparsers: Any) -> None:
    """Add the ``discover`` subcommand."""
    parser = subparsers.add_parser(
        "discover",
        help="scenario discovery: boxes of parameter ranges where chosen runs gather (PRIM)",
        description=(
            "Scenario discovery with the patient rule induction method (PRIM; Friedman and "
            "Fisher 1999): under which ranges of the varied parameters (and which values of "
            "the categorical ones) are the runs that match --where concentrated? Prints the "
            "peeling trajectory in brief and the chosen box with its coverage (share of "
            "the matching runs inside it), density (share of its runs that match) and size."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_sweep_folder(parser, "a sweep folder (with runs.parquet)")
    parser.add_argument(
        "--where",
        required=True,
        metavar="QUERY",
        help='pandas query marking the runs of interest, e.g. "final_parity >= 1"',
    )
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.8,
        metavar="D",
        help="choose the first box whose density reaches D (default 0.8)",
    )
    parser.add_argument(
        "--box",
        type=int,
        metavar="K",
        help="choose box K of the trajectory instead (0 = every run)",
    )
    parser.add_argument(
        "--alpha",
        type=float,
        default=0.05,
        help="share of the box's runs one peeling step removes (default 0.05)",
    )
    parser.add_argument(
        "--min-mass",
        type=float,
        default=0.05,
        metavar="M",
        help="smallest share of all runs a box may hold (default 0.05)",
    )
    parser.add_argument(
        "--paste",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="widen the chosen box again while that raises its density (default: on)",
    )
    parser.add_argument(
        "--objective",
        choices=("lenient", "original"),
        default="lenient",
        help="peel the slab that raises the density most per run removed (lenient, "
        "default; fair to categorical parameters, whose slabs are large) or the one that "
        "raises it most (original, Friedman and Fisher)",
    )
    add_plot_option(parser, "draw the trade-off and the box here")
    add_title_option(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Run PRIM, print the chosen box, write discovery.json and the figure."""
    from coalition_sim.analysis import discovery
    from coalition_sim.cli.common import check_png
    from coalition_sim.sweeps import storage
    from coalition_sim.version import __version__

    check_png("--plot", args.plot)
    sweep = discovery.load_sweep(args.folder)
    result = discovery.discover(
        sweep,
        args.where,
        alpha=args.alpha,
        min_mass=args.min_mass,
        threshold=args.threshold,
        objective=args.objective,
        paste=args.paste,
        box=args.box,
    )
    dimensions = list(result.dimensions)
    shown = discovery.value_labels(sweep, dimensions)
    share = result.cases / result.runs
    failed = f"; {result.failed} failed runs left out" if result.failed else ""
    print(f"{sweep.describe()}")
    print(
        f"cases: {result.cases} of {result.runs} successful runs ({share:.1%}) match "
        f"{args.where!r}{failed}\n"
    )
    print(discovery.format_discovery(result, dimensions, shown))
    target = Path(args.folder) / "discovery.json"
    storage.write_json(
        target,
        {"tool": "coalition-sim discover", "version": __version__, **result.to_dict()},
    )
    print(f"\nboxes: {target}")
    if args.plot is not None:
        from coalition_sim.analysis import discovery_plots

        title = args.title or sweep.describe()
        figure = discovery_plots.plot_discovery(result, args.plot, title=title, shown=shown)
        print(f"figure: {figure}")
    return 0
