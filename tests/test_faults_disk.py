"""Faults issue: read-only and full disks, and a truncated runs.parquet.

The file systems are real (see ``tests/fault_tools.py``): a read-only bind mount and a
tmpfs of a few hundred kilobytes that fills up in the middle of a write. Each case checks
the one line, its exit code (3), and that nothing is lost, mixed or half-written.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import sweep_fakes
from fault_tools import listing, read_only, resize_tmpfs, small_tmpfs

from coalition_sim.cli import main

# Small chunks, so that the disk fills while part files are still being written.
SWEEP = [
    "--param", "reliability=0.5:0.9:20", "--reps", "20", "--steps", "30", "--keep-steps",
    "--chunk-size", "20",
]  # fmt: skip


def one_line(err: str, command: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"coalition-sim {command}: error: "), lines[0]
    return lines[0]


def runs(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "runs.parquet").drop(columns="wall_time_s")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The sweep of SWEEP, uninterrupted, on a disk with room."""
    out = tmp_path_factory.mktemp("ref") / "s"
    assert sweep_fakes.main(["sweep", *SWEEP, "--workers", "1", "--quiet", "--out", str(out)]) == 0
    return out


# --- read-only output folder -------------------------------------------------------------


def test_run_into_a_read_only_folder(tmp_path, capsys):
    with read_only(tmp_path / "ro") as ro:
        assert main(["run", "--steps", "2", "--out", str(ro / "a" / "r")]) == 3
        line = one_line(capsys.readouterr().err, "run")
        out = ro / "a" / "r"
        assert f"{out}: cannot write in {out.parent}: read-only file system" in line
        assert "nothing was written; choose another --out" in line
        assert listing(ro) == []


def test_sweep_into_a_read_only_folder(tmp_path, capsys):
    with read_only(tmp_path / "ro") as ro:
        argv = ["--param", "reliability=0.5,0.7", "--steps", "2", "--workers", "1"]
        assert sweep_fakes.main(["sweep", *argv, "--out", str(ro / "s")]) == 3
        line = one_line(capsys.readouterr().err, "sweep")
        assert f"{ro / 's'}: cannot write there: read-only file system" in line
        assert listing(ro) == []


def test_compare_into_a_read_only_folder_and_a_missing_one(tmp_path, capsys):
    """Issue: ``compare --csv`` into a missing folder was a traceback."""
    out = tmp_path / "s"
    argv = ["--param", "reliability=0.5,0.7", "--reps", "3", "--steps", "2", "--workers", "1"]
    assert sweep_fakes.main(["sweep", *argv, "--quiet", "--out", str(out)]) == 0
    capsys.readouterr()
    missing = tmp_path / "nowhere" / "t.csv"
    assert main(["compare", str(out), "--csv", str(missing)]) == 2
    line = one_line(capsys.readouterr().err, "compare")
    assert f"--csv {missing}: the folder {missing.parent} does not exist" in line
    assert not missing.parent.exists() and not (out / "compare.csv").exists()
    with read_only(tmp_path / "ro") as ro:
        assert main(["compare", str(out), "--csv", str(ro / "t.csv")]) == 3
        line = one_line(capsys.readouterr().err, "compare")
        csv = ro / "t.csv"
        assert f"--csv {csv}: cannot write in {ro}: read-only file system" in line
        assert "choose another --csv" in line
        assert listing(ro) == [] and not (out / "compare.csv").exists()  # checked first


# --- a full disk ---------------------------------------------------------------------------


def test_run_on_a_full_disk_leaves_no_folder(tmp_path, capsys):
    with small_tmpfs(tmp_path / "disk", "100k") as disk:
        assert main(["run", "--steps", "40", "--out", str(disk / "deep" / "r")]) == 3
        line = one_line(capsys.readouterr().err, "run")
        assert "no space left on the device; nothing was written" in line
        assert listing(disk) == []  # no results, no staging folder, no parent made for it
        assert main(["run", "--steps", "1", "--out", str(disk / "r")]) == 0  # a small one fits


def test_sweep_on_a_full_disk_keeps_what_it_wrote_and_resumes(tmp_path, capsys, reference):
    """Issue: a full disk gave a traceback and left metadata.json at status "running"."""
    with small_tmpfs(tmp_path / "disk", "300k") as disk:
        out = disk / "s"
        argv = ["sweep", *SWEEP, "--workers", "2", "--flush-every", "20", "--out", str(out)]
        assert sweep_fakes.main(argv) == 3
        line = one_line(capsys.readouterr().err, "sweep")
        assert "cannot write: no space left on the device" in line
        assert f"continue with: coalition-sim sweep --resume {out}" in line
        meta = json.loads((out / "metadata.json").read_text())
        assert meta["status"] == "failed" and "no space left" in meta["reason"]
        parts = sorted((out / ".parts").glob("*.parquet"))
        assert parts and all(pq.ParquetFile(p).metadata.num_rows for p in parts)
        assert not [p for p in out.rglob("*") if ".tmp-" in p.name]  # nothing half-written
        assert not (out / "runs.parquet").exists()
        resize_tmpfs(disk, "20m")  # the analyst frees space
        assert sweep_fakes.main(["sweep", "--resume", str(out), "--quiet"]) == 0
        pd.testing.assert_frame_equal(runs(reference), runs(out))
        pd.testing.assert_frame_equal(
            pd.read_parquet(reference / "steps.parquet"), pd.read_parquet(out / "steps.parquet")
        )
        assert json.loads((out / "metadata.json").read_text())["status"] == "complete"


# --- a truncated runs.parquet ----------------------------------------------------------------


@pytest.mark.parametrize(("name", "keep"), [("runs.parquet", 0.6), ("steps.parquet", 0.02)])
def test_resume_moves_a_truncated_file_aside_and_reruns_its_runs(tmp_path, capsys, name, keep):
    """Issue: resume on a truncated runs.parquet failed; --force was the only way out.

    The damaged file is kept for a closer look and its runs are run again; the folder
    then holds what an uninterrupted sweep gives.
    """
    argv = ["--param", "reliability=0.5:0.9:5", "--reps", "200", "--steps", "3", "--workers", "1",
            "--keep-steps"]  # fmt: skip
    reference, out = tmp_path / "ref", tmp_path / "cut"
    for folder in (reference, out):
        assert sweep_fakes.main(["sweep", *argv, "--quiet", "--out", str(folder)]) == 0
    path = out / name
    damaged = path.read_bytes()[: int(path.stat().st_size * keep)]
    os.truncate(path, len(damaged))
    capsys.readouterr()
    assert sweep_fakes.main(["sweep", "--resume", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{name} was damaged (unreadable); moved to {name}.damaged-" in err
    assert "its runs are run again" in err and "Traceback" not in err
    pd.testing.assert_frame_equal(runs(reference), runs(out))
    pd.testing.assert_frame_equal(
        pd.read_parquet(reference / "steps.parquet"), pd.read_parquet(out / "steps.parquet")
    )
    quarantined = [p for p in listing(out) if p.startswith(f"{name}.damaged-")]
    assert len(quarantined) == 1 and (out / quarantined[0]).read_bytes() == damaged
    assert not [p for p in listing(out) if p.endswith(".footer") or p == ".lock"]


def test_compare_on_a_damaged_runs_file_points_to_resume(tmp_path, capsys):
    out = tmp_path / "s"
    argv = ["--param", "reliability=0.5,0.7", "--reps", "3", "--steps", "2", "--workers", "1"]
    assert sweep_fakes.main(["sweep", *argv, "--quiet", "--out", str(out)]) == 0
    os.truncate(out / "runs.parquet", 100)
    capsys.readouterr()
    assert main(["compare", str(out)]) == 2
    line = one_line(capsys.readouterr().err, "compare")
    assert "runs.parquet: cannot read" in line and f"sweep --resume {out}" in line
