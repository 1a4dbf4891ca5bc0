"""What a run reports, declared once: every measure with the function that computes it.

A :class:`Measure` binds a name (the column in ``steps.parquet`` or ``runs.parquet``) to
its label in words, its unit, its kind, its scope and its computation, as Mesa's model
reporters and the EMA workbench's ``ScalarOutcome(function=...)`` do. The engine's
recorder, the per-run outcomes of the engine, the sweep's tables, ``compare``, the
figures, the dashboard and the hypotheses all read :data:`REGISTRY`; adding a measure is
one entry here.

Scopes:

- ``step``: a model-level metric of every step (``steps.parquet``, the DataCollector);
- ``run``: an outcome of a whole run (``runs.parquet``); ``stored=False`` marks a
  statistic computed only where it is asked for (the hypotheses), not in every sweep.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

import numpy as np

from coalition_sim.rules import strength
from coalition_sim.rules.sums import count

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.engine.batch import Batch

Kind = Literal["count", "share", "ratio", "index", "amount", "step", "flag", "text"]
Scope = Literal["step", "run"]


@dataclass(frozen=True, kw_only=True)
class Measure:
    """One metric or outcome: name, words, unit, kind, scope and its computation.

    ``compute`` takes a batch of runs (:class:`coalition_sim.engine.batch.Batch`) and
    gives one value per run, now: a step metric is read after every step, a run outcome
    at the end of the run. ``kind`` decides how tables and figures show it: a ``share``
    lies in [0, 1], a ``count`` is whole, a ``step`` is a quarter (missing when it never
    came), a ``flag`` is yes or no, ``text`` is not a number.
    """

    name: str
    label: str
    unit: str
    kind: Kind
    scope: Scope
    compute: Callable[[Batch], np.ndarray]
    stored: bool = True
    short: str = ""  # a legend's words, where the label is too long for one

    @property
    def legend(self) -> str:
        """Words for a chart's legend: the short form if there is one, else the label."""
        return self.short or self.label

    @property
    def axis_label(self) -> str:
        """The label with its unit, for a figure's axis or a table's column."""
        return f"{self.label} ({self.unit})" if self.unit and self.unit != "-" else self.label

    def values(self, batch: Batch) -> np.ndarray:
        """The measure of every run of ``batch`` now, as a flat ``(runs,)`` array."""
        return np.asarray(self.compute(batch)).reshape(-1)


def _step(name: str, label: str, unit: str, kind: Kind, compute, *, short: str = "") -> Measure:
    return Measure(
        name=name, label=label, unit=unit, kind=kind, scope="step", compute=compute, short=short
    )


def _run(name: str, label: str, unit: str, kind: Kind, compute, *, stored=True) -> Measure:
    return Measure(
        name=name, label=label, unit=unit, kind=kind, scope="run", compute=compute, stored=stored
    )


def _state(field: str):
    return lambda batch: getattr(batch.state, field)


def _counter(name: str):
    return lambda batch: batch.state.counters[name]


def _total(name: str):
    return lambda batch: batch.state.totals[name]


def join_order(batch: Batch) -> list[list[tuple[str, int]]]:
    """Each run's members in the order they joined, ``(iso3, step)``; founders at step 0."""
    inputs = batch.inputs
    codes = inputs.data.codes
    order = [[(c, 0) for c in inputs.founder_codes[k]] for k in inputs.sample.tolist()]
    for step, runs, states in batch.recorder.joins:
        for r, i in zip(runs.tolist(), states.tolist(), strict=True):
            order[r].append((codes[i], step))
    return order


def _join_order(batch: Batch) -> np.ndarray:
    return np.array([" ".join(c for c, _ in run) for run in join_order(batch)], dtype=object)


def _ukraine_member(batch: Batch) -> np.ndarray:
    if batch.ukraine is None:
        return np.zeros(batch.state.runs, dtype=bool)
    return batch.state.member[:, batch.ukraine]


def _honoured(batch: Batch) -> np.ndarray:
    totals = batch.state.totals
    return totals["honoured"] / np.maximum(totals["commitments"], 1)


def _distance_join_correlation(batch: Batch) -> np.ndarray:
    """Per run: Spearman correlation of distance to Russia with the quarter of joining.

    Over the states that are not founders; a state that never joins ranks after every
    joiner (its quarter is the horizon plus one). Positive: the nearer join first.
    """
    data = batch.inputs.data
    founders = batch.inputs.traits.founder
    out = np.full(batch.state.runs, np.nan)
    for row, order in enumerate(join_order(batch)):
        quarter = np.full(len(data.codes), batch.horizon + 1.0)
        for code, step in order:
            i = data.index[code]
            quarter[i] = min(quarter[i], step)
        outsiders = ~founders[min(row, founders.shape[0] - 1)]
        out[row] = _spearman(data.km_to_russia[outsiders], quarter[outsiders])
    return out


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    rx, ry = _ranks(x), _ranks(y)
    if rx.std() == 0 or ry.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


def _ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank)."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    ranks[order] = np.arange(len(values), dtype=float)
    for value in np.unique(values):
        tied = values == value
        ranks[tied] = ranks[tied].mean()
    return ranks


# fmt: off
_MEASURES: tuple[Measure, ...] = (
    # --- every step (steps.parquet), in column order ---------------------------------------
    _step("members", "members", "states", "count", lambda b: count(b.state.member)),
    _step("applicants", "applicants", "states", "count", _counter("applicants")),
    _step("admissions", "admissions", "states", "count", _counter("admissions")),
    _step("rejections", "rejections", "decisions", "count", _counter("rejections")),
    _step("vetoes", "vetoes", "vetoes", "count", _counter("vetoes")),
    _step("exits", "exits", "states", "count", _counter("exits")),
    _step("parity", "usable parity with Russia (no US forces or enablers)", "ratio", "ratio",
          _state("parity"), short="parity"),
    _step("parity_with_us", "usable parity with Russia, US forces and enablers counted",
          "ratio", "ratio", _state("parity_with_us")),
    _step("cohesion", "cohesion", "share 0-1", "share", _state("cohesion")),
    _step("credibility", "credibility", "index 0-1", "share", _state("credibility")),
    _step("threat", "threat", "index 0-1", "index", _state("threat")),
    _step("us_commitment", "US commitment", "share 0-1", "share", _state("us_commitment")),
    _step("coalition_strength", "coalition's usable strength, no US", "USD bn of equipment",
          "amount", _state("coalition_strength")),
    _step("coalition_strength_with_us", "coalition's usable strength with the US",
          "USD bn of equipment", "amount", _state("coalition_strength_with_us")),
    _step("adversary_strength", "what Russia fields", "USD bn of equipment", "amount",
          _state("adversary_strength")),
    _step("adversary_land", "Russia's land equipment", "USD bn of equipment", "amount",
          _state("adversary_land")),
    _step("enabler_coverage", "enablers the members have of what they need, no US",
          "share 0-1", "share", _state("enabler_coverage")),
    _step("integration", "members' interoperability", "share 0-1", "share",
          _state("integration_mean")),
    _step("coalition_spending_usd_bn", "coalition defence spending", "USD bn", "amount",
          _state("coalition_spending_usd_bn")),
    _step("coalition_spending_pct_gdp", "coalition defence spending", "% of GDP", "amount",
          _state("coalition_spending_pct_gdp")),
    _step("ukraine_investment_usd_bn", "investment in Ukraine's industry", "USD bn", "amount",
          _state("ukraine_investment_usd_bn")),
    _step("ukraine_utilisation", "Ukraine's industrial utilisation", "share 0-1", "share",
          _state("ukraine_utilisation"), short="utilisation (0-1)"),
    _step("ukraine_industry_output_usd_bn", "output bought in Ukraine",
          "USD bn at European prices", "amount",
          _state("ukraine_industry_output_usd_bn")),
    _step("ukraine_drone_output_m", "Ukraine's drone output", "million a year", "amount",
          _state("ukraine_drone_output_m"), short="drones (M/yr)"),
    _step("aggression_events", "aggression events", "events", "count",
          _counter("aggression_events")),
    _step("aggression_chance", "chance of an aggression event", "per quarter", "share",
          _state("aggression_chance")),
    _step("response_share", "members responding to an attack", "share 0-1", "share",
          _state("response_share")),
    # --- every run (runs.parquet), in column order -----------------------------------------
    _run("final_members", "members at the end", "states", "count",
         lambda b: count(b.state.member).astype(np.int64)),
    _run("join_order", "members in join order", "-", "text", _join_order),
    _run("final_parity", "usable parity at the end (no US forces or enablers)", "ratio",
         "ratio", _state("parity")),
    _run("final_parity_with_us", "usable parity at the end, US forces and enablers counted",
         "ratio", "ratio", _state("parity_with_us")),
    _run("parity_2027", "usable parity at the end of 2027 (no US)", "ratio", "ratio",
         _state("parity_2027")),
    _run("parity_2030", "usable parity at the end of 2030 (no US)", "ratio", "ratio",
         _state("parity_2030")),
    _run("final_cohesion", "cohesion at the end", "share 0-1", "share", _state("cohesion")),
    _run("final_credibility", "credibility at the end", "index 0-1", "share",
         _state("credibility")),
    _run("final_threat", "threat at the end", "index 0-1", "index", _state("threat")),
    _run("initial_parity", "parity at the start", "ratio", "ratio", _state("initial_parity")),
    _run("first_parity_step", "first quarter with parity", "step", "step",
         _state("first_parity_step")),
    _run("gap_closed_step",
         "first quarter Europe alone fields what it did with the US before its withdrawal",
         "step", "step", _state("gap_closed_step")),
    _run("final_enabler_coverage", "enablers the members have of what they need, at the end",
         "share 0-1", "share", _state("enabler_coverage")),
    # whether first_parity_step is not missing; its mean over runs is the share reaching it
    _run("parity_reached", "parity reached", "-", "flag",
         lambda b: b.state.first_parity_step >= 0),
    # whether gap_closed_step is not missing
    _run("gap_closed", "Europe alone fields what it did with the US before its withdrawal, "
         "by the end", "-", "flag",
         lambda b: b.state.gap_closed_step >= 0),
    _run("admissions", "admissions", "states", "count", _total("admissions")),
    _run("rejections", "rejections", "decisions", "count", _total("rejections")),
    _run("exits", "exits", "states", "count", _total("exits")),
    _run("vetoes_unreliable", "vetoes by unreliable members", "vetoes", "count",
         _total("vetoes")),
    _run("bargains", "negotiations held", "negotiations", "count", _total("bargains")),
    _run("breaches", "commitments breached", "breaches", "count", _total("breaches")),
    _run("aggression_events", "aggression events", "events", "count",
         _total("aggression_events")),
    _run("ukraine_member", "Ukraine a member at the end", "-", "flag", _ukraine_member),
    _run("commitments_honoured", "share of members' quarterly commitments honoured",
         "share 0-1", "share", _honoured),
    _run("final_ukraine_utilisation", "Ukraine's utilisation at the end", "share 0-1",
         "share", _state("ukraine_utilisation")),
    _run("final_coalition_spending_usd_bn", "coalition spending at the end", "USD bn",
         "amount", _state("coalition_spending_usd_bn")),
    # --- statistics the hypotheses ask for (not written by every sweep) --------------------
    _run("parity_at_end", "the share of runs at European parity (no US forces) at the end",
         "share 0-1", "share", lambda b: strength.at_parity(b.state.parity).astype(float),
         stored=False),
    _run("distance_join_correlation",
         "the rank correlation of a state's distance from Russia with its quarter of joining",
         "Spearman's rho", "ratio", _distance_join_correlation, stored=False),
)
# fmt: on


def _registry(measures: tuple[Measure, ...]) -> tuple[Measure, ...]:
    """The measures, checked: a name is declared once per scope.

    A name used in both scopes (a count per quarter and its total over the run) must mean
    the same quantity.
    """
    seen: dict[tuple[str, str], Measure] = {}
    for measure in measures:
        if (measure.scope, measure.name) in seen:
            raise ValueError(f"measure {measure.name!r} declared twice for scope {measure.scope}")
        seen[measure.scope, measure.name] = measure
        other = seen.get(("run" if measure.scope == "step" else "step", measure.name))
        if other is not None and (other.label, other.unit, other.kind) != (
            measure.label,
            measure.unit,
            measure.kind,
        ):
            raise ValueError(f"measure {measure.name!r} means two things in its two scopes")
    return measures


#: Every measure: the one declaration of what a run reports.
REGISTRY: tuple[Measure, ...] = _registry(_MEASURES)
#: The per-step metrics (``steps.parquet``), in column order: a view of the registry.
METRICS: Mapping[str, Measure] = MappingProxyType(
    {m.name: m for m in REGISTRY if m.scope == "step"}
)
#: The per-run outcomes written to ``runs.parquet``, in column order: a view of the registry.
OUTCOMES: Mapping[str, Measure] = MappingProxyType(
    {m.name: m for m in REGISTRY if m.scope == "run" and m.stored}
)
#: Per-run statistics computed only where asked for (the hypotheses).
STATISTICS: Mapping[str, Measure] = MappingProxyType(
    {m.name: m for m in REGISTRY if m.scope == "run" and not m.stored}
)


def measure(name: str) -> Measure | None:
    """The measure called ``name``: a run outcome or statistic first, else a step metric."""
    return OUTCOMES.get(name) or STATISTICS.get(name) or METRICS.get(name)


def label(name: str) -> str:
    """Words for a measure or a parameter column, with its unit (the name if unknown)."""
    found = measure(name)
    if found is not None:
        return found.axis_label
    from coalition_sim.parameters import SCHEMA

    parameter = SCHEMA.get(name)
    if parameter is not None:
        unit = f" ({parameter.unit})" if parameter.unit not in ("-", "") else ""
        return f"{name.replace('_', ' ')}{unit}"
    return name
