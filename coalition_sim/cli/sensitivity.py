"""``coalition-sim sensitivity``: Sobol or Morris indices of a sweep, table and chart."""

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
    """Add the ``sensitivity`` subcommand."""
    parser = subparsers.add_parser(
        "sensitivity",
        help="sensitivity indices of a sobol or morris sweep (SALib)",
        description=(
            "Global sensitivity analysis of a sweep made with --sample sobol (first and "
            "total order indices S1, ST with 95 % intervals) or --sample morris (mu*, "
            "sigma). Outcomes are averaged over replications first."
        ),
    )
    add_sweep_folder(parser, "a sobol or morris sweep folder")
    add_metric_option(
        parser,
        "outcomes to analyse (default: the main outcomes)",
    )
    add_table_option(parser, "where to write the table (default DIR/sensitivity.csv)")
    add_plot_option(parser, "draw a bar chart here")
    add_title_option(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Print the indices, write CSV and the chart."""
    from coalition_sim.analysis import plots, sensitivity
    from coalition_sim.cli.common import check_png, check_target, warn, write_csv
    from coalition_sim.sweeps.runner import load_metadata

    check_png("--plot", args.plot)
    check_target("--csv", args.csv)
    check_target("--plot", args.plot)
    table, method = sensitivity.analyse(args.folder, args.metric)
    metadata = load_metadata(Path(args.folder))
    print(sensitivity.format_indices(table, method))
    base = metadata.get("spec", {}).get("samples")
    warnings = sensitivity.index_warnings(table, method, base)
    for message in warnings:
        warn("sensitivity", message)
    csv = args.csv or Path(args.folder) / "sensitivity.csv"
    write_csv(table, csv)
    print(f"\ntable: {csv}")
    if args.plot is not None and not table.empty:
        title = args.title or plots.sweep_title(metadata, Path(args.folder))
        note = (
            "\n".join(
                [f"{len(warnings)} warning{'s' if len(warnings) > 1 else ''}:"]
                + [f"- {message}" for message in warnings]
            )
            if warnings
            else ""
        )
        figure = plots.plot_sensitivity(table, method, args.plot, title=title, note=note)
        print(f"figure: {figure}")
    return 0
