"""coalition-sim validate: the checks pass on the calibrated defaults, and can fail.

A model in which the US carries no weight fails the withdrawal check and leaves no gap
to close; a weak Russia reaches parity too soon; the check against the IISS's spending
ratio is recomputed here by hand from the packaged data.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from coalition_sim.cli import main
from coalition_sim.datasets import load_dataset
from coalition_sim.parameters import PRESETS
from coalition_sim.validation import CHECKS, format_table, mean_ci, validate


@pytest.fixture(scope="module")
def results():
    return validate(reps=200, seed=3)


#: Checks the calibrated defaults are known to fail, with why (README, "Validation").
KNOWN_FAILURES = {
    # at the posterior median of power_weight (0.68, loosely identified) a stronger
    # Russia's larger threat and the smaller gain of joining against it nearly cancel
    "balancing": "a stronger Russia draws no significantly more members",
}


def test_every_check_passes_on_the_calibrated_defaults_but_the_known_failures(results):
    assert [r.name for r in results] == [c.name for c in CHECKS]
    failed = [f"{r.name}: {r.detail}" for r in results if not r.passed]
    assert [f.split(":")[0] for f in failed] == list(KNOWN_FAILURES), failed


def test_balancing_fails_on_the_stronger_russia_not_on_more_threat(results):
    # more threat draws more states in; a stronger Russia's interval holds 0. When the
    # model or the calibration changes so that it no longer does, this test says so.
    (balancing,) = [r for r in results if r.name == "balancing"]
    assert not balancing.passed
    assert "with more threat" in balancing.detail and "with a stronger Russia" in balancing.detail


def test_the_estimates_have_intervals_that_hold_them(results):
    for r in results:
        if not math.isnan(r.low):
            assert r.low <= r.estimate <= r.high, r.name


def test_the_direction_of_the_main_effects(results):
    by = {r.name: r for r in results}
    assert by["US withdrawal"].high < 0  # parity with the US falls
    assert by["unanimity vs qmv"].high < 0  # unanimity admits fewer
    assert by["vetoes on friendly"].low > 0.5


def test_a_model_where_the_us_does_not_count_fails_the_withdrawal_check():
    inert = PRESETS["baseline"].with_values({"us_guarantee_weight": 0.0, "us_commitment": 0.0})
    (result,) = validate(reps=50, seed=3, base=inert, only=["US withdrawal"])
    assert not result.passed


def test_the_mean_interval_on_hand_values():
    mean, low, high = mean_ci(np.array([1.0, 2.0, 3.0, np.nan]))
    assert mean == 2.0
    half = 1.959963984540054 * 1.0 / math.sqrt(3)
    assert (low, high) == pytest.approx((2.0 - half, 2.0 + half))
    assert math.isnan(mean_ci(np.array([1.0]))[1])


def test_the_table_says_pass_or_fail_for_each_check(results):
    table = format_table(results)
    assert table.splitlines()[0].split()[:2] == ["check", "estimate"]
    rows = [line for line in table.splitlines()[1:] if line and not line.startswith(" ")]
    verdicts = ["pass" if r.passed else "FAIL" for r in results]
    assert "FAIL" in verdicts  # the known failures (KNOWN_FAILURES) are shown as such
    assert [row.split()[-1] for row in rows[:-1]] == verdicts
    passed = verdicts.count("pass")
    assert table.rstrip().endswith(f"{passed} of {len(results)} checks pass")


def test_the_command_exits_1_when_a_check_fails(tmp_path, capsys):
    path = tmp_path / "inert.toml"
    path.write_text("us_guarantee_weight = 0.0\nus_commitment = 0.0\n")
    code = main(["validate", "--scenario", str(path), "--reps", "30", "--check", "US withdrawal"])
    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL" in out and "0 of 1 checks pass" in out


def test_the_command_exits_0_when_the_checks_pass(capsys):
    code = main(["validate", "--reps", "60", "--check", "unanimity vs qmv"])
    assert code == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--reps", "1"], "--reps: 1 must be >= 2"), (["--seed", "-1"], "--seed: -1 must be >= 0")],
)
def test_bad_options_are_one_line_errors(capsys, args, message):
    assert main(["validate", *args]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err


def test_the_spending_ratio_is_the_iiss_figure_recomputed_by_hand():
    dataset = load_dataset()
    data, mil = dataset.arrays, dataset.military
    year = list(mil.years).index(2024)
    europe = [i for i, c in enumerate(data.codes) if data.eu[i] or c == "GBR"]
    ours = sum(x for x in mil.spending_usd_bn[year][europe] if not math.isnan(x))
    for ppp in (2.0, 3.0, 4.5):
        base = PRESETS["baseline"].with_values({"adversary_ppp_factor": ppp})
        (result,) = validate(reps=2, base=base, only=["spending at PPP"])
        ratio = mil.russia_spending_usd_bn[year] * ppp / ours
        assert result.estimate == pytest.approx(ratio, rel=1e-12)
        assert result.passed == (abs(ratio / (462 / 457) - 1) <= 0.25), ppp


def test_a_us_that_brings_nothing_leaves_no_gap_to_close():
    nothing = PRESETS["baseline"].with_values(
        {"us_troops_k": 0.0, "us_reinforcement_k": 0.0, "enabler_need_share": 0.1,
         "enabler_share": 0.1, "us_guarantee_weight": 0.0}
    )  # fmt: skip
    (result,) = validate(reps=20, seed=3, base=nothing, only=["closing the US gap"])
    assert not result.passed
    assert result.estimate == 0.0 and result.detail.startswith("no gap to close")


def test_a_weak_russia_reaches_parity_too_soon_and_fails_the_years_check():
    weak = PRESETS["baseline"].with_values(
        {"adversary_ppp_factor": 1.0, "adversary_readiness": 0.3}
    )
    (result,) = validate(reps=20, seed=3, base=weak, only=["parity takes years"])
    assert not result.passed and result.estimate > 0.05


def test_the_sentence_on_ukraines_army_accounts_for_the_models_change(results):
    (result,) = [r for r in results if r.name == "Ukraine's army"]
    numbers = re.findall(r"together ([+-][0-9.]+) of Russia", result.detail)
    assert numbers and float(numbers[0]) == pytest.approx(result.estimate, rel=0.15, abs=0.002)
    assert result.estimate > 0  # a larger army fields more
