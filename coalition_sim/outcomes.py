"""What a run reports, declared once: per-step metrics and per-run outcomes.

Each :class:`Measure` has a name (the column in ``steps.parquet`` or ``runs.parquet``),
a label in words, a unit and a kind; the engine computes them, the sweep writes them,
``compare`` and the figures label them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

Kind = Literal["count", "share", "ratio", "index", "amount", "step", "flag", "text"]


@dataclass(frozen=True)
class Measure:
    """One metric or outcome: name, words, unit and kind (for tables and axes)."""

    name: str
    label: str
    unit: str
    kind: Kind

    @property
    def axis_label(self) -> str:
        """The label with its unit, for a figure's axis."""
        return f"{self.label} ({self.unit})" if self.unit and self.unit != "-" else self.label


def _m(name: str, label: str, unit: str, kind: Kind) -> Measure:
    return Measure(name, label, unit, kind)


#: Model-level metrics recorded at every step (``steps.parquet``), in column order.
METRICS: Mapping[str, Measure] = MappingProxyType(
    {
        m.name: m
        for m in (
            _m("members", "members", "states", "count"),
            _m("applicants", "applicants", "states", "count"),
            _m("admissions", "admissions", "states", "count"),
            _m("rejections", "rejections", "decisions", "count"),
            _m("vetoes", "vetoes", "vetoes", "count"),
            _m("exits", "exits", "states", "count"),
            _m("parity", "parity with Russia", "ratio", "ratio"),
            _m(
                "parity_with_us",
                "parity with Russia, US forces in Europe counted",
                "ratio",
                "ratio",
            ),
            _m("cohesion", "cohesion", "share 0-1", "share"),
            _m("credibility", "credibility", "share 0-1", "share"),
            _m("threat", "threat", "index 0-1", "index"),
            _m("us_commitment", "US commitment", "share 0-1", "share"),
            _m("coalition_strength", "coalition strength", "USD bn", "amount"),
            _m("adversary_strength", "adversary strength", "USD bn", "amount"),
            _m("coalition_spending_usd_bn", "coalition defence spending", "USD bn", "amount"),
            _m("coalition_spending_pct_gdp", "coalition defence spending", "% of GDP", "amount"),
            _m("ukraine_investment_usd_bn", "investment in Ukraine's industry", "USD bn", "amount"),
            _m("ukraine_utilisation", "Ukraine's industrial utilisation", "share 0-1", "share"),
            _m(
                "ukraine_industry_output_usd_bn",
                "output bought in Ukraine",
                "USD bn at European prices",
                "amount",
            ),
            _m("ukraine_drone_output_m", "Ukraine's drone output", "million a year", "amount"),
            _m("aggression_events", "aggression events", "events", "count"),
            _m("aggression_chance", "chance of an aggression event", "per quarter", "share"),
            _m("response_share", "members responding to an attack", "share 0-1", "share"),
        )
    }
)

#: Per-run outcomes (``runs.parquet``), in column order.
OUTCOMES: Mapping[str, Measure] = MappingProxyType(
    {
        m.name: m
        for m in (
            _m("final_members", "members at the end", "states", "count"),
            _m("members", "members in join order", "-", "text"),
            _m("final_parity", "parity at the end", "ratio", "ratio"),
            _m("final_parity_with_us", "parity at the end, US counted", "ratio", "ratio"),
            _m("final_cohesion", "cohesion at the end", "share 0-1", "share"),
            _m("final_credibility", "credibility at the end", "share 0-1", "share"),
            _m("final_threat", "threat at the end", "index 0-1", "index"),
            _m("initial_parity", "parity at the start", "ratio", "ratio"),
            _m("first_parity_step", "first step with parity", "step", "step"),
            _m("admissions", "admissions", "states", "count"),
            _m("rejections", "rejections", "decisions", "count"),
            _m("exits", "exits", "states", "count"),
            _m("vetoes_unreliable", "vetoes by unreliable members", "vetoes", "count"),
            _m("bargains", "negotiations held", "negotiations", "count"),
            _m("breaches", "commitments breached", "breaches", "count"),
            _m("aggression_events", "aggression events", "events", "count"),
            _m("ukraine_member", "Ukraine a member at the end", "-", "flag"),
            _m(
                "commitments_honoured",
                "share of members' quarterly commitments honoured",
                "share 0-1",
                "share",
            ),
            _m(
                "final_ukraine_utilisation",
                "Ukraine's utilisation at the end",
                "share 0-1",
                "share",
            ),
            _m(
                "final_coalition_spending_usd_bn",
                "coalition spending at the end",
                "USD bn",
                "amount",
            ),
        )
    }
)


def label(name: str) -> str:
    """Words for a metric, an outcome or a parameter column (the name itself if unknown)."""
    measure = OUTCOMES.get(name) or METRICS.get(name)
    if measure is not None:
        return measure.axis_label
    from coalition_sim.parameters import SCHEMA

    parameter = SCHEMA.get(name)
    if parameter is not None:
        unit = f" ({parameter.unit})" if parameter.unit not in ("-", "") else ""
        return f"{name.replace('_', ' ')}{unit}"
    return name
