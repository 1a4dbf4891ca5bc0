"""Feature scores: the parameter an outcome depends on ranks first; `coalition-sim features`."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from discovery_fakes import write_sweep

from coalition_sim.analysis.discovery import load_sweep
from coalition_sim.analysis.features import outcome_values, score_features
from coalition_sim.cli import main

PARAMS = [
    {"name": "x1", "low": 0.0, "high": 1.0},
    {"name": "x2", "low": 0.0, "high": 1.0},
    {"name": "noise", "low": 0.0, "high": 1.0},
]


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """200 samples x 2 replications; y = 3 x1 + 0.6 x2 + noise, nothing from 'noise'."""
    rng = np.random.default_rng(7)
    samples = rng.random((200, 3))
    x = np.repeat(samples, 2, axis=0)
    runs = pd.DataFrame(x, columns=["x1", "x2", "noise"])
    runs["final_parity"] = 3 * runs.x1 + 0.6 * runs.x2 + rng.normal(0, 0.1, len(runs))
    runs["join_order"] = "EST LVA"
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
    assert scores.r2 > 0.9 and scores.held_out == 100  # a quarter of the samples, both reps


def test_the_printed_table_keeps_its_columns_aligned(planted):
    from coalition_sim.analysis.features import format_scores

    sweep = load_sweep(planted)
    scores = score_features(sweep, outcome_values(sweep, "final_parity", None), seed=0)
    header, *rows = format_scores(scores).split("\n\n")[0].splitlines()
    assert header.split() == ["rank", "parameter", "score", "(±", "sd)"]
    for rank, row in enumerate(rows, start=1):
        assert row[:4] == f"{rank:>4}"
        # each name starts under "parameter", each score's "±" sits in one column
        assert row[header.index("parameter")] != " "
        assert row.index("±") == rows[0].index("±")
    assert [row.split()[1] for row in rows] == ["x1", "x2", "noise"]


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


def test_features_cli_prints_writes_and_draws(planted, tmp_path, cli):
    csv, figure = tmp_path / "out" / "scores.csv", tmp_path / "scores.png"
    code, out, err = cli(
        "features", planted, "--outcome", "final_parity", "--csv", csv, "--plot", figure
    )
    assert code == 0, err
    assert "permutation importance" in out and "held-out R²" in out
    assert out.index("x1") < out.index("x2") < out.index("noise")
    table = pd.read_csv(csv)
    assert list(table.columns) == ["rank", "parameter", "importance", "importance_sd"]
    assert list(table.parameter) == ["x1", "x2", "noise"]
    assert figure.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--outcome", "colour"], "--outcome colour: no such outcome; allowed: final_parity"),
        (["--outcome", "join_order"], "--outcome join_order: not a numeric outcome"),
        (["--outcome", "x1"], "--outcome x1: a varied parameter, not an outcome"),
        (["--where", "final_parity >"], "not a valid pandas query"),
        (["--outcome", "final_parity", "--plot", "a.svg"], "write a .png file name"),
        (["--outcome", "final_parity", "--seed", "-1"], "--seed -1"),
    ],
)
def test_features_bad_input(planted, tmp_path, cli, args, fragment):
    csv = tmp_path / "s.csv"
    code, out, err = cli("features", planted, *args, "--csv", csv)
    assert code == 2 and out == "" and fragment in err and err.count("\n") == 1
    assert not csv.exists()


def test_features_needs_enough_runs_that_vary(tmp_path, cli):
    runs = pd.DataFrame({"x1": np.linspace(0, 1, 10), "final_parity": np.linspace(0, 1, 10)})
    folder = write_sweep(tmp_path / "small", runs, PARAMS[:1])
    code, _, err = cli("features", folder, "--outcome", "final_parity")
    assert code == 2 and "10 runs with a value, need at least 20" in err
    runs = pd.DataFrame({"x1": np.linspace(0, 1, 40), "final_parity": 0.5})
    folder = write_sweep(tmp_path / "flat", runs, PARAMS[:1])
    code, _, err = cli("features", folder, "--outcome", "final_parity")
    assert code == 2 and "does not vary" in err


def test_features_on_a_real_sweep(tmp_path, cli):
    out = tmp_path / "grid"
    argv = [
        "sweep",
        "--param",
        "spending_floor_pct=2:5:4",
        "--param",
        "admission_rule=unanimity,qmv",
        "--param",
        "cost_advantage=3,5",
        "--reps",
        "2",
        "--steps",
        "6",
        "--workers",
        "1",
        "--quiet",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    code, text, err = cli("features", out, "--outcome", "final_members")
    assert code == 0, err
    assert "spending_floor_pct" in text and "admission_rule" in text
    assert "32 successful runs" in text
