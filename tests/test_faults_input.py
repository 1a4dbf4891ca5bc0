"""Faults issue: bad input and silent surprises, each reproduced in this process.

Every case of the issue that needs no mount, no signal and no second process: designs
counted before they are built, refusals and warnings that used to be silent, the exit
codes in every command's help, nullable ``first_parity_step``, unique unnamed sweeps.
"""

from __future__ import annotations

import json
import os
import socket
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sweep_fakes
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition_sim.cli import build_parser, exit_codes, main
from coalition_sim.errors import EXIT_MEANINGS
from coalition_sim.sweeps import sampling
from coalition_sim.sweeps.design import build_spec
from coalition_sim.sweeps.runner import Plan, design_table, write_design_table
from coalition_sim.sweeps.sampling import build_design, design_size

QUICK = ["--steps", "2", "--workers", "1", "--quiet"]


def one_line(err: str, command: str = "sweep") -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"coalition-sim {command}: error: "), lines[0]
    return lines[0]


def fake_sweep(*argv: str) -> int:
    return sweep_fakes.main(["sweep", *argv])


# --- 1. a design is counted before it is built ------------------------------------------


@pytest.mark.parametrize(
    ("params", "size"),
    [
        (["reliability=0:1:1000000000"], "1,000,000,000 runs"),
        (
            [
                "reliability=0:1:1000",
                "cost_advantage=3:5:1000",
                "spending_floor_pct=2:5:1000",
            ],
            "1,000,000,000 runs",
        ),
    ],
)
@pytest.mark.parametrize("dry", [True, False])
def test_a_huge_grid_is_refused_at_once_with_its_size(
    tmp_path, capsys, monkeypatch, params, size, dry
):
    """Issue 1: a 10^9-point grid was built in memory (24 GB) even with --dry-run."""

    def never(spec):
        raise AssertionError("the design was built before it was counted")

    monkeypatch.setattr(sampling, "build_design", never)
    out = tmp_path / "never"
    argv = [x for p in params for x in ("--param", p)]
    code = main(["sweep", *argv, "--out", str(out), *(["--dry-run"] if dry else [])])
    assert code == 2
    line = one_line(capsys.readouterr().err)
    assert size in line and "more than the limit of 10,000,000" in line and "NUM" in line
    assert "raise --max-runs" in line
    assert not out.exists()


def test_a_ten_million_grid_is_counted_without_building_it(capsys, monkeypatch):
    """Issue 1: a 10^7-point grid printed its count after 12.7 s, with no warning."""

    def no_sample(self, sample):
        raise AssertionError("a sample was made for a dry run")

    monkeypatch.setattr(sampling.Design, "setting", no_sample)
    assert main(["sweep", "--param", "reliability=0:1:10000000", "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert "10,000,000 runs: 10,000,000 samples x 1 replications (grid)" in captured.out
    assert "warning: a large design: 10,000,000 runs" in captured.err


def test_max_runs_is_an_option(tmp_path, capsys):
    argv = ["sweep", "--param", "reliability=0:1:50", "--reps", "3", "--dry-run"]
    assert main([*argv, "--max-runs", "149"]) == 2
    assert "150 runs (50 samples x 3 replications), more than the limit of 149" in (
        one_line(capsys.readouterr().err)
    )
    assert main([*argv, "--max-runs", "150"]) == 0
    assert main([*argv, "--max-runs", "0"]) == 2


def test_design_size_matches_the_built_design():
    params = ["reliability=0.5:0.9:7", "admission_rule=unanimity,qmv", "exit_patience=1:9:20"]
    grid = build_spec(params=params)
    assert design_size(grid) == len(build_design(grid)) == 7 * 2 * 9
    ranges = ["reliability=0.5:0.9", "cost_advantage=3:5", "admission_rule=unanimity,qmv"]
    for method, n, size in (("lhs", 10, 10), ("sobol", 8, 8 * 5), ("morris", 4, 4 * 4)):
        spec = build_spec(params=ranges, sample=method, samples=n)
        design = build_design(spec)
        assert design_size(spec) == len(design) == size
        assert design.settings[size - 1] == sampling.Design.setting(design, size - 1)


@settings(max_examples=80, deadline=None)
@given(
    low=st.floats(-5, 5, allow_nan=False),
    width=st.floats(1e-6, 10, allow_nan=False),
    num=st.integers(1, 60),
)
def test_a_lazy_axis_gives_exactly_numpy_linspace(low, width, num):
    from coalition_sim.sweeps.design import GridAxis

    lazy = GridAxis(low=low, high=low + width, num=num)
    expected = np.linspace(low, low + width, num)
    assert [lazy[i] for i in range(len(lazy))] == expected.tolist()
    assert lazy.take(np.arange(num)).tolist() == expected.tolist()


@settings(max_examples=60, deadline=None)
@given(low=st.integers(0, 30), span=st.integers(1, 40), num=st.integers(1, 90))
def test_a_lazy_integer_axis_rounds_and_drops_repeats_as_before(low, span, num):
    from coalition_sim.sweeps.design import GridAxis

    axis = GridAxis(low=low, high=low + span, num=num, integer=True)
    expected: list[int] = []
    for point in np.linspace(low, low + span, num):
        if round(float(point)) not in expected:
            expected.append(round(float(point)))
    assert list(axis) == expected


def test_a_grid_sample_is_made_from_its_id_in_row_major_order():
    spec = build_spec(params=["reliability=0:1:1000000000", "admission_rule=unanimity,qmv"])
    design = build_design(spec)
    assert len(design) == 2_000_000_000
    assert design.settings[3] == {"reliability": 1 / 999_999_999, "admission_rule": "qmv"}
    assert design.settings[-1] == {"reliability": 1.0, "admission_rule": "qmv"}


def test_the_design_table_is_written_in_blocks(tmp_path):
    spec = build_spec(
        params=["reliability=0.5:0.9:7", "founders=EST,LVA|EST,LVA,UKR", "exit_patience=1:3:3"]
    )
    plan = Plan(spec, build_design(spec))
    write_design_table(tmp_path / "d.parquet", plan, block=5)
    written = pd.read_parquet(tmp_path / "d.parquet")
    whole = design_table(plan).to_pandas()
    pd.testing.assert_frame_equal(written, whole)
    assert list(written.sample_id) == list(range(42))
    assert written.founders.iloc[0] == "EST,LVA"


def test_resume_plans_only_the_missing_runs_without_a_list():
    spec = build_spec(params=["reliability=0.5:0.9:5"], reps=4)
    plan = Plan(spec, build_design(spec))
    assert plan.todo(None) == range(20)
    todo = plan.todo(np.array([0, 1, 5, 19]))
    assert list(todo) == [r for r in range(20) if r not in (0, 1, 5, 19)]
    chunks = list(plan.chunks(todo, 7))
    assert [len(c) for c in chunks] == [7, 7, 2]
    assert all(isinstance(rid, int) for c in chunks for rid, _, _ in c)


# --- silent cases that now refuse or warn -----------------------------------------------


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (
            ["--param", "reliability=0.5,0.7", "--param", "reliability=0.9"],
            "--param reliability: given twice",
        ),
        (
            ["--param", "reliability=0.5,0.7", "--set", "reliability=0.9"],
            "reliability: both fixed (--set) and varied (--param)",
        ),
        (["--param", "steps=3,4", "--steps", "2"], "steps: both fixed (--steps)"),
        (["--scheduler", "notanaddress"], "--scheduler 'notanaddress': not a scheduler address"),
        (["--scheduler", "tcp://host:99999"], "write tcp://HOST:PORT"),
        (["--connect-timeout", "2"], "--connect-timeout: applies to --scheduler only"),
    ],
)
def test_mistakes_that_were_silent_are_refused(tmp_path, capsys, argv, fragment):
    out = tmp_path / "never"
    assert main(["sweep", "--param", "admission_rule=qmv", *argv, "--out", str(out)]) == 2
    assert fragment in one_line(capsys.readouterr().err)
    assert not out.exists()


def test_a_sweep_file_fixing_and_varying_one_name_is_refused(tmp_path, capsys):
    path = tmp_path / "both.toml"
    path.write_text("[set]\nreliability = 0.5\n[params]\nreliability = [0.6, 0.7]\n")
    assert main(["sweep", str(path), "--dry-run"]) == 2
    line = one_line(capsys.readouterr().err)
    assert "both.toml: reliability: both fixed ([set]) and varied ([params])" in line


def test_the_command_line_overrides_a_sweep_file_of_the_other_kind(tmp_path):
    path = tmp_path / "f.toml"
    path.write_text("[set]\nexit_patience = 3\n[params]\nreliability = [0.6, 0.7]\n")
    spec = build_spec(sweep_file=str(path), assignments=["reliability=0.8"])
    assert spec.param_names == [] and spec.fixed["reliability"] == 0.8
    spec = build_spec(sweep_file=str(path), params=["exit_patience=2,4"])
    assert "exit_patience" not in spec.fixed and "exit_patience" in spec.param_names


@pytest.mark.parametrize("name", ["../outside", "a/b", "..", ".hidden", "x\\y"])
def test_a_sweep_name_must_be_a_plain_folder_name(tmp_path, capsys, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "named.toml"
    escaped = name.replace("\\", "\\\\")  # a TOML basic string escapes backslashes
    path.write_text(f'name = "{escaped}"\n[params]\nreliability = [0.5]\n')
    assert main(["sweep", str(path), *QUICK]) == 2
    assert "is not a plain folder name" in one_line(capsys.readouterr().err)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["named.toml"]


def test_a_withdrawal_beyond_the_horizon_warns_in_run_and_sweep(tmp_path, cli):
    code, _, err = cli(
        "run", "--steps", "4", "--set", "us_withdrawal_step=4", "--out", tmp_path / "r", "--quiet"
    )
    assert code == 0
    assert "warning: us_withdrawal_step: 4 is at or beyond the horizon of 4 steps" in err
    assert "never happens within 4 steps" in err
    code, _, err = cli(
        "run", "--steps", "4", "--set", "us_withdrawal_step=3", "--out", tmp_path / "s", "--quiet"
    )
    assert code == 0 and "warning" not in err  # it starts at step 4: within the horizon
    code, _, err = cli("sweep", "--param", "us_withdrawal_step=2,6,9", "--steps", "6", "--dry-run")
    assert code == 0 and "us_withdrawal_step: 6, 9 is at or beyond the horizon of 6" in err


def test_more_workers_than_cores_warns_and_uses_the_cores(tmp_path, capsys):
    from coalition_sim.sweeps.executors import available_cores

    out = tmp_path / "w"
    assert fake_sweep("--param", "reliability=0.5,0.7", "--steps", "2", "--workers", "999",
                      "--quiet", "--out", str(out)) == 0  # fmt: skip
    cores = available_cores()
    assert f"--workers 999: only {cores} cores are available" in capsys.readouterr().err
    workers = json.loads((out / "metadata.json").read_text())["workers"]["workers"]
    assert workers == cores


def test_unnamed_sweeps_get_folders_of_their_own(tmp_path, monkeypatch):
    """Issue: every unnamed sweep went to results/sweep, so the second one failed."""
    monkeypatch.chdir(tmp_path)
    argv = ["--param", "reliability=0.5,0.7", *QUICK]
    assert fake_sweep(*argv) == 0
    assert fake_sweep(*argv) == 0
    folders = sorted(p.name for p in (tmp_path / "results").iterdir())
    assert len(folders) == 2 and all(f.startswith("sweep-") for f in folders), folders
    meta = json.loads((tmp_path / "results" / folders[1] / "metadata.json").read_text())
    assert meta["name"] == folders[1]


def test_resume_on_a_run_folder_is_one_line(tmp_path, capsys):
    """Issue: ``--resume`` on a ``run`` folder gave ``KeyError: 'spec'``."""
    folder = tmp_path / "r"
    assert main(["run", "--steps", "2", "--out", str(folder), "--quiet"]) == 0
    capsys.readouterr()
    before = sorted(p.name for p in folder.iterdir())
    assert main(["sweep", "--resume", str(folder)]) == 2
    line = one_line(capsys.readouterr().err)
    assert "a 'coalition-sim run' results folder" in line and str(folder) in line
    assert sorted(p.name for p in folder.iterdir()) == before


def test_a_scheduler_with_nothing_listening_fails_fast_with_code_5(tmp_path, capsys):
    """Issue: tcp://127.0.0.1:1 took 21 s to fail; --connect-timeout, exit code 5."""
    out = tmp_path / "s"
    argv = ["sweep", "--param", "reliability=0.5", "--steps", "2", "--out", str(out)]
    assert main([*argv, "--scheduler", "tcp://127.0.0.1:1", "--connect-timeout", "0.5"]) == 5
    line = one_line(capsys.readouterr().err)
    assert "tcp://127.0.0.1:1: cannot reach the dask scheduler within 0.5 s" in line
    assert "--connect-timeout" in line
    assert not out.exists()  # nothing written


# --- exit codes, documented ------------------------------------------------------------


def test_every_command_documents_its_exit_codes():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert set(commands) == set(exit_codes())
    for name, sub in commands.items():
        text = sub.format_help()
        assert "exit codes:" in text, name
        for code in exit_codes()[name]:
            assert f"  {code:<4} {EXIT_MEANINGS[code]}" in text, (name, code)
    assert len(set(EXIT_MEANINGS)) == len(EXIT_MEANINGS) == 8
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    for code, meaning in EXIT_MEANINGS.items():
        assert f"| {code} | {meaning} |" in readme


# --- run folders are as readable as any other folder -----------------------------------


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o755), (0o027, 0o750)])
def test_a_run_folder_follows_the_umask(tmp_path, umask, mode):
    """Issue: run folders were 0700 whatever the umask; colleagues could not read them."""
    old = os.umask(umask)
    try:
        assert main(["run", "--steps", "2", "--out", str(tmp_path / "r"), "--quiet"]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r").stat().st_mode) == mode


# --- the dashboard checks its port before saying it listens ----------------------------


def test_dashboard_port_in_use_is_one_line_with_code_6(capsys, monkeypatch):
    def no_server(*args):
        raise AssertionError("the server was started on a port in use")

    monkeypatch.setattr(os, "execve", no_server)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["dashboard", "--port", str(port)]) == 6
    captured = capsys.readouterr()
    assert "listening" not in captured.out
    line = one_line(captured.err, "dashboard")
    assert f"--port {port}: port {port} on 127.0.0.1 is in use" in line and "--port N" in line


# --- first_parity_step: missing means never ----------------------------------------------


def test_first_parity_step_is_a_nullable_integer(tmp_path, capsys):
    out = tmp_path / "p"
    assert fake_sweep("--param", "reliability=0.2,0.9", "--reps", "6", "--steps", "20",
                      "--workers", "1", "--quiet", "--out", str(out)) == 0  # fmt: skip
    runs = pd.read_parquet(out / "runs.parquet")
    assert str(runs.first_parity_step.dtype) == "Int64"
    never = runs.first_parity_step.isna()
    assert never.any() and (~never).any()  # both kinds, so the mean below means something
    assert (runs.first_parity_step.dropna() >= 0).all()  # no -1 left
    reached = runs.first_parity_step.dropna().astype(float)
    assert runs.first_parity_step.mean() == pytest.approx(reached.mean())  # pandas' mean
    assert main(["compare", str(out), "--metric", "first_parity_step", "parity_reached",
                 "--by", "reliability"]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "over the runs that reached parity" in printed
    table = pd.read_csv(out / "compare.csv")
    for value, group in runs.groupby("reliability"):
        rows = table[table.reliability == value].set_index("metric")
        steps = group.first_parity_step.dropna().astype(float)
        assert rows.loc["first_parity_step", "n"] == len(steps)
        if len(steps):
            assert rows.loc["first_parity_step", "mean"] == pytest.approx(steps.mean(), rel=1e-5)
        assert rows.loc["parity_reached", "mean"] == pytest.approx(len(steps) / len(group))


def test_run_metadata_says_null_for_never(tmp_path):
    out = tmp_path / "r"
    # Nobody joins the founders, who stay below parity for the three quarters.
    assert main(["run", "--steps", "3", "--set", "application_threshold=5",
                 "--out", str(out), "--quiet"]) == 0  # fmt: skip
    steps = pd.read_parquet(out / "steps.parquet")
    assert (steps["parity"] < 1).all()
    outcomes = json.loads((out / "metadata.json").read_text())["outcomes"]
    assert outcomes["first_parity_step"] is None
