"""The calibration's checks on the engine: statistics against any data, coverage, stability,
identification; ``calibrate --coverage`` and ``--stability`` end to end (small sizes)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from coalition_sim import hypotheses as hy
from coalition_sim.calibration import abc, identification, reference, stability
from coalition_sim.calibration.adjust import Posterior
from coalition_sim.cli import main


@pytest.fixture(scope="module")
def outputs():
    sets = abc.design(40, seed=11)
    return sets, abc.simulate_statistics(sets, seed=11, hindcast_reps=2, join_reps=2)


def test_the_statistics_against_the_real_data_are_the_calibrations(outputs):
    sets, raw = outputs
    table = reference.from_outputs(sets, raw)
    stats, observed = reference.statistics_against(table, reference.real_data())
    expected = np.array([[o[n] for n in abc.STATISTICS] for o in raw])
    assert np.allclose(stats, expected, rtol=0, atol=1e-12, equal_nan=True)
    assert dict(zip(abc.STATISTICS, observed.tolist(), strict=True)) == {
        "rho_2015_2021": 1.0,
        "rmse_2015_2021": 0.0,
        "rho_2022_2025": 1.0,
        "rmse_2022_2025": 0.0,
        "brier": 0.0,
        "auc": 1.0,
        "honoured": 0.745,
    }


def test_a_row_scored_against_its_own_data_fits_best_in_spending(outputs):
    """A set's yearly burdens are their own perfect fit: rank correlation 1, error 0."""
    sets, raw = outputs
    table = reference.from_outputs(sets, raw)
    stats, observed = reference.statistics_against(table, reference.case_data(table, 7))
    columns = {n: k for k, n in enumerate(abc.STATISTICS)}
    assert stats[7, columns["rmse_2015_2021"]] == 0.0
    assert stats[7, columns["rho_2022_2025"]] == pytest.approx(1.0)
    assert np.argmin(stats[:, columns["rmse_2022_2025"]]) == 7
    # its taking part is its own applying; its share honoured is the one to match
    assert observed[columns["honoured"]] == table.honoured[7]
    if 0 < (table.join_chance[7] >= 0.5).sum() < len(table.join_chance[7]):
        assert stats[7, columns["auc"]] == 1.0


def test_the_cases_data_are_one_row_of_the_table_in_the_real_datas_order(outputs):
    sets, raw = outputs
    table = reference.from_outputs(sets, raw)
    real, case = reference.real_data(), reference.case_data(table, 3)
    assert case.states == real.states and case.join_states == real.join_states
    assert np.array_equal(case.burdens, table.burdens[3])
    assert case.burdens.shape == real.burdens.shape
    assert case.took_part.dtype == bool


def test_data_with_outsiders_of_one_kind_leave_the_auc_out(outputs):
    sets, raw = outputs
    table = reference.from_outputs(sets, raw)
    data = reference.real_data()
    everyone = replace(data, took_part=np.ones_like(data.took_part))
    stats, observed = reference.statistics_against(table, everyone)
    auc = abc.STATISTICS.index("auc")
    assert np.isnan(observed[auc]) and np.isnan(stats[:, auc]).all()


def test_the_engine_coverage_runs_and_repeats():
    one, _ = reference.engine_coverage(6, samples=48, hindcast_reps=1, join_reps=1, seed=5,
                                       accept=0.25)  # fmt: skip
    two, _ = reference.engine_coverage(6, samples=48, hindcast_reps=1, join_reps=1, seed=5,
                                       accept=0.25)  # fmt: skip
    assert one.cases == 6 and one.names == (*abc.PRIORS, *abc.HISTORY_PRIORS)
    for method in ("rejection", "regression"):
        assert np.array_equal(one.covered[method], two.covered[method])
        assert np.all((one.share(method) >= 0) & (one.share(method) <= 1))


def _posterior(values, weights=None):
    values = np.asarray(values, float)
    n = len(values)
    w = np.full(n, 1 / n) if weights is None else np.asarray(weights) / np.sum(weights)
    return Posterior(("x", "y"), values, w)


BOUNDS = np.array([[0.0, 1.0], [0.0, 10.0]])


def test_stability_on_hand_cases():
    rng = np.random.default_rng(0)
    sample = rng.uniform(0, 1, (500, 2)) * [1, 10]
    same = stability.compare(_posterior(sample), _posterior(sample), BOUNDS)
    assert same.passes and same.shift.max() == 0 and np.allclose(same.overlap, 1)
    # all the mass of y in the lowest tenth against all of it in the highest: no overlap
    low, high = sample.copy(), sample.copy()
    low[:, 1], high[:, 1] = 0.5, 9.5
    apart = stability.compare(_posterior(low), _posterior(high), BOUNDS)
    assert not apart.passes
    assert apart.overlap[1] == 0 and apart.shift[1] == pytest.approx(0.9)
    assert "`y`" in apart.worst()
    # half the mass moved one bin: overlap one half
    moved = low.copy()
    moved[:250, 1] = 1.5
    half = stability.compare(_posterior(low), _posterior(moved), BOUNDS)
    assert half.overlap[1] == pytest.approx(0.5)


def test_the_overlap_of_two_samples_of_one_posterior_falls_short_as_predicted():
    """The docstring's rule of thumb: shortfall about sqrt(bins / (pi n))."""
    rng = np.random.default_rng(1)
    n, shortfalls = 164, []
    for _ in range(200):
        a, b = (_posterior(rng.uniform(0, 1, (n, 2)) * [1, 10]) for _ in range(2))
        shortfalls.append(1 - stability.overlap(a, b, BOUNDS)[0])
    assert np.mean(shortfalls) == pytest.approx(np.sqrt(stability.BINS / (np.pi * n)), rel=0.15)


def _evaluation(holds: np.ndarray) -> hy.Evaluation:
    rule = hy.Rule("final_members", "a", +1, 0.0, level=0.0, share=0.8)
    result = hy.RuleResult(rule, holds.astype(float), holds, np.zeros_like(holds))
    h = hy.Hypothesis("hx", "t", "s", {"a": hy.Setting("a")}, (rule,), "r")
    return hy.Evaluation(h, (result,), {}, len(holds), 1)


def test_a_verdict_that_holds_above_the_median_only_is_named():
    values = np.linspace(0, 1, 100)
    sets = [{"x": float(v), "y": 5.0} for v in values]
    posteriors = {"rejection": _posterior(np.column_stack([values, np.full(100, 5.0)]))}
    evaluation = _evaluation(values > 0.5)
    rows = identification.identify(posteriors, BOUNDS, [evaluation], sets)
    by_name = {r.name: r for r in rows}
    assert [m.rule for m in by_name["x"].moved] == ["HX rule 1 (members at the end)"]
    assert by_name["x"].moved[0].below == ("not supported", 0.0)
    assert by_name["x"].moved[0].above == ("supported", 1.0)
    assert by_name["y"].moved == ()  # y does not vary: nothing moves with it
    # x spans its prior evenly: spread about 1; y is a point: spread 0
    assert by_name["x"].spread["rejection"] == pytest.approx(1.0, rel=0.05)
    assert by_name["y"].spread["rejection"] == pytest.approx(0.0, abs=1e-12)
    # a verdict that holds everywhere moves with nothing
    flat = identification.identify(posteriors, BOUNDS, [_evaluation(values >= 0)], sets)
    assert all(r.moved == () for r in flat)
    text = identification.table(rows, used=["x"])
    assert "HX rule 1 (members at the end): not supported below the median (holds in 0 %" in text
    assert "(not a parameter of the experiments)" in text


def test_calibrate_coverage_and_stability_end_to_end(capsys):
    small = ["--samples", "40", "--hindcast-reps", "1", "--join-reps", "1", "--accept", "0.3"]
    assert main(["calibrate", *small, "--coverage", "5", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "| `w_threat` |" in out and "5 pseudo-observed data sets" in out
    assert "fewer than 100 cases" in out
    code = main(["calibrate", *small, "--seed", "1", "--stability", "2", "--quiet"])
    out = capsys.readouterr().out
    assert "stability: seed 1 against seed 2, 40 sets, 12 accepted each" in out
    assert ("rejection: passes" in out) == (code == 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--coverage", "0"], "--coverage: 0 must be between 1 and 100,000"),
        (["--stability", "2026"], "--stability: 2026 is the calibration's own seed"),
        (["--coverage", "5", "--check"], "give no --check, --store, --out or --plot"),
        (["--holdout", "--coverage", "5"], "--holdout: runs alone; give --coverage or"),
        (["--holdout", "--stability", "7"], "--holdout: runs alone; give --coverage or"),
    ],
)
def test_bad_check_options_are_one_line_errors(capsys, args, message):
    assert main(["calibrate", *args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err


def test_the_predictive_checks_draw_one_figure_per_target(tmp_path):
    from coalition_sim.calibration import predictive

    small = abc.calibrate(samples=24, hindcast_reps=1, join_reps=1, accept=0.25, seed=3)
    pred = predictive.simulate(small, draws=3)
    assert len(pred.table.sets) == 6 * 3
    # each run is one data set: applied or not, not a chance between
    assert set(np.unique(pred.table.join_chance)) <= {0.0, 1.0}
    assert set(pred.attendance) == set(pred.observed.join_states)
    written = predictive.draw(pred, tmp_path)
    assert [p.name for p in written] == list(predictive.FIGURES)
    assert [p.name for p in written] == [
        "ppc_burdens_2015_2021.png",
        "ppc_burdens_2022_2025.png",
        "ppc_taking_part.png",
        "ppc_honoured.png",
    ]
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in written)
    assert sorted(tmp_path.iterdir()) == sorted(written)  # no temporary left behind


def test_the_burden_bands_count_the_observed_inside_by_hand(outputs):
    """Observed at the simulated median: all inside; moved far above the runs: none."""
    from coalition_sim.calibration import predictive

    sets, raw = outputs
    table = reference.from_outputs(sets, raw)
    pred = predictive.Predictive(table, {}, draws=1)
    years = abc.PERIODS["2022_2025"]
    bands = predictive.burden_bands(pred, years)
    assert bands["observed"].shape == (len(years), len(table.observed.states))
    assert np.all(bands["low"] <= bands["median"]) and np.all(bands["median"] <= bands["high"])
    rows = table.observed.rows(years)
    at_median = table.observed.burdens.copy()
    at_median[rows] = bands["median"]
    inside = predictive.burden_bands(
        replace(pred, table=replace(table, observed=replace(table.observed, burdens=at_median))),
        years,
    )["inside"]
    assert inside.all()
    far = table.observed.burdens + table.burdens.max() + 1.0
    outside = predictive.burden_bands(
        replace(pred, table=replace(table, observed=replace(table.observed, burdens=far))),
        years,
    )["inside"]
    assert not outside.any()
