"""Options shared by several subcommands: the scenario, overrides, the data files, outputs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from coalition_sim.errors import EXIT_BAD_INPUT, EXIT_OK, EXIT_OUTPUT, Face, Remedy

#: The exit codes of a command that reads a sweep and writes a table and figures.
READS_A_SWEEP = (EXIT_OK, EXIT_BAD_INPUT, EXIT_OUTPUT)


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """``--states FILE`` and ``--borders FILE``: an analyst's own edition of the data."""
    group = parser.add_argument_group("data")
    group.add_argument("--states", metavar="FILE", help="states CSV (default: the packaged data)")
    group.add_argument("--borders", metavar="FILE", help="borders CSV (default: the packaged data)")


def add_sweep_folder(parser: argparse.ArgumentParser, help: str) -> None:
    """The positional ``DIR``: the sweep a command reads."""
    parser.add_argument("folder", metavar="DIR", help=help)


def add_metric_option(parser: argparse.ArgumentParser, help: str) -> None:
    """``--metric NAME ...``: the outcomes to analyse (repeatable, extends)."""
    parser.add_argument(
        "--metric", nargs="+", action="extend", default=None, metavar="NAME", help=help
    )


def add_table_option(parser: argparse.ArgumentParser, help: str) -> None:
    """``--csv FILE``: where the command writes its table."""
    parser.add_argument("--csv", type=Path, metavar="FILE", help=help)


def add_plot_option(parser: argparse.ArgumentParser, help: str) -> None:
    """``--plot FILE.png``: where the command draws its figure."""
    parser.add_argument("--plot", type=Path, metavar="FILE.png", help=help)


def add_title_option(parser: argparse.ArgumentParser, titles: str = "the figure's title") -> None:
    """``--title``: the first line of the title of the figures the command draws."""
    parser.add_argument("--title", default="", help=f"first line of {titles}")


def add_scenario_options(parser: argparse.ArgumentParser, *, run_options: bool = True) -> None:
    """``--scenario``, ``--set`` and, for runs, ``--steps`` and ``--seed``."""
    parser.add_argument(
        "--scenario",
        default="baseline",
        metavar="NAME|FILE.toml",
        help="preset name or scenario TOML file (default: baseline; see `coalition-sim scenarios`)",
    )
    parser.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter, e.g. admission_rule=qmv or state.HUN.reliability=0.2 "
        "(repeatable)",
    )
    if run_options:
        parser.add_argument("--steps", type=int, metavar="N", help="quarters to simulate")
        parser.add_argument("--seed", type=int, metavar="S", help="random seed")


def load_data(args: argparse.Namespace):
    """The dataset named by ``--states``/``--borders`` (validated), or the packaged one."""
    from coalition_sim.datasets import load_dataset

    return load_dataset(getattr(args, "states", None), getattr(args, "borders", None))


def scenario_from_args(args: argparse.Namespace):
    """The scenario with ``--set``, ``--steps`` and ``--seed`` applied, validated."""
    from coalition_sim.parameters import load_scenario

    scenario = load_scenario(args.scenario).with_assignments(args.assignments)
    changes = {}
    for name in ("steps", "seed"):
        value = getattr(args, name, None)
        if value is not None:
            changes[name] = value
    return scenario.with_values(changes) if changes else scenario


def warn(command: str, message: str) -> None:
    """One warning line on stderr; the command goes on (a refusal raises instead)."""
    print(f"coalition-sim {command}: warning: {message}", file=sys.stderr)


def scenario_warnings(scenario: Any) -> list[str]:
    """Valid but probably unintended values of a scenario (a withdrawal never reached)."""
    from coalition_sim.sweeps.design import horizon_warnings

    return horizon_warnings([scenario["us_withdrawal_step"]], [scenario["steps"]])


def check_png(option: str, path: Path | None) -> None:
    """Refuse a figure name that is not a ``.png`` (the figures are drawn as PNG only)."""
    from coalition_sim.errors import InputError

    if path is not None and path.suffix.lower() != ".png":
        raise InputError(f"{option} {path}: write a .png file name")


def check_target(option: str, path: Path | None) -> None:
    """Refuse a file that cannot be written, before anything is computed.

    The folder must exist and take a file (a probe is written and removed), and the
    name must not be a folder: a figure or table computed for minutes is not lost to a
    place such as ``/proc`` at the end.
    """
    from coalition_sim.errors import InputError, OutputError
    from coalition_sim.folders import check_not_a_file, check_writable

    if path is None:
        return
    advice = f"choose another {option}"
    check_not_a_file(path.parent, advice, given=f"{option} {path}")
    if not path.parent.is_dir():
        raise InputError(
            f"{option} {path}: the folder {path.parent} does not exist; create it or choose "
            "another path"
        )
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name")
    try:
        check_writable(path.parent, advice=advice)
    except OutputError as error:
        raise OutputError(
            f"{option} {path}: cannot write in {path.parent}: {error.reason}; {advice}",
            path=path,
            reason=error.reason,
        ) from None


def write_csv(table: Any, path: Path, option: str = "--csv") -> None:
    """Write a table as CSV atomically; a full or read-only place is one line, exit 3."""
    from coalition_sim.errors import OutputError
    from coalition_sim.folders import atomic_write

    try:
        atomic_write(path, lambda tmp: table.to_csv(tmp, index=False, float_format="%.6g"))
    except OutputError as error:
        raise OutputError(
            f"{path}: cannot write: {error.reason}; choose another place with {option} FILE",
            path=path,
            reason=error.reason,
        ) from None


#: How the command line says fields and remedies (:class:`coalition_sim.errors.Face`).
CLI = Face(
    fields={
        "out": "--out",
        "resume": "--resume",
        "max_runs": "--max-runs",
        "sample": "--sample",
        "samples": "--samples",
        "params": "--param",
        "reps": "--reps",
        "seed": "--seed",
        "workers": "--workers",
        "dask_local": "--dask-local",
        "scheduler": "--scheduler",
        "connect_timeout": "--connect-timeout",
    },
    remedies={
        Remedy.OTHER_FOLDER: "choose another --out",
        Remedy.OTHER_FOLDER_OR_REPLACE: "choose another --out or pass --force",
        Remedy.REPLACE_ONLY_RUN: "--force replaces a run's results only; move them or choose "
        "another --out",
        Remedy.REPLACE_OR_CONTINUE: "use --force to replace its results or --resume to continue it",
        Remedy.REPLACE_ONLY_RESULTS: "--force replaces sweep results only; choose another --out",
        Remedy.WAIT_OR_OTHER_FOLDER: "wait for it to end, stop it, or choose another --out",
        Remedy.CONTINUE: "continue with: coalition-sim sweep --resume {folder}",
        Remedy.FREE_SPACE_AND_CONTINUE: "free space, then continue with: coalition-sim sweep "
        "--resume {folder}",
        Remedy.RECONNECT_AND_CONTINUE: "continue with: coalition-sim sweep --resume {folder} "
        "(add --scheduler ADDRESS to use a cluster again)",
        Remedy.GIVE_A_SWEEP_FOLDER: "--resume continues an interrupted sweep: give the folder "
        "of a 'coalition-sim sweep'",
        Remedy.SMALLER_DESIGN: "check NUM in NAME=START:STOP:NUM (it is the number of points), "
        "or raise --max-runs",
    },
)
