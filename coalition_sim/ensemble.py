"""An ensemble: many replications of one scenario, summarised the way the dashboard shows it.

One run of the model is one draw of its random events (aggression, vetoes, honoured
commitments, threat shocks); what an analyst can defend is the spread of many draws.
:func:`run_ensemble` sends N replications of a scenario through one
:class:`~coalition_sim.engine.engine.Engine` (all at once, each run as if it ran alone) and
keeps three things: every metric at every step, each state's membership at the end, and
the step at which parity was first reached. From those:

- :func:`quantile_bands`: median and the central 50 % and 90 % of the runs at each step;
- :func:`membership_probability`: the share of runs in which each state is a member at the
  end (founders never leave, so theirs is 1);
- :func:`first_parity_histogram`: when parity is first reached, and how many runs never do.

Seeds: replication ``r`` of master seed ``S`` gets the seed
``coalition_sim.streams.run_seeds(S, 0, r)``, the seed run ``r`` gets in
``coalition-sim sweep --seed S --reps N`` with nothing varied. So every run of an ensemble
can be repeated alone, and the ensemble as a whole with the CLI or
``coalition_sim.sweep(reps=N, seed=S)``.

Pure numpy over the engine's arrays: no Mesa, no Solara, no pandas; the dashboard's
Ensemble page (:mod:`coalition_sim.dashboard.ensemble`) only draws what this returns.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coalition_sim.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.datasets import Dataset
    from coalition_sim.parameters import Scenario

#: Largest ensemble the dashboard and :func:`run_ensemble` accept: about two seconds of
#: engine time and 40 MB of per-step arrays; larger ones belong in ``coalition-sim sweep``.
MAX_RUNS = 5000

#: Quantiles behind the bands: the 90 % band, the 50 % band and the median.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


@dataclass(frozen=True)
class Bands:
    """The spread of one metric over the runs, step by step (arrays of ``steps + 1``).

    Quantiles are numpy's default (linear interpolation between order statistics,
    Hyndman and Fan's type 7, as in pandas and R), so they can be checked by hand.
    """

    median: np.ndarray
    low50: np.ndarray
    high50: np.ndarray
    low90: np.ndarray
    high90: np.ndarray

    @property
    def steps(self) -> np.ndarray:
        """The steps the bands cover, from 0."""
        return np.arange(len(self.median))


def quantile_bands(series: np.ndarray) -> Bands:
    """Median, 50 % and 90 % bands of ``series``, a ``(runs, steps)`` array, at each step.

    Raises:
        ValueError: when there is no run.
    """
    values = np.asarray(series, dtype=float)
    if values.ndim != 2 or values.shape[0] == 0:
        raise ValueError(f"need a (runs, steps) array with at least one run, got {values.shape}")
    q05, q25, q50, q75, q95 = np.quantile(values, QUANTILES, axis=0)
    return Bands(median=q50, low50=q25, high50=q75, low90=q05, high90=q95)


def membership_probability(member: np.ndarray) -> np.ndarray:
    """The share of runs in which each state is a member: the mean over the runs' axis.

    Args:
        member: ``(runs, states)`` booleans, each state's membership at the end of a run.
    """
    member = np.asarray(member, dtype=bool)
    if member.ndim != 2 or member.shape[0] == 0:
        raise ValueError(f"need a (runs, states) array with at least one run, got {member.shape}")
    return member.mean(axis=0)


@dataclass(frozen=True)
class FirstParity:
    """When the runs first reach parity: a histogram over steps and the runs that never do.

    Attributes:
        edges: bin edges in steps, ``len(counts) + 1`` of them; bin ``i`` holds the runs
            with ``edges[i] <= first step < edges[i + 1]``.
        counts: runs per bin.
        never: runs that never reach parity within the horizon.
        runs: all runs.
    """

    edges: np.ndarray
    counts: np.ndarray
    never: int
    runs: int

    @property
    def never_share(self) -> float:
        """The share of runs that never reach parity."""
        return self.never / self.runs if self.runs else math.nan

    @property
    def width(self) -> int:
        """Steps per bin."""
        return int(self.edges[1] - self.edges[0]) if len(self.edges) > 1 else 1


def first_parity_histogram(first_step: np.ndarray, horizon: int, max_bins: int = 60) -> FirstParity:
    """Bin the first step with parity (``-1`` for never, as the engine reports it).

    Bins are whole steps (one quarter each) up to ``max_bins`` of them (60: fifteen
    years); a longer horizon gets wider bins of equal width, so no bin is a different
    size from the others.

    Args:
        first_step: ``(runs,)`` first step with parity >= 1, or -1 (or NaN) for never.
        horizon: the runs' last step; bins cover steps 0 to ``horizon``.
        max_bins: at most this many bins.
    """
    steps = np.asarray(first_step, dtype=float).reshape(-1)
    reached = steps[np.isfinite(steps) & (steps >= 0)]
    width = max(1, math.ceil((horizon + 1) / max_bins))
    edges = np.arange(0, horizon + width + 1, width, dtype=np.int64)
    if edges[-1] <= horizon:  # pragma: no cover - arange always passes the horizon
        edges = np.append(edges, edges[-1] + width)
    counts, _ = np.histogram(reached, bins=edges)
    return FirstParity(edges, counts.astype(np.int64), int(len(steps) - len(reached)), len(steps))


def ensemble_seeds(seed: int, runs: int) -> np.ndarray:
    """The seeds of ``runs`` replications of master seed ``seed`` (see the module docstring)."""
    from coalition_sim.streams import run_seeds

    return run_seeds(seed, np.zeros(runs, dtype=np.int64), np.arange(runs, dtype=np.int64))


def check_runs(runs: object) -> int:
    """An ensemble size as an int in [1, :data:`MAX_RUNS`], or a one-line InputError."""
    allowed = f"allowed: a whole number from 1 to {MAX_RUNS}"
    if isinstance(runs, str):
        text = runs.strip().replace(",", "").replace("_", "")
        digits = text.removeprefix("+")
        # ASCII digits only ("²".isdigit() is true, int("²") fails); the length is checked
        # before int(), which refuses more than 4,300 digits
        if not (digits.isascii() and digits.isdigit()):
            shown = runs if len(runs) <= 40 else f"{runs[:39]}… ({len(runs):,} characters)"
            raise InputError(f"runs: '{shown}' is not a whole number; {allowed}")
        if len(digits.lstrip("0")) > len(str(MAX_RUNS)):
            raise InputError(f"runs: a number of {len(digits):,} digits is out of range; {allowed}")
        runs = int(digits)
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer):
        raise InputError(f"runs: {runs!r} is not a whole number; {allowed}")
    if not 1 <= int(runs) <= MAX_RUNS:
        raise InputError(f"runs: {int(runs)} is out of range; {allowed}")
    return int(runs)


@dataclass(frozen=True)
class Ensemble:
    """N replications of one scenario, with what the summaries need.

    Attributes:
        scenario: the scenario every run used (its seed is the master seed).
        seeds: each run's seed, ``(runs,)``.
        codes: ISO3 codes of the states, in the order of ``member``'s columns.
        founders: the scenario's founders.
        series: every per-step metric (:data:`coalition_sim.outcomes.METRICS`) as a
            ``(runs, steps + 1)`` array; step 0 is the start.
        member: each state's membership at the end, ``(runs, states)``.
        first_parity_step: first step with parity >= 1, -1 when never, ``(runs,)``.
        elapsed_s: seconds to build, run and collect the runs.
    """

    scenario: Scenario
    seeds: np.ndarray
    codes: tuple[str, ...]
    founders: tuple[str, ...]
    series: Mapping[str, np.ndarray]
    member: np.ndarray
    first_parity_step: np.ndarray
    elapsed_s: float

    @property
    def runs(self) -> int:
        """The number of runs."""
        return len(self.seeds)

    @property
    def horizon(self) -> int:
        """The last step of every run."""
        return next(iter(self.series.values())).shape[1] - 1

    def bands(self, metric: str) -> Bands:
        """Median, 50 % and 90 % bands of one metric over the runs."""
        if metric not in self.series:
            allowed = ", ".join(self.series)
            raise InputError(f"metric '{metric}' is not recorded; allowed: {allowed}")
        return quantile_bands(self.series[metric])

    def membership(self) -> dict[str, float]:
        """``{iso3: share of runs in which the state is a member at the end}``."""
        shares = membership_probability(self.member)
        return {code: float(share) for code, share in zip(self.codes, shares, strict=True)}

    def first_parity(self, max_bins: int = 60) -> FirstParity:
        """The histogram of the first step with parity, and the runs that never reach it."""
        return first_parity_histogram(self.first_parity_step, self.horizon, max_bins)


def run_ensemble(
    scenario: Scenario,
    runs: int,
    seed: int | None = None,
    *,
    dataset: Dataset | None = None,
) -> Ensemble:
    """Run ``runs`` replications of ``scenario`` through one engine and keep the summaries.

    Args:
        scenario: a validated scenario (its horizon is ``scenario["steps"]``).
        runs: the number of replications, 1 to :data:`MAX_RUNS`.
        seed: the master seed; the scenario's own seed when omitted.
        dataset: the states and borders (the packaged data when omitted).

    Raises:
        InputError: on a bad number of runs, or ISO3 codes the data does not hold (named
            by field, as in ``coalition-sim run``).

    Example:
        >>> from coalition_sim.parameters import PRESETS
        >>> ensemble = run_ensemble(PRESETS["baseline"].with_values({"steps": 8}), 20, seed=3)
        >>> ensemble.runs, ensemble.horizon
        (20, 8)
        >>> ensemble.membership()["EST"]  # a founder: a member in every run
        1.0
    """
    from coalition_sim.datasets import load_dataset
    from coalition_sim.engine.engine import Engine
    from coalition_sim.engine.inputs import build
    from coalition_sim.outcomes import METRICS

    runs = check_runs(runs)
    master = int(scenario["seed"] if seed is None else seed)
    started = time.perf_counter()
    seeds = ensemble_seeds(master, runs)
    dataset = dataset or load_dataset()
    inputs = build(dataset, [scenario], seeds, np.zeros(runs, dtype=np.int64))
    engine = Engine(inputs, keep_steps=True).run()
    table = engine.steps_table()  # ordered by run, then step; one horizon for every run
    steps = int(scenario["steps"]) + 1
    series = {name: table[name].reshape(runs, steps).astype(float) for name in METRICS}
    member = np.zeros((runs, len(inputs.data.codes)), dtype=bool)
    for group in engine.groups:  # runs are grouped by protocol and horizon: one group here
        member[group.runs] = group.batch.state.member
    first = engine.outcomes()["first_parity_step"].astype(np.int64)
    return Ensemble(
        scenario=scenario.with_values({"seed": master}),
        seeds=seeds,
        codes=tuple(inputs.data.codes),
        founders=tuple(scenario["founders"]),
        series=series,
        member=member,
        first_parity_step=first,
        elapsed_s=time.perf_counter() - started,
    )
