"""Scenario discovery: boxes of parameter values where the runs of interest gather.

An analyst asks "under which conditions does the coalition reach parity?". A sweep has
runs all over the parameter space; a pandas query marks the runs of interest, the
*cases*. The patient rule induction method (PRIM; Friedman and Fisher 1999, "Bump
hunting in high-dimensional data", Statistics and Computing 9: 123-143) answers with a
*box*: a range for each numeric parameter and a subset of values for each categorical
one, inside which cases are dense. It is the "scenario discovery" of Lempert, Groves,
Popper and Bankes (2006) and Bryant and Lempert (2010), and what the EMA workbench's
``prim`` gives.

**Peeling.** Start from the box that holds every run. At each step try every way of
taking off a thin slab: the share ``alpha`` of the box's runs with the lowest, or the
highest, values of one numeric parameter (at least one distinct value, so that integer
and grid parameters peel too), or every run with one value of a categorical parameter.
Keep the slab that scores best, ties going to the bigger box, then to the earlier
parameter and the low end. Friedman and Fisher's original score is the box's new share
of cases; the default here, as the EMA workbench's ("lenient1"), is the gain in that
share per run given up, because a categorical slab is large (half the runs for a
two-valued choice) and the original score would trade half the cases for a little
density. Stop when no slab raises the share of cases or when every slab would leave less
than ``min_mass`` of all runs in the box. The boxes in order form the *peeling
trajectory*: each step trades coverage for density.

**Pasting** (optional) widens the chosen box again, a slab of ``alpha`` of its runs at a
time on one side of one parameter (or one categorical value back), as long as that
raises the density: a box peeled greedily may have given away a little too much.

**Which box.** Along the trajectory coverage can only fall and density only rises, so
"the last box whose density reaches a threshold" would always be the final, smallest
box, fitted to noise. :func:`choose_box` takes the *first* box whose density reaches the
threshold (the largest box that is dense enough); when none does, the densest.

Statistics of a box: *coverage* is the share of all cases that lie inside it, *density*
the share of the box's runs that are cases, *mass* the share of all runs inside it. The
*quasi-p-value* of a restriction (Bryant and Lempert 2010) says whether the box needs it.

This is a small implementation from the paper, pure numpy and pandas, rather than the
EMA workbench's ``prim``: that one works here, but brings eight more packages
(statsmodels, seaborn, an optimisation library among them) and some four seconds of
import to every call, and pastes only the last box of its trajectory.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coalition_sim.errors import InputError

NUMERIC = "numeric"
CATEGORICAL = "categorical"

#: Peeling criteria: density gained per run given up (default), or density gained.
OBJECTIVES = ("lenient", "original")

#: How a missing value of an optional parameter (``us_withdrawal_step``) is shown.
MISSING_LABEL = "never"


@dataclass(frozen=True)
class Dimension:
    """One varied parameter as PRIM sees it.

    Attributes:
        name: the column of runs.parquet (a schema name or ``state.ISO3.TRAIT``).
        kind: ``numeric`` (restricted to a range) or ``categorical`` (to a subset).
        low: lower end of the full range (numeric): the design's, else the data's.
        high: upper end of the full range (numeric).
        values: every value, in design order (categorical).
    """

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain form for discovery.json."""
        if self.kind == NUMERIC:
            return {"name": self.name, "kind": self.kind, "low": self.low, "high": self.high}
        return {"name": self.name, "kind": self.kind, "values": list(self.values)}


@dataclass(frozen=True)
class Limit:
    """What a box keeps of one parameter: a closed range, or a subset of its values."""

    name: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain form for discovery.json."""
        if self.values is None:
            return {"name": self.name, "low": self.low, "high": self.high}
        return {"name": self.name, "values": list(self.values)}


@dataclass(frozen=True)
class Box:
    """One box of the trajectory with its statistics.

    Attributes:
        index: position on the peeling trajectory (0 = every run).
        n: runs inside the box.
        cases: cases inside the box.
        coverage: ``cases`` / all cases.
        density: ``cases`` / ``n``.
        mass: ``n`` / all runs.
        limits: the box's limit on every dimension, in dimension order.
        restricted: names of the dimensions the box narrows, in dimension order.
        pasted: True for a box widened by pasting after the peeling.
    """

    index: int
    n: int
    cases: int
    coverage: float
    density: float
    mass: float
    limits: tuple[Limit, ...] = field(repr=False)
    restricted: tuple[str, ...] = ()
    pasted: bool = False

    @property
    def restrictions(self) -> list[Limit]:
        """The limits on the restricted dimensions only."""
        return [limit for limit in self.limits if limit.name in self.restricted]

    def to_dict(self) -> dict[str, Any]:
        """Plain form for discovery.json: statistics and the restricted dimensions."""
        return {
            "index": self.index,
            "coverage": self.coverage,
            "density": self.density,
            "mass": self.mass,
            "n": self.n,
            "cases": self.cases,
            "pasted": self.pasted,
            "restrictions": [limit.to_dict() for limit in self.restrictions],
        }


# --- the algorithm, on an encoded matrix ------------------------------------------------


class Prim:
    """PRIM over a table of parameter values and a yes/no outcome per run.

    Categorical columns are encoded as integer codes once; a box is then a closed
    interval per numeric column and a set of kept codes per categorical one.

    Args:
        x: one row per run, one column per dimension.
        y: True for the cases of interest, one per row of ``x``.
        dimensions: how to treat each column (default: :func:`infer_dimensions`).
        alpha: share of the box's runs a peeling (and pasting) step moves, in (0, 0.5).
        min_mass: smallest share of all runs a box may hold, in (0, 1).
        objective: ``lenient`` (density gained per run moved) or ``original`` (density
            gained), for peeling and pasting alike.
    """

    def __init__(
        self,
        x: pd.DataFrame,
        y: Sequence[bool] | np.ndarray,
        dimensions: Sequence[Dimension] | None = None,
        *,
        alpha: float = 0.05,
        min_mass: float = 0.05,
        objective: str = "lenient",
    ):
        if objective not in OBJECTIVES:
            raise InputError(f"--objective {objective}: allowed: {', '.join(OBJECTIVES)}")
        if not 0 < alpha < 0.5:
            raise InputError(f"--alpha {alpha:g}: the peeling share must be in (0, 0.5)")
        if not 0 < min_mass < 1:
            raise InputError(f"--min-mass {min_mass:g}: the smallest box must be in (0, 1)")
        y = np.asarray(y, dtype=bool)
        if len(y) != len(x):
            raise ValueError(f"{len(y)} outcomes for {len(x)} runs")
        self.dimensions = tuple(dimensions or infer_dimensions(x))
        self.alpha = alpha
        self.objective = objective
        self.min_mass = min_mass
        self.y = y
        self.x = np.column_stack([encode(x[d.name], d) for d in self.dimensions])
        self.categorical = [d.kind == CATEGORICAL for d in self.dimensions]
        self.total = len(y)
        self.total_cases = int(y.sum())
        self._full = self._initial_limits()

    # -- limits in code space: (low, high) for numeric, frozenset of codes otherwise --

    def _initial_limits(self) -> list[Any]:
        limits: list[Any] = []
        for j, is_categorical in enumerate(self.categorical):
            column = self.x[:, j]
            if is_categorical:
                limits.append(frozenset(range(len(self.dimensions[j].values))))
            else:
                limits.append((float(np.min(column)), float(np.max(column))))
        return limits

    def _keeps(self, j: int, limit: Any) -> np.ndarray:
        column = self.x[:, j]
        if self.categorical[j]:
            return np.isin(column, list(limit))
        return (column >= limit[0]) & (column <= limit[1])

    def _inside(self, limits: Sequence[Any], skip: int | None = None) -> np.ndarray:
        inside = np.ones(self.total, dtype=bool)
        for j, limit in enumerate(limits):
            if j != skip:
                inside &= self._keeps(j, limit)
        return inside

    def _box(self, index: int, limits: Sequence[Any], inside: np.ndarray, pasted: bool) -> Box:
        n = int(inside.sum())
        cases = int(self.y[inside].sum())
        shown = []
        restricted = []
        for j, (dimension, limit) in enumerate(zip(self.dimensions, limits, strict=True)):
            if self.categorical[j]:
                kept = tuple(v for code, v in enumerate(dimension.values) if code in limit)
                shown.append(Limit(dimension.name, values=kept))
                narrowed = len(limit) < len(self._full[j])
            else:
                shown.append(Limit(dimension.name, low=limit[0], high=limit[1]))
                narrowed = limit[0] > self._full[j][0] or limit[1] < self._full[j][1]
            if narrowed:
                restricted.append(dimension.name)
        return Box(
            index=index,
            n=n,
            cases=cases,
            coverage=cases / self.total_cases if self.total_cases else 0.0,
            density=cases / n if n else 0.0,
            mass=n / self.total,
            limits=tuple(shown),
            restricted=tuple(restricted),
            pasted=pasted,
        )

    def _score(self, mean: float, n: int, kept: np.ndarray) -> float:
        """How much a candidate box improves on the current one (positive: better).

        ``lenient``: the change in density per run removed or added; ``original``: the
        change in density. Both are positive exactly when the density rises.
        """
        moved = abs(int(kept.sum()) - n)
        gain = float(self.y[kept].mean()) - mean
        if self.objective == "original" or moved == 0:
            return gain
        return gain / moved

    def _code_limits(self, box: Box) -> list[Any]:
        """A box's limits in code space, for pasting and quasi-p values."""
        limits: list[Any] = []
        for dimension, limit in zip(self.dimensions, box.limits, strict=True):
            if limit.values is None:
                limits.append((limit.low, limit.high))
            else:
                kept = set(limit.values)
                codes = [c for c, v in enumerate(dimension.values) if v in kept]
                limits.append(frozenset(codes))
        return limits

    def _peels(self, j: int, limit: Any, inside: np.ndarray):
        """Yield ``(new limit, runs kept)`` for each slab of dimension ``j`` one may peel."""
        column = self.x[:, j]
        if self.categorical[j]:
            present = [c for c in sorted(limit) if np.any(inside & (column == c))]
            if len(present) < 2:
                return
            for code in present:
                yield limit - {code}, inside & (column != code)
            return
        values = np.sort(column[inside])
        m = len(values)
        k = max(1, int(np.floor(self.alpha * m)))
        if k >= m or values[0] == values[-1]:
            return
        low = values[k]
        if low == values[0]:  # ties at the bottom: peel the lowest distinct value
            low = values[np.searchsorted(values, values[0], side="right")]
        yield (float(low), limit[1]), inside & (column >= low)
        high = values[m - 1 - k]
        if high == values[-1]:
            high = values[np.searchsorted(values, values[-1], side="left") - 1]
        yield (limit[0], float(high)), inside & (column <= high)

    def peel(self) -> list[Box]:
        """Return the peeling trajectory, from the box of every run to the last peel."""
        limits = list(self._full)
        inside = np.ones(self.total, dtype=bool)
        boxes = [self._box(0, limits, inside, False)]
        smallest = self.min_mass * self.total
        while True:
            candidates = (
                (j, limit, kept)
                for j in range(len(self.dimensions))
                for limit, kept in self._peels(j, limits[j], inside)
            )
            best = self._best(candidates, inside, smallest)
            if best is None:
                break
            j, limits[j], inside = best
            boxes.append(self._box(len(boxes), limits, inside, False))
        return boxes

    def _best(self, candidates, inside: np.ndarray, smallest: float = 0.0):
        """The ``(j, limit, kept)`` that raises the objective most (ties: more runs kept).

        Candidates keeping no run, or fewer than ``smallest``, are passed over. ``None``
        when no candidate raises the objective: the peeling or the pasting stops there.
        """
        current, before = float(self.y[inside].mean()), int(inside.sum())
        best: tuple[tuple[float, int], tuple[int, Any, np.ndarray]] | None = None
        for j, limit, kept in candidates:
            n = int(kept.sum())
            if n == 0 or n < smallest - 1e-9:
                continue
            key = (self._score(current, before, kept), n)
            if best is None or key > best[0]:
                best = (key, (j, limit, kept))
        if best is None or best[0][0] <= 0:
            return None
        return best[1]

    def _pastes(self, j: int, limit: Any, others: np.ndarray, inside: np.ndarray, step: int):
        """Yield ``(new limit, runs kept)`` for each slab that pasting may add back."""
        column = self.x[:, j]
        if self.categorical[j]:
            for code in range(len(self.dimensions[j].values)):
                if code not in limit and np.any(others & (column == code)):
                    yield limit | {code}, inside | (others & (column == code))
            return
        below = np.sort(column[others & (column < limit[0])])
        if len(below):
            low = below[max(0, len(below) - step)]
            yield (float(low), limit[1]), others & (column >= low) & (column <= limit[1])
        above = np.sort(column[others & (column > limit[1])])
        if len(above):
            high = above[min(len(above), step) - 1]
            yield (limit[0], float(high)), others & (column >= limit[0]) & (column <= high)

    def paste(self, box: Box) -> Box:
        """Widen ``box`` (from :meth:`peel`) while adding a slab raises its density."""
        limits = self._code_limits(box)
        inside = self._inside(limits)
        changed = False
        while True:
            step = max(1, int(np.floor(self.alpha * int(inside.sum()))))
            candidates = (
                (j, limit, kept)
                for j in range(len(self.dimensions))
                for limit, kept in self._pastes(
                    j, limits[j], self._inside(limits, skip=j), inside, step
                )
            )
            best = self._best(candidates, inside)
            if best is None:
                break
            j, limits[j], inside = best
            changed = True
        return self._box(box.index, limits, inside, changed)

    def quasi_p(self, box: Box) -> dict[str, float]:
        """Quasi-p-value of each restriction of ``box`` (Bryant and Lempert 2010).

        For a restricted parameter, take the box without that restriction (the other
        limits unchanged) and its density ``d``; the value is the binomial probability
        of finding at least the box's cases among its runs if each were a case with
        probability ``d``. Small values (below 0.05, say) mean the restriction matters;
        large ones that it could be noise and the box reads as well without it.
        """
        from scipy import stats

        limits = self._code_limits(box)
        out = {}
        for j, dimension in enumerate(self.dimensions):
            if dimension.name not in box.restricted:
                continue
            wider = self._inside(limits, skip=j)
            density = float(self.y[wider].mean())
            out[dimension.name] = float(stats.binom.sf(box.cases - 1, box.n, density))
        return out


def encode(column: pd.Series, dimension: Dimension) -> np.ndarray:
    """Numbers as floats; categories as their position in ``dimension.values``."""
    if dimension.kind == NUMERIC:
        return pd.to_numeric(column, errors="raise").to_numpy(dtype=float)
    codes = {value: code for code, value in enumerate(dimension.values)}
    return np.array([codes[_category(v)] for v in column], dtype=float)


def _category(value: Any) -> Any:
    """A categorical value as PRIM keeps it: missing becomes 'never', numpy scalars Python."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return MISSING_LABEL
    if isinstance(value, np.generic):
        return value.item()
    return value


def infer_dimensions(
    x: pd.DataFrame, design: Sequence[Mapping[str, Any]] | None = None
) -> list[Dimension]:
    """Decide, per column, whether PRIM peels it as a range or as a set of values.

    Numbers (integers included) are ranges; booleans, strings (choices, ISO3 lists) and
    numbers with missing values (an optional parameter's "never") are sets of values.
    ``design`` (``metadata["design"]["parameters"]``) gives the full range of a numeric
    parameter and the order of categorical values; without it the data's are used.
    """
    specs = {p["name"]: p for p in design or ()}
    out = []
    for name in x.columns:
        column = x[name]
        spec = specs.get(name, {})
        numeric = (
            pd.api.types.is_numeric_dtype(column)
            and not pd.api.types.is_bool_dtype(column)
            and not column.isna().any()
        )
        if numeric:
            low, high = float(column.min()), float(column.max())
            if spec.get("low") is not None and spec.get("high") is not None:
                low, high = min(low, float(spec["low"])), max(high, float(spec["high"]))
            elif spec.get("values"):
                numbers = [float(v) for v in spec["values"] if v is not None]
                low, high = min([low, *numbers]), max([high, *numbers])
            out.append(Dimension(name, NUMERIC, low=low, high=high))
            continue
        present = list(dict.fromkeys(_category(v) for v in column))
        with contextlib.suppress(TypeError):  # 'never' among numbers: order of appearance
            present = sorted(present)
        declared = [_category(_flat(v)) for v in spec.get("values", [])]
        ordered = [v for v in declared if v in present]
        ordered += [v for v in present if v not in ordered]
        out.append(Dimension(name, CATEGORICAL, values=tuple(ordered)))
    return out


def _flat(value: Any) -> Any:
    """A design value in the form runs.parquet stores it (ISO3 lists as 'EST,LVA')."""
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return value


def choose_box(boxes: Sequence[Box], threshold: float) -> tuple[int, bool]:
    """Index of the first box whose density reaches ``threshold``, and whether one does.

    The first such box is the largest (highest coverage) that is dense enough; later
    boxes only give up coverage. When no box reaches the threshold, the densest one.
    """
    for box in boxes:
        if box.density >= threshold - 1e-12:
            return box.index, True
    return max(boxes, key=lambda b: (b.density, b.n)).index, False


# --- a sweep folder and a query ---------------------------------------------------------


@dataclass(frozen=True)
class SweepRuns:
    """The successful runs of a sweep and what it varied.

    Attributes:
        folder: the sweep folder.
        runs: the successful runs (status ok), with ``first_parity_step`` missing when
            parity was never reached (-1 in older sweeps) and ``parity_reached`` 0 or 1.
        metadata: the sweep's metadata.json.
        parameters: names of the varied parameters, in design order.
        failed: number of runs left out because they did not succeed.
    """

    folder: Path
    runs: pd.DataFrame
    metadata: dict[str, Any]
    parameters: list[str]
    failed: int

    def dimensions(self) -> list[Dimension]:
        """The varied parameters as PRIM dimensions, with the design's ranges."""
        design = self.metadata.get("design", {}).get("parameters", [])
        return infer_dimensions(self.runs[self.parameters], design)

    def describe(self) -> str:
        """One line saying what the sweep was: name, design, runs, steps."""
        meta = self.metadata
        design = meta.get("design", {})
        spec = meta.get("spec", {})
        name = meta.get("name") or spec.get("name")
        if not name or name == "sweep":  # the default name says less than the folder's
            name = self.folder.resolve().name
        parts = [f"sweep '{name}'"]
        method = design.get("method")
        if method:
            samples = design.get("samples")
            reps = design.get("reps") or spec.get("reps")
            text = f"{method} design"
            if samples:
                text += f", {samples} samples"
            if reps:
                text += f" x {reps} replications"
            parts.append(text)
        steps = (spec.get("fixed") or {}).get("steps")
        if steps:
            parts.append(f"{steps} quarters")
        return ", ".join(parts)


def load_sweep(folder: str | Path) -> SweepRuns:
    """Read a finished sweep folder for discovery, or raise InputError.

    Only runs with status ``ok`` are kept: a failed run has no outcome to explain.
    """
    from coalition_sim.analysis.compare import load_runs, varied_parameters

    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder")
    runs, metadata = load_runs(folder)
    parameters = varied_parameters(metadata) or [
        p["name"] for p in metadata.get("spec", {}).get("params", [])
    ]
    if not parameters:
        raise InputError(f"{folder}: the sweep varied no parameter; there is nothing to discover")
    missing = [name for name in parameters if name not in runs.columns]
    if missing:
        raise InputError(f"{folder}: runs.parquet lacks the varied parameter(s) {missing}")
    ok = runs[runs["status"] == "ok"].reset_index(drop=True)
    if ok.empty:
        raise InputError(f"{folder}: no run succeeded; there is nothing to explain")
    if "first_parity_step" in ok:
        # missing means never: both encodings (-1, or a nullable integer) end up so
        ok["parity_reached"] = ok["first_parity_step"].notna().astype(float)
    return SweepRuns(folder, ok, metadata, parameters, len(runs) - len(ok))


def select_cases(runs: pd.DataFrame, query: str) -> np.ndarray:
    """Evaluate a pandas query on the runs: True for each case of interest.

    A condition that is missing for a run (``first_parity_step < 8`` when parity was
    never reached) is false. Raises InputError for a query pandas cannot evaluate, one
    that does not say yes or no per run, and one that selects no run or every run.
    """
    text = query.strip()
    if not text:
        raise InputError("--where: give a condition, e.g. 'final_parity >= 1'")
    try:
        result = runs.eval(text)
    except Exception as error:  # pandas raises many types for a bad query
        reason = " ".join(str(error).split()) or type(error).__name__
        if isinstance(error, NameError):  # pandas' UndefinedVariableError: say what exists
            names = [c for c in runs.columns if c not in ("command", "error")]
            reason += f"; columns: {', '.join(names)}"
        raise InputError(f"--where {query!r}: not a valid pandas query: {reason}") from None
    if not isinstance(result, pd.Series) or not (
        pd.api.types.is_bool_dtype(result) or result.dtype == object
    ):
        raise InputError(
            f"--where {query!r}: does not say yes or no for each run; write a condition "
            "such as 'final_parity >= 1'"
        )
    try:
        cases = result.fillna(False).astype(bool).to_numpy()
    except (TypeError, ValueError):
        raise InputError(f"--where {query!r}: does not say yes or no for each run") from None
    count, total = int(cases.sum()), len(cases)
    hint = ""
    if "first_parity_step" in text and ("-1" in text or "== -" in text):
        hint = "; first_parity_step is missing when parity was never reached: use .isna()"
    if count == 0:
        raise InputError(
            f"--where {query!r} selects none of the {total} successful runs; PRIM needs "
            f"cases inside and outside the box{hint}"
        )
    if count == total:
        raise InputError(
            f"--where {query!r} selects all {total} successful runs; PRIM needs some runs "
            f"that are not cases{hint}"
        )
    return cases


@dataclass(frozen=True)
class Discovery:
    """The result of :func:`discover`: the trajectory, the chosen box, the settings."""

    query: str
    dimensions: tuple[Dimension, ...]
    boxes: tuple[Box, ...]
    chosen: Box
    threshold: float
    threshold_met: bool
    picked: bool
    alpha: float
    min_mass: float
    objective: str
    paste: bool
    runs: int
    cases: int
    failed: int
    quasi_p: Mapping[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Everything for discovery.json (the caller adds the tool and version)."""
        chosen = self.chosen.to_dict()
        for restriction in chosen["restrictions"]:
            restriction["quasi_p"] = self.quasi_p.get(restriction["name"])
        return {
            "query": self.query,
            "outcome": {
                "runs": self.runs,
                "cases": self.cases,
                "not_cases": self.runs - self.cases,
                "failed_runs_left_out": self.failed,
            },
            "parameters": [d.to_dict() for d in self.dimensions],
            "peeling_alpha": self.alpha,
            "min_mass": self.min_mass,
            "objective": self.objective,
            "paste": self.paste,
            "threshold": self.threshold,
            "choice": (
                "--box"
                if self.picked
                else "first box with density >= threshold"
                if self.threshold_met
                else "densest box (none reaches the threshold)"
            ),
            "threshold_met": self.threshold_met,
            "chosen": chosen,
            "boxes": [box.to_dict() for box in self.boxes],
        }


def discover(
    sweep: SweepRuns,
    query: str,
    *,
    alpha: float = 0.05,
    min_mass: float = 0.05,
    threshold: float = 0.8,
    objective: str = "lenient",
    paste: bool = True,
    box: int | None = None,
) -> Discovery:
    """Run PRIM on a sweep for the runs that ``query`` marks; choose and paste a box."""
    if not 0 < threshold <= 1:
        raise InputError(f"--threshold {threshold:g}: a density must be in (0, 1]")
    cases = select_cases(sweep.runs, query)
    dimensions = sweep.dimensions()
    prim = Prim(sweep.runs, cases, dimensions, alpha=alpha, min_mass=min_mass, objective=objective)
    boxes = prim.peel()
    if box is not None:
        if not 0 <= box < len(boxes):
            raise InputError(
                f"--box {box}: the trajectory has boxes 0 to {len(boxes) - 1}; pick one of them"
            )
        index, met = box, boxes[box].density >= threshold
    else:
        index, met = choose_box(boxes, threshold)
    chosen = prim.paste(boxes[index]) if paste else boxes[index]
    return Discovery(
        query=query,
        dimensions=tuple(dimensions),
        boxes=tuple(boxes),
        chosen=chosen,
        threshold=threshold,
        threshold_met=met,
        picked=box is not None,
        alpha=alpha,
        min_mass=min_mass,
        objective=objective,
        paste=paste,
        runs=len(cases),
        cases=int(cases.sum()),
        failed=sweep.failed,
        quasi_p=prim.quasi_p(chosen),
    )


# --- words for people ------------------------------------------------------------------

#: Short names in words for the parameters analysts sweep most; others use the help text.
PARAMETER_WORDS: Mapping[str, str] = {
    "reliability": "reliability of states",
    "unreliable_reliability": "reliability of the unreliable states",
    "cost_advantage": "cost advantage of Ukraine's industry",
    "spending_floor_pct": "spending floor",
    "phase_in_years": "phase-in of the spending floor",
    "admission_rule": "admission rule",
    "protocol": "negotiation protocol",
    "founders": "founding members",
    "unreliable": "unreliable states",
    "us_commitment_after": "US commitment after withdrawal",
    "us_withdrawal_step": "start of the US withdrawal",
    "ukraine_investment_share": "investment in Ukraine's industry",
    "veto_propensity": "veto propensity of unreliable members",
    "threat_mean": "long-run threat",
    "adversary_growth_pct": "growth of Russian spending",
    "exit_patience": "patience before leaving",
}

#: Per-state traits (``state.ISO3.TRAIT``) in words, with their unit.
STATE_TRAIT_WORDS: Mapping[str, str] = {
    "alignment": "alignment (-1 to 1)",
    "reliability": "reliability (probability)",
    "proximity": "exposure to Russia (0-1)",
    "defence_pct_gdp": "defence spending (% of GDP)",
}

#: Units not worth printing after a label.
_NO_UNIT = {"-", "", "ISO3 codes"}


def parameter_unit(name: str) -> str:
    """The unit of a parameter worth printing after a number ('' for none)."""
    from coalition_sim.parameters import SCHEMA, STATE_PREFIX

    if name.startswith(STATE_PREFIX):
        return ""
    parameter = SCHEMA.get(name)
    unit = parameter.unit if parameter is not None else ""
    return "" if unit in _NO_UNIT else unit


def parameter_label(name: str) -> str:
    """A parameter in words with its unit: ``spending floor (% of GDP)``.

    From :data:`PARAMETER_WORDS`, else the schema's help text; per-state overrides
    read ``HUN: reliability (probability)``.
    """
    from coalition_sim.parameters import SCHEMA, STATE_PREFIX

    if name.startswith(STATE_PREFIX):
        _, iso3, trait = name.split(".", 2)
        words = STATE_TRAIT_WORDS.get(trait, trait.replace("_", " "))
        return f"{iso3}: {words}"
    if name not in SCHEMA:
        return name.replace("_", " ")
    words = PARAMETER_WORDS.get(name, SCHEMA[name].help)
    unit = parameter_unit(name)
    return f"{words} ({unit})" if unit else words


def value_labels(sweep: SweepRuns, dimensions: Sequence[Dimension]) -> dict[str, dict[Any, str]]:
    """Short text for each categorical value: ISO3 lists as changes (``+HUN -UKR``).

    A list of twelve codes is unreadable in a table or a figure; what differs from the
    base scenario is what the analyst varied (as :func:`compare.readable` shows groups).
    """
    from coalition_sim.analysis.compare import readable

    out: dict[str, dict[Any, str]] = {}
    for dimension in dimensions:
        if dimension.kind != CATEGORICAL:
            continue
        values = list(dimension.values)
        frame = pd.DataFrame({dimension.name: pd.Series(values, dtype=object)})
        shown = readable(frame, sweep.metadata)[dimension.name]
        out[dimension.name] = {v: _text(s) for v, s in zip(values, shown, strict=True)}
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number(value: float) -> str:
    return f"{value:.3g}"


def describe_limit(
    limit: Limit, dimension: Dimension, shown: Mapping[Any, str] | None = None
) -> tuple[str, str]:
    """The box's limit and the full range of one parameter, as text."""
    if limit.values is None:
        box = f"{_number(limit.low)} to {_number(limit.high)}"
        full = f"{_number(dimension.low)} to {_number(dimension.high)}"
        return box, full
    shown = shown or {}
    words = [shown.get(v, _text(v)) for v in limit.values]
    full = [shown.get(v, _text(v)) for v in dimension.values]
    return ", ".join(words), ", ".join(full)


def _trajectory_rows(discovery: Discovery, rows: int = 10) -> list[int]:
    """Which boxes to show in brief: evenly spaced, plus the first, chosen and last."""
    last = len(discovery.boxes) - 1
    picked = {0, last, discovery.chosen.index}
    picked.update(round(float(i)) for i in np.linspace(0, last, rows))
    return sorted(picked)


def format_discovery(
    discovery: Discovery,
    dimensions: Sequence[Dimension],
    shown: Mapping[str, Mapping[Any, str]] | None = None,
) -> str:
    """Render the trajectory in brief and the chosen box for a terminal."""
    shown = shown or {}
    lines = [
        f"peeling trajectory ({len(discovery.boxes)} boxes; alpha {discovery.alpha:g}, "
        f"smallest box {discovery.min_mass:g} of the runs, {discovery.objective} objective):",
        "  box   coverage  density   mass      n  restricted",
    ]
    for index in _trajectory_rows(discovery):
        box = discovery.boxes[index]
        mark = "*" if index == discovery.chosen.index else " "
        restricted = ", ".join(box.restricted) or "-"
        lines.append(
            f"  {index:>3} {mark} {box.coverage:8.3f} {box.density:8.3f} {box.mass:6.3f} "
            f"{box.n:6d}  {restricted}"
        )
    chosen = discovery.chosen
    if discovery.picked:
        why = "as asked (--box)"
    elif discovery.threshold_met and chosen.index == 0:
        why = (
            f"every run: the cases are already {chosen.density:.0%} of the runs, above "
            f"the threshold {discovery.threshold:g}; raise --threshold to see where they "
            "are denser"
        )
    elif discovery.threshold_met:
        why = f"the first with density >= {discovery.threshold:g}"
    else:
        why = (
            f"the densest: no box reaches density {discovery.threshold:g}; "
            "lower --threshold or pick one with --box K"
        )
    pasting = ""
    if discovery.paste:
        pasting = "; widened by pasting" if chosen.pasted else "; pasting changed nothing"
    lines += [
        "",
        f"chosen box {chosen.index}, {why}{pasting}:",
        f"  {chosen.cases} of its {chosen.n} runs are cases (density {chosen.density:.3f}); "
        f"they are {chosen.coverage:.1%} of the {discovery.cases} cases (coverage); "
        f"the box holds {chosen.mass:.1%} of the runs (mass)",
        "",
    ]
    by_name = {d.name: d for d in dimensions}
    table = [("parameter", "in the box", "full range", "unit", "quasi-p")]
    for limit in chosen.restrictions:
        box, full = describe_limit(limit, by_name[limit.name], shown.get(limit.name))
        p = discovery.quasi_p.get(limit.name)
        unit = parameter_unit(limit.name) or "-"
        table.append((limit.name, box, full, unit, "-" if p is None else f"{p:.2g}"))
    if len(table) == 1:
        lines.append("  the box restricts no parameter: it holds every run")
    else:
        widths = [max(len(row[k]) for row in table) for k in range(len(table[0]))]
        for row in table:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=True)]
            lines.append("  " + "  ".join(cells).rstrip())
    free = [d.name for d in dimensions if d.name not in chosen.restricted]
    if free:
        lines.append(f"  not restricted: {', '.join(free)}")
    if len(table) > 1:
        lines.append(
            "  quasi-p: the chance of so many cases in the box if that restriction were "
            "dropped; above about 0.05 it may be noise"
        )
    return "\n".join(lines)
