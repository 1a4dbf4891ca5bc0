"""Feature scores: which varied parameters matter most for an outcome, in any sweep.

Sobol and Morris indices (:mod:`~coalition_sim.analysis.sensitivity`) need their own
designs; a grid or Latin hypercube sweep has none. For any sweep, a random forest
(Breiman 2001, "Random forests", Machine Learning 45) learns the outcome from the varied
parameters on about three quarters of the sweep's samples, and each parameter's score is
its *permutation importance* on the remaining quarter (Breiman 2001; Fisher, Rudin and
Dominici 2019): how much the forest's R² falls when that parameter's values are shuffled
among the held-out runs, averaged over repeats. A parameter the outcome does not depend
on scores about 0 (it may go slightly negative by chance); the scores are in units of
the outcome's variance and, unlike impurity importances, do not favour parameters with
many distinct values.

The split keeps every replication of a sample on the same side (grouped by
``sample_id``), so the held-out R² measures how well the parameters predict the outcome
at new points, not how well the forest remembers a point it saw. That R² is reported:
where it is low, replication noise dominates and no parameter explains much.

Categorical parameters (choices, booleans, ISO3 lists, an optional parameter's "never")
are ordinal-encoded: a tree can still split them into any two groups over a few splits,
and each parameter keeps one score (one-hot columns would split it). Everything is
seeded (``seed``), so the same sweep and seed give the same scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from coalition_sim.analysis.discovery import SweepRuns, encode, select_cases
from coalition_sim.errors import InputError

#: Columns of runs.parquet that are bookkeeping, not outcomes.
NOT_OUTCOMES = frozenset(
    {"run_id", "sample_id", "replication", "seed", "status", "error", "wall_time_s", "command"}
)

#: Fewest runs with a value of the outcome for a held-out score to mean anything.
MIN_RUNS = 20

#: Random forest size, smallest leaf and permutation repeats: stable ranks within a
#: second or two. A leaf of a few runs averages replications instead of following the
#: noise of one run.
TREES = 100
MIN_LEAF = 3
REPEATS = 10
HELD_OUT = 0.25

METHOD = (
    "permutation importance of a random forest: the fall in R² on held-out samples "
    "when a parameter's values are shuffled (mean of {repeats} shuffles; ± one sd)"
)


@dataclass(frozen=True)
class FeatureScores:
    """Scores of every varied parameter for one outcome.

    Attributes:
        outcome: the outcome's column name, or ``where: QUERY`` for a query's yes/no.
        table: ``rank, parameter, importance, importance_sd``, best first.
        r2: the forest's R² on the held-out runs (all parameters as they are).
        runs: runs used (successful, with a value of the outcome).
        held_out: of which held out for scoring.
        left_out: successful runs without a value of the outcome.
        seed: the random state of the split, the forest and the shuffles.
    """

    outcome: str
    table: pd.DataFrame
    r2: float
    runs: int
    held_out: int
    left_out: int
    seed: int

    def method(self) -> str:
        """One sentence on how the scores were computed."""
        return METHOD.format(repeats=REPEATS)


def allowed_outcomes(sweep: SweepRuns) -> list[str]:
    """Numeric (or yes/no) outcome columns of the sweep's runs, in their order."""
    out = []
    for name in sweep.runs.columns:
        if name in NOT_OUTCOMES or name in sweep.parameters:
            continue
        column = sweep.runs[name]
        if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
            out.append(name)
    return out


def outcome_values(sweep: SweepRuns, outcome: str | None, where: str | None) -> pd.Series:
    """The values to explain: a numeric outcome column, or 1/0 for a query's cases."""
    if (outcome is None) == (where is None):
        raise InputError("give either --outcome NAME or --where QUERY")
    if where is not None:
        cases = select_cases(sweep.runs, where)
        return pd.Series(cases.astype(float), index=sweep.runs.index, name=f"where: {where}")
    allowed = allowed_outcomes(sweep)
    if outcome not in allowed:
        problem = "not a numeric outcome"
        if outcome in sweep.parameters:
            problem = "a varied parameter, not an outcome"
        elif outcome not in sweep.runs:
            problem = "no such outcome"
        raise InputError(f"--outcome {outcome}: {problem}; allowed: {', '.join(allowed)}")
    values = pd.to_numeric(sweep.runs[outcome].astype(float), errors="coerce")
    return values.rename(outcome)


def score_features(sweep: SweepRuns, values: pd.Series, *, seed: int = 0) -> FeatureScores:
    """Permutation importance of each varied parameter for ``values`` (one per run)."""
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.inspection import permutation_importance
    from sklearn.model_selection import GroupShuffleSplit

    if not 0 <= seed < 2**32:
        raise InputError(f"--seed {seed}: a seed must be in [0, 2**32)")
    known = values.notna().to_numpy()
    y = values.to_numpy(dtype=float)[known]
    name = str(values.name)
    hint = ""
    if name == "first_parity_step":
        hint = " (missing when parity was never reached; try --outcome parity_reached)"
    if len(y) < MIN_RUNS:
        raise InputError(
            f"{name}: {len(y)} runs with a value, need at least {MIN_RUNS} to score{hint}"
        )
    if np.allclose(y, y[0]):
        raise InputError(f"{name}: the outcome does not vary across the runs; nothing to score")
    dimensions = sweep.dimensions()
    runs = sweep.runs[known]
    x = np.column_stack([encode(runs[d.name], d) for d in dimensions])
    groups = runs["sample_id"].to_numpy() if "sample_id" in runs else np.arange(len(runs))
    if len(np.unique(groups)) < 4:
        raise InputError(f"{name}: the runs come from fewer than 4 samples; nothing to compare")
    split = GroupShuffleSplit(n_splits=1, test_size=HELD_OUT, random_state=seed)
    train, test = next(split.split(x, y, groups))
    forest = RandomForestRegressor(
        n_estimators=TREES, min_samples_leaf=MIN_LEAF, random_state=seed, n_jobs=1
    )
    forest.fit(x[train], y[train])
    r2 = float(forest.score(x[test], y[test]))
    result = permutation_importance(
        forest, x[test], y[test], n_repeats=REPEATS, random_state=seed, scoring="r2", n_jobs=1
    )
    table = pd.DataFrame(
        {
            "parameter": [d.name for d in dimensions],
            "importance": result.importances_mean,
            "importance_sd": result.importances_std,
        }
    )
    table = table.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    return FeatureScores(
        outcome=name,
        table=table,
        r2=r2,
        runs=len(y),
        held_out=len(test),
        left_out=int((~known).sum()),
        seed=seed,
    )


def format_scores(scores: FeatureScores) -> str:
    """Render the table for a terminal, with a line on the method and the fit."""
    table = scores.table
    width = max(len("parameter"), *(len(str(p)) for p in table["parameter"]))
    lines = [f"rank  {'parameter':<{width}}  score (± sd)"]
    lines += [
        f"{rank:>4}  {name!s:<{width}}  {mean:6.3f} ± {sd:.3f}"
        for rank, name, mean, sd in zip(
            table["rank"],
            table["parameter"],
            table["importance"],
            table["importance_sd"],
            strict=True,
        )
    ]
    text = "\n".join(lines)
    return (
        f"{text}\n\nscore: {scores.method()}.\n"
        f"held-out R² of the forest with every parameter: {scores.r2:.3f} "
        f"({scores.held_out} of {scores.runs} runs held out, seed {scores.seed})"
    )
