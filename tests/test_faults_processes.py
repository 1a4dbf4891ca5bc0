"""Faults issue: concurrent sweeps, killed processes, a lost scheduler: real processes.

Each test starts the command as a separate process (``tests/sweep_fakes.py``: the CLI
with a fast fake model) and acts on it with real signals, a real second process holding
the folder's lock, or a real dask scheduler that is killed.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import sweep_fakes
from fault_tools import children, process_gone, wait_for

ROOT = Path(__file__).resolve().parents[1]
TESTS = Path(__file__).resolve().parent
FAKES = Path(sweep_fakes.__file__)
PYTHON = sys.executable
SLOW_SWEEP = ["--param", "reliability=0.5:0.9:5", "--reps", "100", "--steps", "3"]


def runs(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "runs.parquet").drop(columns="wall_time_s")


def start(argv: list[str], *, sleep: str = "0.02", **kwargs) -> subprocess.Popen:
    env = {**os.environ, "FAKE_SLEEP": sleep, "PYTHONPATH": str(TESTS)}
    return subprocess.Popen(
        [PYTHON, "-c", "import sys, sweep_fakes; sys.exit(sweep_fakes.main(sys.argv[1:]))",
         "sweep", *argv],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs,
    )  # fmt: skip


def sweep(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    proc = start(argv, sleep="0", **kwargs)
    out, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def has_parts(folder: Path) -> bool:
    return any((folder / ".parts").glob("runs-*.parquet"))


def reference(tmp_path: Path, argv: list[str]) -> Path:
    out = tmp_path / "reference"
    assert sweep_fakes.main(["sweep", *argv, "--workers", "1", "--quiet", "--out", str(out)]) == 0
    return out


# --- two sweeps on one folder ---------------------------------------------------------------


@pytest.mark.slow
def test_a_second_sweep_on_a_running_folder_stops_at_once(tmp_path, capsys):
    """Issue 2: B --force while A ran mixed their rows; --resume ran everything twice.

    B is tried three ways while A runs (new, --force, --resume), in this process while A
    is a process of its own; each stops with exit code 4 naming A. A is then interrupted
    and resumed: its folder holds A's runs only, all of them, as an uninterrupted sweep
    gives them.
    """
    out = tmp_path / "s"
    argv = [*SLOW_SWEEP, "--reps", "200"]
    a = start([*argv, "--workers", "2", "--flush-every", "8", "--chunk-size", "4",
               "--quiet", "--out", str(out)])  # fmt: skip
    try:
        wait_for(lambda: has_parts(out), what="sweep A's first part")
        other = [*SLOW_SWEEP, "--reps", "3", "--workers", "1"]
        for b in ([*other, "--out", str(out)], [*other, "--force", "--out", str(out)],
                  ["--resume", str(out)]):  # fmt: skip
            assert sweep_fakes.main(["sweep", *b]) == 4, b  # B runs here, A is the other
            line = capsys.readouterr().err.strip()
            assert len(line.splitlines()) == 1 and "Traceback" not in line, line
            assert f"pid {a.pid} on host {socket.gethostname()}" in line, line
            assert "another sweep is writing this folder" in line
        assert a.poll() is None, "A ended before B was tried; the test proves nothing"
        a.send_signal(signal.SIGINT)
        _, err = a.communicate(timeout=60)
        assert a.returncode == 130, err
    finally:
        a.kill()
    assert sweep_fakes.main(["sweep", "--resume", str(out), "--workers", "1", "--quiet"]) == 0
    pd.testing.assert_frame_equal(runs(reference(tmp_path, argv)), runs(out))
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["spec"]["reps"] == 200 and meta["status"] == "complete"


def test_a_lock_held_by_another_process_is_named(tmp_path):
    out = tmp_path / "s"
    out.mkdir()
    holder = subprocess.Popen(
        [PYTHON, "-c",
         "import fcntl, json, os, socket, sys, time\n"
         f"fd = os.open({str(out / '.lock')!r}, os.O_RDWR | os.O_CREAT)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\n"
         "os.write(fd, json.dumps({'pid': os.getpid(), 'host': socket.gethostname()}).encode())\n"
         "print('locked', flush=True)\n"
         "time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "locked"
        done = sweep(["--param", "reliability=0.5", "--steps", "2", "--out", str(out)])
        assert done.returncode == 4, done.stderr
        assert f"pid {holder.pid} on host {socket.gethostname()}" in done.stderr
        assert sorted(p.name for p in out.iterdir()) == [".lock"]  # nothing else written
    finally:
        holder.kill()
        holder.wait()
    # the holder is gone: its lock went with it, the stale file locks nothing
    fd = os.open(out / ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(fd)
    assert sweep(["--param", "reliability=0.5", "--steps", "2", "--quiet",
                  "--out", str(out)]).returncode == 0  # fmt: skip


# --- leftovers and SIGTERM --------------------------------------------------------------------


def test_a_finished_sweep_leaves_only_its_results(tmp_path):
    """Issue 15: a finished sweep left an empty ``.lock`` and a ``.runs.parquet.footer``."""
    out = tmp_path / "s"
    argv = [*SLOW_SWEEP, "--reps", "3", "--workers", "1", "--quiet", "--keep-steps",
            "--out", str(out)]  # fmt: skip
    assert sweep_fakes.main(["sweep", *argv]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "design.parquet", "metadata.json", "runs.parquet", "steps.parquet"
    ]  # fmt: skip
    assert sweep_fakes.main(["sweep", "--resume", str(out), "--quiet"]) == 0
    assert sweep_fakes.main(["sweep", *argv, "--force"]) == 0
    assert sorted(p.name for p in out.iterdir())[0] == "design.parquet"  # nothing hidden


def test_a_lock_file_removed_under_a_starting_sweep_is_taken_again(tmp_path, monkeypatch):
    """The lock file is removed when a sweep ends. A sweep that opened the old file just
    before must not lock that removed file (a third sweep would then lock a new file of
    the same name beside it): it sees the file is gone and takes the one at the path."""
    from coalition_sim.errors import FolderLocked
    from coalition_sim.sweeps import locking

    folder = tmp_path / "s"
    folder.mkdir()
    first = locking.FolderLock(folder).acquire()
    real_flock, calls = fcntl.flock, []

    def flock(fd, operation):  # the first sweep ends between the second's open and lock
        if operation & fcntl.LOCK_EX:
            calls.append(os.fstat(fd).st_nlink)  # 0: a file no longer in the folder
            if len(calls) == 1:
                first.release()
        return real_flock(fd, operation)

    monkeypatch.setattr(locking.fcntl, "flock", flock)
    second = locking.FolderLock(folder).acquire()
    monkeypatch.setattr(locking.fcntl, "flock", real_flock)
    assert calls == [1, 1]  # the first try locked a file then removed: it tried again
    assert os.fstat(second._fd).st_nlink == 1 and (folder / ".lock").exists()
    with pytest.raises(FolderLocked):  # so a third sweep is refused
        locking.FolderLock(folder).acquire()
    second.release()
    assert not (folder / ".lock").exists()


def test_sigterm_of_a_sweep_is_handled_as_ctrl_c(tmp_path):
    """Issue 15: SIGTERM printed nothing and left metadata.json at status "running"."""
    out = tmp_path / "s"
    argv = [*SLOW_SWEEP, "--reps", "200"]
    proc = start([*argv, "--workers", "2", "--flush-every", "8", "--chunk-size", "4",
                  "--quiet", "--out", str(out)])  # fmt: skip
    try:
        wait_for(lambda: has_parts(out), what="the first part file")
        workers = children(proc.pid)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert err.strip() == (
        f"coalition-sim sweep: interrupted (SIGTERM); finished runs are saved in {out}; "
        f"continue with: coalition-sim sweep --resume {out}"
    )
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["status"] == "interrupted" and meta["reason"] == "interrupted (SIGTERM)"
    assert has_parts(out) and not (out / ".lock").exists()
    wait_for(lambda: all(process_gone(w) for w in workers), timeout=10, what="the workers")
    assert sweep_fakes.main(["sweep", "--resume", str(out), "--workers", "1", "--quiet"]) == 0
    pd.testing.assert_frame_equal(runs(reference(tmp_path, argv)), runs(out))


@pytest.mark.slow
def test_sigterm_of_the_real_command(tmp_path):
    """The installed command (the engine, not a fake) handles SIGTERM in ``main``."""
    out = tmp_path / "s"
    proc = subprocess.Popen(
        [PYTHON, "-m", "coalition_sim", "sweep", "--param", "reliability=0.5:0.9:400",
         "--reps", "500", "--workers", "1", "--chunk-size", "256", "--flush-every", "256",
         "--quiet", "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: has_parts(out), timeout=60, what="the first part file")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert "coalition-sim sweep: interrupted (SIGTERM); finished runs are saved" in err
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["status"] == "interrupted" and meta["reason"] == "interrupted (SIGTERM)"


# --- killed processes ---------------------------------------------------------------------


@pytest.mark.slow
def test_sigkill_of_a_sweep_takes_its_pool_workers_with_it(tmp_path):
    """Issue: SIGKILL of a sweep left its pool workers running 27 s and more."""
    out = tmp_path / "s"
    proc = start([*SLOW_SWEEP, "--reps", "400", "--workers", "2", "--flush-every", "8",
                  "--chunk-size", "4", "--quiet", "--out", str(out)])  # fmt: skip
    try:
        wait_for(lambda: has_parts(out), what="the first part file")
        workers = children(proc.pid)
        assert len(workers) >= 2, workers
        proc.send_signal(signal.SIGKILL)  # the parent only: nobody stops the pool for it
        proc.wait(timeout=10)
        wait_for(lambda: all(process_gone(w) for w in workers), timeout=10,
                 what=f"workers {workers} to end")  # fmt: skip
    finally:
        proc.kill()


@pytest.mark.slow
def test_a_staging_folder_left_by_a_killed_run_is_removed_by_the_next(tmp_path):
    """Issue: SIGKILL during ``run`` left a hidden folder that nothing cleaned up."""
    parent = tmp_path / "results"
    proc = subprocess.Popen(
        [PYTHON, "-m", "coalition_sim", "run", "--steps", "400", "--out", str(parent / "a")],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(
            lambda: parent.exists() and any(".staging-" in p.name for p in parent.iterdir()),
            what="the staging folder",
        )
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    left = [p.name for p in parent.iterdir()]
    assert len(left) == 1 and left[0].startswith(".a.staging-") and str(proc.pid) in left[0]
    # A staging folder of a live process (this one) is left alone.
    from coalition_sim.folders import owned_name

    alive = parent / owned_name("b", "staging")
    alive.mkdir()
    from coalition_sim.cli import main

    assert main(["run", "--steps", "1", "--out", str(parent / "c"), "--quiet"]) == 0
    assert sorted(p.name for p in parent.iterdir()) == sorted([alive.name, "c"])


# --- a scheduler lost mid-sweep -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_a_scheduler_lost_mid_sweep_saves_runs_and_says_how_to_resume(tmp_path, capsys):
    """Issue: a scheduler lost mid-sweep was a traceback; now as for Ctrl-C, exit code 5."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(TESTS), "FAKE_SLEEP": "0.02"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    scheduler = subprocess.Popen(
        [PYTHON, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", str(port), "--no-dashboard"], **quiet,
    )  # fmt: skip
    worker = subprocess.Popen(
        [PYTHON, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
         "--nworkers", "1", "--no-dashboard"], **quiet,
    )  # fmt: skip
    out = tmp_path / "s"
    try:
        wait_for(lambda: listening(port), timeout=60, what="the scheduler")
        # the client retries a lost scheduler for --connect-timeout seconds, then stops
        proc = start([*SLOW_SWEEP, "--scheduler", address, "--connect-timeout", "2",
                      "--flush-every", "8", "--chunk-size", "4", "--out", str(out)])  # fmt: skip
        wait_for(lambda: has_parts(out), timeout=60, what="runs from the cluster")
        scheduler.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=90)
    finally:
        for p in (scheduler, worker):
            p.kill()
            p.wait()
    assert proc.returncode == 5, err
    line = err.strip()
    assert len(line.splitlines()) == 1 and "Traceback" not in line, err
    assert f"--scheduler {address}: lost the dask scheduler mid-sweep" in line
    assert f"continue with: coalition-sim sweep --resume {out}" in line
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["status"] == "interrupted" and "lost the dask scheduler" in meta["reason"]
    capsys.readouterr()
    assert sweep_fakes.main(["sweep", "--resume", str(out), "--workers", "1"]) == 0
    assert "already done" in capsys.readouterr().err
    pd.testing.assert_frame_equal(runs(reference(tmp_path, SLOW_SWEEP)), runs(out))
