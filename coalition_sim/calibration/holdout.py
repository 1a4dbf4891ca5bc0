"""Out of sample: the calibrated model predicting what it was not fitted to.

One design of parameter sets is simulated once (the hindcast 2014-2025 and the start of
the model); the checks then differ only in which observations select the accepted sets
and which score the predictions:

- **in sample**: selected on everything (the calibration itself: burdens 2015-2025,
  taking part in the coalition's meetings, commitments honoured), scored on the same;
- **out of sample**: selected on the burdens of 2015-2021 and commitments honoured
  alone (what was known before the full-scale invasion), scored on the burdens of
  2022-2025 and on taking part in the coalition's meetings (2025-26);
- **leave one country out**: for each scored state, the sets are selected with every
  observation of that state left out (its burdens and its taking part), then its own
  burdens 2015-2025 and taking part are predicted; the predictions of all states are
  scored together.

The hindcast is causal: a run's quarters up to 2021 are the same whether it stops at
2021 or runs on (a test checks this), so running on to 2025 changes nothing the
out-of-sample selection sees. A prediction is the median over the accepted sets of
each state's simulated burden (or chance of applying within a year). The baselines of
:mod:`coalition_sim.calibration.baselines` are fitted on the same state-years and scored
on the same held-out ones with the same arithmetic (:mod:`coalition_sim.calibration.scores`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coalition_sim.calibration import abc, baselines, scores
from coalition_sim.calibration.targets import Targets, load_targets
from coalition_sim.datasets import Dataset, load_dataset

#: Years before the full-scale invasion (training out of sample) and after it (held out).
TRAINING = abc.PERIODS["2015_2021"]
HELD_OUT = abc.PERIODS["2022_2025"]
ALL_YEARS = (*TRAINING, *HELD_OUT)
#: The three checks, in the order they are reported.
SETTINGS = ("in sample", "out of sample", "leave one country out")
#: The predictors compared, in the order they are reported.
PREDICTORS = ("model", "rule", "regression")


@dataclass(frozen=True)
class Runs:
    """What every set of a design did: the raw material of every check."""

    burdens: np.ndarray  # (sets, years, states) simulated burdens, % of GDP
    chance: np.ndarray  # (sets, join states) chance of applying within a year
    honoured: np.ndarray  # (sets,) share of commitments honoured


def simulate(
    *,
    samples: int,
    seed: int,
    hindcast_reps: int,
    join_reps: int,
    dataset: Dataset | None = None,
    targets: Targets | None = None,
    progress: Any = None,
) -> Runs:
    """Run the calibration's design (the same sets and seeds as :func:`abc.calibrate`)."""
    stats = abc.simulate_statistics(
        abc.design(samples, seed),
        seed=seed,
        hindcast_reps=hindcast_reps,
        join_reps=join_reps,
        dataset=dataset,
        targets=targets,
        progress=progress,
    )
    return Runs(
        burdens=np.array([s["burdens"] for s in stats]),
        chance=np.array([s["join_chance"] for s in stats]),
        honoured=np.array([s["honoured"] for s in stats]),
    )


def select(
    runs: Runs,
    observed: abc.Observations,
    accept: float,
    *,
    periods: Mapping[str, Sequence[int]],
    states: np.ndarray | None = None,
    joins: np.ndarray | None = None,
) -> np.ndarray:
    """The accepted sets (design rows, nearest first), selected on the observations given.

    ``periods`` names the burden statistics used (as :data:`abc.PERIODS`); ``joins``
    None or all False leaves taking part out of the selection; ``states`` masks the
    Allies whose burdens count. With everything in, this is the calibration's selection.
    """
    use_joins = joins is None or bool(np.any(joins))
    columns = abc.fit_statistics(
        runs.burdens,
        runs.chance,
        observed,
        periods=periods,
        states=states,
        joins=joins if use_joins else None,
    )
    columns["honoured"] = runs.honoured
    names = [f"{kind}_{label}" for label in periods for kind in ("rho", "rmse")]
    names += ["brier", "auc"] if use_joins else []
    names.append("honoured")
    distance = abc.scaled_distances(columns, observed.honoured, names)
    keep = max(1, round(accept * len(distance)))
    return np.argsort(distance, kind="stable")[:keep]


@dataclass
class Holdout:
    """Predictions of the model and the baselines in each check, and their scores."""

    observed: abc.Observations
    #: setting -> predictor -> (years, states) predicted burdens
    burdens: dict[str, dict[str, np.ndarray]]
    #: setting -> predictor -> (join states,) score of taking part
    joins: dict[str, dict[str, np.ndarray]]
    #: setting -> accepted design rows (leave one country out: code -> rows)
    accepted: dict[str, Any]
    #: setting -> regression coefficients (leave one country out: code -> coefficients)
    coefficients: dict[str, Any]
    sets: int
    settings: dict[str, Any] = field(default_factory=dict)

    def score(self, setting: str, predictor: str) -> dict[str, float]:
        """Rank correlation and RMSE in each period, and AUC of taking part.

        In the out-of-sample check 2015-2021 are the training years (scored as a fit),
        2022-2025 and taking part are held out.
        """
        out: dict[str, float] = {}
        predicted = self.burdens[setting][predictor]
        for label, years in abc.PERIODS.items():
            rows = self.observed.rows(years)
            rho, rmse = scores.burden_scores(predicted[None, rows], self.observed.burdens[rows])
            out[f"rho_{label}"], out[f"rmse_{label}"] = float(rho[0]), float(rmse[0])
        joins = self.joins[setting][predictor]
        out["auc"] = float(scores.auc(joins[None], self.observed.took_part)[0])
        return out

    def table(self) -> list[dict[str, Any]]:
        """One row per check and predictor, with its scores."""
        return [
            {"setting": s, "predictor": p, **self.score(s, p)} for s in SETTINGS for p in PREDICTORS
        ]


def holdout(
    runs: Runs,
    observed: abc.Observations,
    traits: baselines.Traits,
    *,
    accept: float,
    start: np.ndarray | None = None,
) -> Holdout:
    """The three checks (module docstring) on simulated ``runs`` and ``observed`` targets.

    ``start`` is each scored Ally's 2014 burden (default: ``observed``'s 2014 row), the
    input of the baselines as of the hindcast.
    """
    years = observed.years
    start = observed.burdens[years.index(2014)] if start is None else np.asarray(start)
    prox = np.array([traits.proximity[c] for c in observed.states])
    align = np.array([traits.alignment[c] for c in observed.join_states])
    shape = observed.burdens.shape
    rule = np.broadcast_to(baselines.rule(start, prox), shape)
    everything = {"2015_2021": TRAINING, "2022_2025": HELD_OUT}
    n_states, n_joins = len(observed.states), len(observed.join_states)
    burdens: dict[str, dict[str, np.ndarray]] = {}
    joins: dict[str, dict[str, np.ndarray]] = {}
    accepted: dict[str, Any] = {}
    coefficients: dict[str, Any] = {}

    def regression(years_fit: Sequence[int], states: np.ndarray) -> np.ndarray:
        rows = observed.rows(years_fit)
        cells = observed.burdens[rows][:, states]
        return baselines.fit_regression(
            np.broadcast_to(prox[states], cells.shape),
            np.broadcast_to(start[states], cells.shape),
            cells,
        )

    def regression_burdens(coef: np.ndarray) -> np.ndarray:
        return np.broadcast_to(baselines.predict_regression(coef, prox, start), shape)

    def fitted(setting: str, ids: np.ndarray, coef: np.ndarray) -> None:
        """The accepted sets' median and the regression of one whole-sample check."""
        accepted[setting], coefficients[setting] = ids, coef
        burdens[setting] = {
            "model": np.median(runs.burdens[ids], axis=0),
            "rule": rule,
            "regression": regression_burdens(coef),
        }
        joins[setting] = {"model": np.median(runs.chance[ids], axis=0)}

    # in sample: the calibration's own selection and a regression on every scored year
    fitted(
        "in sample",
        select(runs, observed, accept, periods=everything),
        regression(ALL_YEARS, np.ones(n_states, bool)),
    )
    # out of sample: selected and fitted on 2015-2021 alone, no taking part
    fitted(
        "out of sample",
        select(
            runs, observed, accept, periods={"2015_2021": TRAINING}, joins=np.zeros(n_joins, bool)
        ),
        regression(TRAINING, np.ones(n_states, bool)),
    )

    # leave one country out: every observation of the state out of the selection and fit
    model = np.full(shape, np.nan)
    loco_regression = np.full(shape, np.nan)
    chance = np.full(n_joins, np.nan)
    accepted["leave one country out"], coefficients["leave one country out"] = {}, {}
    for code in dict.fromkeys([*observed.states, *observed.join_states]):
        states = np.array([c != code for c in observed.states])
        kept = np.array([c != code for c in observed.join_states])
        ids = select(runs, observed, accept, periods=everything, states=states, joins=kept)
        accepted["leave one country out"][code] = ids
        if not states.all():
            k = observed.states.index(code)
            model[:, k] = np.median(runs.burdens[ids][:, :, k], axis=0)
            coef = regression(ALL_YEARS, states)
            coefficients["leave one country out"][code] = coef
            loco_regression[:, k] = baselines.predict_regression(coef, prox[k], start[k])
        if not kept.all():
            j = observed.join_states.index(code)
            chance[j] = np.median(runs.chance[ids][:, j])
    burdens["leave one country out"] = {"model": model, "rule": rule, "regression": loco_regression}
    joins["leave one country out"] = {"model": chance}
    for setting in SETTINGS:  # alignment alone has nothing to fit: the same in every check
        joins[setting]["rule"] = joins[setting]["regression"] = align
    return Holdout(
        observed=observed,
        burdens=burdens,
        joins=joins,
        accepted=accepted,
        coefficients=coefficients,
        sets=len(runs.honoured),
        settings={"accept": accept},
    )


def run(
    *,
    samples: int = 16384,
    seed: int = 2026,
    hindcast_reps: int = 4,
    join_reps: int = 8,
    accept: float = 0.01,
    dataset: Dataset | None = None,
    progress: Any = None,
) -> Holdout:
    """Simulate the calibration's design and run the three checks on it."""
    dataset = dataset or load_dataset()
    targets = load_targets()
    runs = simulate(
        samples=samples,
        seed=seed,
        hindcast_reps=hindcast_reps,
        join_reps=join_reps,
        dataset=dataset,
        targets=targets,
        progress=progress,
    )
    result = holdout(
        runs, abc.observations(targets, dataset), baselines.traits(dataset), accept=accept
    )
    result.settings.update(
        samples=samples, seed=seed, hindcast_reps=hindcast_reps, join_reps=join_reps
    )
    return result
