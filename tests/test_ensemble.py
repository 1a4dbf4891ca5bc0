"""The ensemble summaries: quantile bands, membership probability, first parity.

Quantiles are checked against values worked out by hand (linear interpolation between
order statistics); the runs of an ensemble against the same runs made one at a time.
"""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim.ensemble import (
    MAX_RUNS,
    check_runs,
    ensemble_seeds,
    first_parity_histogram,
    membership_probability,
    quantile_bands,
    run_ensemble,
)
from coalition_sim.errors import InputError
from coalition_sim.parameters import PRESETS

SHORT = PRESETS["baseline"].with_values({"steps": 10})


@pytest.fixture(scope="module")
def ensemble():
    return run_ensemble(SHORT, 30, seed=5)


# --------------------------------------------------------------------------- bands
def test_bands_of_five_runs_worked_by_hand():
    # at every step the runs hold 0, 1, 2, 3, 4 (in a shuffled order): positions
    # q * (n - 1) = 0.2, 1, 2, 3, 3.8 between the sorted values
    series = np.array([[3, 30], [0, 0], [4, 40], [1, 10], [2, 20]], dtype=float)
    bands = quantile_bands(series)
    assert bands.median.tolist() == [2, 20]
    assert bands.low50.tolist() == [1, 10] and bands.high50.tolist() == [3, 30]
    assert bands.low90 == pytest.approx([0.2, 2.0]) and bands.high90 == pytest.approx([3.8, 38])
    assert bands.steps.tolist() == [0, 1]


def test_bands_of_a_skewed_set_interpolate_between_order_statistics():
    # sorted 1, 2, 3, 10: the median is halfway between 2 and 3; the 75th percentile sits
    # at position 2.25, a quarter of the way from 3 to 10; the 95th at 2.85
    series = np.array([[10.0], [1.0], [3.0], [2.0]])
    bands = quantile_bands(series)
    assert bands.median[0] == pytest.approx(2.5)
    assert (bands.low50[0], bands.high50[0]) == pytest.approx((1.75, 4.75))
    assert (bands.low90[0], bands.high90[0]) == pytest.approx((1.15, 8.95))


def test_bands_are_nested_and_one_run_has_no_spread():
    rng = np.random.default_rng(0)
    bands = quantile_bands(rng.normal(size=(50, 7)))
    assert np.all(bands.low90 <= bands.low50) and np.all(bands.low50 <= bands.median)
    assert np.all(bands.median <= bands.high50) and np.all(bands.high50 <= bands.high90)
    single = quantile_bands(np.array([[0.3, 0.5]]))
    assert single.low90.tolist() == single.high90.tolist() == [0.3, 0.5]
    with pytest.raises(ValueError, match="at least one run"):
        quantile_bands(np.zeros((0, 3)))


# --------------------------------------------------------------------------- membership
def test_membership_probability_is_the_share_of_runs():
    member = np.array([[True, True, False], [True, False, False], [True, True, False]])
    assert membership_probability(member).tolist() == pytest.approx([1.0, 2 / 3, 0.0])


def test_founders_are_members_in_every_run_and_the_shares_add_up(ensemble):
    shares = ensemble.membership()
    assert set(shares) == set(ensemble.codes) and "RUS" not in shares
    for code in PRESETS["baseline"]["founders"]:
        assert shares[code] == 1.0
    assert all(0.0 <= share <= 1.0 for share in shares.values())
    # the expected number of members is the sum of the membership probabilities
    assert sum(shares.values()) == pytest.approx(ensemble.series["members"][:, -1].mean())


# --------------------------------------------------------------------------- first parity
def test_first_parity_histogram_counts_each_step_and_the_runs_that_never_reach_it():
    first = first_parity_histogram(np.array([-1, 0, 3, 3, 5, -1]), horizon=5)
    assert first.edges.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert first.counts.tolist() == [1, 0, 0, 2, 0, 1]
    assert (first.never, first.runs, first.width) == (2, 6, 1)
    assert first.never_share == pytest.approx(1 / 3)


def test_a_long_horizon_gets_bins_of_equal_width_covering_the_last_step():
    steps = np.array([0, 2, 3, 99, 100, 100, -1, np.nan])
    first = first_parity_histogram(steps, horizon=100, max_bins=40)
    assert first.width == 3 and len(first.counts) <= 40
    assert set(np.diff(first.edges).tolist()) == {3}
    assert first.edges[-1] > 100 and first.counts[-1] == 3  # 99, 100, 100
    assert first.counts[0] == 2 and first.counts[1] == 1  # 0, 2 | 3
    assert first.counts.sum() + first.never == first.runs == 8


# --------------------------------------------------------------------------- runs
def test_each_run_of_the_ensemble_is_the_run_made_alone(ensemble):
    from coalition_sim.simulation import simulate

    for k in (0, 17, 29):
        alone = simulate(SHORT, seed=int(ensemble.seeds[k]), collect_states=True)
        assert ensemble.series["parity"][k].tolist() == alone.steps["parity"].tolist()
        assert ensemble.series["members"][k].tolist() == alone.steps["members"].tolist()
        last = alone.states[alone.states["step"] == 10]
        members = set(last.loc[last["status"].isin(["founder", "member"]), "iso3"])
        assert {c for c, m in zip(ensemble.codes, ensemble.member[k], strict=True) if m} == members
        expected = alone.outcomes["first_parity_step"]
        assert ensemble.first_parity_step[k] == expected


def test_seeds_are_the_replications_of_a_sweep_and_differ():
    from coalition_sim.sweeps.seeds import run_seed

    seeds = ensemble_seeds(7, 4)
    assert seeds.tolist() == [run_seed(7, 0, r) for r in range(4)]
    assert len(set(seeds.tolist())) == 4
    assert ensemble_seeds(8, 4).tolist() != seeds.tolist()


def test_an_ensemble_reports_its_scenario_size_and_horizon(ensemble):
    assert ensemble.runs == 30 and ensemble.horizon == 10
    assert ensemble.scenario["seed"] == 5 and ensemble.scenario["steps"] == 10
    assert ensemble.series["parity"].shape == (30, 11)
    assert ensemble.bands("credibility").median.shape == (11,)
    assert ensemble.first_parity().runs == 30
    with pytest.raises(InputError, match="metric 'nope'"):
        ensemble.bands("nope")


def test_the_master_seed_defaults_to_the_scenarios():
    small = run_ensemble(SHORT.with_values({"seed": 5}), 3)
    assert small.seeds.tolist() == ensemble_seeds(5, 3).tolist()


@pytest.mark.parametrize(
    ("runs", "message"),
    [
        ("abc", "runs: 'abc' is not a whole number"),
        (0, "runs: 0 is out of range"),
        (MAX_RUNS + 1, f"runs: {MAX_RUNS + 1} is out of range"),
        (2.5, "runs: 2.5 is not a whole number"),
        (True, "runs: True is not a whole number"),
        ("-3", "runs: '-3' is not a whole number"),
    ],
)
def test_a_bad_number_of_runs_is_one_line_naming_the_field(runs, message):
    with pytest.raises(InputError, match="allowed: a whole number from 1 to") as caught:
        check_runs(runs)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_runs_may_be_written_as_text():
    assert check_runs(" 1,000 ") == 1000 and check_runs(np.int64(3)) == 3


def test_an_iso3_code_the_data_does_not_hold_is_refused_by_field():
    scenario = SHORT.with_values({"founders": ["EST", "ZZZ"]})
    with pytest.raises(InputError, match="founders: unknown ISO3 code ZZZ"):
        run_ensemble(scenario, 3)
