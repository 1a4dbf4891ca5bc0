"""The threat process and the US commitment (coalition_sim.rules.threat) on hand values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition_sim.rules import threat


@pytest.mark.parametrize(
    ("step", "expected"),
    [(0, 0.8), (4, 0.8), (5, 0.6), (6, 0.4), (7, 0.2), (8, 0.0), (40, 0.0)],
)
def test_us_commitment_withdraws_linearly_after_the_withdrawal_step(step, expected):
    # Start 0.8; withdrawal from step 4 over 4 quarters down to 0.
    assert threat.us_commitment(step, 0.8, 4, 0.0, 4) == pytest.approx(expected)


def test_us_commitment_without_withdrawal_and_partial_withdrawal():
    assert all(threat.us_commitment(t, 0.8, None, 0.0, 4) == 0.8 for t in range(50))
    # Partial withdrawal to 0.4 over 2 quarters from step 0.
    assert [threat.us_commitment(t, 0.8, 0, 0.4, 2) for t in range(4)] == pytest.approx(
        [0.8, 0.6, 0.4, 0.4]
    )
    # A "withdrawal" up to a larger commitment moves up just as linearly.
    assert threat.us_commitment(1, 0.2, 0, 1.0, 2) == pytest.approx(0.6)


def test_next_threat_without_noise_is_mean_reversion_minus_deterrence_plus_shock():
    # 0.6 + 0.1 * (0.5 - 0.6) + 0.05 * 0 + 0.08 - 0.05 * 0.4 = 0.65
    assert threat.next_threat(0.6, 0.5, 0.1, 0.05, 0.05, 0.4, 0.08, 0.0) == pytest.approx(0.65)
    # The noise enters as sigma * eps: 0.5 + 0.05 * 2 = 0.6
    assert threat.next_threat(0.5, 0.5, 0.1, 0.05, 0.0, 0.0, 0.0, 2.0) == pytest.approx(0.6)
    # Nothing moves: unchanged.
    assert threat.next_threat(0.3, 0.9, 0.0, 0.0, 0.0, 1.0, 0.0, 5.0) == 0.3


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0.95, 0.5, 0.0, 0.1, 0.0, 0.0, 0.2, 3.0), 1.0),  # clipped above
        ((0.05, 0.5, 0.0, 0.1, 0.5, 1.0, 0.0, -3.0), 0.0),  # clipped below
        ((1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0), 1.0),
    ],
)
def test_next_threat_is_clipped_to_the_unit_interval(args, expected):
    assert threat.next_threat(*args) == expected


def test_aggression_probability():
    assert threat.aggression_probability(0.15, 0.6, 0.5) == pytest.approx(0.045)
    assert threat.aggression_probability(1.0, 1.0, 0.0) == 1.0
    assert threat.aggression_probability(1.0, 1.0, 1.0) == 0.0
    # Credibility above 1 (never produced by the model) cannot make it negative.
    assert threat.aggression_probability(1.0, 1.0, 2.0) == 0.0


def test_target_weights():
    weights = threat.target_weights(np.array([1.0, 0.5, 0.2]), np.array([0.5, 0.0, 1.0]))
    assert weights.tolist() == pytest.approx([0.5, 0.5, 0.0])
    assert threat.target_weights(np.zeros(3), np.zeros(3)).sum() == 0.0


def test_perceived_threat_is_shielded_by_the_us_for_nato_members():
    # theta = T * p * (1 - u * g * nato) * P = 0.5 * 0.8 * (1 - 1 * 0.6) = 0.16 for NATO,
    # 0.5 * 0.8 = 0.4 outside it, with Russia's power factor P = 1 (forces even).
    shield = threat.us_shield(0.6, np.array([True, False]))
    even = threat.power_factor(threat.advantage(500.0, 500.0), 1.79)
    assert even == 1.0
    out = threat.perceived_threat(0.5, threat.exposure(np.array([0.8, 0.8]), 1.0, shield), even)
    assert out == pytest.approx([0.16, 0.4])
    # Withdrawal (u = 0) removes the shield.
    out = threat.perceived_threat(0.5, threat.exposure(np.array([0.8, 0.8]), 0.0, shield), even)
    assert out == pytest.approx([0.4, 0.4])


def test_russias_advantage_scales_the_threat_by_a_power():
    # Russia fields 800 against Europe's 400: advantage 2, and with weight 0.5 the
    # threat is sqrt(2) times greater; half of Europe's: 1 / sqrt(2).
    assert threat.advantage(800.0, 400.0) == 2.0
    assert threat.power_factor(2.0, 0.5) == pytest.approx(math.sqrt(2))
    assert threat.power_factor(0.5, 0.5) == pytest.approx(1 / math.sqrt(2))
    assert threat.perceived_threat(0.5, 0.8, threat.power_factor(2.0, 1.0)) == pytest.approx(0.8)
    # weight 0: power does not matter
    assert threat.power_factor(5.0, 0.0) == 1.0
    # per run and per state: Europe's total is one column per run
    advantage = threat.advantage(np.array([[900.0], [300.0]]), np.array([[300.0], [300.0]]))
    assert advantage.tolist() == [[3.0], [1.0]]
    # no forces on one side: held to a finite factor
    assert np.isfinite(threat.power_factor(np.inf, 2.0))
    assert threat.power_factor(0.0, 1.0) == pytest.approx(1e-6)


@given(a=st.floats(0.0, 1e6), b=st.floats(0.0, 1e6), weight=st.floats(0.0, 5.0))
def test_the_power_factor_is_finite_and_grows_with_the_advantage(a, b, weight):
    low, high = sorted((a, b))
    assert 0.0 < threat.power_factor(low, weight) <= threat.power_factor(high, weight)
    assert np.isfinite(threat.power_factor(high, weight))


def test_protection_is_credibility_inside_and_the_us_guarantee_for_nato_outside():
    member = np.array([True, False, False])
    nato = np.array([True, True, False])
    # a member: the coalition's credibility; a NATO outsider: u * g = 0.5 * 0.6; others: 0
    out = threat.protection(member, 0.7, 0.5, 0.6, nato)
    assert out == pytest.approx([0.7, 0.3, 0.0])


def test_a_response_fails_when_fewer_than_half_respond():
    called = np.array([[True, True, True, True, False]])
    responded = np.array([[True, False, False, False, False]])
    share = threat.response_share(responded, called)
    assert share.tolist() == [[0.25]]
    assert threat.response_failed(share).all()
    assert not threat.response_failed(threat.response_share(called, called)).any()


UNIT = st.floats(0.0, 1.0)


@settings(max_examples=50, deadline=None)
@given(
    threat_=UNIT, mean=UNIT, reversion=UNIT, volatility=st.floats(0.0, 0.5),
    deterrence=st.floats(0.0, 0.5), credibility=UNIT, shock=st.floats(0.0, 2.0),
    noise=st.floats(-10.0, 10.0),
)  # fmt: skip
def test_threat_stays_in_the_unit_interval(
    threat_, mean, reversion, volatility, deterrence, credibility, shock, noise
):
    value = threat.next_threat(
        threat_, mean, reversion, volatility, deterrence, credibility, shock, noise
    )
    assert 0.0 <= value <= 1.0
    assert 0.0 <= threat.aggression_probability(1.0, threat_, credibility) <= 1.0


@settings(max_examples=50, deadline=None)
@given(step=st.integers(0, 400), start=UNIT, after=UNIT, at=st.none() | st.integers(0, 400),
       duration=st.integers(1, 40))  # fmt: skip
def test_us_commitment_stays_between_start_and_after(step, start, after, at, duration):
    u = threat.us_commitment(step, start, at, after, duration)
    assert min(start, after) - 1e-12 <= u <= max(start, after) + 1e-12
