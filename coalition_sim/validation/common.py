"""What every validation check shares: its declaration, its result, paired runs, intervals.

A :class:`Check` declares its claim and its rule before it is run, and counts the runs
it will make before anything is built (so that a command can refuse a count that would
not fit in memory). Runs are paired: the settings a check compares use the same seeds,
so a difference is the settings', not luck's.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from coalition_sim import streams
from coalition_sim.datasets import Dataset
from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.parameters import Scenario

#: z for a two-sided 95 % interval.
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Result:
    """The outcome of one check: the estimate, its 95 % interval, and the verdict."""

    name: str
    claim: str
    estimate: float
    low: float
    high: float
    rule: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class Context:
    """What every check needs: the data, the replications, the seed, the base scenario."""

    dataset: Dataset
    reps: int
    seed: int
    base: Scenario


@dataclass(frozen=True)
class Check:
    """A validation check: its name, the claim, the rule, and how it is computed.

    ``runs`` counts the engine runs the check makes, before anything is built; ``source``
    names the expert figure a check of the military balance is held against.
    """

    name: str
    claim: str
    rule: str
    run: Callable[[Context], Result]
    runs: Callable[[Context], int]
    source: str = ""

    def result(self, interval, passed: bool, detail: str) -> Result:
        """The result of the check: (estimate, low, high), the verdict and what explains it."""
        estimate, low, high = (float(x) for x in interval)
        return Result(self.name, self.claim, estimate, low, high, self.rule, bool(passed), detail)


def mean_ci(values: np.ndarray) -> tuple[float, float, float]:
    """Mean and its 95 % normal interval (NaN values left out)."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) < 2:
        return (float(values.mean()) if len(values) else math.nan, math.nan, math.nan)
    half = Z95 * values.std(ddof=1) / math.sqrt(len(values))
    return float(values.mean()), float(values.mean() - half), float(values.mean() + half)


def seeds(context: Context, stream: int, reps: int | None = None) -> np.ndarray:
    """The seeds of a check's runs: the same for every setting it compares."""
    reps = context.reps if reps is None else reps
    return streams.run_seeds(context.seed, np.full(reps, stream), np.arange(reps))


def engine(
    context: Context, scenario: Scenario, stream: int, reps: int | None = None, **keep: bool
) -> Engine:
    """The runs of one setting, run to their horizon."""
    chosen = seeds(context, stream, reps)
    inputs = build(context.dataset, [scenario], chosen, np.zeros(len(chosen), dtype=int))
    return Engine(inputs, **keep).run()


def paired(context: Context, one: Scenario, other: Scenario, outcome: str, stream: int):
    """``other - one`` of an outcome, run by run on the same seeds."""
    a = engine(context, one, stream).outcomes()[outcome].astype(float)
    b = engine(context, other, stream).outcomes()[outcome].astype(float)
    return b - a, a, b


def final_state(engine_: Engine) -> Any:
    """The state at the end of an engine of one batch (one scenario, one horizon)."""
    (group,) = engine_.groups
    return group.batch.state
