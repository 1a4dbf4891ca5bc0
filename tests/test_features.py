"""Feature scores: the parameter an outcome depends on ranks first; `coalition-sim features`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from discovery_fakes import write_sweep

from coalition_sim.sweep.discovery import load_sweep
from coalition_sim.sweep.features import outcome_values, score_features

PARAMS = [
    {"name": "x1", "low": 0.0, "high": 1.0},
    {"name": "x2", "low": 0.0, "high": 1.0},
    {"name": "noise", "low": 0.0, "high": 1.0},
]


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """300 samples x 2 replications; y = 3 x1 + 0.6 x2 + noise, nothing from 'noise'."""
    rng = np.random.default_rng(7)
    samples = rng.random((300, 3))
    x = np.repeat(samples, 2, axis=0)
    runs = pd.DataFrame(x, columns=["x1", "x2", "noise"])
    runs["final_parity"] = 3 * runs.x1 + 0.6 * runs.x2 + rng.normal(0, 0.1, len(runs))
    runs["members"] = "EST LVA"
    folder = tmp_path_factory.mktemp("feat") / "planted"
    return write_sweep(folder, runs, PARAMS, reps=2)


def test_the_parameter_that_matters_ranks_first(planted):
    sweep = load_sweep(planted)
    scores = score_features(sweep, outcome_values(sweep, "final_parity", None), seed=0)
    table = scores.table
    assert list(table.parameter) == ["x1", "x2", "noise"]
    assert list(table["rank"]) == [1, 2, 3]
    x1, x2, noise = table.importance
    assert x1 > 5 * x2 and x2 > 0.01 and abs(noise) < 0.01
    assert scores.r2 > 0.9 and scores.held_out == 150  # a quarter of the samples, both reps


def test_scores_are_reproducible_with_a_seed(planted):
    sweep = load_sweep(planted)
    values = outcome_values(sweep, "final_parity", None)
    a = score_features(sweep, values, seed=3).table
    b = score_features(sweep, values, seed=3).table
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a.importance, score_features(sweep, values, seed=4).table.importance)


def test_a_categorical_parameter_is_scored(tmp_path):
    rng = np.random.default_rng(0)
    n = 200
    runs = pd.DataFrame({"rule": rng.choice(["unanimity", "qmv", "core"], n), "r": rng.random(n)})
    bonus = runs.rule.map({"unanimity": 0.0, "qmv": 1.0, "core": 0.5})
    runs["final_members"] = 10 + 4 * bonus + rng.normal(0, 0.2, n)
    params = [{"name": "rule", "values": ["unanimity", "qmv", "core"]}, {"name": "r"}]
    sweep = load_sweep(write_sweep(tmp_path / "c", runs, params))
    table = score_features(sweep, outcome_values(sweep, "final_members", None)).table
    assert list(table.parameter) == ["rule", "r"] and table.importance[0] > 0.5


def test_a_query_is_scored_as_yes_or_no(planted):
    sweep = load_sweep(planted)
    values = outcome_values(sweep, None, "x2 > 0.5 and final_parity > 0")
    assert set(values.unique()) == {0.0, 1.0}
    table = score_features(sweep, values).table
    assert table.parameter[0] == "x2"
