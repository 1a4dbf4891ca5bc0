"""The registry of measures: one declaration per measure, and what it computes is true."""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim import outcomes
from coalition_sim.datasets import load_dataset
from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.outcomes import METRICS, OUTCOMES, REGISTRY, STATISTICS, Measure
from coalition_sim.parameters import PRESETS


def test_the_spearman_correlation_on_hand_values():
    assert outcomes._spearman(np.array([1.0, 2, 3]), np.array([2.0, 4, 9])) == pytest.approx(1.0)
    assert outcomes._ranks(np.array([3.0, 1, 3])).tolist() == [1.5, 0.0, 1.5]
    assert outcomes._spearman(np.array([1.0, 2]), np.array([5.0, 5])) == 0.0


def _measure(name, scope, label="x", unit="-", kind="count"):
    return Measure(name=name, label=label, unit=unit, kind=kind, scope=scope, compute=len)


def test_a_measure_declared_twice_or_meaning_two_things_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        outcomes._registry((_measure("a", "run"), _measure("a", "run")))
    # a count per quarter whose total over the run is something else
    with pytest.raises(ValueError, match="means two things"):
        outcomes._registry((_measure("a", "step"), _measure("a", "run", kind="text")))
    assert len(outcomes._registry((_measure("a", "step"), _measure("a", "run")))) == 2


def test_the_views_partition_the_registry():
    assert len(METRICS) + len(OUTCOMES) + len(STATISTICS) == len(REGISTRY)
    for name, measure in OUTCOMES.items():
        assert measure.scope == "run" and measure.stored and outcomes.measure(name) is measure
    assert all(m.scope == "step" for m in METRICS.values())


@pytest.fixture(scope="module")
def engine():
    dataset = load_dataset()
    scenarios = [PRESETS["baseline"], PRESETS["unanimity-veto"], PRESETS["us-withdrawal"]]
    seeds = np.arange(1, 61)
    return Engine(build(dataset, scenarios, seeds, seeds % 3), keep_steps=True).run()


def test_every_stored_outcome_and_metric_is_computed(engine):
    assert list(engine.outcomes()) == list(OUTCOMES)
    table = engine.steps_table()
    assert [c for c in table if c in METRICS] == list(METRICS)
    extra = engine.outcomes(list(STATISTICS))
    assert set(extra) == set(STATISTICS)


def test_a_count_in_both_scopes_is_the_total_of_its_quarters(engine):
    table = engine.steps_table()
    runs = engine.outcomes()
    shared = [n for n in OUTCOMES if n in METRICS]
    assert set(shared) == {"admissions", "rejections", "exits", "aggression_events"}
    for name in shared:
        per_run = np.bincount(table["run"], weights=table[name] * (table["step"] > 0))
        assert per_run.tolist() == runs[name].astype(float).tolist(), name


def test_final_outcomes_are_the_last_step_of_their_metric(engine):
    table = engine.steps_table()
    last = table["step"] == table["step"].max()
    runs = engine.outcomes()
    for outcome, metric in (
        ("final_members", "members"),
        ("final_parity", "parity"),
        ("final_parity_with_us", "parity_with_us"),
        ("final_cohesion", "cohesion"),
        ("final_credibility", "credibility"),
        ("final_threat", "threat"),
        ("final_ukraine_utilisation", "ukraine_utilisation"),
        ("final_coalition_spending_usd_bn", "coalition_spending_usd_bn"),
    ):
        assert np.array_equal(runs[outcome], table[metric][last]), outcome
    joined = [len(order.split()) for order in runs["join_order"]]
    assert np.all(np.array(joined) >= runs["final_members"])
    assert np.array_equal(
        engine.outcomes(["parity_at_end"])["parity_at_end"], runs["final_parity"] >= 1.0
    )
