"""Run one scenario to the end and summarise it: the entry point of a single run.

Faces (the CLI, the dashboard) call :func:`simulate`, which runs an engine of one run
and returns plain tables and a flat dict of outcomes, so callers never reach into the
engine; :func:`result_of` reads the same from a Mesa model part-way through a run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from coalition_sim.datasets import Dataset, load_dataset
from coalition_sim.engine.engine import Engine, run_outcomes
from coalition_sim.engine.inputs import build
from coalition_sim.engine.records import STATE_VALUES, STATUSES
from coalition_sim.outcomes import METRICS, join_order
from coalition_sim.parameters import Scenario

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.europe_landscape import EuropeLandscape
    from coalition_sim.model import CoalitionModel

#: Per-state columns of ``states.parquet`` after step, iso3 and status.
STATE_COLUMNS = ("utility", "perceived_threat", "defence_pct_gdp", "spending_usd_bn",
                 "fielded_usd_bn",
                 *(v for v in STATE_VALUES if v.startswith("u_")))  # fmt: skip


@dataclass
class RunResult:
    """Everything one run produced."""

    scenario: Scenario
    seed: int
    steps: pd.DataFrame | None
    states: pd.DataFrame | None
    events: pd.DataFrame | None
    outcomes: dict[str, Any]
    join_order: list[tuple[str, int]]
    timings: dict[str, float] = field(default_factory=dict)


def steps_frame(engine: Engine, run: int = 0) -> pd.DataFrame:
    """Model-level metrics of one run, one row per step, with ``step`` as the first column."""
    batch, row = engine.batch_of(run)
    arrays = batch.recorder.metric_arrays()
    frame = pd.DataFrame({name: arrays[name][:, row] for name in METRICS})
    frame.insert(0, "step", np.arange(len(frame), dtype="int64"))
    return frame


def states_frame(engine: Engine, run: int = 0) -> pd.DataFrame:
    """State-level rows of one run (one per state per step), with ``step`` and ``iso3`` first."""
    batch, row = engine.batch_of(run)
    arrays = batch.recorder.state_arrays()
    steps, states = arrays["status"].shape[0], arrays["status"].shape[2]
    codes = np.array(batch.inputs.data.codes, dtype=object)
    frame = pd.DataFrame(
        {
            "step": np.repeat(np.arange(steps, dtype="int64"), states),
            "iso3": np.tile(codes, steps),
            "status": np.array(STATUSES, dtype=object)[arrays["status"][:, row].reshape(-1)],
        }
    )
    for name in STATE_COLUMNS:
        frame[name] = arrays[name][:, row].reshape(-1)
    return frame


def result_of_engine(
    engine: Engine,
    scenario: Scenario,
    run: int = 0,
    *,
    keep_steps: bool = True,
    keep_events: bool = True,
) -> RunResult:
    """The tables and outcomes of one run of an engine at its current step."""
    batch, row = engine.batch_of(run)
    recorder = batch.recorder
    events = None
    if keep_events and recorder.events.enabled:
        events = recorder.events.frame(np.zeros(len(batch.inputs), dtype=np.int64))
        events = events[events["run_id"] == 0] if len(batch.inputs) == 1 else None
        if events is not None:
            events = events.drop(columns="run_id").reset_index(drop=True)
    return RunResult(
        scenario=scenario,
        seed=int(batch.inputs.seeds[row]),
        steps=steps_frame(engine, run) if keep_steps and recorder.keep_steps else None,
        states=states_frame(engine, run) if recorder.keep_states else None,
        events=events,
        outcomes=run_outcomes(batch, row),
        join_order=join_order(batch)[row],
    )


def result_of(model: CoalitionModel) -> RunResult:
    """The tables and outcomes of a Mesa model at its current step (a run, or part of one)."""
    return result_of_engine(model.engine, model.config)


def simulate(
    scenario: Scenario,
    *,
    seed: int | None = None,
    steps: int | None = None,
    collect_states: bool = False,
    keep_steps: bool = True,
    keep_events: bool = True,
    dataset: Dataset | None = None,
) -> RunResult:
    """Run ``scenario`` for ``steps`` quarters on an engine of one run, and summarise.

    ``seed`` and ``steps`` override the scenario's own values. ``collect_states`` adds
    the state rows; ``keep_steps`` and ``keep_events`` False skip the per-step table and
    the event table (``None`` in the result).
    """
    changes = {}
    if seed is not None:
        changes["seed"] = seed
    if steps is not None:
        changes["steps"] = steps
    scenario = scenario.with_values(changes) if changes else scenario
    started = time.perf_counter()
    inputs = build(dataset or load_dataset(), [scenario], [scenario["seed"]])
    engine = Engine(
        inputs, keep_steps=keep_steps, keep_states=collect_states, keep_events=keep_events
    )
    built = time.perf_counter()
    engine.run()
    ran = time.perf_counter()
    result = result_of_engine(engine, scenario, keep_steps=keep_steps, keep_events=keep_events)
    result.timings = {
        "build_s": built - started,
        "run_s": ran - built,
        "per_step_ms": 1000 * (ran - built) / max(1, scenario["steps"]),
        "collect_s": time.perf_counter() - ran,
    }
    return result


#: Raw columns of the data shown beside the derived traits in ``coalition-sim states``.
RAW_COLUMNS = (
    "region",
    "gdp_usd_bn_2024",
    "population_m_2024",
    "defence_spend_usd_bn_2024",
    "defence_pct_gdp_2024",
    "km_capital_to_russia_or_belarus",
    "arms_industry_revenue_usd_bn_2023",
    "unga_es11_1_vote",
    "unga_es11_7_2025_vote",
)


def states_table(scenario: Scenario, dataset: Dataset | None = None) -> pd.DataFrame:
    """Every state's raw data and derived traits at step 0, as the model sees them.

    Derived: proximity, alignment, reliability, commitment keeping, industry, the
    equipment stocks built from 2014-2025 (USD bn at 2024 prices), personnel and what
    each state fields, the scenario's overrides applied, and the status at step 0.
    """
    dataset = dataset or load_dataset()
    inputs = build(dataset, [scenario], [scenario["seed"]])
    tr, data = inputs.traits, inputs.data
    start = Engine(inputs).groups[0].batch.state
    first = lambda array: np.broadcast_to(array, (1, len(data)))[0]  # noqa: E731
    founder = first(tr.founder)
    rows = []
    for i, code in enumerate(data.codes):
        raw = dataset.row(code)
        rows.append(
            {
                "iso3": code,
                "name": data.names[i],
                **{column: raw[column] for column in RAW_COLUMNS},
                "nato": bool(data.nato[i]),
                "eu": bool(data.eu[i]),
                "nuclear": bool(data.nuclear[i]),
                "proximity": float(first(tr.proximity)[i]),
                "alignment": float(first(tr.alignment)[i]),
                "reliability": float(first(tr.reliability)[i]),
                "commitment_keeping": float(first(tr.keeping)[i]),
                "industry": float(first(tr.industry)[i]),
                "land_usd_bn": float(start.land[0, i]),
                "air_usd_bn": float(start.air[0, i]),
                "enablers_usd_bn": float(start.enablers[0, i]),
                "personnel_k": float(start.personnel[0, i]),
                "fielded_usd_bn": float(start.own_strength[0, i]),
                "status": "founder" if founder[i] else "outsider",
            }
        )
    return pd.DataFrame(rows)


def europe_landscape(scenario: Scenario, dataset: Dataset | None = None) -> EuropeLandscape:
    """The Europe landscape of a scenario at step 0 (traits as the model derives them)."""
    from coalition_sim.europe_landscape import (
        ADVERSARY_SIDE,
        MIN_SIZE,
        EuropeLandscape,
        PropensityWeights,
        actors_of,
        propensity_matrix,
    )

    dataset = dataset or load_dataset()
    run = build(dataset, [scenario], [scenario["seed"]])
    actors = actors_of(run)
    data = run.data
    start = Engine(run).groups[0].batch.state
    adversary = start.adversary_strength[0, 0]
    # Russia and Belarus by their shares of the adversary's spending
    shares = data.adversary_spending / data.adversary_spending.sum()
    sizes = np.concatenate([np.maximum(start.own_strength[0], MIN_SIZE), adversary * shares])
    propensity = propensity_matrix(
        actors["proximity"][0],
        actors["alignment"][0],
        actors["adjacency"],
        actors["eu"],
        actors["nato"],
        actors["adversary"],
        PropensityWeights.from_parameters(scenario.values),
        actors["friction"],
    )
    return EuropeLandscape(
        names=actors["names"],
        sizes=sizes,
        propensity=propensity,
        pinned=dict.fromkeys(data.adversary_codes, ADVERSARY_SIDE),
    )


def quarter(step: int) -> str:
    """The calendar quarter that ends at ``step`` (step 0 is the start of 2026Q1)."""
    if step == 0:
        return "start"
    return f"{2026 + (step - 1) // 4}Q{(step - 1) % 4 + 1}"


def summary(result) -> str:
    """A readable summary of one run."""
    s, o = result.steps, result.outcomes
    first, last = s.iloc[0], s.iloc[-1]
    lines = [
        f"coalition-sim run: scenario {result.scenario.name}, seed {result.seed}, "
        f"{len(s) - 1} quarters",
        "",
        f"members in join order ({o['final_members']} at the end):",
    ]
    exits = result.events[result.events["kind"] == "exit"]
    left = set(exits["actor"])
    by_step: dict[int, list[str]] = {}
    for code, step in result.join_order:
        by_step.setdefault(step, []).append(code + ("*" if code in left else ""))
    for step, codes in by_step.items():
        label = "founders" if step == 0 else f"step {step:>2} ({quarter(step)})"
        lines.append(f"  {label:<18} {' '.join(codes)}")
    if left:
        lines.append(f"  * left later: {' '.join(sorted(left))}")
    lines += [
        "",
        f"{'':<14}{'start':>8}{'end':>8}",
        *(
            f"{name:<14}{first[name]:>8.3f}{last[name]:>8.3f}"
            for name in ("parity", "cohesion", "credibility", "threat")
        ),
        "",
        "first step with parity >= 1: "
        + (
            f"{o['first_parity_step']} ({quarter(o['first_parity_step'])})"
            if o["first_parity_step"] >= 0
            else "never"
        ),
    ]
    vetoes = result.events[result.events["kind"] == "veto"]
    if len(vetoes):
        counts = vetoes.groupby("actor").size().sort_values(ascending=False)
        detail = ", ".join(
            f"{actor} {n} (against {' '.join(sorted(set(vetoes[vetoes.actor == actor].target)))})"
            for actor, n in counts.items()
        )
        lines.append(f"vetoes: {len(vetoes)}: {detail}")
    else:
        lines.append("vetoes: none")
    lines.append(
        f"rejections: {o['rejections']}, exits: {o['exits']}, "
        f"aggression events: {o['aggression_events']}"
    )
    return "\n".join(lines)
