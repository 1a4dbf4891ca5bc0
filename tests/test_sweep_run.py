"""Running sweeps: backends agree, failures are data, interruptions resume, input is checked."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import sweep_fakes
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition_sim.cli import main
from coalition_sim.sweeps import storage
from coalition_sim.sweeps.design import build_spec
from coalition_sim.sweeps.executors import DaskExecutor, PoolExecutor, SerialExecutor
from coalition_sim.sweeps.runner import RunContext, SweepRunner
from coalition_sim.sweeps.simulators import PerRunSimulator

ROOT = Path(__file__).resolve().parents[1]
FAKES = Path(sweep_fakes.__file__)
PYTHON = sys.executable

SMALL = [
    "--param",
    "reliability=0.6,0.8",
    "--param",
    "admission_rule=unanimity,qmv",
    "--reps",
    "3",
    "--steps",
    "4",
    "--quiet",
]


def runs(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "runs.parquet").drop(columns="wall_time_s")


def fake_sweep(argv: list[str]) -> int:
    return sweep_fakes.main(["sweep", *argv])


# --- backends ---------------------------------------------------------------------------------


def test_serial_pool_and_dask_give_identical_files(tmp_path):
    common = [*SMALL, "--keep-steps", "--param", "state.HUN.reliability=0.1,0.5"]
    assert main(["sweep", *common, "--workers", "1", "--out", str(tmp_path / "s")]) == 0
    assert main(["sweep", *common, "--workers", "2", "--out", str(tmp_path / "p")]) == 0
    assert main(["sweep", *common, "--dask-local", "2", "--out", str(tmp_path / "d")]) == 0
    serial = runs(tmp_path / "s")
    assert len(serial) == 24 and list(serial.run_id) == list(range(24))
    assert (serial.status == "ok").all() and serial.seed.is_unique
    for other in ("p", "d"):
        pd.testing.assert_frame_equal(serial, runs(tmp_path / other))
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / "s" / "steps.parquet"),
            pd.read_parquet(tmp_path / other / "steps.parquet"),
        )
    steps = pd.read_parquet(tmp_path / "s" / "steps.parquet")
    assert list(steps.columns[:2]) == ["run_id", "step"]
    assert steps.groupby("run_id").size().eq(5).all()  # step 0 plus 4 quarters
    meta = json.loads((tmp_path / "d" / "metadata.json").read_text())
    assert meta["workers"]["backend"] == "dask" and meta["workers"]["scheduler"].startswith(
        "tcp://127.0.0.1:"
    )
    assert meta["counts"] == {"planned": 24, "done_before": 0, "to_run": 24, "ok": 24, "failed": 0}
    for key in ("version", "base_scenario", "design", "master_seed", "timings", "host"):
        assert key in meta


def test_runs_table_layout_and_rerun_command(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["sweep", *SMALL, "--workers", "1", "--out", str(out)]) == 0
    table = pd.read_parquet(out / "runs.parquet")
    head = [
        "run_id",
        "sample_id",
        "replication",
        "seed",
        "status",
        "reliability",
        "admission_rule",
        "final_members",
        "join_order",
        "final_parity",
        "final_cohesion",
        "final_credibility",
        "parity_reached",
        "first_parity_step",
        "vetoes_unreliable",
    ]
    assert list(table.columns[: len(head)]) == head
    # Issue 15: parity_reached is an outcome of every run (first_parity_step not missing)
    assert str(table["parity_reached"].dtype) == "boolean"
    assert (table["parity_reached"] == table["first_parity_step"].notna()).all()
    assert list(table.columns[-3:]) == ["error", "wall_time_s", "command"]
    row = table.iloc[7]
    assert (row.sample_id, row.replication) == (2, 1)
    words = shlex.split(row.command)
    assert words[:2] == ["coalition-sim", "run"] and str(row.seed) in words
    capsys.readouterr()
    assert main([*words[1:], "--out", str(tmp_path / "alone"), "--quiet"]) == 0
    alone = json.loads((tmp_path / "alone" / "metadata.json").read_text())["outcomes"]
    # every outcome exactly equal: the engine's runs are the same alone or in a batch
    for name, value in alone.items():
        mine = table.iloc[7][name]
        if value is None:  # "never" (first_parity_step): missing in both
            assert pd.isna(mine), name
        else:
            assert mine == value, name
    assert set(alone) <= set(table.columns)


def test_keep_events_writes_every_runs_log_keyed_by_run_id(tmp_path, capsys):
    out = tmp_path / "e"
    assert main(["sweep", *SMALL, "--keep-events", "--workers", "2", "--out", str(out)]) == 0
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns) == ["run_id", "event", "step", "kind", "actor", "target",
                                    "value", "detail"]  # fmt: skip
    assert events.run_id.is_monotonic_increasing and set(events.run_id) <= set(range(12))
    row = pd.read_parquet(out / "runs.parquet").iloc[5]
    words = shlex.split(row.command)
    capsys.readouterr()
    assert main([*words[1:], "--out", str(tmp_path / "alone"), "--quiet"]) == 0
    alone = pd.read_parquet(tmp_path / "alone" / "events.parquet")
    mine = events[events.run_id == 5].drop(columns=["run_id", "event"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, alone, check_dtype=False)
    admitted = (mine.kind == "admission").sum()
    assert admitted == row.admissions


def test_pool_restarts_after_a_worker_dies(tmp_path):
    spec = build_spec(params=["reliability=0.3:0.9:7"], reps=4, steps=2)
    context = RunContext(
        spec.base_scenario(), None, False, PerRunSimulator(sweep_fakes.fake_simulate)
    )
    serial = tmp_path / "serial"
    with SerialExecutor() as ex:
        SweepRunner(spec, serial, ex, context=context, progress=False).run()
    killer = RunContext(spec.base_scenario(), None, False, PerRunSimulator(sweep_fakes.die_once))
    marker = tmp_path / "died"
    os.environ["FAKE_DIE_MARKER"] = str(marker)
    try:
        with PoolExecutor(2) as ex:
            result = SweepRunner(
                spec, tmp_path / "pool", ex, context=killer, progress=False, chunk=2
            ).run()
            assert ex.restarts == 1
    finally:
        del os.environ["FAKE_DIE_MARKER"]
    assert marker.exists() and result.failed == 0
    pd.testing.assert_frame_equal(runs(serial), runs(tmp_path / "pool"))


# --- failures -----------------------------------------------------------------------------


def test_failed_runs_are_recorded_and_the_sweep_goes_on(tmp_path, capsys):
    out = tmp_path / "f"
    argv = [
        "--param",
        "reliability=0.5,0.123,0.9",
        "--reps",
        "2",
        "--steps",
        "3",
        "--workers",
        "2",
        "--out",
        str(out),
    ]
    assert fake_sweep(argv) == 1
    err = capsys.readouterr().err
    assert "2 of 6 runs failed" in err and "rerun: coalition-sim run" in err
    table = pd.read_parquet(out / "runs.parquet")
    failed = table[table.status == "error"]
    assert list(failed.run_id) == [2, 3]
    assert failed.error.str.contains("RuntimeError: deliberate failure").all()
    assert failed.final_parity.isna().all() and failed.wall_time_s.notna().all()
    assert (table[table.status == "ok"].final_parity.notna()).all()
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["counts"]["failed"] == 2 and meta["status"] == "complete"
    # parity_reached: missing for a failed run (not False); from first_parity_step for
    # the others, also when the simulator (this fake, an older version) does not give it
    assert failed.parity_reached.isna().all()
    ok = table[table.status == "ok"]
    assert ok.parity_reached.notna().all()
    assert (ok.parity_reached == ok.first_parity_step.notna()).all()


def test_parity_reached_is_an_outcome_analyses_accept(tmp_path, capsys):
    """Issue 15: discover and features accepted parity_reached, runs.parquet lacked it."""
    out = tmp_path / "s"
    # parity is reached only where Russia's purchasing power is low: both kinds of run
    argv = ["sweep", "--sample", "lhs", "--samples", "24", "--param", "adversary_ppp_factor=1:3",
            "--param", "threat_mean=0.2:0.9", "--reps", "2", "--steps", "40", "--seed", "3",
            "--workers", "1", "--quiet", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    table = pd.read_parquet(out / "runs.parquet")
    assert "parity_reached" in table and 0 < table.parity_reached.mean() < 1
    assert main(["features", str(out), "--outcome", "parity_reached"]) == 0
    assert main(["discover", str(out), "--where", "parity_reached == 1"]) == 0
    assert main(["compare", str(out), "--metric", "parity_reached", "--by", "status"]) == 0
    printed = capsys.readouterr().out
    assert f"{table.parity_reached.mean():.4g}" in printed


# --- interruption and resume --------------------------------------------------------------


def _start(out: Path, extra_env: dict[str, str], *args: str) -> subprocess.Popen:
    env = {**os.environ, "FAKE_SLEEP": "0.004", **extra_env}
    argv = [
        PYTHON,
        str(FAKES),
        "sweep",
        "--param",
        "reliability=0.5:0.9:5",
        "--reps",
        "80",
        "--steps",
        "3",
        "--workers",
        "2",
        "--flush-every",
        "8",
        "--chunk-size",
        "4",
        "--out",
        str(out),
        *args,
    ]
    return subprocess.Popen(
        argv,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=ROOT,
        text=True,
    )


def _wait_for_parts(out: Path, proc: subprocess.Popen, count: int = 3) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        parts = list((out / storage.PARTS).glob("runs-*.parquet"))
        if len(parts) >= count:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.02)
    raise AssertionError("no part files appeared")


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_resume_after_interruption_equals_an_uninterrupted_sweep(tmp_path, how):
    reference = tmp_path / "ref"
    assert (
        fake_sweep(
            [
                "--param",
                "reliability=0.5:0.9:5",
                "--reps",
                "80",
                "--steps",
                "3",
                "--workers",
                "1",
                "--out",
                str(reference),
                "--quiet",
            ]
        )
        == 0
    )
    out = tmp_path / "cut"
    proc = _start(out, {})
    _wait_for_parts(out, proc)
    if how == "SIGKILL":
        os.killpg(proc.pid, signal.SIGKILL)  # the sweep and its workers
        proc.wait(timeout=10)
    else:
        proc.send_signal(signal.SIGINT)  # Ctrl-C: the parent saves and stops
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        assert f"coalition-sim sweep --resume {out}" in err
        assert json.loads((out / "metadata.json").read_text())["status"] == "interrupted"
    assert not (out / "runs.parquet").exists()
    saved = storage.done_run_ids(out)
    assert 0 < len(saved) < 400
    resumed = subprocess.run(
        [PYTHON, str(FAKES), "sweep", "--resume", str(out)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "FAKE_SLEEP": "0"},
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(saved)} already done" in resumed.stderr
    assert "%|" not in resumed.stderr  # no progress bar in a pipe
    pd.testing.assert_frame_equal(runs(reference), runs(out))
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["counts"]["done_before"] == len(saved) and meta["status"] == "complete"
    assert not (out / storage.PARTS).exists()


def test_resume_refuses_another_sweep(tmp_path, capsys):
    out = tmp_path / "a"
    assert (
        fake_sweep(
            [
                "--param",
                "reliability=0.5,0.9",
                "--steps",
                "2",
                "--out",
                str(out),
                "--quiet",
                "--workers",
                "1",
            ]
        )
        == 0
    )
    assert fake_sweep(["--param", "reliability=0.5,0.8", "--steps", "2", "--resume", str(out)]) == 2
    assert "holds another sweep" in capsys.readouterr().err
    # resuming a finished sweep runs nothing and changes nothing
    before = runs(out)
    assert fake_sweep(["--resume", str(out), "--quiet"]) == 0
    pd.testing.assert_frame_equal(before, runs(out))


# --- dask: a worker killed mid-sweep --------------------------------------------------------


def test_dask_worker_killed_mid_sweep_loses_and_duplicates_nothing(tmp_path):
    from distributed import Client, LocalCluster

    spec = build_spec(params=["reliability=0.3:0.9:5"], reps=60, steps=2)
    reference = tmp_path / "ref"
    context = RunContext(
        spec.base_scenario(), None, False, PerRunSimulator(sweep_fakes.fake_simulate)
    )
    with SerialExecutor() as ex:
        SweepRunner(spec, reference, ex, context=context, progress=False).run()

    os.environ["FAKE_SLEEP"] = "0.01"
    try:
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        )
        with cluster, Client(cluster) as client:
            out = tmp_path / "dask"
            result: dict = {}

            def sweep() -> None:
                with DaskExecutor(cluster.scheduler_address) as ex:
                    runner = SweepRunner(
                        spec, out, ex, context=context, progress=False, chunk=3, flush_rows=6
                    )
                    result["r"] = runner.run()

            thread = threading.Thread(target=sweep)
            thread.start()
            deadline = time.monotonic() + 30
            while not list((out / storage.PARTS).glob("runs-*.parquet")):
                assert time.monotonic() < deadline and thread.is_alive()
                time.sleep(0.02)
            pids = client.run(os.getpid)
            victim = sorted(pids.values())[0]
            os.kill(victim, signal.SIGKILL)
            thread.join(timeout=120)
            assert not thread.is_alive()
    finally:
        del os.environ["FAKE_SLEEP"]
    assert result["r"].failed == 0 and result["r"].ok == 300
    got = runs(out)
    assert got.run_id.is_unique and len(got) == 300
    pd.testing.assert_frame_equal(runs(reference), got)


# --- input and output folders ---------------------------------------------------------------


def test_existing_folder_is_not_overwritten_without_force(tmp_path, capsys):
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    assert main(["sweep", *SMALL, "--out", str(out)]) == 2
    assert "exists" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    (out / "notes.txt").unlink()
    assert main(["sweep", *SMALL, "--workers", "1", "--out", str(out)]) == 0
    first = runs(out)
    assert main(["sweep", *SMALL, "--workers", "1", "--out", str(out)]) == 2
    assert main(["sweep", *SMALL, "--workers", "1", "--out", str(out), "--force"]) == 0
    pd.testing.assert_frame_equal(first, runs(out))  # replaced, not appended


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["--param", "reliability=0.5:1.5:3"], "reliability: 1.5 is out of range"),
        (["--param", "admision_rule=qmv"], "did you mean admission_rule?"),
        (["--param", "reliability=0.5,0.7", "--set", "protocol=haggle"], "protocol: 'haggle'"),
        (["--scenario", "nowhere"], "unknown scenario 'nowhere'"),
        (["--states", "missing.csv"], "missing.csv"),
        (["--reps", "0"], "--reps: 0 must be >= 1"),
        (["--workers", "2", "--dask-local", "2"], "choose one place to run"),
        (["--sample", "sobol", "--samples", "4", "--param", "reliability=0:1"], "at least two"),
        (["--param", "founders=EST,LVA,XXX"], "XXX"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, argv, fragment):
    out = tmp_path / "never"
    assert main(["sweep", *argv, "--steps", "2", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert fragment in err and len(err.splitlines()) == 1 and err.startswith("coalition-sim sweep")
    assert not out.exists()


def test_sweep_file_with_data_files(tmp_path):
    from coalition_sim.datasets import DATA_DIR

    for name in ("european_states.csv", "borders.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    sweep_file = tmp_path / "x.toml"
    sweep_file.write_text(
        'name = "x"\nreps = 2\nsteps = 3\n[params]\nadmission_rule = ["unanimity", "core"]\n'
    )
    data = [
        "--states",
        str(tmp_path / "european_states.csv"),
        "--borders",
        str(tmp_path / "borders.csv"),
    ]
    assert (
        main(
            [
                "sweep",
                str(sweep_file),
                "--workers",
                "1",
                "--quiet",
                "--out",
                str(tmp_path / "a"),
                *data,
            ]
        )
        == 0
    )
    assert (
        main(["sweep", str(sweep_file), "--workers", "1", "--quiet", "--out", str(tmp_path / "b")])
        == 0
    )
    a, b = runs(tmp_path / "a"), runs(tmp_path / "b")
    assert a.command.str.contains("--states").all()
    pd.testing.assert_frame_equal(a.drop(columns="command"), b.drop(columns="command"))
    meta = json.loads((tmp_path / "a" / "metadata.json").read_text())
    assert meta["data"]["states"].endswith("european_states.csv") and meta["name"] == "x"


def test_dry_run_writes_nothing(tmp_path, capsys):
    out = tmp_path / "dry"
    argv = [
        "sweep",
        "--sample",
        "morris",
        "--samples",
        "3",
        "--param",
        "reliability=0.5:0.9",
        "--param",
        "admission_rule=unanimity,qmv",
        "--reps",
        "2",
        "--dry-run",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    assert "18 runs: 9 samples x 2 replications (morris)" in capsys.readouterr().out
    assert not out.exists()


def test_progress_bar_only_on_a_terminal(monkeypatch):
    from coalition_sim.sweeps import runner

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert runner._progress(True, total=10, initial=0) is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert runner._progress(False, total=10, initial=0) is None
    bar = runner._progress(True, total=10, initial=3)
    assert bar is not None and bar.n == 3
    bar.close()


def test_scheduler_option_runs_on_an_existing_cluster(tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, host="127.0.0.1",
                      dashboard_address=None) as cluster:  # fmt: skip
        out = tmp_path / "remote"
        argv = ["sweep", *SMALL, "--scheduler", cluster.scheduler_address, "--out", str(out)]
        assert main(argv) == 0
    assert main(["sweep", *SMALL, "--workers", "1", "--out", str(tmp_path / "s")]) == 0
    pd.testing.assert_frame_equal(runs(tmp_path / "s"), runs(out))
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["workers"]["scheduler"] == cluster.scheduler_address
    assert meta["workers"]["local_cluster"] is False


def test_resume_flag_with_out(tmp_path):
    out = tmp_path / "r"
    argv = ["--param", "reliability=0.5,0.9", "--reps", "2", "--steps", "2", "--quiet",
            "--workers", "1"]  # fmt: skip
    assert fake_sweep([*argv, "--out", str(out)]) == 0
    (out / "runs.parquet").unlink()  # as if killed before the merge: only metadata is left
    assert fake_sweep([*argv, "--out", str(out), "--resume"]) == 0
    assert len(runs(out)) == 4


class ShuffledExecutor(SerialExecutor):
    """Runs every task, then hands the results back in a random order."""

    def __init__(self, seed: int):
        self.seed = seed

    def imap_unordered(self, fn, tasks, shared):
        import random

        done = [(task, fn(shared, task)) for task in tasks]
        random.Random(self.seed).shuffle(done)
        yield from done


@settings(max_examples=8, deadline=None)
@given(chunk=st.integers(1, 9), order=st.integers(0, 10_000), flush=st.integers(1, 30))
def test_rows_do_not_depend_on_chunks_completion_order_or_flushes(
    tmp_path_factory, chunk, order, flush
):
    spec = build_spec(params=["reliability=0.3:0.9:4", "admission_rule=unanimity,core"],
                      reps=3, steps=2)  # fmt: skip
    context = RunContext(
        spec.base_scenario(), None, False, PerRunSimulator(sweep_fakes.fake_simulate)
    )
    reference = tmp_path_factory.mktemp("ref")
    SweepRunner(spec, reference, SerialExecutor(), context=context, progress=False).run()
    out = tmp_path_factory.mktemp("shuffled")
    SweepRunner(spec, out, ShuffledExecutor(order), context=context, progress=False,
                chunk=chunk, flush_rows=flush).run()  # fmt: skip
    pd.testing.assert_frame_equal(runs(reference), runs(out))


def test_pool_gives_up_after_repeated_worker_deaths(tmp_path):
    spec = build_spec(params=["reliability=0.3:0.9:3"], reps=2, steps=2)
    always = RunContext(spec.base_scenario(), None, False, PerRunSimulator(sweep_fakes.die_always))
    with PoolExecutor(2) as ex:
        result = SweepRunner(spec, tmp_path / "p", ex, context=always, progress=False,
                             chunk=1).run()  # fmt: skip
        assert ex.restarts == 3
    table = pd.read_parquet(tmp_path / "p" / "runs.parquet")
    assert result.failed == 6 and table.error.str.contains("BrokenProcessPool").all()


def test_chunks_are_a_few_per_worker_and_large_enough_for_the_engine():
    from coalition_sim.sweeps.runner import chunk_size

    assert chunk_size(10_000, 2) == 1250  # eight tasks on two workers
    assert chunk_size(1_000_000, 2) == 4096  # the engine's best batch
    assert chunk_size(3_000, 2) == 375
    assert chunk_size(1_000, 2) == 256  # never below the engine's small-batch limit
    assert chunk_size(100, 2) == 100  # but never more than there is
    assert chunk_size(10_000, 2, requested=7) == 7
