"""Benchmark `coalition-sim sweep` against Mesa's `batch_run` on the same model.

Usage: python benchmarks/sweep.py [--steps 40] [--reps 50] [--quick]

Every measurement runs in a fresh subprocess (batch_run switches the whole process to the
spawn start method, and memory is measured per process tree), timed from launch to exit,
so both sides pay for starting Python and importing the model.

1. Throughput at 2 processes: our sweep (runs.parquet, model-level outcomes) against
   `mesa.batch_run(CoalitionModel, ...)` with the same grid (5 reliabilities x 2
   admission rules), the same replications and seeds count, the same number of steps,
   `collect_states=False` (model-level collection only) and `number_processes=2`.
2. Scaling of our sweep from 1 to 2 workers (efficiency = rate2 / (2 * rate1)).
3. Peak memory (RSS of the sweep process and its workers, sampled every 20 ms) of a
   10,000-run sweep against a 1,000-run sweep, at 2 steps per run to keep it short.

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
    wall, peak, _ = measure(argv)
    meta = json.loads((folder / "metadata.json").read_text())
    return meta["counts"]["planned"], wall, peak, meta["timings"]["runs_per_s"]


def mesa(steps: int, reps: int, processes: int, period: int, script: Path):
    """One `batch_run` in a subprocess; returns (runs, wall s, peak MB)."""
    wall, peak, out = measure(
        [PYTHON, str(script), str(steps), str(reps), str(processes), str(period)]
    )
    return int(out.strip().splitlines()[-1]), wall, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=40, help="steps per run (default 40)")
    parser.add_argument("--reps", type=int, default=50, help="replications per grid point")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke test")
    args = parser.parse_args()
    reps = 5 if args.quick else args.reps
    big, small = (2000, 200) if args.quick else (10_000, 1_000)

    print(f"machine: {psutil.cpu_count()} cores, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        script = tmp / "batch.py"
        script.write_text(BATCH_RUN)
        print(f"\n1. throughput, 2 processes, grid 5 x 2, {reps} reps, {args.steps} steps")
        n_m, wall_m, peak_m = mesa(args.steps, reps, 2, -1, script)
        n_o, wall_o, peak_o, inner_o = ours(args.steps, reps, 2, tmp / "o2")
        rate_m, rate_o = n_m / wall_m, n_o / wall_o
        print(
            f"   batch_run : {n_m} runs in {wall_m:6.2f} s = {rate_m:7.1f} runs/s "
            f"(peak {peak_m:.0f} MB)"
        )
        print(
            f"   sweep     : {n_o} runs in {wall_o:6.2f} s = {rate_o:7.1f} runs/s "
            f"(peak {peak_o:.0f} MB; {inner_o} runs/s inside the sweep)"
        )
        n_mk, wall_mk, _ = mesa(args.steps, reps, 2, 1, script)
        n_ok, wall_ok, _, _ = ours(args.steps, reps, 2, tmp / "o2k", keep_steps=True)
        print(
            f"   every step kept: batch_run {n_mk / wall_mk:.1f} runs/s, "
            f"sweep --keep-steps {n_ok / wall_ok:.1f} runs/s "
            f"(ratio {(n_ok / wall_ok) / (n_mk / wall_mk):.2f})"
        )

        print("\n2. scaling of the sweep, 1 -> 2 workers (same sweep as above)")
        n_1, wall_1, _, inner_1 = ours(args.steps, reps, 1, tmp / "o1")
        eff_wall = (n_o / wall_o) / (2 * n_1 / wall_1)
        eff_inner = inner_o / (2 * inner_1)
        print(f"   1 worker : {n_1 / wall_1:7.1f} runs/s ({inner_1} inside)")
        print(f"   2 workers: {n_o / wall_o:7.1f} runs/s ({inner_o} inside)")
        print(f"   efficiency: {eff_wall:.0%} end to end, {eff_inner:.0%} inside the sweep")

        print(f"\n3. peak memory, 2 workers, 2 steps per run: {small} vs {big} runs")
        grid = (f"reliability=0.5:0.9:{small // 100}", "admission_rule=unanimity,qmv,core,majority")
        n_s, wall_s, peak_s, _ = ours(2, 25, 2, tmp / "m1", params=grid)
        grid = (f"reliability=0.5:0.9:{big // 100}", "admission_rule=unanimity,qmv,core,majority")
        n_b, wall_b, peak_b, _ = ours(2, 25, 2, tmp / "m2", params=grid)
        print(f"   {n_s:>6} runs: peak {peak_s:6.0f} MB ({wall_s:.1f} s)")
        print(f"   {n_b:>6} runs: peak {peak_b:6.0f} MB ({wall_b:.1f} s)")
        print(f"   memory ratio: {peak_b / peak_s:.2f} (limit 1.20)")

    ratio = rate_o / rate_m
    print("\nsummary:")
    print(f"   sweep / batch_run at 2 processes: {ratio:.2f} (target >= 3)")
    print(
        f"   scaling 1 -> 2 workers: {eff_wall:.0%} end to end, {eff_inner:.0%} inside "
        "(target >= 80%)"
    )
    print(f"   peak memory 10x runs: {peak_b / peak_s:.2f}x (target <= 1.2)")
    print(f"ratio: {ratio:.2f}")


if __name__ == "__main__":
    main()
