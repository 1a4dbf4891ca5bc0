"""The engine's reference table, scored against any data: the real or a pseudo-observed one.

:func:`coalition_sim.calibration.abc.simulate_statistics` runs each parameter set and
keeps, beside its statistics, what they are computed from: the simulated yearly burdens
of each scored Ally (2014-2025), each scored outsider's chance of applying, the share of
commitments honoured. :func:`statistics_against` recomputes the calibration's
statistics (:data:`~coalition_sim.calibration.abc.STATISTICS`) from those outputs
against any observed data, for a whole table at once, with the calibration's own
arithmetic (:func:`~coalition_sim.calibration.abc.fit_statistics`). With the real
targets it gives the calibration's own numbers; with one run of a known parameter set
as the data, it gives the pseudo-observed case of the coverage check, with no new runs
of the table.
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
class Table:
    """A reference table: the parameter sets and what each one's runs gave.

    The columns are in the order of :attr:`observed` (the real data the runs were
    scored against): its years, its scored Allies, its scored outsiders.
    """

    sets: list[dict[str, float]]
    burdens: np.ndarray  # (sets, years, Allies) % of GDP, mean over the runs
    join_chance: np.ndarray  # (sets, outsiders)
    honoured: np.ndarray  # (sets,)
    observed: abc.Observations
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


def from_outputs(
    sets: Sequence[Mapping[str, float]],
    outputs: Sequence[Mapping[str, Any]],
    observed: abc.Observations | None = None,
) -> Table:
    """A :class:`Table` from :func:`abc.simulate_statistics`'s outputs."""
    return Table(
        sets=[dict(s) for s in sets],
        burdens=np.array([o["burdens"] for o in outputs], dtype=float),
        join_chance=np.array([o["join_chance"] for o in outputs], dtype=float),
        honoured=np.array([o["honoured"] for o in outputs], dtype=float),
        observed=observed if observed is not None else real_data(),
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
    from coalition_sim.datasets import load_dataset

    started = time.perf_counter()
    dataset, targets = load_dataset(), load_targets()
    outputs = abc.simulate_statistics(
        sets,
        seed=seed,
        hindcast_reps=hindcast_reps,
        join_reps=join_reps,
        dataset=dataset,
        targets=targets,
        progress=progress,
    )
    table = from_outputs(sets, outputs, abc.observations(targets, dataset))
    return replace(table, seconds=time.perf_counter() - started)


def real_data(targets: Targets | None = None) -> abc.Observations:
    """What was observed, in the calibration's order (:func:`abc.observations`).

    NATO's yearly burdens, who took part in the coalition's meetings, Leeds et al.'s
    share of commitments honoured.
    """
    from coalition_sim.datasets import load_dataset

    return abc.observations(targets or load_targets(), load_dataset())


def case_data(table: Table, row: int) -> abc.Observations:
    """One row of a table (simulated with one run each) as if it had been observed.

    Its yearly burdens, the outsiders that applied as those that took part, its share
    of commitments honoured.
    """
    return replace(
        table.observed,
        burdens=table.burdens[row],
        took_part=table.join_chance[row] >= 0.5,
        honoured=float(table.honoured[row]),
    )


def statistics_against(table: Table, data: abc.Observations) -> tuple[np.ndarray, np.ndarray]:
    """Every set's statistics against ``data``, and the values at a perfect fit.

    Columns in the order of :data:`abc.STATISTICS`; the observed value of ``honoured``
    is the data's share, the others :data:`abc.PERFECT`; the AUC's is NaN (left out of
    the distance) when the data have outsiders of one kind only.
    """
    columns = abc.fit_statistics(table.burdens, table.join_chance, data)
    columns["honoured"] = table.honoured
    observed = {**abc.PERFECT, "honoured": data.honoured}
    truth = np.asarray(data.took_part, dtype=bool)
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
