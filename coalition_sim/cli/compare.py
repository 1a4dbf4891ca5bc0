"""``coalition-sim compare``: outcome distributions of a sweep, per group, with CIs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from coalition_sim.cli.common import (
    READS_A_SWEEP,
    add_metric_option,
    add_plot_option,
    add_sweep_folder,
    add_table_option,
    add_title_option,
)

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = READS_A_SWEEP


def register(subparsers: Any) -> None:
    """Add the ``compare`` subcommand."""
    parser = subparsers.add_parser(
        "compare",
        help="compare outcomes of a sweep across groups: mean, sd, 95%% CI, figures",
        description=(
            "Summarise a sweep's outcomes per group (by default every combination of the "
            "varied parameters): number of runs, mean, standard deviation and 95 % "
            "confidence interval of the mean. Prints the table, writes it as CSV, and "
            "draws the distributions (and the time course of parity and membership when "
            "the sweep kept its steps)."
        ),
    )
    add_sweep_folder(parser, "a sweep folder (with runs.parquet)")
    parser.add_argument(
        "--by",
        nargs="+",
        action="extend",
        default=None,
        metavar="PARAM",
        help="group by these columns (default: the varied parameters)",
    )
    add_metric_option(
        parser,
        "outcomes to compare (default: members, parity, cohesion, "
        "credibility, parity reached, first parity step, vetoes)",
    )
    add_table_option(parser, "where to write the table (default DIR/compare.csv)")
    add_plot_option(parser, "draw the distributions here; with kept steps also FILE-timecourse.png")
    parser.add_argument(
        "--bins",
        type=int,
        default=None,
        metavar="K",
        help="lhs/sobol/morris sweeps: cut each numeric parameter into K quantile bins "
        "(default 3, terciles)",
    )
    add_title_option(parser, "the figures' titles")
    parser.set_defaults(handler=handle)


#: Printed under the table when it holds first_parity_step, so "mean 9" is not misread.
PARITY_NOTE = (
    "first_parity_step: over the runs that reached parity (n of them); parity_reached: "
    "the share of runs that did"
)


def handle(args: argparse.Namespace) -> int:
    """Print the comparison table, write CSV and figures."""
    import pandas as pd

    from coalition_sim.analysis import compare, plots
    from coalition_sim.cli.common import check_png, check_target, write_csv
    from coalition_sim.errors import InputError
    from coalition_sim.sweeps import storage

    check_png("--plot", args.plot)
    if args.bins is not None and not 2 <= args.bins <= 10:
        raise InputError(f"--bins {args.bins}: allowed: 2 to 10")
    check_target("--csv", args.csv)
    check_target("--plot", args.plot)
    runs, metadata = compare.load_runs(args.folder)
    by = args.by if args.by is not None else compare.varied_parameters(metadata)
    metrics = compare.numeric_metrics(runs, args.metric)
    if not metrics:
        raise InputError("--metric: no numeric outcome to compare")
    compare.check_columns(runs, by, "--by")
    runs, note = compare.bin_continuous(runs, metadata, by, args.bins or compare.DEFAULT_BINS)
    compare.check_group_sizes(runs, by, metadata.get("design", {}).get("method"))
    table = compare.summary_table(runs, by, metrics)
    shown = compare.readable(runs, metadata)
    if note:
        print(note + "\n")
    print(compare.format_table(compare.summary_table(shown, by, metrics), by))
    if "first_parity_step" in metrics:
        print(f"\n{PARITY_NOTE}")
    csv = args.csv or Path(args.folder) / "compare.csv"
    write_csv(table, csv)
    print(f"\ntable: {csv}")
    if args.plot is not None:
        title = args.title or plots.sweep_title(metadata, Path(args.folder))
        print(f"figure: {plots.plot_distributions(shown, by, metrics, args.plot, title=title)}")
        steps_path = Path(args.folder) / storage.STEPS
        if steps_path.exists():
            steps = pd.read_parquet(steps_path)
            target = args.plot.with_name(args.plot.stem + "-timecourse.png")
            print(f"figure: {plots.plot_timecourse(steps, shown, by, target, title=title)}")
    return 0
