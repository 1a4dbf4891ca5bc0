"""A fixed revision of the project, checked out for a benchmark to measure in the same run.

A ratio against a baseline that a change can make slower is not a speed-up; a ratio
against a fixed commit, timed on the same machine in the same run, is. ``checkout(rev)``
gives a temporary git worktree of ``rev``; ``probe(folder, code, *args)`` runs ``code`` in
a Python subprocess with that folder first on ``PYTHONPATH`` and returns what its last
line of output holds (JSON); ``model_loop(folder, runs, trials)`` times the Mesa model's
loop of the package in ``folder`` that way.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
#: The last commit before the batched engine: the model loop the issues measure against.
PRE_ENGINE = "bdfe2e6"

#: ``CoalitionModel`` built and stepped to its horizon, run after run (baseline scenario),
#: with ``collect_states`` off and on: per setting the best of the trials in runs per
#: second (wall clock) and in milliseconds per step including set-up (CPU time).
MODEL_LOOP = textwrap.dedent(
    """
    import json, sys, time
    from coalition_sim.model import CoalitionModel
    from coalition_sim.parameters import load_scenario
    runs, trials = int(sys.argv[1]), int(sys.argv[2])
    scenario = load_scenario("baseline")
    out = {}
    for collect in (False, True):
        rate, per_step = 0.0, float("inf")
        for _ in range(trials):
            wall, cpu, steps = time.perf_counter(), time.process_time(), 0
            for seed in range(runs):
                model = CoalitionModel(scenario, rng=seed, collect_states=collect)
                while model.running:
                    model.step()
                    steps += 1
            rate = max(rate, runs / (time.perf_counter() - wall))
            per_step = min(per_step, (time.process_time() - cpu) / steps * 1e3)
        out[str(collect)] = {"runs_per_s": rate, "ms_per_step": per_step}
    print(json.dumps(out))
    """
)


@contextlib.contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """A temporary worktree of ``revision``, removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "anchor"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(folder), revision],
            check=True,
        )
        try:
            yield folder
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder)],
                check=False,
            )


def probe(folder: Path, code: str, *args: Any) -> Any:
    """Run ``code`` against the package in ``folder``; the JSON of its last output line."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def model_loop(folder: Path, runs: int, trials: int) -> dict[str, dict[str, float]]:
    """:data:`MODEL_LOOP` against the package in ``folder``, keyed by ``collect_states``."""
    return probe(folder, MODEL_LOOP, runs, trials)
