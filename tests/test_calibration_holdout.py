"""Out of sample and against baselines: hand-checked scores, and held-out data kept out."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from coalition_sim.calibration import abc, baselines, holdout, scores
from coalition_sim.calibration.targets import BURDEN_YEARS, auc, spearman
from coalition_sim.cli import main

# --- the baselines, by hand ---------------------------------------------------------------


def test_the_rule_is_the_pledge_or_more_plus_proximity():
    start = np.array([1.0, 2.5, 0.4])
    proximity = np.array([0.0, 0.2, 1.0])
    # max(1, 2) + 0; max(2.5, 2) + 0.3; max(0.4, 2) + 1.5
    np.testing.assert_allclose(baselines.rule(start, proximity), [2.0, 2.8, 3.5])


def test_the_regression_is_least_squares_on_a_hand_solved_case():
    # a 2 x 2 design: b and c are differences of means, a the rest (0.5, 2, 2);
    # residuals -0.5, +0.5 alternate, so no exact fit
    proximity = np.array([0.0, 1.0, 0.0, 1.0])
    start = np.array([0.0, 0.0, 1.0, 1.0])
    burden = np.array([1.0, 2.0, 2.0, 5.0])
    coefficients = baselines.fit_regression(proximity, start, burden)
    np.testing.assert_allclose(coefficients, [0.5, 2.0, 2.0], atol=1e-12)
    np.testing.assert_allclose(
        baselines.predict_regression(coefficients, proximity, start), [0.5, 2.5, 2.5, 4.5]
    )


def test_the_regression_leaves_out_missing_burdens_and_needs_three():
    proximity = np.array([0.0, 1.0, 0.0, 1.0, 0.5])
    start = np.array([0.0, 0.0, 1.0, 1.0, 0.5])
    exact = 1.0 + 2.0 * proximity + 0.5 * start
    exact[4] = np.nan  # not reported: no influence
    np.testing.assert_allclose(
        baselines.fit_regression(proximity, start, exact), [1.0, 2.0, 0.5], atol=1e-12
    )
    with pytest.raises(ValueError, match="at least 3 observations"):
        baselines.fit_regression(proximity[:2], start[:2], exact[:2])


def test_the_baselines_know_proximity_and_alignment_as_the_model_does():
    from coalition_sim.datasets import load_dataset

    traits = baselines.traits(load_dataset())
    # exp(-km / 600): Tallinn is about 200 km from Russia, Lisbon far away
    assert 0.5 < traits.proximity["EST"] <= 1.0
    assert traits.proximity["PRT"] < 0.05
    assert traits.alignment["HUN"] < traits.alignment["EST"]


# --- the scores, by hand ------------------------------------------------------------------


def test_the_rank_correlation_of_many_rows_is_spearmans_of_each():
    rng = np.random.default_rng(4)
    observed = np.array([1.0, 2.0, 2.0, 5.0, 3.0])  # a tie
    simulated = rng.normal(size=(6, 5))
    simulated[0] = [1.0, 1.0, 1.0, 1.0, 1.0]  # no spread: 0, as spearman() says
    got = scores.rank_correlation(simulated, observed)
    want = [spearman(row, observed) for row in simulated]
    np.testing.assert_allclose(got, want, atol=1e-12)


def test_burden_scores_on_a_hand_case():
    observed = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])  # 2 years x 3 states
    simulated = np.array([[[1.0, 2.0, 3.0], [2.0, 3.0, 7.0]], [[3.0, 2.0, 1.0], [4.0, 3.0, 2.0]]])
    rho, rmse = scores.burden_scores(simulated, observed)
    # set 0: ranks right both years; errors 0,0,0,0,0,3 -> sqrt(9 / 6)
    # set 1: ranks reversed both years; errors 2,0,2,2,0,2 -> sqrt(16 / 6)
    np.testing.assert_allclose(rho, [1.0, -1.0])
    np.testing.assert_allclose(rmse, [np.sqrt(9 / 6), np.sqrt(16 / 6)])


def test_auc_and_brier_of_many_rows_on_hand_cases():
    truth = np.array([True, True, False])
    chance = np.array([[0.9, 0.8, 0.1], [0.5, 0.1, 0.5], [0.2, 0.2, 0.2]])
    np.testing.assert_allclose(scores.auc(chance, truth), [1.0, 0.25, 0.5])
    for row, value in zip(chance, scores.auc(chance, truth), strict=True):
        assert value == auc(row, truth)
    np.testing.assert_allclose(scores.brier(chance[:1], truth), [(0.01 + 0.04 + 0.01) / 3])
    assert np.isnan(scores.auc(chance, np.array([True, True, True]))).all()


# --- the checks keep held-out data out ----------------------------------------------------

STATES = ("AAA", "BBB", "CCC", "DDD", "EEE")
JOINS = ("CCC", "FFF", "GGG", "HHH", "III", "JJJ")


@pytest.fixture
def fake():
    """Made-up runs of 80 sets and observations: no engine, every number known."""
    rng = np.random.default_rng(11)
    years = len(BURDEN_YEARS)
    observed = abc.Observations(
        years=BURDEN_YEARS,
        states=STATES,
        burdens=1.0 + rng.random((years, len(STATES))) + np.linspace(0, 1, years)[:, None],
        join_states=JOINS,
        took_part=np.array([True, False, True, True, False, False]),
        honoured=0.745,
    )
    runs = holdout.Runs(
        burdens=1.0 + 2.0 * rng.random((80, years, len(STATES))),
        chance=rng.random((80, len(JOINS))),
        honoured=rng.random(80),
    )
    traits = baselines.Traits(
        proximity={c: k / 5 for k, c in enumerate(STATES)},
        alignment={c: 1 - k / 6 for k, c in enumerate(JOINS)},
    )
    return runs, observed, traits


def changed(observed, years=(), state=None, joins=False):
    """A copy of the observations: burdens of ``years`` (of ``state``) doubled, and with
    ``joins`` the records of taking part (of ``state``) flipped."""
    burdens = observed.burdens.copy()
    columns = slice(None) if state is None else observed.states.index(state)
    for year in years:
        burdens[observed.years.index(year), columns] *= 2.0
    took_part = observed.took_part.copy()
    if joins and state is None:  # every outsider's record flipped
        took_part = ~took_part
    elif joins and state in observed.join_states:  # only the state's own
        k = observed.join_states.index(state)
        took_part[k] = not took_part[k]
    return dataclasses.replace(observed, burdens=burdens, took_part=took_part)


def test_out_of_sample_the_held_out_years_and_meetings_select_nothing(fake):
    runs, observed, traits = fake
    before = holdout.holdout(runs, observed, traits, accept=0.1)
    after = holdout.holdout(
        runs, changed(observed, years=holdout.HELD_OUT, joins=True), traits, accept=0.1
    )
    setting = "out of sample"
    np.testing.assert_array_equal(before.accepted[setting], after.accepted[setting])
    np.testing.assert_array_equal(before.coefficients[setting], after.coefficients[setting])
    for predictor in holdout.PREDICTORS:
        np.testing.assert_array_equal(
            before.burdens[setting][predictor], after.burdens[setting][predictor]
        )
        # ... but the held-out scores are computed from the held-out data
        assert before.score(setting, predictor) != after.score(setting, predictor)
    # the in-sample fit sees them (a test that could fail)
    assert not np.array_equal(before.coefficients["in sample"], after.coefficients["in sample"])


def test_out_of_sample_the_training_years_do_select(fake):
    runs, observed, traits = fake
    before = holdout.holdout(runs, observed, traits, accept=0.1)
    after = holdout.holdout(runs, changed(observed, years=(2016, 2019)), traits, accept=0.1)
    assert not np.array_equal(before.accepted["out of sample"], after.accepted["out of sample"])


@pytest.mark.parametrize("state", ["AAA", "CCC"])  # CCC is scored for taking part too
def test_leaving_a_country_out_its_own_data_select_nothing_for_it(fake, state):
    runs, observed, traits = fake
    before = holdout.holdout(runs, observed, traits, accept=0.1)
    # every scored observation of the state (2015-2025, its meetings); 2014 is where the
    # hindcast starts and a baseline's input, for every state in every check
    after = holdout.holdout(
        runs,
        changed(observed, years=holdout.ALL_YEARS, state=state, joins=True),
        traits,
        accept=0.1,
    )
    setting = "leave one country out"
    k = observed.states.index(state)
    np.testing.assert_array_equal(before.accepted[setting][state], after.accepted[setting][state])
    np.testing.assert_array_equal(
        before.coefficients[setting][state], after.coefficients[setting][state]
    )
    for predictor in ("model", "regression"):
        np.testing.assert_array_equal(
            before.burdens[setting][predictor][:, k], after.burdens[setting][predictor][:, k]
        )
    # the other countries' selections do see it
    other = "BBB" if state != "BBB" else "AAA"
    assert not np.array_equal(
        before.coefficients[setting][other], after.coefficients[setting][other]
    )


def test_every_state_is_left_out_once_and_predicted(fake):
    runs, observed, traits = fake
    result = holdout.holdout(runs, observed, traits, accept=0.1)
    setting = "leave one country out"
    assert set(result.accepted[setting]) == set(STATES) | set(JOINS)
    assert not np.isnan(result.burdens[setting]["model"]).any()
    assert not np.isnan(result.joins[setting]["model"]).any()
    assert all(len(ids) == 8 for ids in result.accepted[setting].values())
    rows = result.table()
    assert len(rows) == len(holdout.SETTINGS) * len(holdout.PREDICTORS)
    # the rule fits nothing: the same in every check
    rule = [r for r in rows if r["predictor"] == "rule"]
    assert rule[0] | {"setting": ""} == rule[1] | {"setting": ""} == rule[2] | {"setting": ""}


def test_the_model_prediction_is_the_median_of_the_accepted_sets(fake):
    runs, observed, traits = fake
    result = holdout.holdout(runs, observed, traits, accept=0.1)
    ids = result.accepted["out of sample"]
    np.testing.assert_array_equal(
        result.burdens["out of sample"]["model"], np.median(runs.burdens[ids], axis=0)
    )
    # and the score is that of the prediction, by the same arithmetic as the calibration
    rows = observed.rows(holdout.HELD_OUT)
    rho, rmse = scores.burden_scores(
        np.median(runs.burdens[ids], axis=0)[None, rows], observed.burdens[rows]
    )
    score = result.score("out of sample", "model")
    assert score["rho_2022_2025"] == pytest.approx(rho[0])
    assert score["rmse_2022_2025"] == pytest.approx(rmse[0])


# --- on the engine ------------------------------------------------------------------------


def test_in_sample_is_the_calibration_itself_and_the_checks_run():
    result = holdout.run(samples=48, hindcast_reps=2, join_reps=2, accept=0.25, seed=3)
    calibration = abc.calibrate(samples=48, hindcast_reps=2, join_reps=2, accept=0.25, seed=3)
    assert result.accepted["in sample"].tolist() == calibration.accepted_ids
    for row in result.table():
        assert -1 <= row["rho_2022_2025"] <= 1 and row["rmse_2022_2025"] > 0
        assert 0 <= row["auc"] <= 1


def test_calibrate_holdout_prints_the_table(capsys):
    code = main([
        "calibrate", "--holdout", "--samples", "24", "--hindcast-reps", "1",
        "--join-reps", "1", "--accept", "0.25", "--quiet",
    ])  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    for words in ("in sample", "out of sample", "leave one country out", "regression", "rule"):
        assert words in printed
    assert "2022-2025" in printed and "AUC" in printed


def test_calibrate_holdout_takes_no_store_or_check(capsys):
    assert main(["calibrate", "--holdout", "--check", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--holdout" in err


def test_the_verdict_follows_the_numbers(fake):
    from coalition_sim.calibration.report import holdout_markdown, holdout_verdict

    runs, observed, traits = fake
    result = holdout.holdout(runs, observed, traits, accept=0.1)
    # a perfect model out of sample beats every baseline; a reversed one beats none
    result.burdens["out of sample"]["model"] = observed.burdens.copy()
    result.joins["out of sample"]["model"] = observed.took_part.astype(float)
    words = holdout_verdict(result)
    assert (
        "**Out of sample**, burdens 2022-2025: against the rule it beats it in rank and "
        "error, against the regression it beats it in rank and error; taking part: its AUC "
        "(1.00) is above that of alignment alone"
    ) in words
    result.burdens["leave one country out"]["model"] = 100.0 - 10.0 * observed.burdens
    result.joins["leave one country out"]["model"] = np.zeros(len(observed.join_states))
    words = holdout_verdict(result)
    assert "**Leave one country out**, burdens 2015-2021: against the rule it does not" in words
    assert "burdens 2022-2025: against the rule it does not beat it" in words
    assert "taking part: its AUC (0.50) is not above" in words
    table = holdout_markdown(result)
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    assert len(rows) == 1 + len(holdout.SETTINGS) * len(holdout.PREDICTORS)
    # the out-of-sample fits of the training years are marked as fits, the rule's not
    lines = [line for line in table.splitlines() if line.startswith("| out of sample")]
    assert [line.count("(fit)") for line in lines] == [2, 0, 2]
