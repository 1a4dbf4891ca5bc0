"""End-to-end tests of ``coalition-sim landscape``."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coalition_sim import cli
from coalition_sim.landscape import local_minima

SIZES = "actor,size\nA,1\nB,1\nC,1\nD,1\n"
# A and B like each other, C and D like each other, cross pairs mildly dislike each other:
# two minima, AB | CD (energy -2) and everyone together (energy 0).
MATRIX = """actor,A,B,C,D
A,0,1,-0.25,-0.25
B,1,0,-0.25,-0.25
C,-0.25,-0.25,0,1
D,-0.25,-0.25,1,0
"""
P = [[0, 1, -0.25, -0.25], [1, 0, -0.25, -0.25], [-0.25, -0.25, 0, 1], [-0.25, -0.25, 1, 0]]


@pytest.fixture(autouse=True)
def only_landscape(monkeypatch):
    # Build the parser with this subcommand alone, so these tests do not depend on the
    # other subcommands' modules (test_commands_lists_landscape checks the real tuple).
    monkeypatch.setattr(cli, "COMMANDS", ("landscape",))


def write(tmp_path: Path, sizes: str = SIZES, matrix: str = MATRIX) -> tuple[str, str]:
    (tmp_path / "sizes.csv").write_text(sizes)
    (tmp_path / "matrix.csv").write_text(matrix)
    return str(tmp_path / "sizes.csv"), str(tmp_path / "matrix.csv")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["landscape", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_commands_lists_landscape(monkeypatch):
    monkeypatch.undo()
    assert "landscape" in cli.COMMANDS


def test_text_output(tmp_path, capsys):
    sizes, matrix = write(tmp_path)
    code, out, err = run(capsys, "--sizes", sizes, "--propensity", matrix)
    assert code == 0
    assert err == ""
    assert out.startswith("4 actors, 2 local minima; basin = share of the starting")
    assert "all 8 configurations, seed 0" in out
    blocks = out.strip().split("\n\n")[1:]
    assert blocks[0].splitlines() == [
        "1. energy -2   basin 50%",
        "   side 0: A, B",
        "   side 1: C, D",
    ]
    assert blocks[1].splitlines()[1:] == ["   side 0: A, B, C, D", "   side 1: (nobody)"]


def test_json_output_matches_the_api(tmp_path, capsys):
    sizes, matrix = write(tmp_path)
    code, out, _ = run(capsys, "--sizes", sizes, "--propensity", matrix, "--json", "--seed", "7")
    assert code == 0
    data = json.loads(out)
    expected = local_minima([1] * 4, P, names=list("ABCD"), seed=7)
    assert data == [
        {"energy": m.energy, "basin": m.basin, "sides": [list(m.sides[0]), list(m.sides[1])]}
        for m in expected
    ]
    assert data[0]["sides"] == [["A", "B"], ["C", "D"]]
    assert sum(item["basin"] for item in data) == pytest.approx(1)


def test_same_seed_same_output(tmp_path, capsys):
    sizes, matrix = write(tmp_path)
    first = run(capsys, "--sizes", sizes, "--propensity", matrix, "--seed", "3")
    assert run(capsys, "--sizes", sizes, "--propensity", matrix, "--seed", "3") == first


def test_actors_follow_the_sizes_file_order(tmp_path, capsys):
    sizes, matrix = write(tmp_path, sizes="actor,size\nC,1\nA,1\nD,1\nB,1\n")
    code, out, _ = run(capsys, "--sizes", sizes, "--propensity", matrix, "--json")
    assert code == 0
    assert json.loads(out)[0]["sides"] == [["C", "D"], ["A", "B"]]


def test_tolerant_formatting(tmp_path, capsys):
    # Spaces around cells, a byte-order mark, blank lines and a capitalised header are fine.
    sizes, matrix = write(
        tmp_path,
        sizes="\ufeffActor , Size\n\nA, 1\nB ,1\nC,1\nD,1\n\n",
        matrix=MATRIX.replace(",", " , "),
    )
    code, out, _ = run(capsys, "--sizes", sizes, "--propensity", matrix, "--json")
    assert code == 0
    assert len(json.loads(out)) == 2


def test_many_actors_use_random_restarts(tmp_path, capsys):
    names = [f"S{i}" for i in range(24)]
    sizes = "actor,size\n" + "".join(f"{name},1\n" for name in names)
    rows = [
        ",".join([a] + ["0" if a == b else ("1" if (i < 12) == (j < 12) else "-1")
                        for j, b in enumerate(names)])
        for i, a in enumerate(names)
    ]  # fmt: skip
    matrix = "actor," + ",".join(names) + "\n" + "\n".join(rows) + "\n"
    s, m = write(tmp_path, sizes=sizes, matrix=matrix)
    code, out, _ = run(capsys, "--sizes", s, "--propensity", m, "--restarts", "300")
    assert code == 0
    assert "300 random restarts" in out
    assert "side 0: " + ", ".join(names[:12]) in out


MATRIX_ROWS = MATRIX.splitlines()


@pytest.mark.parametrize(
    ("sizes", "matrix", "message"),
    [
        (
            SIZES,
            MATRIX.replace("B,1,0,-0.25", "B,0.5,0,-0.25"),
            "matrix.csv: propensity is not symmetric: row A, column B is 1.0 but row B, "
            "column A is 0.5",
        ),
        (
            SIZES,
            MATRIX.replace("C,-0.25,-0.25,0,1", "C,-0.25,-0.25,2,1"),
            "matrix.csv: propensity of actor C with itself is 2.0; the diagonal must be 0",
        ),
        (SIZES + "E,2\n", MATRIX, "actor 'E' is in .*sizes.csv but not in .*matrix.csv"),
        (
            SIZES.replace("D,1\n", ""),
            MATRIX,
            "actor 'D' is in .*matrix.csv but not in .*sizes.csv",
        ),
        (
            SIZES,
            "\n".join(MATRIX_ROWS[:-1]) + "\n",
            "matrix.csv: no row for actor 'D'; the header lists 4 actors but 3 rows follow",
        ),
        (
            SIZES,
            "\n".join([MATRIX_ROWS[0], MATRIX_ROWS[2], MATRIX_ROWS[1], *MATRIX_ROWS[3:]]),
            "matrix.csv line 2: the row is for 'B' but the header's actor number 1 is 'A'",
        ),
        (
            SIZES.replace("B,1", "B,0"),
            MATRIX,
            "sizes.csv line 3, column size: the size of B must be positive, found 0",
        ),
        (
            SIZES.replace("C,1", "C,-3"),
            MATRIX,
            "sizes.csv line 4, column size: the size of C must be positive, found -3",
        ),
        (SIZES.replace("C,1", "C,big"), MATRIX, "sizes.csv line 4, column size: 'big' is not a"),
        (SIZES.replace("C,1", "C,nan"), MATRIX, "sizes.csv line 4, column size: 'nan' is not a"),
        (
            SIZES,
            MATRIX.replace("C,-0.25,-0.25,0,1", "C,-0.25,x,0,1"),
            "matrix.csv line 4, column B: 'x' is not a number",
        ),
        (
            SIZES,
            MATRIX.replace("C,-0.25,-0.25,0,1", "C,-0.25,-0.25,0"),
            "matrix.csv line 4: expected 5 columns \\(actor and 4 values\\), found 4",
        ),
        (SIZES + "A,2\n", MATRIX, "sizes.csv line 6: actor 'A' is listed twice \\(first on line 2"),
        ("name,size\nA,1\n", MATRIX, "sizes.csv line 1: the header must be 'actor,size'"),
        ("actor,size\n", MATRIX, "sizes.csv: no actors after the header"),
        ("", MATRIX, "sizes.csv: the file is empty"),
        (SIZES.replace("B,1", "B,1,2"), MATRIX, "sizes.csv line 3: expected 2 columns"),
        (SIZES, "who,A,B\n", "matrix.csv line 1: the header must be 'actor,' followed"),
        (SIZES, "actor,A,A\n", "matrix.csv line 1: actor 'A' is in the header twice"),
        (SIZES, MATRIX + "E,0,0,0,0\n", "matrix.csv line 6: row 'E' is beyond the 4 actors"),
    ],
)
def test_bad_files_exit_2_with_one_line(tmp_path, capsys, sizes, matrix, message):
    s, m = write(tmp_path, sizes=sizes, matrix=matrix)
    code, out, err = run(capsys, "--sizes", s, "--propensity", m)
    assert code == 2
    assert out == ""
    assert err.startswith("coalition-sim landscape: error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert re.search(message, err), err


def test_missing_file(tmp_path, capsys):
    s, _ = write(tmp_path)
    missing = str(tmp_path / "nope.csv")
    code, _, err = run(capsys, "--sizes", s, "--propensity", missing)
    assert code == 2
    assert err == f"coalition-sim landscape: error: {missing}: no such file\n"


def test_bad_restarts(tmp_path, capsys):
    s, m = write(tmp_path)
    code, _, err = run(capsys, "--sizes", s, "--propensity", m, "--restarts", "0")
    assert code == 2
    assert "restarts must be a positive integer, got 0" in err


def test_both_files_are_required(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["landscape", "--sizes", "x.csv"])
    assert caught.value.code == 2
    assert "--propensity" in capsys.readouterr().err


def test_installed_script(tmp_path, monkeypatch):
    monkeypatch.undo()  # the script builds the real parser, with every subcommand
    missing = [
        name
        for name in cli.COMMANDS
        if importlib.util.find_spec(f"coalition_sim.cli.{name.replace('-', '_')}") is None
    ]
    if missing:
        pytest.skip(f"subcommand modules not written yet: {', '.join(missing)}")
    script = Path(sys.executable).with_name("coalition-sim")
    s, m = write(tmp_path)
    done = subprocess.run(
        [str(script), "landscape", "--sizes", s, "--propensity", m, "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["sides"] == [["A", "B"], ["C", "D"]]
    bad = subprocess.run(
        [str(script), "landscape", "--sizes", s, "--propensity", str(tmp_path / "no.csv")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().endswith("no.csv: no such file")
