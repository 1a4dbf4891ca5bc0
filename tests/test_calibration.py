"""coalition-sim calibrate: the design, the distance, reproducibility, the stored result."""

from __future__ import annotations

import json

import numpy as np
import pytest

from coalition_sim.calibration import abc, check, stored
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
    worse = {**perfect, "rmse_2022_2025": 0.5}
    worst = {**worse, "auc": 0.5}
    spread = {**perfect, "rmse_2022_2025": 0.25, "auc": 0.75}
    d = abc.distances([perfect, worse, worst, spread], HONOURED_SHARE)
    assert d[0] == 0.0
    assert d[0] < d[1] < d[2]


def test_a_statistic_that_cannot_be_computed_counts_as_the_worst_not_as_perfect():
    perfect = {**abc.PERFECT, "honoured": HONOURED_SHARE}
    bad = {**perfect, "rmse_2015_2021": 1.0}
    unknown = {**perfect, "rmse_2015_2021": float("nan")}
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
    assert targets.spending_2014["POL"] == pytest.approx(1.88)
    assert targets.burdens[2021]["POL"] == pytest.approx(2.22)
    assert targets.burdens[2025]["POL"] == pytest.approx(4.3)
    # every yearly burden of NATO's series, the European Allies with all twelve years
    assert len(targets.scored_states()) == 29
    assert "USA" not in targets.spending_2014 and "ISL" not in targets.scored_states()
    # taking part: the share of the four meetings with a known record
    assert targets.attendance["GBR"] == 1.0 and targets.attendance["HUN"] == 0.0
    assert targets.attendance["AUT"] == 0.75  # not in London; Paris three times
    assert targets.attendance["ALB"] == 0.5 and targets.took_part["ALB"]
    assert targets.attendance["CYP"] == pytest.approx(2 / 3)  # January 2026 unknown
    assert targets.attendance["MNE"] == pytest.approx(1 / 3) and not targets.took_part["MNE"]
    assert targets.honoured_share == 0.745


def test_the_burdens_agree_with_observed_behaviour_where_both_report():
    """The yearly series and the older targets' file are the same NATO figures."""
    import csv

    from coalition_sim.datasets import DATA_DIR

    targets = load_targets()
    with open(DATA_DIR / "observed_behaviour.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    compared = 0
    for row in rows:
        for year, column in ((2014, "nato_pct_gdp_2014"), (2024, "nato_pct_gdp_2024_est")):
            if row[column]:
                assert targets.burdens[year][row["iso3"]] == pytest.approx(float(row[column]))
                compared += 1
    assert compared == 2 * 29


def test_the_hindcast_is_causal_so_a_run_to_2021_is_a_prefix_of_a_run_to_2025():
    sets = abc.design(6, seed=8)
    full = abc.simulate_statistics(sets, seed=8, hindcast_reps=2, join_reps=1)
    short = abc.simulate_statistics(sets, seed=8, hindcast_reps=2, join_reps=1, steps=31)
    for one, other in zip(full, short, strict=True):
        np.testing.assert_array_equal(one["burdens"][:8], other["burdens"][:8])
        assert np.isnan(other["burdens"][8:]).all() and not np.isnan(one["burdens"]).any()
        # the statistics of the years not reached are not computed, never a perfect fit
        assert one["rho_2015_2021"] == other["rho_2015_2021"]
        assert np.isnan(other["rho_2022_2025"]) and np.isnan(other["rmse_2022_2025"])


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
    assert "spending 2022-2025, rank correlation with NATO's figures" in printed
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
    # The done-when of the calibration issue: about a minute on two cores. With the
    # newest numpy, pandas and scipy the distances differ from the stored ones in the
    # last digits (3.6e-15): ids are compared exactly, numbers within the tolerance.
    assert main(["calibrate", "--check", "--quiet"]) == 0
    out = capsys.readouterr().out
    accepted = len(stored.load().accepted)
    assert f"check: the stored calibration is reproduced: the {accepted} accepted sets" in out
    assert "within 1e-09 relative plus 1e-12 absolute" in out
    assert "rerun:  python " in out and "numpy " in out and "scipy " in out


def test_the_stored_calibration_records_its_accepted_ids():
    calibration = stored.load()
    rows = abc.design(calibration.samples, calibration.seed)
    # the accepted share of the design, rounded as the calibration rounds it
    expected = max(1, round(calibration.accept * calibration.samples))
    assert len(calibration.accepted_ids) == len(calibration.accepted) == expected
    for k, values in zip(calibration.accepted_ids, calibration.accepted, strict=True):
        assert rows[k] == values


# --- the check: ids exactly, numbers within a stated tolerance --------------------------------


def perturbed(result, change):
    """A copy of a calibration through JSON, with ``change(data)`` applied to its dict."""
    data = json.loads(result.to_json())
    change(data)
    return abc.Calibration(**data)


def test_a_calibration_records_the_versions_that_produced_it(small):
    recorded = small.provenance["versions"]
    for name in ("python", "coalition-sim", "numpy", "pandas", "scipy", "SALib"):
        assert recorded[name] and recorded[name] != "not installed", name
    assert recorded["numpy"] == np.__version__
    rows = abc.design(48, 3)
    assert [rows[k] for k in small.accepted_ids] == small.accepted
    assert len(set(small.accepted_ids)) == len(small.accepted) == 12


def test_the_check_accepts_rounding_and_states_its_tolerance(small):
    def nudge(data):  # last-digit changes, as a new numpy gives
        data["distances"] = [d * (1 + 4e-16) for d in data["distances"]]
        data["statistics"][0]["brier"] += 1e-16
        data["fit"]["rho_2022_2025"]["median"] *= 1 + 1e-12

    comparison = check.compare(perturbed(small, nudge), small)
    assert comparison.reproduced, comparison.differences
    assert 0 < comparison.largest < 1e-11
    assert "reproduced" in comparison.summary(12)
    assert "1e-09 relative plus 1e-12 absolute" in comparison.summary(12)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["distances"].__setitem__(3, d["distances"][3] * (1 + 1e-7)), "distances[3]"),
        (lambda d: d["statistics"][5].__setitem__("auc", d["statistics"][5]["auc"] + 1e-6),
         "statistics[5]['auc']"),
        (lambda d: d["fit"]["spending_2025"]["POL"].__setitem__("simulated", 4.0),
         "fit['spending_2025']['POL']['simulated']"),
        (lambda d: d["accepted"][0].__setitem__("w_threat", d["accepted"][0]["w_threat"] + 1e-6),
         "accepted[0]['w_threat']"),
        (lambda d: d["fit"]["join"]["TUR"].__setitem__("observed", False),
         "fit['join']['TUR']['observed']"),
    ],
)  # fmt: skip
def test_the_check_fails_when_a_number_differs_beyond_the_tolerance(small, change, named):
    comparison = check.compare(perturbed(small, change), small)
    assert not comparison.reproduced
    assert len(comparison.differences) == 1 and comparison.differences[0].startswith(named)
    assert "NOT reproduced" in comparison.summary(12) and named in comparison.summary(12)


def test_the_check_fails_when_an_accepted_id_differs(small):
    def swap(data):  # the same sets, in another order: the ids are compared exactly
        ids = data["accepted_ids"]
        ids[2], ids[3] = ids[3], ids[2]

    comparison = check.compare(perturbed(small, swap), small)
    assert comparison.differences == [
        f"accepted ids differ at 2 position(s), first at 2: set {small.accepted_ids[3]} "
        f"stored, {small.accepted_ids[2]} in the rerun"
    ]

    def drop(data):
        data["accepted_ids"] = data["accepted_ids"][:-1]

    shorter = check.compare(perturbed(small, drop), small)
    assert "11 sets stored, 12 accepted" in shorter.differences[0]


def test_the_check_compares_an_older_file_without_ids_by_its_values(small):
    def older(data):
        data.pop("accepted_ids")

    assert check.compare(perturbed(small, older), small).reproduced

    def moved(data):
        data.pop("accepted_ids")
        data["accepted"][1]["commitment_keeping"] += 0.01

    comparison = check.compare(perturbed(small, moved), small)
    assert not comparison.reproduced
    assert comparison.differences[0].startswith("accepted[1]['commitment_keeping']")


def test_calibrate_check_exits_1_and_names_the_difference(small, monkeypatch, capsys):
    """The command, end to end: a stored result that differs beyond the tolerance fails."""

    def far(data):
        data["distances"][0] += 1e-6

    monkeypatch.setattr(stored, "load", lambda: perturbed(small, far))
    assert main(["calibrate", "--check", "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "check: the stored calibration is NOT reproduced (1 difference(s)" in out
    assert "distances[0]" in out
    monkeypatch.setattr(stored, "load", lambda: perturbed(small, lambda d: None))
    assert main(["calibrate", "--check", "--quiet"]) == 0
    assert "is reproduced: the 12 accepted sets" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--samples", "1000000000"],
         "the calibration has 2,000,000,000 runs (1,000,000,000 sets x 2 runs), more than "
         "--max-runs 2,000,000"),
        (["--samples", "100", "--hindcast-reps", "4", "--join-reps", "8", "--max-runs", "1000"],
         "1,200 runs (100 sets x 12 runs)"),
        (["--hindcast-reps", "5000"], "--hindcast-reps: 5,000 is more than 4,096"),
        (["--max-runs", "0"], "--max-runs: 0 must be >= 1"),
    ],
)  # fmt: skip
def test_the_work_is_counted_before_anything_is_built(capsys, args, message):
    assert main(["calibrate", *args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err
