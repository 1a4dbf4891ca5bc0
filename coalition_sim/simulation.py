"""Run one scenario to the end and summarise it: the model's public entry point.

Faces (CLI, dashboard) and the sweep runner call :func:`simulate`; it returns plain
tables and a flat dict of outcomes, so callers never reach into the model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from coalition_sim.datasets import Dataset
from coalition_sim.model import CoalitionModel
from coalition_sim.parameters import Scenario


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


def steps_frame(model: CoalitionModel) -> pd.DataFrame:
    """Model-level metrics, one row per step, with ``step`` as the first column."""
    frame = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    frame.insert(0, "step", np.arange(len(frame), dtype="int64"))
    return frame


def states_frame(model: CoalitionModel) -> pd.DataFrame:
    """State-level rows (one per state per step), with ``step`` and ``iso3`` first."""
    frame = model.datacollector.get_agent_vars_dataframe().reset_index()
    frame = frame.rename(columns={"Time": "step", "time": "step", "Step": "step"})
    frame = frame.drop(columns=[c for c in ("AgentID", "agent_id") if c in frame])
    frame["step"] = frame["step"].astype("int64")
    front = ["step", "iso3"]
    return frame[front + [c for c in frame.columns if c not in front]]


def outcomes(model: CoalitionModel) -> dict[str, Any]:
    """The per-run summary of the design: final membership, parity, vetoes, ...

    Read from the model's state and running totals, so a sweep gets it without
    building any table.
    """
    return {
        "final_members": int(model.members),
        "members": " ".join(code for code, _ in model.join_order),
        "final_parity": float(model.parity),
        "final_parity_with_us": float(model.parity_with_us),
        "final_cohesion": float(model.cohesion),
        "final_credibility": float(model.credibility),
        "final_threat": float(model.threat),
        "initial_parity": float(model.initial_parity),
        "first_parity_step": int(model.first_parity_step),
        "admissions": model.totals["admissions"],
        "rejections": model.totals["rejections"],
        "exits": model.totals["exits"],
        "vetoes_unreliable": sum(
            1 for e in model.events.of_kind("veto") if e.actor in model.unreliable
        ),
        "bargains": len(model.events.of_kind("bargain")),
        "breaches": len(model.events.of_kind("breach")),
        "aggression_events": model.totals["aggression_events"],
        "ukraine_member": bool("UKR" in model.index and model.member[model.index["UKR"]]),
        "final_ukraine_utilisation": float(model.ukraine_utilisation),
        "final_coalition_spending_usd_bn": float(model.coalition_spending_usd_bn),
    }


def result_of(
    model: CoalitionModel, *, keep_steps: bool = True, keep_events: bool = True
) -> RunResult:
    """The tables and outcomes of a model at its current step (a run, or part of one).

    ``keep_steps``/``keep_events`` False leave those tables out (``None``): a sweep
    that needs only the outcomes does not pay for building them.
    """
    collected = bool(model.datacollector.model_vars.get("parity"))
    return RunResult(
        scenario=model.config,
        seed=int(model.config["seed"]),
        steps=steps_frame(model) if keep_steps and collected else None,
        states=states_frame(model) if model.datacollector.agent_reporters else None,
        events=model.events.to_frame() if keep_events else None,
        outcomes=outcomes(model),
        join_order=list(model.join_order),
    )


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
    """Build the model for ``scenario``, run it for ``steps`` quarters, and summarise.

    ``seed`` and ``steps`` override the scenario's own values. ``collect_states`` adds
    the state rows; ``keep_steps`` and ``keep_events`` False skip the per-step table and
    the event table (``None`` in the result), as sweeps do when they keep only outcomes.
    """
    changes = {}
    if seed is not None:
        changes["seed"] = seed
    if steps is not None:
        changes["steps"] = steps
    scenario = scenario.with_values(changes) if changes else scenario
    started = time.perf_counter()
    model = CoalitionModel(
        scenario, dataset=dataset, collect_states=collect_states, collect_steps=keep_steps
    )
    built = time.perf_counter()
    for _ in range(scenario["steps"]):
        model.step()
    ran = time.perf_counter()
    result = result_of(model, keep_steps=keep_steps, keep_events=keep_events)
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

    Derived: proximity, alignment, reliability, industry, capability (USD bn), the
    scenario's overrides applied, and the status at step 0.
    """
    model = CoalitionModel(scenario, dataset=dataset, collect_states=False)
    rows = []
    for code in model.codes:
        raw = model.dataset.row(code)
        traits = model.state_traits(code)
        i = model.index[code]
        rows.append(
            {
                "iso3": code,
                "name": traits["name"],
                **{column: raw[column] for column in RAW_COLUMNS},
                "nato": traits["nato"],
                "eu": traits["eu"],
                "nuclear": traits["nuclear"],
                "proximity": traits["proximity"],
                "alignment": traits["alignment"],
                "reliability": traits["reliability"],
                "industry": traits["industry"],
                "capability_usd_bn": float(model.capability[i]),
                "status": traits["status"],
            }
        )
    return pd.DataFrame(rows)
