"""Ukraine's industry (coalition_sim.rules.industry) on hand values and as properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coalition_sim.rules import industry

#: The facts of the defaults: USD 35 bn a year of capacity, one third of it in use.
CAPACITY, START = 35.0, 1 / 3
OWN = CAPACITY * START  # what Ukraine funds itself: 11.67 USD bn a year


def test_investment_is_a_share_of_each_investors_spending():
    spending = np.array([[10.0, 20.0, 30.0]])
    investors = np.array([[True, False, True]])
    assert industry.investment(0.1, spending, investors).tolist() == [[1.0, 0.0, 3.0]]
    assert industry.offered_investment(0.1, spending, investors).tolist() == [[4.0]]
    assert industry.offered_investment(0.1, spending, ~investors | True).tolist() == [[6.0]]


def test_ukraine_funds_the_output_it_had_at_the_start():
    assert industry.own_funded(CAPACITY, START) == pytest.approx(35 / 3)


def test_absorbed_investment_is_capped_by_idle_capacity():
    # Capacity 35, 11.67 funded by Ukraine: 35 * 2/3 = 23.33 idle.
    assert industry.absorbed_investment(10.0, CAPACITY, OWN) == pytest.approx(10.0)
    assert industry.absorbed_investment(50.0, CAPACITY, OWN) == pytest.approx(35 * 2 / 3)
    assert industry.absorbed_investment(-1.0, CAPACITY, OWN) == 0.0
    # struck down below what Ukraine funds: nothing is idle
    assert industry.absorbed_investment(5.0, 10.0, OWN) == 0.0
    assert industry.absorbed_share(50.0, 35 * 2 / 3) == pytest.approx(7 / 15)
    assert industry.absorbed_share(0.0, 0.0) == 0.0  # none offered, none absorbed


def test_capacity_is_built_by_what_idle_capacity_cannot_absorb_and_struck_in_war():
    # 50 offered, 23.33 absorbed: 26.67 a year builds 0.5 of capacity per dollar, a
    # quarter of it this quarter.
    built = 0.5 * (50 - 35 * 2 / 3) / 4
    assert industry.next_capacity(CAPACITY, 50.0, 35 * 2 / 3, 0.5, 0, 10.0) == pytest.approx(
        CAPACITY + built
    )
    # in war a tenth of it a year is struck: a fortieth this quarter
    assert industry.next_capacity(CAPACITY, 50.0, 35 * 2 / 3, 0.5, 1, 10.0) == pytest.approx(
        CAPACITY * (1 - 10 / 400) + built
    )
    # what idle capacity absorbs builds nothing
    assert industry.next_capacity(CAPACITY, 10.0, 10.0, 0.5, 0, 10.0) == CAPACITY
    assert industry.next_capacity(CAPACITY, 10.0, 10.0, 0.5, 1, 10.0) == pytest.approx(
        CAPACITY * 0.975
    )


def test_target_and_next_utilisation():
    # (11.67 + 7) / 35 = 1/3 + 0.2; capped at 1.
    assert industry.target_utilisation(OWN, 7.0, CAPACITY) == pytest.approx(1 / 3 + 0.2)
    assert industry.target_utilisation(OWN, 100.0, CAPACITY) == 1.0
    # capacity struck down to 20: the same own output uses more of it
    assert industry.target_utilisation(OWN, 0.0, 20.0) == pytest.approx(35 / 3 / 20)
    # Time constant 4 quarters: a quarter of the gap closes each quarter.
    assert industry.next_utilisation(0.3, 0.7, 4.0) == pytest.approx(0.4)
    assert industry.next_utilisation(0.5, 0.5, 4.0) == 0.5
    assert industry.next_utilisation(0.2, 1.0, 1.0) == 1.0


def test_investment_output_counts_only_production_beyond_ukraines_own():
    # At half of 35: 17.5 - 11.67 = 5.83 USD bn a year beyond Ukraine's own, at 4
    # dollars of European-priced equipment each, over 1 + 0.5 * 0.5**2 = 1.125.
    expected = (0.5 * CAPACITY - OWN) * 4.0 / 1.125
    assert industry.investment_output(0.5, CAPACITY, OWN, 4.0, 0.5) == pytest.approx(expected)
    # no marginal cost: the plain cost advantage
    assert industry.investment_output(0.5, CAPACITY, OWN, 4.0, 0.0) == pytest.approx(35 * 4 / 6)
    assert industry.investment_output(START, CAPACITY, OWN, 4.0, 0.5) == 0.0
    assert industry.investment_output(0.2, CAPACITY, OWN, 4.0, 0.5) == 0.0
    # full use: 23.33 beyond Ukraine's own, the cost 1.5 times higher
    assert industry.investment_output(1.0, CAPACITY, OWN, 4.0, 0.5) == pytest.approx(
        CAPACITY * 2 / 3 * 4 / 1.5
    )


def test_drone_output_scales_with_production():
    assert industry.drone_output(START, CAPACITY, OWN, 1.5) == pytest.approx(1.5)
    assert industry.drone_output(2 / 3, CAPACITY, OWN, 1.5) == pytest.approx(3.0)
    assert industry.drone_output(1.0, CAPACITY, OWN, 1.5) == pytest.approx(4.5)
    # more capacity at the same utilisation makes more
    assert industry.drone_output(START, 2 * CAPACITY, OWN, 1.5) == pytest.approx(3.0)
    assert industry.drone_output(0.5, 10.0, 0.0, 1.5) == pytest.approx(1.5 * 0.5 * 10.0)


shares = st.floats(0.0, 1.0, allow_nan=False)
money = st.floats(0.0, 500.0, allow_nan=False)


@given(
    capacity=st.floats(1.0, 200.0),
    start=shares,
    offered=money,
    growth=st.floats(0.0, 5.0),
    strike=st.floats(0.0, 80.0),
    war=st.booleans(),
    quarters=st.floats(1.0, 40.0),
)
def test_a_quarter_keeps_utilisation_in_the_unit_interval_and_capacity_positive(
    capacity, start, offered, growth, strike, war, quarters
):
    own = industry.own_funded(capacity, start)
    absorbed = industry.absorbed_investment(offered, capacity, own)
    assert 0.0 <= absorbed <= offered
    assert absorbed <= max(0.0, capacity - own) + 1e-9
    target = industry.target_utilisation(own, absorbed, capacity)
    assert 0.0 <= target <= 1.0
    used = industry.next_utilisation(start, target, quarters)
    assert min(start, target) - 1e-12 <= used <= max(start, target) + 1e-12
    after = industry.next_capacity(capacity, offered, absorbed, growth, war, strike)
    assert after > 0.0
    assert after >= capacity * (1 - strike / 400) - 1e-9  # never more lost than struck
    if not war:
        assert after >= capacity  # in peace capacity never falls


@given(
    used=shares,
    capacity=st.floats(1.0, 200.0),
    start=shares,
    advantage=st.floats(1.0, 10.0),
    low=st.floats(0.0, 5.0),
    extra=st.floats(0.0, 5.0),
)
def test_output_is_never_negative_and_falls_with_the_marginal_cost(
    used, capacity, start, advantage, low, extra
):
    own = industry.own_funded(capacity, start)
    cheap = industry.investment_output(used, capacity, own, advantage, low)
    dear = industry.investment_output(used, capacity, own, advantage, low + extra)
    assert 0.0 <= dear <= cheap + 1e-9
    # never more than the whole production at the plain cost advantage
    assert cheap <= used * capacity * advantage + 1e-9
