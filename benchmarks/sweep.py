"""Benchmark `coalition-sim sweep` against Mesa's `batch_run` on the same model.

Usage: python benchmarks/sweep.py [--steps 40] [--reps 1000] [--trials 2] [--quick]

Every measurement runs in a fresh subprocess (batch_run switches the whole process to the
spawn start method, and memory is measured per process tree), timed from launch to exit,
so both sides pay for starting Python and importing the model. Each timing is repeated
(``--trials``, interleaved) and the best rate kept: load from other processes on the
machine only slows a trial down. About 25 minutes on 2 cores, nearly all of it batch_run
(about 26 runs a second: 10,000 runs take six minutes a trial).

1. Throughput at 2 processes: a 10,000-run sweep end to end (runs.parquet, outcomes)
   against `mesa.batch_run(CoalitionModel, ...)` with the same grid (5 reliabilities x 2
   admission rules), the same number of runs (1,000 replications a point), the same
   number of steps, `collect_states=False`, only the last step collected, and
   `number_processes=2`. batch_run steps `CoalitionModel`, the Mesa view over an engine
   of one run; the sweep sends chunks of runs through the engine.
2. Scaling of our sweep from 1 to 2 workers (efficiency = rate2 / (2 * rate1)).
3. Peak memory (RSS of the sweep process and its workers, sampled every 20 ms) of a
   100,000-run sweep against a 10,000-run sweep, at 2 steps per run to keep it short,
   both in chunks of 4,096 runs.

The last line is ``ratio: X``: our runs/s over batch_run's at 2 processes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
RELIABILITIES = "0.5:0.9:5"
RULES = "unanimity,qmv"

BATCH_RUN = textwrap.dedent(
    """
    import sys
    import numpy as np
    from mesa.batchrunner import batch_run
    from coalition_sim.model import CoalitionModel

    if __name__ == "__main__":
        steps, reps, processes, period = (int(a) for a in sys.argv[1:5])
        parameters = {
            "reliability": [float(x) for x in np.linspace(0.5, 0.9, 5)],
            "admission_rule": ["unanimity", "qmv"],
            "collect_states": False,
            "steps": steps,
        }
        rows = batch_run(CoalitionModel, parameters, number_processes=processes,
                         rng=list(range(reps)), max_steps=steps,
                         data_collection_period=period, display_progress=False)
        runs = len({row["RunId"] for row in rows})
        print(runs)
    """
)


def measure(argv: list[str], *, env: dict | None = None) -> tuple[float, float, str]:
    """Run ``argv``; return wall seconds, peak RSS of the process tree (MB), stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    parent = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        try:
            tree = [parent, *parent.children(recursive=True)]
            rss = 0
            for p in tree:
                with contextlib.suppress(psutil.Error):
                    rss += p.memory_info().rss
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.02)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(argv)}\n{err}")
    return wall, peak / 2**20, out


GRID = (f"reliability={RELIABILITIES}", f"admission_rule={RULES}")


def ours(
    steps: int,
    reps: int,
    workers: int,
    folder: Path,
    *,
    keep_steps: bool = False,
    params: tuple[str, ...] = GRID,
    extra: tuple[str, ...] = (),
):
    """One `coalition-sim sweep` run; returns (runs, wall s, peak MB, in-sweep runs/s)."""
    argv = [
        PYTHON,
        "-m",
        "coalition_sim",
        "sweep",
        "--steps",
        str(steps),
        "--reps",
        str(reps),
        "--workers",
        str(workers),
        "--out",
        str(folder),
        "--force",
        "--quiet",
    ]
    for p in params:
        argv += ["--param", p]
    if keep_steps:
        argv.append("--keep-steps")
    argv += list(extra)
    wall, peak, _ = measure(argv)
    meta = json.loads((folder / "metadata.json").read_text())
    return meta["counts"]["planned"], wall, peak, meta["timings"]["runs_per_s"]


def mesa(steps: int, reps: int, processes: int, period: int, script: Path):
    """One `batch_run` in a subprocess; returns (runs, wall s, peak MB)."""
    wall, peak, out = measure(
        [PYTHON, str(script), str(steps), str(reps), str(processes), str(period)]
    )
    return int(out.strip().splitlines()[-1]), wall, peak


def best(label: str, trials: list[float]) -> float:
    """Best rate of the trials: other load on the machine only ever slows a trial down."""
    print(
        f"   {label:<34} "
        + "  ".join(f"{t:6.1f}" for t in trials)
        + f"   best {max(trials):6.1f} runs/s"
    )
    return max(trials)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="steps per run (default 40)")
    parser.add_argument("--reps", type=int, default=1000, help="replications per grid point")
    parser.add_argument("--trials", type=int, default=2, help="repetitions of each timing")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke test")
    args = parser.parse_args()
    reps = 20 if args.quick else args.reps
    big, small = (20_000, 2_000) if args.quick else (100_000, 10_000)
    load = os.getloadavg()[0]
    print(
        f"machine: {psutil.cpu_count()} cores, python {sys.version.split()[0]}, "
        f"load average {load:.2f} at the start"
    )
    rates: dict[str, list[float]] = {k: [] for k in ("mesa", "ours", "mesa_k", "ours_k", "one")}
    inner: dict[str, list[float]] = {"ours": [], "one": []}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        script = tmp / "batch.py"
        script.write_text(BATCH_RUN)
        print(
            f"\n1. throughput, grid 5 x 2, {reps} reps = {10 * reps} runs of {args.steps} "
            f"steps, runs/s per trial (interleaved)"
        )
        for _ in range(args.trials):
            n, wall, peak_m = mesa(args.steps, reps, 2, -1, script)
            rates["mesa"].append(n / wall)
            n, wall, peak_o, rate_in = ours(args.steps, reps, 2, tmp / "o2")
            rates["ours"].append(n / wall)
            inner["ours"].append(rate_in)
            n, wall, _ = mesa(args.steps, reps, 2, 1, script)
            rates["mesa_k"].append(n / wall)
            n, wall, _, _ = ours(args.steps, reps, 2, tmp / "o2k", keep_steps=True)
            rates["ours_k"].append(n / wall)
            n, wall, _, rate_in = ours(args.steps, reps, 1, tmp / "o1")
            rates["one"].append(n / wall)
            inner["one"].append(rate_in)
        rate_m = best("batch_run, 2 processes", rates["mesa"])
        rate_o = best("sweep, 2 workers", rates["ours"])
        rate_mk = best("batch_run, every step collected", rates["mesa_k"])
        rate_ok = best("sweep --keep-steps, 2 workers", rates["ours_k"])
        print(f"   peak memory: batch_run {peak_m:.0f} MB, sweep {peak_o:.0f} MB")

        print("\n2. scaling of the sweep, 1 -> 2 workers (same sweep)")
        rate_1 = best("sweep, 1 worker", rates["one"])
        eff_wall = rate_o / (2 * rate_1)
        eff_inner = max(inner["ours"]) / (2 * max(inner["one"]))
        print(
            f"   inside the sweep (without start-up): {max(inner['one']):.1f} -> "
            f"{max(inner['ours']):.1f} runs/s"
        )
        print(f"   efficiency: {eff_wall:.0%} end to end, {eff_inner:.0%} inside the sweep")

        print(f"\n3. peak memory, 2 workers, 2 steps per run: {small} vs {big} runs")
        grid = (
            f"reliability=0.5:0.9:{small // 1000}",
            "admission_rule=unanimity,qmv,core,majority",
        )
        # The same chunk size for both: the question is whether memory grows with the
        # number of runs, not with the batch the engine works on.
        chunk = ("--chunk-size", "4096")
        n_s, wall_s, peak_s, _ = ours(2, 250, 2, tmp / "m1", params=grid, extra=chunk)
        grid = (f"reliability=0.5:0.9:{big // 1000}", "admission_rule=unanimity,qmv,core,majority")
        n_b, wall_b, peak_b, _ = ours(2, 250, 2, tmp / "m2", params=grid, extra=chunk)
        print(f"   {n_s:>6} runs: peak {peak_s:6.0f} MB ({wall_s:.1f} s)")
        print(f"   {n_b:>6} runs: peak {peak_b:6.0f} MB ({wall_b:.1f} s)")
        print(f"   memory ratio: {peak_b / peak_s:.2f} (limit 1.20)")

    ratio = rate_o / rate_m
    print("\nsummary (best of the trials):")
    print(
        f"   sweep / batch_run at 2 processes: {ratio:.2f} (target >= 40); every step "
        f"collected: {rate_ok / rate_mk:.2f}"
    )
    print(
        f"   scaling 1 -> 2 workers: {eff_wall:.0%} end to end, {eff_inner:.0%} inside "
        "(target >= 80%)"
    )
    print(f"   peak memory 10x runs: {peak_b / peak_s:.2f}x (target <= 1.2)")
    print(f"   load average at the end: {os.getloadavg()[0]:.2f}")
    print(f"ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
