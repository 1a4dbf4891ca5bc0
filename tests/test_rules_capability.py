"""Capability as stocks (coalition_sim.rules.capability): hand values and properties.

The perpetual inventory (orders, a first-order delivery delay, depreciation, losses),
what a state fields (manning, recruitment, readiness), and what the coalition can use
(enabler coverage, fragmentation, integration).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from coalition_sim.rules import capability

# ------------------------------------------------------------------ the perpetual inventory


def test_budgets_and_orders():
    # spending 40 a year, a quarter of it on equipment, 2 of it invested in Ukraine
    assert capability.equipment_budget(40.0, 0.25) == 10.0
    assert capability.equipment_budget(40.0, 0.25, 2.0) == 8.0
    assert capability.equipment_budget(40.0, 0.25, 12.0) == 0.0  # never negative
    # a dollar buys 2 at twice the purchasing power; a top industry adds 10 %
    assert capability.value_per_dollar(2.0, 0.1, 0.0) == 2.0
    assert capability.value_per_dollar(1.0, 0.1, 1.0) == pytest.approx(1.1)
    # 40 % of a budget of 10 at value 1.1: 4.4 a year, 1.1 a quarter
    assert capability.yearly_orders(10.0, 1.1, 0.4) == pytest.approx(4.4)
    assert capability.yearly_orders(10.0, 1.1, 0.4, extra=3.0) == pytest.approx(7.4)
    assert capability.orders(10.0, 1.1, 0.4) == pytest.approx(1.1)


def test_a_perpetual_inventory_over_three_quarters_by_hand():
    # Stock 100, nothing on order, 8 % a year of wear (2 % a quarter), a lag of two
    # quarters; 40 ordered in the first quarter, nothing after.
    stock, pipeline = 100.0, 0.0
    lag, wear = 2.0, 8.0
    expected = [
        # (arrived, pipeline, stock): half the pipeline arrives each quarter
        (0.0, 40.0, 98.0),  # 100 * 0.98 + 0; the order waits
        (20.0, 20.0, 116.04),  # 98 * 0.98 + 20
        (10.0, 10.0, 123.7192),  # 116.04 * 0.98 + 10
    ]
    ordered = [40.0, 0.0, 0.0]
    for new, (arrived_, pipeline_, stock_) in zip(ordered, expected, strict=True):
        arrived = capability.delivered(pipeline, lag)
        pipeline = capability.next_pipeline(pipeline, new, arrived)
        stock = capability.next_stock(stock, wear, arrived)
        assert (arrived, pipeline, stock) == pytest.approx((arrived_, pipeline_, stock_))


def test_losses_in_war_only_and_never_more_than_the_stock():
    # 15 % a year of the stock: 3.75 % a quarter
    assert capability.losses(80.0, True, 15.0) == pytest.approx(3.0)
    assert capability.losses(80.0, False, 15.0) == 0.0
    assert capability.next_stock(80.0, 8.0, 0.0, 3.0) == pytest.approx(80 * 0.98 - 3)
    assert capability.next_stock(10.0, 8.0, 1.0, 50.0) == 0.0


def test_new_orders_arrive_after_the_lag_on_average():
    # One order of 1 and nothing after: the deliveries of a first-order delay of 8
    # quarters sum to the order, and arrive 8 quarters after it on average.
    pipeline, lag = 0.0, 8.0
    arrivals = []
    for quarter in range(400):
        arrived = capability.delivered(pipeline, lag)
        pipeline = capability.next_pipeline(pipeline, 1.0 if quarter == 0 else 0.0, arrived)
        arrivals.append(arrived)
    arrivals = np.array(arrivals)
    assert arrivals[0] == 0.0  # none in the quarter of the order
    assert arrivals.sum() == pytest.approx(1.0, abs=1e-12)
    assert (np.arange(400) * arrivals).sum() == pytest.approx(lag, rel=1e-9)


def test_a_steady_history_is_its_own_steady_state():
    # A flow of 12 a year at 6 % a year of wear: stock 12 / 0.06 = 200, and a pipeline of
    # a lag's worth of quarterly orders (3 per quarter, 8 quarters: 24). Twelve years of
    # the same flow leave both where they started.
    flows = np.full(12, 12.0)
    stock, pipeline = capability.stock_from_history(flows, 6.0, 8.0)
    assert stock == pytest.approx(200.0, rel=1e-12)
    assert pipeline == pytest.approx(24.0, rel=1e-12)
    # per state: an array of flows in a column each
    many = np.column_stack([np.full(5, 12.0), np.full(5, 3.0)])
    stocks, pipelines = capability.stock_from_history(many, np.array([6.0, 5.0]), 4.0)
    assert stocks == pytest.approx([200.0, 60.0])
    assert pipelines == pytest.approx([12.0, 3.0])


def test_history_follows_a_change_of_flow_and_war_losses():
    # Four years at 10, then one year at 20, 10 % wear, a lag of one quarter: the
    # fifth year, written out quarter by quarter.
    stock, pipeline = 100.0, 2.5  # the steady state of 10 a year
    for _ in range(4):
        arrived = pipeline  # lag 1: all of it
        pipeline = 5.0
        stock = stock * (1 - 10 / 400) + arrived
    flows = np.array([10.0, 10.0, 10.0, 10.0, 20.0])
    got = capability.stock_from_history(flows, 10.0, 1.0)
    assert got == pytest.approx((stock, pipeline), rel=1e-12)
    # the same history with a year of war at 20 % losses in the last year
    losses = np.array([0.0, 0.0, 0.0, 0.0, 20.0])
    at_war = capability.stock_from_history(flows, 10.0, 1.0, losses)
    stock, pipeline = 100.0, 2.5
    for _ in range(4):
        stock, pipeline = stock * (1 - 10 / 400) + pipeline - stock * 20 / 400, 5.0
    assert at_war == pytest.approx((stock, pipeline), rel=1e-12)
    assert at_war[0] < got[0]


@given(
    stock=st.floats(0.0, 1e4),
    pipeline=st.floats(0.0, 1e4),
    new=st.floats(0.0, 1e3),
    wear=st.floats(0.0, 50.0),
    lag=st.floats(1.0, 40.0),
    loss=st.floats(0.0, 1e5),
)
def test_stocks_and_pipelines_are_never_negative(stock, pipeline, new, wear, lag, loss):
    arrived = capability.delivered(pipeline, lag)
    assert 0.0 <= arrived <= pipeline
    assert capability.next_pipeline(pipeline, new, arrived) >= 0.0
    after = capability.next_stock(stock, wear, arrived, loss)
    assert after >= 0.0
    assert after <= stock + arrived  # wear and losses only take away


@given(flows=arrays(float, st.integers(1, 12), elements=st.floats(0.0, 500.0)),
       wear=st.floats(1.0, 50.0), lag=st.floats(1.0, 40.0))  # fmt: skip
def test_a_history_of_orders_builds_a_stock_that_is_never_negative(flows, wear, lag):
    stock, pipeline = capability.stock_from_history(flows, wear, lag)
    assert stock >= 0.0 and pipeline >= 0.0
    # no stock beyond the steady state of the largest flow
    assert stock <= flows.max() / (wear / 100.0) * (1 + 1e-9)


# ------------------------------------------------------------------ what a state fields


def test_equipment_per_soldier_and_manning():
    # 30 of equipment and 60 thousand soldiers: 0.5 per thousand
    assert capability.combat_stock(20.0, 10.0) == 30.0
    assert capability.per_soldier(30.0, 60.0) == 0.5
    assert capability.per_soldier(30.0, 0.0) == 0.0  # no army
    # fully manned at its own ratio; bought twice as much without recruits: half manned
    assert capability.manning(60.0, 30.0, 0.5) == 1.0
    assert capability.manning(60.0, 60.0, 0.5) == 0.5
    assert capability.manning(90.0, 30.0, 0.5) == 1.0  # more soldiers than equipment: 1
    assert capability.manning(0.0, 0.0, 0.5) == 1.0  # nothing to crew
    assert capability.crews(60.0, 0.5) == 120.0
    # a fully equipped force: twice Europe's mean equipment per soldier
    assert capability.crew_standard(0.4, 2.0) == 0.8


def test_recruitment_is_capped():
    # 100 thousand, 120 wanted, over 4 quarters: 5 a quarter, but at most 4 % a year (1)
    assert capability.next_personnel(100.0, 120.0, 4.0, 4.0) == pytest.approx(101.0)
    # a faster cap lets the 5 through
    assert capability.next_personnel(100.0, 120.0, 4.0, 40.0) == pytest.approx(105.0)
    # shrinking is not capped
    assert capability.next_personnel(100.0, 60.0, 4.0, 4.0) == pytest.approx(90.0)


@given(
    personnel=st.floats(0.0, 1e3),
    target=st.floats(0.0, 1e3),
    quarters=st.floats(1.0, 40.0),
    pct=st.floats(0.0, 50.0),
)
def test_personnel_moves_toward_its_target_and_grows_at_most_at_the_cap(
    personnel, target, quarters, pct
):
    after = capability.next_personnel(personnel, target, quarters, pct)
    assert after <= personnel * (1 + pct / 400) + 1e-9
    assert min(personnel, target) - 1e-9 <= after <= max(personnel, target) + 1e-9


def test_readiness_target_rises_and_falls_with_upkeep_per_unit_of_stock():
    base, elasticity = 0.7, 0.5
    # upkeep and stock grow together: the readiness of the start
    assert capability.readiness_target(base, 20.0, 10.0, 60.0, 30.0, elasticity, 1.0) == (
        pytest.approx(0.7)
    )
    # upkeep grows slower than the stock (stock doubled, upkeep +50 %): (0.75)**0.5
    slower = capability.readiness_target(base, 15.0, 10.0, 60.0, 30.0, elasticity, 1.0)
    assert slower == pytest.approx(0.7 * 0.75**0.5)
    assert slower < base
    # faster: up, but never above the ceiling
    assert capability.readiness_target(base, 20.0, 10.0, 30.0, 30.0, elasticity, 1.0) == (
        pytest.approx(min(1.0, 0.7 * 2**0.5))
    )
    assert capability.readiness_target(base, 40.0, 10.0, 30.0, 30.0, elasticity, 1.0) == 1.0
    # elasticity 0: readiness does not follow money
    assert capability.readiness_target(base, 1.0, 10.0, 30.0, 30.0, 0.0, 1.0) == 0.7
    # a first-order adjustment: an eighth of the gap a quarter
    assert capability.towards(0.7, 0.9, 8.0) == pytest.approx(0.725)


def test_what_a_state_fields_and_spends_on_upkeep():
    # 30 of combat stock, 80 % manned, 70 % ready, a tested force 1.25
    assert capability.fielded(30.0, 0.8, 0.7) == pytest.approx(16.8)
    assert capability.fielded(30.0, 0.8, 0.7, 1.25) == pytest.approx(21.0)
    assert capability.upkeep(40.0, 0.25) == 30.0


# ------------------------------------------------------------------ enablers


def test_enabler_need_and_what_the_us_provides():
    # a self-reliant force would hold 33 of enablers for 100 of combat stock
    assert capability.enabler_need(33.0, 100.0) == pytest.approx(0.33)
    assert capability.enabler_need(33.0, 0.0) == 33.0  # no combat stock: the need itself
    # Europe holds 10: the US fills the other 23; holding more, it fills none
    assert capability.us_enablers(10.0, 33.0) == 23.0
    assert capability.us_enablers(40.0, 33.0) == 0.0


def test_enabler_coverage_and_factor():
    # members' combat stock 200 needing 0.3 each: 60; they have 15 and the US 30
    assert capability.enabler_coverage(15.0, 0.0, 0.3, 200.0) == pytest.approx(0.25)
    assert capability.enabler_coverage(15.0, 30.0, 0.3, 200.0) == pytest.approx(0.75)
    assert capability.enabler_coverage(50.0, 30.0, 0.3, 200.0) == 1.0  # capped at 1
    # no combat stock to enable: coverage counts what is held, capped at 1
    assert capability.enabler_coverage(0.0, 0.0, 0.3, 0.0) == 0.0
    # no enablers: the floor; all of them: 1
    assert capability.enabler_factor(0.0, 0.5) == 0.5
    assert capability.enabler_factor(1.0, 0.5) == 1.0
    assert capability.enabler_factor(0.25, 0.5) == pytest.approx(0.625)


@given(
    own=st.floats(0.0, 1e4),
    us=st.floats(0.0, 1e4),
    need=st.floats(0.0, 5.0, allow_subnormal=False),
    combat=st.floats(0.0, 1e4, allow_subnormal=False),
    floor=st.floats(0.0, 1.0),
)
def test_coverage_lies_in_the_unit_interval_and_the_factor_above_its_floor(
    own, us, need, combat, floor
):
    alone = capability.enabler_coverage(own, 0.0, need, combat)
    helped = capability.enabler_coverage(own, us, need, combat)
    assert 0.0 <= alone <= helped <= 1.0  # the US can only add
    factor = capability.enabler_factor(alone, floor)
    assert floor - 1e-12 <= factor <= 1.0 + 1e-12


def test_coverage_of_a_vanishing_requirement_is_full_without_a_warning():
    # need x combat is a subnormal number: own enablers over it overflow to inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert capability.enabler_coverage(1.0, 0.0, 1e-160, 1e-160) == 1.0


# ------------------------------------------------------------------ the coalition


def test_fragmentation_costs_nothing_for_one_army():
    one = np.array([[50.0, 0.0, 0.0]])
    member = np.array([[True, True, False]])
    assert capability.herfindahl(one, member) == pytest.approx(np.array([[1.0]]))
    assert capability.fragmentation(1.0, 0.2) == 1.0
    # four equal armies: index 1/4, cost 0.2 * 3/4
    equal = np.full((1, 4), 10.0)
    index = capability.herfindahl(equal, np.ones((1, 4), bool))
    assert index == pytest.approx(np.array([[0.25]]))
    assert capability.fragmentation(index, 0.2) == pytest.approx(np.array([[0.85]]))
    # an outsider's forces do not count; no members: index 0
    assert capability.herfindahl(np.array([[10.0, 30.0]]), np.array([[True, False]])) == 1.0
    assert capability.herfindahl(equal, np.zeros((1, 4), bool)) == 0.0


@given(
    forces=arrays(float, (2, 5), elements=st.floats(0.0, 1e3)),
    member=arrays(bool, (2, 5)),
    penalty=st.floats(0.0, 1.0),
)
def test_fragmentation_lies_between_one_minus_the_penalty_and_one(forces, member, penalty):
    index = capability.herfindahl(forces, member)
    assert ((index >= 0.0) & (index <= 1.0 + 1e-12)).all()
    cost = capability.fragmentation(index, penalty)
    assert ((cost >= 1.0 - penalty - 1e-12) & (cost <= 1.0 + 1e-12)).all()


def test_members_integrate_faster_with_joint_procurement_and_leavers_fall_back():
    # 10 % of the gap a year, 2.5 % a quarter; joint procurement of 18 % at weight 2
    # makes it 1.36 times faster; a state outside drifts back toward its base level (0.5)
    # at the base rate
    integration = np.array([[0.6, 0.6]])
    member = np.array([[True, False]])
    after = capability.next_integration(integration, member, 10.0, 0.0, 2.0, 0.5)
    assert after == pytest.approx(np.array([[0.6 + 0.025 * 0.4, 0.6 - 0.025 * 0.1]]))
    after = capability.next_integration(integration, member, 10.0, 0.18, 2.0, 0.5)
    assert after == pytest.approx(np.array([[0.6 + 0.025 * 1.36 * 0.4, 0.6 - 0.025 * 0.1]]))
    # an outsider already at its base stays there
    at_base = capability.next_integration(
        np.array([[0.5]]), np.array([[False]]), 10.0, 0.5, 2.0, 0.5
    )
    assert at_base[0, 0] == 0.5
    # a step never passes full integration
    assert capability.next_integration(integration, member, 400.0, 1.0, 10.0, 0.5)[0, 0] == 1.0


def test_usable_strength_is_integrated_forces_enabled_and_unfragmented():
    forces = np.array([[20.0, 10.0, 40.0]])
    integration = np.array([[0.85, 0.6, 1.0]])
    member = np.array([[True, True, False]])
    assert capability.integrated_each(forces, integration) == pytest.approx(
        np.array([[17.0, 6.0, 40.0]])
    )
    integrated = capability.integrated(forces, integration, member)
    assert integrated == pytest.approx(np.array([[23.0]]))
    assert capability.usable_strength(integrated, 0.75, 0.9) == pytest.approx(
        np.array([[23 * 0.675]])
    )
