"""The engine's reference table, scored against any data: the real or a pseudo-observed one.

:func:`coalition_sim.calibration.abc.simulate_statistics` runs each parameter set and
keeps, beside its statistics, what they are computed from: the simulated spending of
each scored Ally in 2024 and 2025, each scored outsider's chance of applying, the share
of commitments honoured. :func:`statistics_against` recomputes the calibration's
statistics (:data:`~coalition_sim.calibration.abc.STATISTICS`) from those outputs
against any observed data, for a whole table at once. With the real targets it gives
the calibration's own numbers; with one run of a known parameter set as the data, it
gives the pseudo-observed case of the coverage check, with no new runs of the table.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from coalition_sim.calibration import abc
from coalition_sim.calibration.adjust import Posterior, regression_adjust, rejection
from coalition_sim.calibration.coverage import Coverage, coverage
from coalition_sim.calibration.targets import Targets, load_targets

#: Added to the calibration's seed for the cases of the coverage check (their design and
#: their runs), so they share no draw with the reference table.
CASE_SEED_OFFSET = 1000


@dataclass(frozen=True)
class Data:
    """Observed data in the form the statistics compare with.

    The Allies and the outsiders are in the calibration's order.
    """

    spending: dict[int, np.ndarray]  # year -> % of GDP per scored Ally
    joined: np.ndarray  # bool per scored outsider
    honoured: float


@dataclass(frozen=True)
class Table:
    """A reference table: the parameter sets and what each one's runs gave."""

    sets: list[dict[str, float]]
    spending: dict[int, np.ndarray]  # year -> (sets, Allies), mean over the runs
    join_chance: np.ndarray  # (sets, outsiders)
    honoured: np.ndarray  # (sets,)
    seconds: float = 0.0

    @property
    def names(self) -> list[str]:
        """Every parameter drawn: the model's and the threat history's."""
        return [*abc.PRIORS, *abc.HISTORY_PRIORS]

    def values(self) -> np.ndarray:
        """The parameter sets as a matrix (sets x :attr:`names`)."""
        return np.array([[s[n] for n in self.names] for s in self.sets])


def bounds() -> np.ndarray:
    """Each parameter's prior (parameters x 2), in the order of :attr:`Table.names`."""
    priors = {**abc.PRIORS, **abc.HISTORY_PRIORS}
    return np.array([priors[n] for n in priors], dtype=float)


def from_outputs(sets: Sequence[Mapping[str, float]], outputs: Sequence[Mapping[str, Any]]):
    """A :class:`Table` from :func:`abc.simulate_statistics`'s outputs."""
    return Table(
        sets=[dict(s) for s in sets],
        spending={y: np.array([o[f"spending_{y}"] for o in outputs]) for y in abc.YEARS},
        join_chance=np.array([o["join_chance"] for o in outputs]),
        honoured=np.array([o["honoured"] for o in outputs], dtype=float),
    )


def simulate(
    sets: Sequence[Mapping[str, float]],
    *,
    seed: int,
    hindcast_reps: int,
    join_reps: int,
    progress: Callable[[int], object] | None = None,
) -> Table:
    """Run the parameter sets on the engine as the calibration does."""
    started = time.perf_counter()
    outputs = abc.simulate_statistics(
        sets, seed=seed, hindcast_reps=hindcast_reps, join_reps=join_reps, progress=progress
    )
    table = from_outputs(sets, outputs)
    return replace(table, seconds=time.perf_counter() - started)


def real_data(targets: Targets | None = None) -> Data:
    """What was observed: NATO's figures, the London meeting, Leeds et al.'s share."""
    from coalition_sim.datasets import load_dataset
    from coalition_sim.parameters import PRESETS

    targets = targets or load_targets()
    index = load_dataset().arrays.index
    founders = set(PRESETS["baseline"]["founders"])
    joined = [y for c, y in targets.joined_london.items() if c in index and c not in founders]
    return Data(
        spending={y: np.array(list(targets.scored_spending(y).values())) for y in abc.YEARS},
        joined=np.array(joined, dtype=bool),
        honoured=targets.honoured_share,
    )


def case_data(table: Table, row: int) -> Data:
    """One row of a table (simulated with one run each) as if it had been observed."""
    return Data(
        spending={y: table.spending[y][row] for y in abc.YEARS},
        joined=table.join_chance[row] >= 0.5,
        honoured=float(table.honoured[row]),
    )


def _rank_rows(matrix: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    return rankdata(matrix, axis=-1)


def _spearman_rows(simulated: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Spearman's rho of each row with ``observed``; 0 where either is constant.

    As :func:`coalition_sim.calibration.targets.spearman`, for a whole table at once.
    """
    if simulated.shape[1] < 3 or np.all(observed == observed[0]):
        return np.zeros(len(simulated))
    x = _rank_rows(simulated)
    y = _rank_rows(observed)
    x = x - x.mean(axis=1, keepdims=True)
    y = y - y.mean()
    norm = np.sqrt(np.sum(x * x, axis=1) * np.sum(y * y))
    constant = np.all(simulated == simulated[:, :1], axis=1)
    return np.where(constant | (norm == 0), 0.0, (x @ y) / np.where(norm == 0, 1.0, norm))


def _auc_rows(chance: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """AUC of each row's chances against ``truth`` (NaN when one class is empty)."""
    pos, neg = chance[:, truth], chance[:, ~truth]
    if not pos.shape[1] or not neg.shape[1]:
        return np.full(len(chance), np.nan)
    greater = (pos[:, :, None] > neg[:, None, :]).mean(axis=(1, 2))
    ties = (pos[:, :, None] == neg[:, None, :]).mean(axis=(1, 2))
    return greater + ties / 2


def statistics_against(table: Table, data: Data) -> tuple[np.ndarray, np.ndarray]:
    """Every set's statistics against ``data``, and the values at a perfect fit.

    Columns in the order of :data:`abc.STATISTICS`; the observed value of ``honoured``
    is the data's share, the others :data:`abc.PERFECT`; the AUC's is NaN (left out of
    the distance) when the data have outsiders of one kind only.
    """
    columns = {}
    for year in abc.YEARS:
        simulated, truth = table.spending[year], data.spending[year]
        columns[f"rho_{year}"] = _spearman_rows(simulated, truth)
        columns[f"rmse_{year}"] = np.sqrt(np.mean((simulated - truth) ** 2, axis=1))
    truth = np.asarray(data.joined, dtype=bool)
    columns["brier"] = np.mean((table.join_chance - truth) ** 2, axis=1)
    columns["auc"] = _auc_rows(table.join_chance, truth)
    columns["honoured"] = table.honoured
    observed = {**abc.PERFECT, "honoured": data.honoured}
    if truth.all() or not truth.any():
        observed["auc"] = np.nan
    return (
        np.column_stack([columns[n] for n in abc.STATISTICS]),
        np.array([observed[n] for n in abc.STATISTICS], dtype=float),
    )


def stored_posteriors(result: abc.Calibration) -> dict[str, Posterior]:
    """Rejection and regression-adjusted posteriors of a stored calibration.

    The regression needs only the accepted sets, their statistics and distances (the
    fit does not depend on how the statistics are scaled), so the shipped file suffices.
    """
    names = [*result.parameters, *result.history]
    values = np.array([[s[n] for n in names] for s in result.accepted])
    stats = np.array([[s[n] for n in abc.STATISTICS] for s in result.statistics])
    honoured = load_targets().honoured_share
    observed = np.array([abc.PERFECT.get(n, honoured) for n in abc.STATISTICS])
    priors = np.array([result.priors[n] for n in names], dtype=float)
    distance = np.asarray(result.distances, dtype=float)
    return {
        "rejection": rejection(names, values, distance, len(values)),
        "regression": regression_adjust(names, values, stats, observed, distance, priors),
    }


def engine_coverage(
    cases: int,
    *,
    samples: int = 16384,
    seed: int = 2026,
    hindcast_reps: int = 4,
    join_reps: int = 8,
    accept: float = 0.01,
    table: Table | None = None,
    progress: Callable[[int], object] | None = None,
) -> tuple[Coverage, dict[str, float]]:
    """The coverage check on the engine, with the calibration's own table and acceptance.

    The ``cases`` truths are a Latin hypercube over the priors (seed + 1000), each run
    once (one hindcast, one start) with seeds the table never uses; each is calibrated
    on the table's ``samples`` sets, keeping the same ``accept`` share. Returns the
    coverage and the seconds each part took.
    """
    started = time.perf_counter()
    if table is None:
        table = simulate(
            abc.design(samples, seed),
            seed=seed,
            hindcast_reps=hindcast_reps,
            join_reps=join_reps,
            progress=progress,
        )
    case_seed = seed + CASE_SEED_OFFSET
    truths = simulate(abc.design(cases, case_seed), seed=case_seed, hindcast_reps=1, join_reps=1)
    keep = max(1, round(accept * len(table.sets)))
    result = coverage(
        table.names,
        table.values(),
        bounds(),
        truths.values(),
        lambda case: statistics_against(table, case_data(truths, case)),
        keep=keep,
    )
    total = time.perf_counter() - started
    return result, {"table": table.seconds, "cases": truths.seconds, "total": total}
