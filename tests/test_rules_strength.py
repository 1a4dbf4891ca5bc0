"""Strength, parity, cohesion, credibility (coalition_sim.rules.strength) on hand values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from coalition_sim.rules import strength

CAP = np.array([10.0, 20.0, 5.0, 100.0])
REL = np.array([1.0, 0.5, 0.35, 0.75])
MEMBER = np.array([True, True, True, False])


def test_coalition_strength_sums_members_reliable_strength():
    # 1*10 + 0.5*20 + 0.35*5 = 21.75 (the outsider's 100 does not count)
    reliable = strength.reliable_strength(CAP, REL)
    assert strength.coalition_strength(reliable, MEMBER, 0.0) == pytest.approx(21.75)
    # industry output at Ukraine's reliability and readiness: 0.8 * 10 * 0.5 = 4
    industry = strength.industry_strength(0.8, 10.0, 0.5)
    assert strength.coalition_strength(reliable, MEMBER, industry) == pytest.approx(25.75)
    assert strength.coalition_strength(reliable, np.zeros(4, bool), 0.0) == 0.0
    # each state's strength without it: the members' total less its own contribution
    others = strength.without_own(21.75, reliable, MEMBER)
    assert others == pytest.approx([11.75, 11.75, 20.0, 21.75])


def test_investment_in_ukraine_is_taken_from_home_forces_at_the_same_reliability():
    # diverted: share 0.1 of spending 50 at readiness 0.8 = 4 for the investor only
    diverted = strength.diverted(0.1, np.array([True, False]), np.array([50.0, 50.0]), 0.8)
    assert diverted == pytest.approx([4.0, 0.0])
    reliable = strength.reliable_strength(np.array([40.0, 40.0]), np.array([0.5, 0.5]))
    out = strength.contributions(reliable, np.array([0.5, 0.5]), diverted)
    assert out == pytest.approx([18.0, 20.0])


def test_parity_with_and_without_us_forces():
    # US: u 0.5 * share 0.1 * 800 * readiness 0.75 = 30
    us = strength.us_forces(0.5, 0.1, 800.0, 0.75)
    assert us == pytest.approx(30.0)
    assert strength.parity(300.0, 400.0) == pytest.approx(0.75)
    assert strength.parity_with_us(300.0, us, 400.0) == pytest.approx(0.825)


def test_breaches_cost_cohesion_that_fades():
    # 0.1 fades by half, two new breaches at 0.05 each: 0.05 + 0.1
    assert strength.breach_penalty(0.1, 0.5, 2, 0.05) == pytest.approx(0.15)
    assert strength.breach_penalty(0.1, 0.5, None, 0.05) == pytest.approx(0.05)
    assert strength.cohesion_after_breaches(0.1, 0.3) == 0.0
    assert strength.nuclear_cover(np.array([True, False]), 0.4).tolist() == [1.0, 0.4]


def test_adversary_strength_with_ppp_and_growth():
    assert strength.adversary_strength(150.0, 3.0, 0.0, 40) == pytest.approx(450.0)
    # 10 % a year: after 8 quarters 1.1 ** 2 = 1.21
    assert strength.adversary_strength(100.0, 2.0, 10.0, 8) == pytest.approx(242.0)
    assert strength.adversary_strength(100.0, 1.0, -20.0, 4) == pytest.approx(80.0)


def test_cohesion_is_the_reliability_weighted_share():
    # (10 + 10 + 1.75) / (10 + 20 + 5) = 21.75 / 35
    assert strength.cohesion(CAP, REL, MEMBER) == pytest.approx(21.75 / 35)
    assert strength.cohesion(CAP, REL, np.zeros(4, bool)) == 0.0
    # No capability among members: the mean reliability.
    zero = np.zeros(4)
    assert strength.cohesion(zero, REL, MEMBER) == pytest.approx((1 + 0.5 + 0.35) / 3)
    assert 0.0 <= strength.cohesion(CAP, REL, np.ones(4, bool)) <= 1.0


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
    n=st.integers(1, 8),
    data=st.data(),
    parity=st.floats(0.0, 100.0),
    nuclear=st.floats(0.0, 1.0),
    discount=FRACTIONS,
)
def test_cohesion_and_credibility_stay_in_the_unit_interval(n, data, parity, nuclear, discount):
    capability = data.draw(arrays(float, n, elements=AMOUNTS))
    reliability = data.draw(arrays(float, n, elements=FRACTIONS))
    member = data.draw(arrays(bool, n))
    value = strength.cohesion(capability, reliability, member)
    assert 0.0 <= value <= 1.0 + 1e-12
    assert 0.0 <= strength.credibility(parity, min(1.0, value), nuclear, discount) <= 1.0
    reliable = strength.reliable_strength(capability, reliability)
    total = strength.coalition_strength(reliable, member, 0.0)
    assert total >= 0.0
