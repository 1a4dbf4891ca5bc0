"""Issue 15: output places that cannot hold files give one line and a documented code.

``--out afile/sub`` (a file in the path), ``--out /proc/x`` (a place that takes no
files), a figure or table in such a place, and the API's ``out=``: each was a traceback
(NotADirectoryError, FileNotFoundError) with exit code 1. Now a path through a file is
bad input (exit code 2) naming the file, and a place that takes no files cannot be
written (exit code 3) naming the folder; both are found before any run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sweep_fakes
from fault_tools import listing

import coalition_sim
from coalition_sim.cli import main
from coalition_sim.errors import EXIT_BAD_INPUT, EXIT_OUTPUT, InputError, OutputError

SWEEP = ["--param", "reliability=0.5,0.7", "--reps", "2", "--steps", "2", "--workers", "1"]

#: A folder of the kernel's where nothing can be created, as on every Linux machine.
PROC = Path("/proc")
needs_proc = pytest.mark.skipif(not (PROC / "self").exists(), reason="needs Linux's /proc")


def one_line(err: str, command: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"coalition-sim {command}: error: "), err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def afile(tmp_path: Path) -> Path:
    path = tmp_path / "afile"
    path.write_text("an analyst's notes")
    return path


@pytest.fixture
def sweep_folder(tmp_path: Path) -> Path:
    out = tmp_path / "s"
    assert sweep_fakes.main(["sweep", *SWEEP, "--quiet", "--out", str(out)]) == 0
    return out


def test_run_out_through_a_file_names_the_file(afile, capsys):
    for out in (afile / "sub", afile / "sub" / "deeper"):
        assert main(["run", "--steps", "2", "--out", str(out)]) == EXIT_BAD_INPUT
        line = one_line(capsys.readouterr().err, "run")
        assert line.endswith(f"{out}: {afile} is a file, not a folder; choose another --out")
    assert afile.read_text() == "an analyst's notes"
    assert listing(afile.parent) == ["afile"]


@pytest.mark.parametrize("force", [False, True])
def test_run_out_a_file_says_it_is_a_file_not_that_the_folder_exists(afile, capsys, force):
    argv = ["run", "--steps", "2", "--out", str(afile), *(["--force"] if force else [])]
    assert main(argv) == EXIT_BAD_INPUT
    line = one_line(capsys.readouterr().err, "run")
    assert line.endswith(f"{afile} is a file, not a folder; choose another --out")
    assert "folder exists" not in line and afile.read_text() == "an analyst's notes"


@needs_proc
def test_run_out_where_no_file_can_be_made(capsys):
    assert main(["run", "--steps", "2", "--out", "/proc/x"]) == EXIT_OUTPUT
    line = one_line(capsys.readouterr().err, "run")
    assert "/proc/x: cannot write in /proc: no files can be created in it" in line
    assert "nothing was written; choose another --out" in line


@needs_proc
def test_sweep_out_where_no_file_can_be_made(capsys):
    assert sweep_fakes.main(["sweep", *SWEEP, "--out", "/proc/x"]) == EXIT_OUTPUT
    line = one_line(capsys.readouterr().err, "sweep")
    assert "/proc/x: cannot write there: no files can be created in it" in line
    assert "choose another --out" in line


def test_sweep_out_through_a_file(afile, capsys):
    for out in (afile, afile / "x"):
        assert sweep_fakes.main(["sweep", *SWEEP, "--out", str(out)]) == EXIT_BAD_INPUT
        line = one_line(capsys.readouterr().err, "sweep")
        assert f"{afile} is a file, not a folder" in line and "choose another --out" in line
    assert afile.read_text() == "an analyst's notes"


@needs_proc
@pytest.mark.parametrize("option", ["--plot", "--csv"])
def test_compare_output_where_no_file_can_be_made(sweep_folder, capsys, option):
    target = "/proc/x.png" if option == "--plot" else "/proc/x.csv"
    assert main(["compare", str(sweep_folder), option, target]) == EXIT_OUTPUT
    line = one_line(capsys.readouterr().err, "compare")
    assert f"{option} {target}: cannot write in /proc: no files can be created in it" in line
    assert f"choose another {option}" in line
    assert not (sweep_folder / "compare.csv").exists()  # refused before anything is written


@pytest.mark.parametrize("option", ["--plot", "--csv"])
def test_compare_output_through_a_file_or_onto_a_folder(sweep_folder, afile, capsys, option):
    name = "x.png" if option == "--plot" else "x.csv"
    assert main(["compare", str(sweep_folder), option, str(afile / name)]) == EXIT_BAD_INPUT
    line = one_line(capsys.readouterr().err, "compare")
    assert f"{option} {afile / name}: {afile} is a file, not a folder" in line
    folder = afile.parent / f"folder.{name.split('.')[1]}"
    folder.mkdir()
    assert main(["compare", str(sweep_folder), option, str(folder)]) == EXIT_BAD_INPUT
    assert f"{option} {folder}: is a folder; give a file name" in capsys.readouterr().err


@needs_proc
def test_calibrate_out_where_no_file_can_be_made(capsys):
    argv = ["calibrate", "--samples", "4", "--quiet", "--out", "/proc/cal.json"]
    assert main(argv) == EXIT_OUTPUT
    line = one_line(capsys.readouterr().err, "calibrate")
    assert "--out /proc/cal.json: cannot write in /proc" in line


@needs_proc
def test_the_api_raises_its_own_errors_for_such_places(afile):
    params = {"reliability": [0.5]}
    with pytest.raises(OutputError) as info:  # was a raw FileNotFoundError
        coalition_sim.sweep(params=params, steps=2, out="/proc/x")
    assert "/proc/x: cannot write there: no files can be created in it" in str(info.value)
    assert info.value.exit_code == EXIT_OUTPUT
    for out in (afile, afile / "x"):
        with pytest.raises(InputError) as info:
            coalition_sim.sweep(params=params, steps=2, out=out)
        assert f"{afile} is a file, not a folder; choose another out folder" in str(info.value)
    assert afile.read_text() == "an analyst's notes"
