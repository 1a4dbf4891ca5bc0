"""Derived traits (coalition_sim.rules.traits) on hand values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coalition_sim.datasets import load_dataset
from coalition_sim.engine.inputs import build
from coalition_sim.parameters import DEFAULT
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


def test_the_unreliable_set_responds_and_keeps_its_path_less_often():
    dataset = load_dataset()
    scenario = DEFAULT.with_values({
        "reliability": 0.75, "unreliable_reliability": 0.35,
        "commitment_keeping": 0.8, "unreliable_commitment_keeping": 0.5,
        "state.POL.commitment_keeping": 0.1,
    })  # fmt: skip
    out = build(dataset, [scenario], np.array([1]), np.array([0])).traits
    index = dataset.arrays.index
    hun, est, pol = (index[c] for c in ("HUN", "EST", "POL"))
    assert out.reliability[0, [hun, est]].tolist() == [0.35, 0.75]
    assert out.keeping[0, [hun, est, pol]].tolist() == [0.5, 0.8, 0.1]  # an override wins


def test_industry_index_is_revenue_over_the_largest():
    assert traits.industry_index(np.array([0.0, 5.0, 20.0])).tolist() == [0.0, 0.25, 1.0]
    assert traits.industry_index(np.array([0.0, 0.0])).tolist() == [0.0, 0.0]
    assert traits.industry_index(np.array([])).shape == (0,)
