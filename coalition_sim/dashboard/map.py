"""The map of Europe: every state coloured by its status in the coalition.

Geometry comes from :mod:`coalition_sim.dashboard.geometry` (projected once); a step only
chooses fills and rewrites tooltips. Hover a state for its traits and the current terms of
its utility; click it to see it in "Why not joining?". Unreliable states are hatched and
outlined.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Collection, Mapping
from html import escape
from typing import Any

import ipyvuetify as v
import solara
import traitlets

from coalition_sim.dashboard.common import format_value, selected_state, simulation
from coalition_sim.dashboard.geometry import POINT_RADIUS, MapLayout, europe_layout
from coalition_sim.dashboard.palette import (
    BORDER_COLOUR,
    MUTED_TEXT,
    SEA_COLOUR,
    SEQUENTIAL_STOPS,
    STATUS_COLOURS,
    STATUS_LABELS,
    TEXT_COLOUR,
    UNKNOWN_COLOUR,
    sequential_colour,
)

#: Height of the map on the page; the map keeps its proportions inside this box, so a
#: wide window does not push it over the panels below.
MAP_HEIGHT_PX = 570

_DEFS = (
    "<defs><pattern id='cs-hatch' patternUnits='userSpaceOnUse' width='5' height='5' "
    "patternTransform='rotate(45)'><rect width='2' height='5' fill='#111827' "
    "fill-opacity='0.55'/></pattern></defs>"
)


def _header(layout: MapLayout, label: str, defs: str = _DEFS) -> str:
    """The ``<svg>`` opening, its definitions and the sea."""
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {layout.width:.0f} "
        f"{layout.height:.0f}' width='100%' height='100%' preserveAspectRatio='xMidYMin meet' "
        f"font-family='Roboto,Helvetica,Arial,sans-serif' role='img' "
        f"aria-label='{escape(label)}'>{defs}"
        f"<rect width='{layout.width:.0f}' height='{layout.height:.0f}' fill='{SEA_COLOUR}'/>"
    )


@functools.cache
def _geometry(layout: MapLayout) -> dict[str, str]:
    """The opening of each shape's element (path or dot), built once per layout."""
    geometry = {}
    for shape in layout.shapes:
        if shape.is_point:
            x, y = shape.point
            geometry[shape.iso3] = f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{POINT_RADIUS}'"
        else:
            geometry[shape.iso3] = f"<path d='{shape.path}' fill-rule='evenodd'"
    return geometry


def _close(shape: Any) -> str:
    return "circle" if shape.is_point else "path"


def _credit(layout: MapLayout) -> str:
    """The source of the outlines, bottom right, and the end of the SVG."""
    return (
        f"<text x='{layout.width - 6:.0f}' y='{layout.height - 6:.0f}' font-size='9' "
        f"text-anchor='end' fill='{MUTED_TEXT}'>Natural Earth 1:110m</text></svg>"
    )


@functools.cache
def _static_parts(layout: MapLayout) -> tuple[str, str, dict[str, str]]:
    """SVG header, legend and per-shape geometry attributes, built once per layout."""
    header = _header(layout, "Map of Europe by coalition status")
    geometry = _geometry(layout)
    rows = [*STATUS_LABELS.items(), ("unreliable", "unreliable (hatched)")]
    x, y0, step = 8, layout.height - 16 * len(rows) - 14, 16
    legend = [
        f"<g font-size='11' fill='{TEXT_COLOUR}'>"
        f"<rect x='{x - 4}' y='{y0 - 16}' width='132' height='{16 * len(rows) + 20}' "
        f"fill='#ffffff' fill-opacity='0.75' rx='4'/>"
    ]
    for index, (status, label) in enumerate(rows):
        y = y0 + index * step
        if status == "unreliable":
            swatch = (
                f"<rect x='{x}' y='{y - 9}' width='12' height='10' fill='{UNKNOWN_COLOUR}'/>"
                f"<rect x='{x}' y='{y - 9}' width='12' height='10' fill='url(#cs-hatch)' "
                f"stroke='#111827' stroke-width='1.2'/>"
            )
        else:
            swatch = (
                f"<rect x='{x}' y='{y - 9}' width='12' height='10' "
                f"fill='{STATUS_COLOURS[status]}' stroke='#9ca3af' stroke-width='0.5'/>"
            )
        legend.append(f"{swatch}<text x='{x + 17}' y='{y}'>{escape(label)}</text>")
    legend.append("</g>")
    return header, "".join(legend), geometry


def map_svg(
    statuses: Mapping[str, str],
    *,
    adversary: Collection[str] = (),
    unreliable: Collection[str] = (),
    tooltips: Mapping[str, str] | None = None,
    selected: str | None = None,
    layout: MapLayout | None = None,
) -> str:
    """The map as one ``<svg>`` string.

    Args:
        statuses: ``{iso3: status}`` with statuses from ``STATUS_COLOURS``.
        adversary: ISO3 codes drawn as the adversary.
        unreliable: ISO3 codes hatched and outlined as unreliable.
        tooltips: ``{iso3: text}`` shown on hover; the name and status when missing.
        selected: ISO3 code drawn with a heavy outline.
        layout: Map layout; the packaged map of Europe by default.

    Every shape carries ``data-iso3`` and ``data-status`` attributes.
    """
    layout = layout or europe_layout()
    header, legend, geometry = _static_parts(layout)
    tooltips = tooltips or {}
    adversary = set(adversary)
    unreliable = set(unreliable)
    out = [header]
    overlays = []
    for shape in layout.shapes:
        iso3 = shape.iso3
        status = "adversary" if iso3 in adversary else statuses.get(iso3, "")
        fill = STATUS_COLOURS.get(status, UNKNOWN_COLOUR)
        tip = tooltips.get(iso3) or f"{shape.name} ({iso3}): {STATUS_LABELS.get(status, 'n/a')}"
        out.append(
            f"{geometry[iso3]} data-iso3='{iso3}' data-status='{status or 'none'}' "
            f"fill='{fill}' stroke='{BORDER_COLOUR}' stroke-width='0.7'>"
            f"<title>{escape(tip)}</title></{_close(shape)}>"
        )
        if iso3 in unreliable:
            close = "circle" if shape.is_point else "path"
            overlays.append(
                f"{geometry[iso3]} fill='url(#cs-hatch)' stroke='#111827' stroke-width='1.6' "
                f"pointer-events='none'></{close}>"
            )
        if iso3 == selected:
            close = "circle" if shape.is_point else "path"
            overlays.append(
                f"{geometry[iso3]} fill='none' stroke='#111827' stroke-width='2.6' "
                f"stroke-dasharray='6 2' pointer-events='none' data-selected='{iso3}'></{close}>"
            )
    out.extend(overlays)
    out.append(legend)
    out.append(_credit(layout))
    return "".join(out)


#: Ticks of the share legend.
_SHARE_TICKS = (0.0, 0.25, 0.5, 0.75, 1.0)


def _share_defs() -> str:
    """A horizontal gradient through the sequential scale, for the share legend."""
    count = len(SEQUENTIAL_STOPS) - 1
    stops = "".join(
        f"<stop offset='{i / count:.3f}' stop-color='{colour}'/>"
        for i, colour in enumerate(SEQUENTIAL_STOPS)
    )
    return f"<defs><linearGradient id='cs-share'>{stops}</linearGradient></defs>"


#: Width of a character of the legends' 11 px text, generously (Roboto averages 6 px):
#: the legend's box is sized from it, so its title is never cut.
LEGEND_CHAR_PX = 6.4


@functools.cache
def _share_legend(layout: MapLayout, title: str) -> str:
    """Bottom-left legend of a share map: the gradient with ticks, and the adversary.

    The box is as wide as its title needs ("member at the end, share of 200 runs" did
    not fit the gradient's width and was cut).
    """
    x, width = 12, 150
    top = layout.height - 78
    box = max(width + 26, math.ceil(LEGEND_CHAR_PX * len(title)) + 16)
    parts = [
        f"<g font-size='11' fill='{TEXT_COLOUR}' data-legend='share'>"
        f"<rect x='{x - 8}' y='{top - 6}' width='{box}' height='72' fill='#ffffff' "
        f"fill-opacity='0.8' rx='4' data-legend-box='share'/>"
        f"<text x='{x - 2}' y='{top + 8}' data-legend-title='share'>{escape(title)}</text>"
        f"<rect x='{x}' y='{top + 14}' width='{width}' height='10' fill='url(#cs-share)' "
        f"stroke='#9ca3af' stroke-width='0.5'/>"
    ]
    for tick in _SHARE_TICKS:
        tx = x + tick * width
        parts.append(
            f"<line x1='{tx:.1f}' x2='{tx:.1f}' y1='{top + 24}' y2='{top + 28}' stroke='#6b7280'/>"
            f"<text x='{tx:.1f}' y='{top + 39}' text-anchor='middle' font-size='10'>"
            f"{tick:.0%}</text>"
        )
    parts.append(
        f"<rect x='{x}' y='{top + 47}' width='12' height='10' "
        f"fill='{STATUS_COLOURS['adversary']}'/><text x='{x + 17}' y='{top + 56}'>"
        f"{escape(STATUS_LABELS['adversary'])}</text></g>"
    )
    return "".join(parts)


def share_map_svg(
    shares: Mapping[str, float],
    *,
    adversary: Collection[str] = (),
    tooltips: Mapping[str, str] | None = None,
    legend_title: str = "share of runs",
    label: str = "Map of Europe shaded by a share",
    layout: MapLayout | None = None,
) -> str:
    """The map with each state shaded by a share in [0, 1] on the sequential scale.

    The same outlines as :func:`map_svg`, filled by value instead of by status: the
    ensemble's probability of membership at the end, say. States without a share keep the
    neutral fill of shapes the model does not know.

    Args:
        shares: ``{iso3: share}``, each in [0, 1].
        adversary: ISO3 codes drawn as the adversary.
        tooltips: ``{iso3: text}`` shown on hover; the name and the share when missing.
        legend_title: Words above the colour scale of the legend.
        label: Accessible label of the whole map.
        layout: Map layout; the packaged map of Europe by default.

    Every shape carries ``data-iso3`` and, when it has one, ``data-share``.
    """
    layout = layout or europe_layout()
    geometry = _geometry(layout)
    tooltips = tooltips or {}
    adversary = set(adversary)
    out = [_header(layout, label, _share_defs())]
    for shape in layout.shapes:
        iso3 = shape.iso3
        share = shares.get(iso3)
        if iso3 in adversary:
            fill, data = STATUS_COLOURS["adversary"], " data-status='adversary'"
            tip = f"{shape.name} ({iso3}): {STATUS_LABELS['adversary']}"
        elif share is None:
            fill, data, tip = UNKNOWN_COLOUR, "", f"{shape.name} ({iso3}): n/a"
        else:
            fill, data = sequential_colour(share), f" data-share='{share:.4f}'"
            tip = f"{shape.name} ({iso3}): {share:.0%}"
        tip = tooltips.get(iso3) or tip
        out.append(
            f"{geometry[iso3]} data-iso3='{iso3}'{data} fill='{fill}' "
            f"stroke='{BORDER_COLOUR}' stroke-width='0.7'><title>{escape(tip)}</title>"
            f"</{_close(shape)}>"
        )
    out.append(_share_legend(layout, legend_title))
    out.append(_credit(layout))
    return "".join(out)


#: Traits already said in the tooltip's first line.
_TOOLTIP_SKIP = frozenset({"iso3", "name", "status", "unreliable"})


def state_tooltip(sim: Any, iso3: str, name: str, status: str) -> str:
    """Hover text of one state: status, traits and the current terms of its utility."""
    lines = [f"{name} ({iso3}): {STATUS_LABELS.get(status, status)}"]
    if iso3 in getattr(sim, "unreliable", ()):
        lines[0] += " · unreliable"
    try:
        traits = sim.state_traits(iso3)
    except (AttributeError, KeyError, ValueError):
        traits = {}
    shown = {k: v for k, v in traits.items() if k not in _TOOLTIP_SKIP}
    if shown:
        lines.append("traits: " + " · ".join(f"{k} {format_value(v)}" for k, v in shown.items()))
    try:
        terms = dict(sim.utility_terms(iso3))
    except (AttributeError, KeyError, ValueError):
        terms = {}
    if terms:
        total = terms.pop("total", None)
        threshold = terms.pop("threshold", None)
        parts = [f"{k} {v:+.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in terms.items()]
        lines.append("utility: " + " · ".join(parts))
        if total is not None and threshold is not None:
            lines.append(f"total {total:+.3f} against threshold {threshold:+.3f}")
    return "\n".join(lines)


def model_map_svg(sim: Any, selected: str | None = None) -> str:
    """The map of a model's current state as one SVG string, tooltips included.

    The page draws the same map with :class:`EuropeMapWidget`, which sends only the
    colours per step; this string is for the download and for tests.
    """
    statuses = dict(sim.state_status())
    names = {getattr(a, "iso3", ""): getattr(a, "name", "") for a in sim.agents}
    tooltips = {
        iso3: state_tooltip(sim, iso3, names.get(iso3, iso3), status)
        for iso3, status in statuses.items()
    }
    return map_svg(
        statuses,
        adversary=getattr(sim, "adversary", ("RUS", "BLR")),
        unreliable=getattr(sim, "unreliable", ()),
        tooltips=tooltips,
        selected=selected,
    )


def status_colours(
    statuses: Mapping[str, str], adversary: Collection[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """``({iso3: status}, {iso3: fill})`` of every state of the map, the adversary included."""
    shown, fills = {}, {}
    for shape in europe_layout().shapes:
        status = "adversary" if shape.iso3 in adversary else statuses.get(shape.iso3, "")
        shown[shape.iso3] = status or "none"
        fills[shape.iso3] = STATUS_COLOURS.get(status, UNKNOWN_COLOUR)
    return shown, fills


@functools.cache
def widget_shapes() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The outlines and the dots of the map, as the widget draws them (built once)."""
    paths, points = [], []
    for shape in europe_layout().shapes:
        if shape.is_point:
            x, y = shape.point
            points.append(
                {"iso3": shape.iso3, "name": shape.name, "x": round(x, 1), "y": round(y, 1)}
            )
        else:
            paths.append({"iso3": shape.iso3, "name": shape.name, "d": shape.path})
    return paths, points


@functools.cache
def widget_legend() -> str:
    """The status legend and the source line, as SVG markup drawn once per page."""
    _, legend, _ = _static_parts(europe_layout())
    layout = europe_layout()
    credit = (
        f"<text x='{layout.width - 6:.0f}' y='{layout.height - 6:.0f}' font-size='9' "
        f"text-anchor='end' fill='{MUTED_TEXT}'>Natural Earth 1:110m</text>"
    )
    return legend + credit


_MAP_TEMPLATE = """<template>
  <div v-bind="attributes">
    <svg xmlns="http://www.w3.org/2000/svg" :viewBox="'0 0 ' + width + ' ' + height"
         width="100%" height="100%" preserveAspectRatio="xMidYMin meet"
         font-family="Roboto,Helvetica,Arial,sans-serif" role="img"
         aria-label="Map of Europe by coalition status">
      <defs><pattern id="cs-hatch" patternUnits="userSpaceOnUse" width="5" height="5"
        patternTransform="rotate(45)"><rect width="2" height="5" fill="#111827"
        fill-opacity="0.55"/></pattern></defs>
      <rect :width="width" :height="height" fill="@SEA@"/>
      <path v-for="s in paths" :key="s.iso3" :d="s.d" fill-rule="evenodd"
            :data-iso3="s.iso3" :data-status="statuses[s.iso3] || 'none'"
            :fill="fills[s.iso3] || '@UNKNOWN@'" stroke="@BORDER@" stroke-width="0.7"
            @mouseenter="hovered = s.iso3" @click="selected = s.iso3"
        ><title>{{ tipOf(s) }}</title></path>
      <circle v-for="s in points" :key="s.iso3" :cx="s.x" :cy="s.y" r="@RADIUS@"
              :data-iso3="s.iso3" :data-status="statuses[s.iso3] || 'none'"
              :fill="fills[s.iso3] || '@UNKNOWN@'" stroke="@BORDER@" stroke-width="0.7"
              @mouseenter="hovered = s.iso3" @click="selected = s.iso3"
        ><title>{{ tipOf(s) }}</title></circle>
      <template v-for="code in unreliable">
        <path v-if="byCode[code] && byCode[code].d" :key="'u' + code" :d="byCode[code].d"
              fill-rule="evenodd" fill="url(#cs-hatch)" stroke="#111827" stroke-width="1.6"
              pointer-events="none" :data-unreliable="code"/>
      </template>
      <path v-if="byCode[selected] && byCode[selected].d" :d="byCode[selected].d"
            fill-rule="evenodd" fill="none" stroke="#111827" stroke-width="2.6"
            stroke-dasharray="6 2" pointer-events="none" :data-selected="selected"/>
      <circle v-if="byCode[selected] && !byCode[selected].d" :cx="byCode[selected].x"
              :cy="byCode[selected].y" r="@RADIUS@" fill="none" stroke="#111827"
              stroke-width="2.6" pointer-events="none" :data-selected="selected"/>
      <g v-html="legend"></g>
    </svg>
  </div>
</template>
<script>
module.exports = {
  computed: {
    byCode() {
      const found = {};
      for (const s of this.paths) { found[s.iso3] = s; }
      for (const s of this.points) { found[s.iso3] = s; }
      return found;
    },
  },
  methods: {
    tipOf(s) {
      return s.iso3 === this.tip_iso3 && this.tip ? this.tip : s.name + ' (' + s.iso3 + ')';
    },
  },
};
</script>
"""


def _map_template() -> str:
    return (
        _MAP_TEMPLATE.replace("@SEA@", SEA_COLOUR)
        .replace("@UNKNOWN@", UNKNOWN_COLOUR)
        .replace("@BORDER@", BORDER_COLOUR)
        .replace("@RADIUS@", str(POINT_RADIUS))
    )


class EuropeMapWidget(v.VuetifyTemplate):
    """The map in the page: outlines sent once, then only each state's colour and status.

    Re-sending the whole SVG (43 KB) on every step made the browser parse, lay out and
    paint it again, the largest part of its work per Step; here Vue changes the fill and
    ``data-status`` of the states whose status changed. A state's tooltip (traits and
    utility terms) is computed when the pointer enters it (``hovered``), not for all 43
    on every step. A click sets ``selected`` (the state "Why not joining?" explains).
    Nothing is loaded from outside: the template travels with the widget.
    """

    template = traitlets.Unicode(_map_template()).tag(sync=True)
    width = traitlets.Float(0).tag(sync=True)
    height = traitlets.Float(0).tag(sync=True)
    paths = traitlets.List().tag(sync=True)
    points = traitlets.List().tag(sync=True)
    legend = traitlets.Unicode("").tag(sync=True)
    statuses = traitlets.Dict().tag(sync=True)
    fills = traitlets.Dict().tag(sync=True)
    unreliable = traitlets.List().tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    hovered = traitlets.Unicode("").tag(sync=True)
    tip = traitlets.Unicode("").tag(sync=True)
    tip_iso3 = traitlets.Unicode("").tag(sync=True)
    attributes = traitlets.Dict().tag(sync=True)

    @traitlets.validate("selected", "hovered")
    def _a_code(self, proposal: Any) -> str:
        """Only a code of the map is taken from the browser; anything else is dropped."""
        value = proposal["value"]
        known = {shape.iso3 for shape in europe_layout().shapes}
        return value if isinstance(value, str) and value in known else ""


def hover_text(sim: Any, iso3: str) -> str:
    """The tooltip of one state of a model: its status, traits and utility terms."""
    if not iso3:
        return ""
    names = {getattr(a, "iso3", ""): getattr(a, "name", "") for a in sim.agents}
    shape = europe_layout().by_iso3.get(iso3)
    name = names.get(iso3) or (shape.name if shape else iso3)
    if iso3 in getattr(sim, "adversary", ("RUS", "BLR")):
        return f"{name} ({iso3}): {STATUS_LABELS['adversary']}"
    status = dict(sim.state_status()).get(iso3)
    if status is None:
        return f"{name} ({iso3}): not in the model"
    return state_tooltip(sim, iso3, name, status)


@solara.component
def EuropeMap(model: Any, step: int = 0) -> None:
    """The map, recoloured on every step; clicking a state explains it in "Why not joining?".

    Args:
        model: The run (or a model) to draw.
        step: The step it stands at; a new value redraws the map.
    """
    sim = simulation(model)
    hovered, set_hovered = solara.use_state("")
    statuses, fills = status_colours(
        dict(sim.state_status()), getattr(sim, "adversary", ("RUS", "BLR"))
    )
    paths, points = widget_shapes()
    layout = europe_layout()
    current = selected_state.value
    EuropeMapWidget.element(
        width=round(layout.width, 1),
        height=round(layout.height, 1),
        paths=paths,
        points=points,
        legend=widget_legend(),
        statuses=statuses,
        fills=fills,
        unreliable=sorted(getattr(sim, "unreliable", ())),
        selected=current if current in layout.by_iso3 else "",
        on_selected=lambda code: selected_state.set(code) if code else None,
        hovered=hovered,
        on_hovered=set_hovered,
        tip=hover_text(sim, hovered),
        tip_iso3=hovered,
        attributes={
            "id": "coalition-map",
            "data-step": str(getattr(sim, "steps", step)),
            "style": (
                f"width: 100%; height: {MAP_HEIGHT_PX}px; line-height: 0; padding: 0 6px; "
                "cursor: pointer;"
            ),
        },
    )
