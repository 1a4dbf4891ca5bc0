"""Regression-adjusted ABC and the coverage check, on a toy model whose posterior is known.

The toy: two parameters with uniform priors on [-3, 3]; the data are the parameters plus
Gaussian noise (sd 0.5), and a third statistic is pure noise. Away from the prior's
ends the exact posterior is normal around the data with sd 0.5, so its 90 % intervals
cover the truth in 90 % of the cases. The check must find that for regression-adjusted
ABC, and must fail when the reference table comes from the wrong model.
"""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim.calibration import abc
from coalition_sim.calibration.adjust import (
    Posterior,
    from_logit,
    regression_adjust,
    scaled_distances,
    to_logit,
    weighted_quantiles,
)
from coalition_sim.calibration.coverage import coverage, posteriors
from coalition_sim.calibration.targets import HONOURED_SHARE

NAMES = ("a", "b")
BOUNDS = np.array([[-3.0, 3.0], [-3.0, 3.0]])
NOISE = 0.5


def simulate(theta: np.ndarray, rng: np.random.Generator, noise: float = NOISE) -> np.ndarray:
    """The toy's statistics: each parameter plus noise, and a statistic of noise alone."""
    signal = theta + rng.normal(0.0, noise, theta.shape)
    return np.column_stack([signal, rng.normal(0.0, 1.0, len(theta))])


def table(n: int, seed: int, noise: float = NOISE) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    theta = rng.uniform(-3.0, 3.0, (n, 2))
    return theta, simulate(theta, rng, noise)


def test_the_logit_keeps_values_inside_the_prior_and_inverts():
    low, high = BOUNDS[:, 0], BOUNDS[:, 1]
    values = np.array([[-2.9, 0.0], [1.5, 2.999]])
    assert np.allclose(from_logit(to_logit(values, low, high), low, high), values)
    far = from_logit(np.array([[-1e3, 1e3]]), low, high)
    assert np.all((far >= low) & (far <= high))


def test_weighted_quantiles_on_hand_cases():
    values = np.array([3.0, 1.0, 2.0])
    # equal weights: the middle point is the median
    assert weighted_quantiles(values, np.ones(3), [0.5])[0] == pytest.approx(2.0)
    # all the weight on one point: every quantile is that point
    assert weighted_quantiles(values, np.array([0.0, 1.0, 0.0]), [0.1, 0.9]) == pytest.approx(
        [1.0, 1.0]
    )
    # twice the weight on 3: the median moves up past 2
    assert weighted_quantiles(values, np.array([2.0, 1.0, 1.0]), [0.5])[0] > 2.0


def test_the_distance_is_the_calibrations_own():
    """The coverage check must judge the method the calibration uses: same distances."""
    rng = np.random.default_rng(1)
    ranges = {"rho": (-1, 1), "rmse": (0, 2), "brier": (0, 1), "auc": (0, 1), "honoured": (0.3, 1)}
    stats = [
        {name: rng.uniform(*ranges[name.split("_")[0]]) for name in abc.STATISTICS}
        for k in range(60)
    ]
    for k in range(0, 60, 7):  # an AUC not computed (outsiders of one kind)
        stats[k]["auc"] = float("nan")
    matrix = np.array([[s[n] for n in abc.STATISTICS] for s in stats])
    observed = np.array([abc.PERFECT.get(n, HONOURED_SHARE) for n in abc.STATISTICS])
    assert np.allclose(scaled_distances(matrix, observed), abc.distances(stats, HONOURED_SHARE))


def test_the_adjustment_recovers_the_exact_posterior_of_the_toy():
    theta, stats = table(40_000, seed=2)
    observed = np.array([0.8, -1.2, 0.0])
    found = posteriors(NAMES, theta, stats, observed, BOUNDS, keep=800)
    adjusted, rejected = found["regression"], found["rejection"]
    # exact: normal around the data, sd 0.5 (the prior's ends are 4 sd away)
    assert np.allclose(list(adjusted.median().values()), observed[:2], atol=0.06)
    assert np.allclose(adjusted.sd(), NOISE, rtol=0.12)
    # rejection is wider: the window adds its own width to the noise's
    assert np.all(rejected.sd() > adjusted.sd())


def test_an_adjustment_with_nothing_to_learn_changes_nothing():
    theta = np.array([[0.0, 1.0], [1.0, -1.0], [2.0, 0.5], [-1.0, 0.0]])
    constant = np.ones((4, 1))
    posterior = regression_adjust(NAMES, theta, constant, np.zeros(1), np.arange(4.0), BOUNDS)
    assert isinstance(posterior, Posterior)
    assert np.allclose(posterior.values, theta)
    assert posterior.weights[-1] == 0.0  # the farthest accepted set: weight zero


def _toy_coverage(reference_noise: float, cases: int = 200):
    theta, stats = table(20_000, seed=3, noise=reference_noise)
    rng = np.random.default_rng(4)
    truths = rng.uniform(-3.0, 3.0, (cases, 2))
    observed = simulate(truths, rng)
    return coverage(
        NAMES, theta, BOUNDS, truths, lambda case: (stats, observed[case]), keep=400, level=0.9
    )


def test_regression_adjusted_intervals_cover_the_truth_as_often_as_they_claim():
    result = _toy_coverage(NOISE)
    # 200 cases: the share's sd is 2.1 points when the true coverage is 90 %
    assert np.all((result.share("regression") >= 0.84) & (result.share("regression") <= 0.96))
    # rejection is at least as wide: it covers at least as often
    assert np.all(result.share("rejection") >= result.share("regression") - 0.03)
    assert "| `a` |" in result.table()


def test_the_check_fails_a_model_that_is_wrong_about_its_noise():
    """Negative control: a reference table simulated with a fifth of the data's noise
    gives intervals far too narrow, and the check says so."""
    result = _toy_coverage(NOISE / 5)
    assert np.all(result.share("regression") < 0.7)


def test_the_chance_band_of_few_cases_stays_within_zero_and_one():
    few = _toy_coverage(NOISE, cases=20)
    assert few.binomial_band() == (pytest.approx(0.9 - 1.96 * np.sqrt(0.09 / 20)), 1.0)
    assert "in 77-100 % by chance alone" in few.table()
    many = _toy_coverage(NOISE, cases=200)
    assert many.binomial_band() == pytest.approx((0.9 - 0.0416, 0.9 + 0.0416), abs=1e-3)
