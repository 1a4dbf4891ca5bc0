"""A 1,000,000-run sweep on 2 cores, outcomes only: wall time, memory, state per run.

Runs ``coalition-sim sweep`` (10 grid points x 100,000 replications, 40 quarters, 2
workers) in a subprocess, sampling the resident memory of its process tree every 0.2 s;
prints the wall time, the peak memory and how it grew over the sweep (flat memory: the
last quarter's peak no more than 1.2 times the first quarter's), and the engine's state
per run, measured on one batch. Goal: under 5 minutes, flat memory, state at most 10 KB
per run.

    python benchmarks/million.py [--reps 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil

from coalition_sim.datasets import load_dataset
from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.parameters import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def state_bytes_per_run(runs: int = 4096) -> float:
    """Bytes of engine state (arrays kept from step to step) per run, mid-run."""
    scenario = load_scenario("baseline")
    engine = Engine(build(load_dataset(), [scenario], np.arange(runs), np.zeros(runs, int)))
    batch = engine.groups[0].batch
    for _ in range(20):
        batch.step()
    inputs = batch.inputs
    held = batch.state.nbytes() + inputs.keys.nbytes + inputs.seeds.nbytes
    return held / runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=100_000, help="replications per point")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "million"
        argv = [
            sys.executable, "-m", "coalition_sim", "sweep",
            "--param", "reliability=0.5:0.9:5", "--param", "admission_rule=unanimity,qmv",
            "--reps", str(args.reps), "--steps", "40", "--workers", "2",
            "--out", str(out), "--quiet",
        ]  # fmt: skip
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        parent = psutil.Process(proc.pid)
        samples: list[tuple[float, int]] = []
        while proc.poll() is None:
            rss = 0
            with contextlib.suppress(psutil.Error):
                for p in [parent, *parent.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        rss += p.memory_info().rss
            samples.append((time.perf_counter() - start, rss))
            time.sleep(0.2)
        wall = time.perf_counter() - start
        _, err = proc.communicate()
        if proc.returncode:
            raise SystemExit(err.decode())
        meta = json.loads((out / "metadata.json").read_text())
        runs = meta["counts"]["ok"]
        size = (out / "runs.parquet").stat().st_size
    rss = np.array([r for _, r in samples], dtype=float) / 2**20
    quarter = max(1, len(rss) // 4)
    first, last = rss[:quarter].max(), rss[-quarter:].max()
    print(f"runs: {runs:,} ok, 40 quarters each, 2 workers")
    print(f"wall time: {wall:.1f} s ({runs / wall:,.0f} runs/s end to end; goal under 300 s)")
    print(f"peak memory of the process tree: {rss.max():.0f} MB")
    print(f"memory, first quarter vs last quarter of the sweep: {first:.0f} MB -> {last:.0f} MB "
          f"({last / first:.2f}x; flat means at most 1.2x)")  # fmt: skip
    print(f"runs.parquet: {size / 2**20:.1f} MB")
    print(f"engine state per run: {state_bytes_per_run() / 1024:.1f} KB (goal at most 10 KB)")


if __name__ == "__main__":
    main()
