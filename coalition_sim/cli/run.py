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
    from coalition_sim.simulation import simulate

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
        print(format_summary(result))
        print(f"\nresults: {out}/ (steps.parquet, states.parquet, events.parquet, metadata.json)")
    return 0


def quarter(step: int) -> str:
    """The calendar quarter that ends at ``step`` (step 0 is the start of 2026Q1)."""
    if step == 0:
        return "start"
    return f"{2026 + (step - 1) // 4}Q{(step - 1) % 4 + 1}"


def format_summary(result) -> str:
    """A readable summary of one run."""
    s, o = result.steps, result.outcomes
    first, last = s.iloc[0], s.iloc[-1]
    lines = [
        f"coalition-sim run: scenario {result.scenario.name}, seed {result.seed}, "
        f"{len(s) - 1} quarters",
        "",
        f"members in join order ({o['final_members']} at the end):",
    ]
    exits = result.events[result.events["kind"] == "exit"]
    left = set(exits["actor"])
    by_step: dict[int, list[str]] = {}
    for code, step in result.join_order:
        by_step.setdefault(step, []).append(code + ("*" if code in left else ""))
    for step, codes in by_step.items():
        label = "founders" if step == 0 else f"step {step:>2} ({quarter(step)})"
        lines.append(f"  {label:<18} {' '.join(codes)}")
    if left:
        lines.append(f"  * left later: {' '.join(sorted(left))}")
    lines += [
        "",
        f"{'':<14}{'start':>8}{'end':>8}",
        *(
            f"{name:<14}{first[name]:>8.3f}{last[name]:>8.3f}"
            for name in ("parity", "cohesion", "credibility", "threat")
        ),
        "",
        "first step with parity >= 1: "
        + (
            f"{o['first_parity_step']} ({quarter(o['first_parity_step'])})"
            if o["first_parity_step"] >= 0
            else "never"
        ),
    ]
    vetoes = result.events[result.events["kind"] == "veto"]
    if len(vetoes):
        counts = vetoes.groupby("actor").size().sort_values(ascending=False)
        detail = ", ".join(
            f"{actor} {n} (against {' '.join(sorted(set(vetoes[vetoes.actor == actor].target)))})"
            for actor, n in counts.items()
        )
        lines.append(f"vetoes: {len(vetoes)}: {detail}")
    else:
        lines.append("vetoes: none")
    lines.append(
        f"rejections: {o['rejections']}, exits: {o['exits']}, "
        f"aggression events: {o['aggression_events']}"
    )
    return "\n".join(lines)
