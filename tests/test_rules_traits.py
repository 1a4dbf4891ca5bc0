"""Derived traits (coalition_sim.rules.traits) on hand values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coalition_sim.rules import traits


def test_proximity_is_exp_of_minus_km_over_scale():
    km = np.array([0.0, 600.0, 1200.0, 2772.0])
    expected = [1.0, math.exp(-1), math.exp(-2), math.exp(-2772 / 600)]
    assert traits.proximity(km, 600.0) == pytest.approx(expected)
    # Lisbon at the default scale scores about 0.01, as the docstring says.
    assert traits.proximity(np.array([2772.0]), 600.0)[0] == pytest.approx(0.0099, abs=1e-4)
    # A longer scale raises everyone's exposure.
    assert traits.proximity(km, 1200.0)[1] == pytest.approx(math.exp(-0.5))


def test_proximity_accepts_lists_and_stays_in_unit_interval():
    values = traits.proximity([0, 10, 10_000], 50.0)
    assert values.dtype == float
    assert np.all((values >= 0) & (values <= 1))


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        (("yes", "yes"), 1.0),
        (("yes", "no"), 0.0),
        (("no", "no"), -1.0),
        (("yes", "abstain"), 0.5),
        (("absent", "no"), -0.5),
        (("abstain", "absent"), 0.0),
        # Non-member votes (Kosovo) carry no information and are skipped.
        (("non-member", "yes"), 1.0),
        (("no", "non-member"), -1.0),
        (("non-member", "non-member"), 0.0),
    ],
)
def test_alignment_is_the_mean_vote_score(votes, expected):
    assert traits.alignment([votes])[0] == expected


def test_alignment_of_several_states():
    out = traits.alignment([("yes", "yes"), ("yes", "no"), ("non-member", "abstain")])
    assert out.tolist() == [1.0, 0.0, 0.0]
    assert traits.alignment([]).shape == (0,)


def test_reliability_base_and_unreliable_set():
    out = traits.reliability(["EST", "HUN", "SVK", "POL"], {"HUN", "SVK"}, 0.75, 0.35)
    assert out.tolist() == [0.75, 0.35, 0.35, 0.75]
    # A code of the unreliable set that is not among the states changes nothing.
    assert traits.reliability(["EST"], ["XKX"], 0.9, 0.1).tolist() == [0.9]


def test_industry_index_is_revenue_over_the_largest():
    assert traits.industry_index(np.array([0.0, 5.0, 20.0])).tolist() == [0.0, 0.25, 1.0]
    assert traits.industry_index(np.array([0.0, 0.0])).tolist() == [0.0, 0.0]
    assert traits.industry_index(np.array([])).shape == (0,)


def test_capability_is_spending_raised_by_industry():
    # 10 * (1 + 0.1 * 1) = 11; 10 * (1 + 0.1 * 0.5) = 10.5; no industry: 10.
    out = traits.capability(np.array([10.0, 10.0, 10.0]), np.array([1.0, 0.5, 0.0]), 0.1)
    assert out == pytest.approx([11.0, 10.5, 10.0])
    assert traits.capability(np.array([10.0]), np.array([1.0]), 0.0) == pytest.approx([10.0])
