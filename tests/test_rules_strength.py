"""Strength, parity, cohesion, credibility (coalition_sim.rules.strength) on hand values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from coalition_sim.rules import strength

FIELDED = np.array([10.0, 20.0, 5.0, 100.0])
MEMBER = np.array([True, True, True, False])


def test_parity_is_usable_strength_over_russias():
    assert strength.parity(300.0, 400.0) == pytest.approx(0.75)
    assert strength.at_parity(np.array([0.99, 1.0, 1.5])).tolist() == [False, True, True]


def test_us_forces_are_its_troops_at_european_equipment_times_its_ratio():
    # 80 thousand stationed and 20 planned reinforcements; a European soldier has
    # USD 0.2 bn per thousand, a US soldier 1.5 times that; commitment 0.5:
    #   0.5 * 100 * 0.2 * 1.5 = 15
    troops = strength.us_troops(80.0, 20.0)
    assert troops == 100.0
    assert strength.us_forces(0.5, troops, 0.2, 1.5) == pytest.approx(15.0)
    assert strength.us_forces(0.0, troops, 0.2, 1.5) == 0.0  # withdrawn


def test_each_states_strength_without_it():
    # the members' usable total 30 less each member's own part; an outsider's is whole
    contribution = np.array([10.0, 15.0, 5.0, 80.0])
    others = strength.without_own(30.0, contribution, MEMBER)
    assert others == pytest.approx([20.0, 15.0, 25.0, 30.0])


def test_friction_load_weighs_disputes_by_the_two_members_forces():
    # members 10, 20, 5 (the fourth is out); a dispute of grade 1 between the first two
    # weighs 10 * 20 = 200 of the pairs' 10*20 + 10*5 + 20*5 = 350
    first, second, grade = np.array([0]), np.array([1]), np.array([1.0])
    load = strength.friction_load(FIELDED, MEMBER, first, second, grade)
    assert load == pytest.approx(200 / 350)
    # a dispute with an outsider does not count; half a dispute weighs half
    assert strength.friction_load(FIELDED, MEMBER, np.array([0]), np.array([3]), grade) == 0.0
    half = strength.friction_load(FIELDED, MEMBER, first, second, np.array([0.5]))
    assert half == pytest.approx(100 / 350)
    # one member: no pair, no load
    one = np.array([True, False, False, False])
    assert strength.friction_load(FIELDED, one, first, second, grade) == 0.0


def test_alignment_spread_and_integration_are_weighted_by_forces():
    alignment = np.array([1.0, 1.0, 0.0, -1.0])
    # members 10, 20, 5: mean (10 + 20) / 35 = 6/7; variance 30/35 * (1/7)**2 +
    # 5/35 * (6/7)**2 = 6/49
    spread = strength.alignment_spread(alignment, FIELDED, MEMBER)
    assert spread == pytest.approx(math.sqrt(6 / 49))
    one = np.array([True, False, False, False])
    assert strength.alignment_spread(alignment, FIELDED, one) == 0.0
    integration = np.array([0.85, 0.85, 0.6, 0.1])
    mean = strength.integration_mean(integration, FIELDED, MEMBER)
    assert mean == pytest.approx((0.85 * 30 + 0.6 * 5) / 35)
    assert strength.integration_mean(integration, np.zeros(4), MEMBER) == 0.0


def test_cohesion_is_integration_less_frictions_and_differences_less_breaches():
    # 0.8 * (1 - 1 * 0.25) * (1 - 0.5 * 0.4) = 0.8 * 0.75 * 0.8 = 0.48, less 0.08
    assert strength.cohesion(0.8, 0.25, 0.4, 1.0, 0.5, 0.0) == pytest.approx(0.48)
    assert strength.cohesion(0.8, 0.25, 0.4, 1.0, 0.5, 0.08) == pytest.approx(0.40)
    assert strength.cohesion(0.8, 0.25, 0.4, 1.0, 0.5, 0.9) == 0.0  # never below 0
    # nothing to hold it apart: the members' integration
    assert strength.cohesion(0.7, 0.0, 0.0, 1.0, 0.5, 0.0) == pytest.approx(0.7)
    # a weight above 1 cannot make it negative
    assert strength.cohesion(0.7, 1.0, 0.0, 5.0, 0.5, 0.0) == 0.0


def test_breaches_cost_cohesion_that_fades():
    # 0.1 fades by half, two new breaches at 0.05 each: 0.05 + 0.1
    assert strength.breach_penalty(0.1, 0.5, 2, 0.05) == pytest.approx(0.15)
    assert strength.breach_penalty(0.1, 0.5, None, 0.05) == pytest.approx(0.05)


def test_nuclear_cover_is_the_us_umbrella_and_graded_european_arsenals():
    # France 290 warheads, the UK 225; the UK inside: 225 / 515 of the arsenals
    warheads = np.array([290.0, 225.0, 0.0])
    share = strength.arsenal_share(warheads, np.array([False, True, True]))
    assert share == pytest.approx(225 / 515)
    assert strength.arsenal_share(np.zeros(3), np.array([True, True, True])) == 0.0
    # no US: the European share at most 0.5 of the umbrella
    assert strength.nuclear_cover(0.0, 0.5, share) == pytest.approx(0.5 * 225 / 515)
    assert strength.nuclear_cover(0.0, 0.5, 1.0) == pytest.approx(0.5)
    # the US umbrella whole: full cover whoever is inside; half of it: half the rest
    assert strength.nuclear_cover(1.0, 0.5, 0.0) == 1.0
    assert strength.nuclear_cover(0.5, 0.5, 1.0) == pytest.approx(0.5 + 0.5 * 0.5)


def test_deterrent_balance_rises_with_diminishing_returns():
    ratios = np.array([0.0, 0.5, 1.0, 2.0, 10.0])
    balance = strength.deterrent_balance(ratios)
    assert balance == pytest.approx(1 - np.exp(-ratios))
    assert balance[2] == pytest.approx(0.632, abs=1e-3)  # parity
    assert np.all(np.diff(balance) > 0) and balance[-1] < 1
    assert strength.deterrent_balance(-1.0) == 0.0


def test_credibility_with_and_without_nuclear_cover():
    at_parity = 1 - math.exp(-1)
    # A nuclear member (cover 1): the balance times cohesion.
    assert strength.credibility(1.0, 0.8, 1.0, 0.8) == pytest.approx(at_parity * 0.8)
    # No nuclear member and no US umbrella (cover 0): discounted to 0.8 of it.
    assert strength.credibility(1.0, 0.8, 0.0, 0.8) == pytest.approx(at_parity * 0.8 * 0.8)
    # Half the US umbrella left: half way between.
    assert strength.credibility(1.0, 0.8, 0.5, 0.8) == pytest.approx(at_parity * 0.8 * 0.9)
    # More forces (US forces counted in the ratio) always deter more, if by less.
    assert strength.credibility(2.5, 0.9, 1.0, 0.8) > strength.credibility(1.5, 0.9, 1.0, 0.8)
    assert strength.credibility(0.0, 0.9, 1.0, 0.8) == 0.0


# ------------------------------------------------------------------ properties


FRACTIONS = st.floats(0.0, 1.0)
AMOUNTS = st.floats(0.0, 1e4)


@settings(max_examples=50, deadline=None)
@given(
    n=st.integers(2, 8),
    data=st.data(),
    parity=st.floats(0.0, 100.0),
    nuclear=st.floats(0.0, 1.0),
    discount=FRACTIONS,
    weights=st.tuples(st.floats(0.0, 5.0), st.floats(0.0, 5.0)),
    penalty=st.floats(0.0, 1.0),
)
def test_cohesion_and_credibility_stay_in_the_unit_interval(
    n, data, parity, nuclear, discount, weights, penalty
):
    fielded = data.draw(arrays(float, n, elements=AMOUNTS))
    integration = data.draw(arrays(float, n, elements=FRACTIONS))
    alignment = data.draw(arrays(float, n, elements=st.floats(-1.0, 1.0)))
    member = data.draw(arrays(bool, n))
    grades = data.draw(arrays(float, n - 1, elements=FRACTIONS))
    first, second = np.arange(n - 1), np.arange(1, n)
    load = strength.friction_load(fielded, member, first, second, grades)
    spread = strength.alignment_spread(alignment, fielded, member)
    mean = strength.integration_mean(integration, fielded, member)
    assert 0.0 <= load <= 1.0 + 1e-12
    assert 0.0 <= spread <= 1.0 + 1e-12  # alignments lie in [-1, 1]
    assert 0.0 <= mean <= 1.0 + 1e-12
    value = strength.cohesion(mean, load, spread, *weights, penalty)
    assert 0.0 <= value <= 1.0
    assert 0.0 <= strength.credibility(parity, value, nuclear, discount) <= 1.0
