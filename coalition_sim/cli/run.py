"""``coalition-sim run``: one scenario run, a printed summary, and its results folder."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path

from coalition_sim.cli.common import (
    add_data_options,
    add_scenario_options,
    load_data,
    scenario_from_args,
    scenario_warnings,
    warn,
)
from coalition_sim.errors import EXIT_BAD_INPUT, EXIT_INTERRUPTED, EXIT_OK, EXIT_OUTPUT

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = (
    EXIT_OK,
    EXIT_BAD_INPUT,
    EXIT_OUTPUT,
    EXIT_INTERRUPTED,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``run`` subcommand."""
    parser = subparsers.add_parser(
        "run",
        help="run one scenario, print a summary, write its results",
        description=(
            "Run one scenario and print a summary. Writes DIR/steps.parquet (one row per "
            "step), DIR/states.parquet (one row per state per step), DIR/events.parquet "
            "and DIR/metadata.json."
        ),
    )
    add_scenario_options(parser)
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="results folder (default: a new folder under results/)",
    )
    parser.add_argument("--force", action="store_true", help="replace DIR if it exists")
    parser.add_argument("--quiet", action="store_true", help="print only the results folder")
    add_data_options(parser)
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Validate everything, make sure the place is writable, run, write atomically."""
    from coalition_sim.results import Staging, check_out_dir, default_out_dir, write_run

    scenario = scenario_from_args(args)
    dataset = load_data(args)
    out = args.out or default_out_dir(scenario.name, scenario["seed"])
    check_out_dir(out, args.force)
    for message in scenario_warnings(scenario):
        warn("run", message)
    from coalition_sim.simulation import simulate, summary

    # The staging folder is made before the run: a read-only or full place fails now,
    # not after the simulation, and a failure at any point leaves nothing behind.
    with Staging(out) as staging:
        result = simulate(scenario, collect_states=True, dataset=dataset)
        sources = {"states": dataset.states_source, "borders": dataset.borders_source}
        command = "coalition-sim " + shlex.join(args.argv)
        write_run(
            result,
            out,
            dataset_sources=sources,
            command=command,
            force=args.force,
            staging=staging,
        )
    if args.quiet:
        print(out)
    else:
        print(summary(result))
        print(f"\nresults: {out}/ (steps.parquet, states.parquet, events.parquet, metadata.json)")
    return 0
