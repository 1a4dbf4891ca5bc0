"""``coalition-sim features``: which varied parameters matter most for an outcome."""

from __future__ import annotations

import argparse
from typing import Any

from coalition_sim.cli.common import (
    READS_A_SWEEP,
    add_plot_option,
    add_sweep_folder,
    add_table_option,
    add_title_option,
)

EPILOG = """\
examples:
  coalition-sim features results/lhs --outcome final_parity
  coalition-sim features results/lhs --outcome parity_reached --csv scores.csv --plot scores.png
  coalition-sim features results/lhs --where "first_parity_step.notna()" --seed 3

Why a command of its own: 'discover' answers "where in the parameter space are the runs
that match a yes/no question?" with boxes; 'features' answers "which parameters move
this outcome?" with a ranking, for any numeric outcome (or the same yes/no question with
--where) and for any sweep design (Sobol and Morris indices need their own designs: see
'coalition-sim sensitivity'). Each keeps its own options, output and file.

How: a random forest learns the outcome from the varied parameters on about three
quarters of the sweep's samples (replications of a sample stay together); a parameter's
score is how much the forest's R² on the other quarter falls when that parameter is
shuffled (mean of 10 shuffles, with their sd). About 0 means the outcome does not depend
on it; scores may exceed 1 when a shuffled forest predicts worse than a constant. The
held-out R² with every parameter says how much of the outcome the parameters explain at
all; the rest is replication noise. Categorical parameters are ordinal-encoded.
--seed fixes the split, the forest and the shuffles: the same seed gives the same scores.

Bad input (no such folder, not a sweep, an outcome that does not exist or is not
numeric, a bad query, too few runs) gives one line on stderr and nothing written.
"""

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = READS_A_SWEEP


def register(subparsers: Any) -> None:
    """Add the ``features`` subcommand."""
    parser = subparsers.add_parser(
        "features",
        help="rank the varied parameters by how much they matter for an outcome",
        description=(
            "Feature scores for any sweep: the permutation importance of each varied "
            "parameter in a random forest that predicts the outcome (scikit-learn), sorted "
            "from the parameter that matters most."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_sweep_folder(parser, "a sweep folder (with runs.parquet)")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--outcome", metavar="NAME", help="a numeric outcome of runs.parquet, e.g. final_parity"
    )
    what.add_argument(
        "--where",
        metavar="QUERY",
        help="score a yes/no question instead (a pandas query, as for 'discover')",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="random state of split, forest, shuffles (default 0)"
    )
    add_table_option(parser, "write the table here (rank, parameter, importance, importance_sd)")
    add_plot_option(parser, "draw a bar chart here")
    add_title_option(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Score the parameters, print them, write the CSV and the chart."""
    from coalition_sim.analysis import discovery, features
    from coalition_sim.cli.common import check_png, write_csv

    check_png("--plot", args.plot)
    sweep = discovery.load_sweep(args.folder)
    values = features.outcome_values(sweep, args.outcome, args.where)
    scores = features.score_features(sweep, values, seed=args.seed)
    left = f"; {scores.left_out} runs without a value left out" if scores.left_out else ""
    print(f"{sweep.describe()}")
    print(f"outcome: {scores.outcome} over {scores.runs} successful runs{left}\n")
    print(features.format_scores(scores))
    if args.csv is not None:
        args.csv.parent.mkdir(parents=True, exist_ok=True)
        write_csv(scores.table, args.csv)
        print(f"\ntable: {args.csv}")
    if args.plot is not None:
        from coalition_sim.analysis import discovery_plots

        title = args.title or sweep.describe()
        print(f"figure: {discovery_plots.plot_scores(scores, args.plot, title=title)}")
    return 0
