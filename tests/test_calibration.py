"""coalition-sim calibrate: the design, the distance, reproducibility, the stored result."""

from __future__ import annotations

import json

import numpy as np
import pytest

from coalition_sim.calibration import abc, stored
from coalition_sim.calibration.targets import HONOURED_SHARE, auc, load_targets, spearman
from coalition_sim.cli import main
from coalition_sim.parameters import SCHEMA, calibrated_defaults


def test_the_design_is_a_latin_hypercube_over_the_priors():
    n = 20
    sets = abc.design(n, seed=5)
    assert sets == abc.design(n, seed=5)
    assert sets != abc.design(n, seed=6)
    priors = {**abc.PRIORS, **abc.HISTORY_PRIORS}
    for name, (low, high) in priors.items():
        values = np.array([s[name] for s in sets])
        assert np.all((values >= low) & (values <= high)), name
        # one draw in each of the n equal slices of the prior
        slices = np.floor((values - low) / (high - low) * n).astype(int)
        assert sorted(slices.tolist()) == list(range(n)), name


def test_every_fitted_parameter_is_a_schema_parameter_with_its_prior_inside_the_range():
    for name, (low, high) in abc.PRIORS.items():
        parameter = SCHEMA[name]
        assert parameter.low <= low < high <= parameter.high, name


def test_the_distance_is_zero_for_a_perfect_fit_and_grows_with_each_gap():
    perfect = {**abc.PERFECT, "honoured": HONOURED_SHARE}
    worse = {**perfect, "rmse_2024": 0.5}
    worst = {**worse, "auc": 0.5}
    spread = {**perfect, "rmse_2024": 0.25, "auc": 0.75}
    d = abc.distances([perfect, worse, worst, spread], HONOURED_SHARE)
    assert d[0] == 0.0
    assert d[0] < d[1] < d[2]


def test_a_statistic_that_cannot_be_computed_counts_as_the_worst_not_as_perfect():
    perfect = {**abc.PERFECT, "honoured": HONOURED_SHARE}
    bad = {**perfect, "rmse_2025": 1.0}
    unknown = {**perfect, "rmse_2025": float("nan")}
    d = abc.distances([perfect, bad, unknown], HONOURED_SHARE)
    assert d[2] == pytest.approx(d[1]) and d[2] > 0


def test_rank_statistics_on_hand_cases():
    assert spearman(np.array([1.0, 2, 3]), np.array([10.0, 20, 30])) == pytest.approx(1.0)
    assert spearman(np.array([1.0, 2, 3]), np.array([3.0, 2, 1])) == pytest.approx(-1.0)
    # AUC: the share of (positive, negative) pairs ranked the right way, ties half
    assert auc(np.array([0.9, 0.8, 0.1]), np.array([True, True, False])) == 1.0
    assert auc(np.array([0.5, 0.5]), np.array([True, False])) == 0.5
    assert auc(np.array([0.1, 0.9]), np.array([True, False])) == 0.0


def test_the_targets_are_the_observed_behaviour():
    targets = load_targets()
    assert targets.spending_2014["POL"] == pytest.approx(1.86, abs=0.05)
    assert targets.spending_2025["POL"] == pytest.approx(4.3, abs=0.2)
    assert targets.joined_london["GBR"] and targets.joined_london["TUR"]
    assert not targets.joined_london["HUN"] and not targets.joined_london["AUT"]
    assert targets.honoured_share == 0.745


@pytest.fixture(scope="module")
def small():
    return abc.calibrate(samples=48, hindcast_reps=2, join_reps=2, accept=0.25, seed=3)


def test_a_small_calibration_runs_and_repeats_from_its_seed(small):
    again = abc.calibrate(samples=48, hindcast_reps=2, join_reps=2, accept=0.25, seed=3)
    assert stored.same_sets(small, again)
    assert len(small.accepted) == 12
    assert small.distances == sorted(small.distances)
    other = abc.calibrate(samples=48, hindcast_reps=2, join_reps=2, accept=0.25, seed=4)
    assert not stored.same_sets(small, other)


def test_the_accepted_sets_fit_better_than_the_rejected(small):
    sets = abc.design(48, 3)
    stats = abc.simulate_statistics(sets, seed=3, hindcast_reps=2, join_reps=2)
    distance = abc.distances(stats, HONOURED_SHARE)
    assert max(small.distances) <= np.sort(distance)[12] + 1e-12
    assert small.distances == pytest.approx(np.sort(distance)[:12].tolist())


def test_the_result_round_trips_through_json(small, tmp_path):
    path = stored.write(small, tmp_path / "cal.json")
    again = stored.load(path)
    assert stored.same_sets(small, again)
    assert again.fit == json.loads(small.to_json())["fit"]
    assert set(small.point()) == set(abc.PRIORS)


def test_the_cli_prints_the_fit_and_writes_the_files(tmp_path, capsys):
    out, plot = tmp_path / "cal.json", tmp_path / "cal.png"
    code = main([
        "calibrate", "--samples", "24", "--hindcast-reps", "1", "--join-reps", "1",
        "--accept", "0.25", "--out", str(out), "--plot", str(plot), "--quiet",
    ])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    assert "24 parameter sets" in printed and "6 accepted" in printed
    assert "rank correlation with NATO's figures" in printed
    assert "posterior (median, 90 % interval" in printed
    assert json.loads(out.read_text())["samples"] == 24
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--accept", "0"], "--accept: 0 must be in (0, 1]"),
        (["--samples", "0"], "--samples: 0 must be >= 1"),
        (["--check", "--seed", "3"], "--check: reruns the stored settings"),
    ],
)
def test_bad_options_are_one_line_errors(capsys, args, message):
    assert main(["calibrate", *args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err


def test_the_defaults_are_the_stored_posterior_medians():
    calibration = stored.load()
    assert calibration is not None, "the package ships a calibration"
    point = calibration.point()
    for name, (value, note) in calibrated_defaults().items():
        assert value == pytest.approx(point[name], rel=5e-3), name
        assert f"{len(calibration.accepted)} accepted sets of {calibration.samples}" in note
    for statistic in abc.STATISTICS:
        assert statistic in calibration.fit


def test_the_stored_calibration_is_reproduced_from_its_seed(capsys):
    # The done-when of the calibration issue: about a minute on two cores.
    assert main(["calibrate", "--check", "--quiet"]) == 0
    assert "the stored calibration is reproduced exactly" in capsys.readouterr().out
