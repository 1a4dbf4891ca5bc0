"""Runs per second in one process: the engine at several batch sizes against the model loop.

The model loop is how a run was made before the engine, one run at a time through the
Mesa model: ``CoalitionModel`` built and stepped 40 quarters per run (it is now a view
over an engine of one run). The engine runs the same scenario as batches of 1, 100,
1,000 and 4,096 runs, and 10,000 runs in chunks of 4,096 as a sweep sends them; set-up
(inputs, traits) is included, writing files is not. Each figure is the best of
``--trials``. Goal: 10,000 runs through the engine at least 50 times the model loop.

The model loop of today is a view over an engine of one run and carries the forces the
pre-engine model lacked, so it is a moving baseline. ``--anchor REV`` (default the
pre-engine commit ``bdfe2e6``) also times that commit's model loop, checked out in a
temporary worktree and run in a subprocess in the same run, with ``collect_states`` off
and on, and prints the engine's ratio against it and against the 61 runs/s the issue
states for it.

    python benchmarks/engine.py [--trials 3] [--anchor bdfe2e6 | --no-anchor]
"""

from __future__ import annotations

import argparse
import time

import anchor
import numpy as np
from anchor import PRE_ENGINE, checkout

from coalition_sim.datasets import load_dataset
from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.model import CoalitionModel
from coalition_sim.parameters import load_scenario

SCENARIO = load_scenario("baseline")


def model_loop(runs: int) -> float:
    """Runs per second of the Mesa model, one run after another."""
    start = time.perf_counter()
    for seed in range(runs):
        model = CoalitionModel(SCENARIO, rng=seed, collect_states=False)
        while model.running:
            model.step()
    return runs / (time.perf_counter() - start)


def engine(runs: int, chunk: int) -> float:
    """Runs per second of the engine, ``runs`` runs in batches of ``chunk``."""
    dataset = load_dataset()
    start = time.perf_counter()
    for first in range(0, runs, chunk):
        seeds = np.arange(first, min(runs, first + chunk))
        Engine(build(dataset, [SCENARIO], seeds, np.zeros(len(seeds), int))).run()
    return runs / (time.perf_counter() - start)


#: The pre-engine model's loop as the issue measured it on its last commit (runs/s).
STATED_ANCHOR = 61.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--anchor", default=PRE_ENGINE, help="git revision of the anchor")
    parser.add_argument("--no-anchor", action="store_true", help="skip the anchor's loop")
    args = parser.parse_args()
    best = lambda f, *a: max(f(*a) for _ in range(args.trials))  # noqa: E731
    loop = best(model_loop, 50)
    print("runs per second in one process (baseline scenario, 40 quarters)")
    print(f"   model loop (CoalitionModel, one run at a time): {loop:9.0f}")
    for size in (1, 100, 1000, 4096):
        runs = max(size, 50)
        rate = best(engine, runs, size)
        print(
            f"   engine, batches of {size:>5}:                  {rate:9.0f}   {rate / loop:6.1f}x"
        )
    rate = best(engine, 10_000, 4096)
    print(f"   engine, 10,000 runs in chunks of 4,096:        {rate:9.0f}   {rate / loop:6.1f}x")
    if not args.no_anchor:
        with checkout(args.anchor) as folder:
            then = anchor.model_loop(folder, 50, args.trials)
        for key, words in (("False", "collect_states=False"), ("True", "collect_states=True")):
            print(
                f"   anchor {args.anchor} model loop, {words}: "
                f"{then[key]['runs_per_s']:9.0f}   engine {rate / then[key]['runs_per_s']:6.1f}x"
            )
        print(f"   the issue's figure for the anchor: {STATED_ANCHOR:9.0f}   "
              f"engine {rate / STATED_ANCHOR:6.1f}x")  # fmt: skip
    print(f"ratio: {rate / loop:.1f}")


if __name__ == "__main__":
    main()
