"""Charts over time of the run's model-level series, drawn as inline SVG.

Four panels: coalition size; parity, cohesion and credibility; threat and US commitment;
Ukraine's capacity utilisation and drone output. Each panel draws only the series it
names, straight from the data collector's lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import solara

from coalition_sim.dashboard.common import model_series, simulation
from coalition_sim.dashboard.svgplot import line_chart, line_chart_layers
from coalition_sim.outcomes import METRICS

#: Height of one chart; charts keep their proportions inside it at any window width.
CHART_HEIGHT_PX = 250

#: The panel's rules in the page's one stylesheet (see :mod:`coalition_sim.dashboard.styles`):
#: each chart is two layers of one size, the frame below and the data above.
CSS = (
    "#coalition-charts .cs-chart{position:relative;min-width:0;background:#fff;"
    "border-radius:4px}"
    "#coalition-charts .cs-layer{position:absolute;inset:0}"
    "#coalition-charts svg{width:100%;height:100%}"
)


@dataclass(frozen=True)
class Panel:
    """One chart: the measures it draws (legends from the outcome registry) and its axis."""

    key: str
    title: str
    names: tuple[str, ...]
    y_min: float | None = None
    y_max: float | None = None
    reference: float | None = None
    reference_label: str = ""


PANELS: tuple[Panel, ...] = (
    Panel("members", "Coalition size", ("members", "applicants"), 0),
    Panel(
        "strength",
        "Parity, cohesion, credibility",
        ("parity", "cohesion", "credibility"),
        0,
        1,
        reference=1.0,
        reference_label="parity = 1",
    ),
    Panel(
        "threat",
        "Threat and US commitment",
        ("threat", "us_commitment"),
        0,
        1,
    ),
    Panel(
        "ukraine",
        "Ukraine's industry",
        ("ukraine_utilisation", "ukraine_drone_output_m"),
        0,
    ),
)


def horizon(sim: Any) -> int | None:
    """The number of steps the run is set to last, if the model says."""
    for holder in (getattr(sim, "config", None), sim, getattr(sim, "scenario", None)):
        values = getattr(holder, "values", None)
        if isinstance(values, Mapping) and isinstance(values.get("steps"), int):
            return values["steps"]
        steps = getattr(holder, "horizon", None)
        if isinstance(steps, int):
            return steps
    return None


def _drawn(panel: Panel, series: dict[str, list]) -> dict[str, list]:
    """The panel's series present in ``series``, keyed by their legend words."""
    return {METRICS[name].legend: series[name] for name in panel.names if name in series}


def _axes(panel: Panel, x_max: int | None) -> dict[str, Any]:
    """The panel's title, axis limits, reference line and element id, as the charts take them."""
    return {
        "title": panel.title,
        "x_max": x_max,
        "y_min": panel.y_min,
        "y_max": panel.y_max,
        "reference": panel.reference,
        "reference_label": panel.reference_label,
        "css_id": f"chart-{panel.key}",
    }


def panel_svg(panel: Panel, series: dict[str, list], x_max: int | None) -> str:
    """One panel's SVG from the collector's series; absent series are left out."""
    return line_chart(_drawn(panel, series), **_axes(panel, x_max))


def panel_layers(panel: Panel, series: dict[str, list], x_max: int | None) -> tuple[str, str]:
    """One panel as two SVG layers: the frame (axes) and the data (lines, legend values)."""
    return line_chart_layers(_drawn(panel, series), **_axes(panel, x_max))


@solara.component
def TimeSeriesCharts(model: Any, step: int = 0) -> None:
    """The four panels in a two-by-two grid, redrawn on every step.

    Each chart's frame is its own widget: it is sent to the browser again only when an
    axis changes, and each step replaces just the small data layer above it.
    """
    sim = simulation(model)
    series = model_series(sim)
    x_max = horizon(sim)
    cells = []
    for panel in PANELS:
        frame, data = panel_layers(panel, series, x_max)
        cells.append(
            solara.v.Html(
                tag="div",
                class_="cs-chart",
                style_=f"height:{CHART_HEIGHT_PX}px",
                attributes={"data-chart": panel.key},
                children=[
                    solara.HTML(tag="div", unsafe_innerHTML=frame, classes=["cs-layer"]),
                    solara.HTML(tag="div", unsafe_innerHTML=data, classes=["cs-layer"]),
                ],
            )
        )
    solara.v.Html(
        tag="div",
        class_="cs-charts",
        attributes={"id": "coalition-charts", "data-step": str(getattr(sim, "steps", step))},
        style_="display:grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 6px 18px;",
        children=cells,
    )
