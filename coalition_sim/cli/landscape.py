"""``coalition-sim landscape``: the local minima of an Axelrod-Bennett landscape.

Reads actor sizes and a propensity matrix from two CSV files and prints every local
minimum with its energy, its basin share and its two sides (Axelrod and Bennett 1993,
A Landscape Theory of Aggregation, BJPS 23(2)).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from coalition_sim.errors import EXIT_BAD_INPUT, EXIT_OK, InputError

if TYPE_CHECKING:
    from coalition_sim.landscape import LocalMinimum

DESCRIPTION = """\
Predict how actors split into two sides with Axelrod and Bennett's landscape theory
(1993): every local minimum of the energy, with its energy, the share of starting
configurations whose myopic dynamics end there (its basin), and both sides.

SIZES.csv has columns actor,size (sizes > 0). MATRIX.csv has a header row actor,A,B,...
and one row per actor in the header's order: a symmetric matrix of propensities with a
zero diagonal (positive: the two actors want to be on the same side).

Up to 22 actors every configuration is enumerated; beyond, the minima are those reached
from --restarts random starting configurations.

--europe builds the actors from the packaged states data instead (or --states/--borders):
every European state of the model plus Russia and Belarus, sized by capability, with
propensities from shared exposure to Russia, alignment similarity, shared borders and
co-membership of the EU and NATO (weights: the landscape_*_weight parameters of the
scenario; see `coalition-sim scenarios show`). Russia and Belarus are pinned to one side,
so each minimum is a predicted alignment of Europe: the coalition side and the
adversary's side."""

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = (
    EXIT_OK,
    EXIT_BAD_INPUT,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``landscape`` subcommand."""
    parser = subparsers.add_parser(
        "landscape",
        help="local minima of an Axelrod-Bennett landscape (who sides with whom)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    # The actors come either from two CSV files or from the states data (--europe); the
    # two modes exclude each other, checked in `handle` (argparse groups cannot say
    # "these two together, or that one").
    actors = parser.add_argument_group("actors (two CSV files, or --europe)")
    actors.add_argument("--sizes", type=Path, metavar="SIZES.csv", help="columns actor,size")
    actors.add_argument(
        "--propensity",
        type=Path,
        metavar="MATRIX.csv",
        help="header actor,A,B,... then one row per actor",
    )
    actors.add_argument(
        "--europe",
        action="store_true",
        help="the European states, Russia and Belarus, built from the states data",
    )
    europe = parser.add_argument_group("with --europe")
    europe.add_argument(
        "--scenario",
        metavar="NAME|FILE.toml",
        help="preset or scenario file giving the weights and traits (default: baseline)",
    )
    europe.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter, e.g. landscape_border_weight=1 (repeatable)",
    )
    europe.add_argument("--states", metavar="FILE", help="states CSV (default: packaged)")
    europe.add_argument("--borders", metavar="FILE", help="borders CSV (default: packaged)")
    parser.add_argument("--json", action="store_true", help="print the minima as JSON")
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for the order of play (default: 0)"
    )
    parser.add_argument(
        "--restarts",
        type=int,
        default=10_000,
        metavar="N",
        help="random starts when there are too many actors to enumerate (default: 10000, "
        f"at most {MAX_RESTARTS:,})",
    )
    parser.set_defaults(handler=handle, parser=parser)


#: Most random starts: all are drawn at once (8 bytes per actor each); a million for
#: Europe's 43 actors took about a minute, a billion asked for 320 GB.
MAX_RESTARTS = 1_000_000


def _check_mode(args: argparse.Namespace) -> None:
    """Either --sizes with --propensity, or --europe; exit 2 with a usage message if not."""
    parser: argparse.ArgumentParser = args.parser
    files = args.sizes is not None or args.propensity is not None
    europe_options = args.scenario is not None or args.assignments or args.states or args.borders
    if args.europe and files:
        parser.error("--europe builds the actors from the data: drop --sizes/--propensity")
    if not args.europe:
        if europe_options:
            parser.error("--scenario, --set, --states and --borders go with --europe")
        if args.sizes is None or args.propensity is None:
            parser.error("give both --sizes and --propensity, or --europe")


def handle(args: argparse.Namespace) -> int:
    """Load the actors, find the local minima and print them."""
    import numpy as np

    from coalition_sim import landscape

    _check_mode(args)
    if args.restarts > MAX_RESTARTS:
        raise InputError(
            f"--restarts: {args.restarts:,} is more than {MAX_RESTARTS:,} (the starts are "
            "drawn at once; a million take about a minute); use fewer"
        )
    if args.europe:
        return handle_europe(args)
    names, sizes, propensity = load_csv_inputs(args.sizes, args.propensity)
    minima = landscape.local_minima(
        np.array(sizes), propensity, names=names, seed=args.seed, restarts=args.restarts
    )
    if args.json:
        print(json.dumps([_as_json(m) for m in minima], indent=2))
        return 0
    if landscape.enumerates(len(names)):
        how = f"all {landscape.configuration_count(len(names))} configurations"
    else:
        how = f"{args.restarts} random restarts"
    print(_report(minima, len(names), how, args.seed))
    return 0


def handle_europe(args: argparse.Namespace) -> int:
    """Build Europe's landscape from the data and print its predicted alignments."""
    from coalition_sim import europe_landscape, landscape, simulation
    from coalition_sim.cli.common import load_data
    from coalition_sim.parameters import load_scenario

    scenario = load_scenario(args.scenario or "baseline").with_assignments(args.assignments)
    view = simulation.europe_landscape(scenario, load_data(args))
    minima = view.minima(seed=args.seed, restarts=args.restarts)
    coalition, adversary = europe_landscape.COALITION_SIDE, europe_landscape.ADVERSARY_SIDE
    if args.json:
        rows = []
        for m in minima:
            row = _as_json(m)
            row["coalition"] = list(m.sides[coalition])
            row["adversary"] = list(m.sides[adversary])
            rows.append(row)
        print(json.dumps(rows, indent=2))
        return 0
    n = len(view.names)
    if landscape.enumerates(n, view.pinned):
        how = f"all {landscape.configuration_count(n, view.pinned)} configurations"
    else:
        how = f"{args.restarts} random restarts"
    pinned = " and ".join(view.pinned)
    lines = [
        f"Predicted alignments of Europe, scenario {scenario.name}: {n} actors, {pinned} "
        f"pinned to the adversary's side; {len(minima)} local "
        f"{'minimum' if len(minima) == 1 else 'minima'}, deepest first; basin = share of "
        f"the starting configurations ({how}, seed {args.seed}) whose dynamics end there."
    ]
    width = len(str(len(minima)))
    for rank, m in enumerate(minima, start=1):
        lines += [
            "",
            f"{rank:>{width}}. energy {m.energy:.6g}   basin {_percent(m.basin)}",
            f"{'':>{width}}  coalition ({len(m.sides[coalition])}): "
            + (", ".join(m.sides[coalition]) or "(nobody)"),
            f"{'':>{width}}  adversary's side ({len(m.sides[adversary])}): "
            + ", ".join(m.sides[adversary]),
        ]
    print("\n".join(lines))
    return 0


def _as_json(minimum: LocalMinimum) -> dict[str, object]:
    return {
        "energy": minimum.energy,
        "basin": minimum.basin,
        "sides": [list(minimum.sides[0]), list(minimum.sides[1])],
    }


def _report(minima: list[LocalMinimum], n: int, starts: str, seed: int) -> str:
    plural = "minimum" if len(minima) == 1 else "minima"
    lines = [
        f"{n} actors, {len(minima)} local {plural}; basin = share of the starting "
        f"configurations ({starts}, seed {seed}) whose dynamics end there."
    ]
    width = len(str(len(minima)))
    for rank, m in enumerate(minima, start=1):
        lines.append("")
        lines.append(f"{rank:>{width}}. energy {m.energy:.6g}   basin {_percent(m.basin)}")
        for label, side in enumerate(m.sides):
            members = ", ".join(side) if side else "(nobody)"
            lines.append(f"{'':>{width}}  side {label}: {members}")
    return "\n".join(lines)


def _percent(share: float) -> str:
    return f"{100 * share:.3g}%"


# --------------------------------------------------------------------------- files


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """Non-blank CSV rows of ``path`` with their line numbers, cells stripped."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            rows = []
            for row in reader:
                cells = [cell.strip() for cell in row]
                if any(cells):
                    rows.append((reader.line_num, cells))
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(f"{path}: cannot read it as CSV ({error})") from None
    if not rows:
        raise InputError(f"{path}: the file is empty")
    return rows


def _number(path: Path, line: int, column: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{path} line {line}, column {column}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{path} line {line}, column {column}: {text!r} is not a finite number")
    return value


def read_sizes(path: Path) -> dict[str, float]:
    """Read ``actor,size`` rows into a dict that keeps the file's order.

    Raises:
        InputError: Missing file, wrong header or column count, empty or repeated actor,
            a size that is not a positive number; the message names file, line, column.

    """
    (header_line, header), *rows = _read_rows(path)
    if [cell.lower() for cell in header] != ["actor", "size"]:
        raise InputError(
            f"{path} line {header_line}: the header must be 'actor,size', "
            f"found {','.join(header)!r}"
        )
    if not rows:
        raise InputError(f"{path}: no actors after the header")
    sizes: dict[str, float] = {}
    first_line: dict[str, int] = {}
    for line, cells in rows:
        if len(cells) != 2:
            raise InputError(
                f"{path} line {line}: expected 2 columns (actor,size), found {len(cells)}"
            )
        actor, text = cells
        if not actor:
            raise InputError(f"{path} line {line}, column actor: the actor name is empty")
        if actor in sizes:
            raise InputError(
                f"{path} line {line}: actor {actor!r} is listed twice "
                f"(first on line {first_line[actor]})"
            )
        value = _number(path, line, "size", text)
        if value <= 0:
            raise InputError(
                f"{path} line {line}, column size: the size of {actor} must be positive, "
                f"found {text}"
            )
        sizes[actor] = value
        first_line[actor] = line
    return sizes


def read_matrix(path: Path) -> tuple[list[str], list[list[float]]]:
    """Read a square propensity matrix with a header row ``actor,A,B,...``.

    Rows must list the actors in the header's order. Symmetry and the zero diagonal are
    checked by `coalition_sim.landscape.validate`.

    Returns:
        The actor names (header order) and the rows of numbers.

    Raises:
        InputError: Missing file, bad header, a row out of order or of the wrong length, a
            missing row, a value that is not a number; the message names file, line and
            column.

    """
    (header_line, header), *rows = _read_rows(path)
    if header[0].lower() != "actor" or len(header) < 2:
        raise InputError(
            f"{path} line {header_line}: the header must be 'actor,' followed by the actor "
            f"names, found {','.join(header)!r}"
        )
    names = header[1:]
    seen: set[str] = set()
    for name in names:
        if not name:
            raise InputError(f"{path} line {header_line}: an actor name in the header is empty")
        if name in seen:
            raise InputError(f"{path} line {header_line}: actor {name!r} is in the header twice")
        seen.add(name)
    matrix: list[list[float]] = []
    for index, (line, cells) in enumerate(rows):
        if index >= len(names):
            raise InputError(
                f"{path} line {line}: row {cells[0]!r} is beyond the {len(names)} actors "
                "of the header"
            )
        expected = names[index]
        if cells[0] != expected:
            raise InputError(
                f"{path} line {line}: the row is for {cells[0]!r} but the header's actor "
                f"number {index + 1} is {expected!r}; list the rows in the header's order"
            )
        if len(cells) != len(header):
            raise InputError(
                f"{path} line {line}: expected {len(header)} columns (actor and "
                f"{len(names)} values), found {len(cells)}"
            )
        matrix.append(
            [_number(path, line, name, text) for name, text in zip(names, cells[1:], strict=True)]
        )
    if len(matrix) < len(names):
        raise InputError(
            f"{path}: no row for actor {names[len(matrix)]!r}; the header lists {len(names)} "
            f"actors but {len(matrix)} rows follow"
        )
    return names, matrix


def load_csv_inputs(
    sizes_path: Path, matrix_path: Path
) -> tuple[list[str], list[float], list[list[float]]]:
    """Read and cross-check the two files; actors come in the order of the sizes file.

    Returns:
        Names, sizes and the propensity matrix, all in the sizes file's order.

    Raises:
        InputError: Any problem in either file, or an actor in one file but not the other.

    """
    from coalition_sim.landscape import validate

    sizes = read_sizes(sizes_path)
    names, matrix = read_matrix(matrix_path)
    in_matrix = set(names)
    for name in sizes:
        if name not in in_matrix:
            raise InputError(f"actor {name!r} is in {sizes_path} but not in {matrix_path}")
    for name in names:
        if name not in sizes:
            raise InputError(f"actor {name!r} is in {matrix_path} but not in {sizes_path}")
    try:
        validate([sizes[name] for name in names], matrix, names=names)
    except InputError as error:
        raise InputError(f"{matrix_path}: {error}") from None
    order = [names.index(name) for name in sizes]
    reordered = [[matrix[i][j] for j in order] for i in order]
    return list(sizes), list(sizes.values()), reordered
