"""Small SVG charts built as strings: line charts over time, horizontal bars, box plots.

The dashboard draws its charts as inline SVG instead of Matplotlib images or Vega specs:
a chart of a few series over 40 steps is a few kilobytes of text built in well under a
millisecond, crisp at any zoom, and it needs no JavaScript library, so the page works
offline with nothing but Solara's own assets. Each function returns one ``<svg>`` element;
they draw only what they are given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from coalition_sim.dashboard.palette import (
    GRID_COLOUR,
    MUTED_TEXT,
    NEGATIVE_COLOUR,
    POSITIVE_COLOUR,
    SERIES_COLOURS,
    TEXT_COLOUR,
    THRESHOLD_COLOUR,
    TOTAL_COLOUR,
)

FONT = "font-family='Roboto,Helvetica,Arial,sans-serif'"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (steps of 1, 2, 2.5 or 5 times a power of 10).

    Args:
        low: Lower end of the data range.
        high: Upper end of the data range.
        count: Roughly how many ticks to aim for.

    Returns:
        Ascending tick values; the first is <= ``low`` and the last >= ``high``.
    """
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 10))
    return ticks


def format_number(value: float) -> str:
    """Compact label for an axis tick or a value: ``1.5k``, ``0.25``, ``12``."""
    if not math.isfinite(value):
        return "n/a"
    magnitude = abs(value)
    if magnitude >= 1e9:
        return f"{value / 1e9:.3g}G"
    if magnitude >= 1e6:
        return f"{value / 1e6:.3g}M"
    if magnitude >= 1e4:
        return f"{value / 1e3:.3g}k"
    if magnitude >= 100 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.3g}"


@dataclass(frozen=True)
class Frame:
    """Plot area inside an SVG of a given size, with linear scales for x and y."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    x_low: float
    x_high: float
    y_low: float
    y_high: float

    def x(self, value: float) -> float:
        """SVG x of a data x."""
        span = (self.x_high - self.x_low) or 1.0
        return self.left + (value - self.x_low) / span * (self.width - self.left - self.right)

    def y(self, value: float) -> float:
        """SVG y of a data y."""
        span = (self.y_high - self.y_low) or 1.0
        return self.top + (self.y_high - value) / span * (self.height - self.top - self.bottom)


def _finite(values: Sequence[float | None]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _polyline(frame: Frame, values: Sequence[float | None]) -> list[str]:
    """Path data for a series, broken where values are missing."""
    parts: list[str] = []
    pen_down = False
    for step, value in enumerate(values):
        if value is None or not math.isfinite(float(value)):
            pen_down = False
            continue
        command = "L" if pen_down else "M"
        parts.append(f"{command}{frame.x(step):.1f} {frame.y(float(value)):.1f}")
        pen_down = True
    return parts


def _open_svg(
    width: int, height: int, title: str, css_id: str | None, *, keep_top: bool
) -> list[str]:
    """The ``<svg>`` element and the chart's title: the first parts of every chart.

    ``keep_top`` pins the drawing to the top of a taller panel (charts that share a row).
    """
    id_attr = f" id='{escape(css_id)}'" if css_id else ""
    align = " preserveAspectRatio='xMidYMin meet'" if keep_top else ""
    return [
        f"<svg{id_attr} xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
        f"width='100%'{align} {FONT} font-size='11' role='img' aria-label='{escape(title)}'>",
        f"<text x='4' y='15' font-size='13' font-weight='500' fill='{TEXT_COLOUR}'>"
        f"{escape(title)}</text>",
    ]


def _y_grid(frame: Frame, ticks: Sequence[float]) -> list[str]:
    """Horizontal grid lines with their value labels on the left."""
    lines = []
    for tick in ticks:
        y = frame.y(tick)
        lines.append(
            f"<line x1='{frame.left:.1f}' x2='{frame.width - frame.right:.1f}' y1='{y:.1f}' "
            f"y2='{y:.1f}' stroke='{GRID_COLOUR}'/><text x='{frame.left - 5:.1f}' "
            f"y='{y + 4:.1f}' text-anchor='end' fill='{MUTED_TEXT}'>{format_number(tick)}</text>"
        )
    return lines


def _x_axis(frame: Frame, x_high: float, x_label: str) -> list[str]:
    """Step labels under the plot (about six) and the axis label."""
    out = []
    for tick in nice_ticks(0, x_high, 6):
        if tick > x_high:
            continue
        x = frame.x(tick)
        out.append(
            f"<text x='{x:.1f}' y='{frame.height - frame.bottom + 14:.1f}' text-anchor='middle' "
            f"fill='{MUTED_TEXT}'>{format_number(tick)}</text>"
        )
    out.append(
        f"<text x='{(frame.left + frame.width - frame.right) / 2:.1f}' y='{frame.height - 4:g}' "
        f"text-anchor='middle' fill='{MUTED_TEXT}'>{escape(x_label)}</text>"
    )
    return out


def _reference(frame: Frame, reference: float | None, label: str) -> list[str]:
    """A dashed horizontal reference line (parity = 1) with its label at the right."""
    if reference is None:
        return []
    y = frame.y(reference)
    right = frame.width - frame.right
    out = [
        f"<line x1='{frame.left:.1f}' x2='{right:.1f}' y1='{y:.1f}' "
        f"y2='{y:.1f}' stroke='{THRESHOLD_COLOUR}' stroke-dasharray='4 3' stroke-width='1'/>"
    ]
    if label:
        out.append(
            f"<text x='{right - 2:.1f}' y='{y - 4:.1f}' text-anchor='end' "
            f"fill='{THRESHOLD_COLOUR}'>{escape(label)}</text>"
        )
    return out


def _open_time_chart(span, x_high, top, width, height, title, x_label, css_id):
    """The frame and opening of a chart over quarters: the title, the y grid, the x axis."""
    ticks = nice_ticks(*span)
    frame = Frame(
        width=width,
        height=height,
        left=max(len(format_number(t)) for t in ticks) * 6.5 + 10,
        right=12,
        top=top,
        bottom=32,
        x_low=0,
        x_high=x_high,
        y_low=ticks[0],
        y_high=ticks[-1],
    )
    out = _open_svg(width, height, title, css_id, keep_top=True)
    out += _y_grid(frame, ticks)
    out += _x_axis(frame, x_high, x_label)
    return frame, out


def line_chart(
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    x_max: int | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
    reference: float | None = None,
    reference_label: str = "",
    x_label: str = "step (quarter)",
    width: int = 420,
    height: int = 210,
    colours: Sequence[str] = SERIES_COLOURS,
    css_id: str | None = None,
) -> str:
    """A line chart of one or more series indexed by step.

    Args:
        series: ``{label: values}``, values indexed by step from 0; ``None`` or NaN leaves a gap.
        title: Title drawn above the plot.
        x_max: Right end of the x axis (the run's horizon), so the axis does not rescale
            every step; defaults to the longest series.
        y_min: Lower end of the y axis; from the data when omitted.
        y_max: Upper end of the y axis; from the data when omitted.
        reference: Optional horizontal reference line (e.g. parity = 1).
        reference_label: Label written at the right end of the reference line.
        x_label: Label of the x axis.
        width: SVG width in pixels.
        height: SVG height in pixels.
        colours: Line colours, in series order.
        css_id: Optional ``id`` attribute of the ``<svg>`` (for tests and styling).
    """
    frame, data = _line_chart_parts(
        series, title, x_max, y_min, y_max, reference, reference_label, x_label, width, height,
        colours,
    )  # fmt: skip
    return "".join(
        [*_open_svg(width, height, title, css_id, keep_top=True), *frame, *data, "</svg>"]
    )


def line_chart_layers(
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    x_max: int | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
    reference: float | None = None,
    reference_label: str = "",
    x_label: str = "step (quarter)",
    width: int = 420,
    height: int = 210,
    colours: Sequence[str] = SERIES_COLOURS,
    css_id: str | None = None,
) -> tuple[str, str]:
    """:func:`line_chart` as two ``<svg>`` layers of one size: the frame and the data.

    The frame (title, grid, axes, reference line) stays the same from step to step while
    the axes do; the data layer (lines, last points, the legend's values) is small. A page
    that stacks the two and replaces only the data layer spares the browser parsing and
    laying out the axes' text at every step. Arguments as for :func:`line_chart`.
    """
    frame, data = _line_chart_parts(
        series, title, x_max, y_min, y_max, reference, reference_label, x_label, width, height,
        colours,
    )  # fmt: skip
    bottom = _open_svg(width, height, title, css_id, keep_top=True)
    top = _open_svg(width, height, title, f"{css_id}-data" if css_id else None, keep_top=True)
    return "".join([*bottom, *frame, "</svg>"]), "".join([top[0], *data, "</svg>"])


def _line_chart_parts(
    series: Mapping[str, Sequence[float | None]],
    title: str,
    x_max: int | None,
    y_min: float | None,
    y_max: float | None,
    reference: float | None,
    reference_label: str,
    x_label: str,
    width: int,
    height: int,
    colours: Sequence[str],
) -> tuple[list[str], list[str]]:
    """The frame's elements (after the title) and the data's elements of a line chart."""
    longest = max((len(v) for v in series.values()), default=0)
    x_high = max(x_max or 0, longest - 1, 1)
    values = [v for vs in series.values() for v in _finite(vs)]
    if reference is not None:
        values.append(reference)
    low = y_min if y_min is not None else min(values, default=0.0)
    high = y_max if y_max is not None else max(values, default=1.0)
    if y_max is not None and values:
        high = max(high, *values)
    legend_rows = 1 if len(series) > 1 else 0
    frame, opening = _open_time_chart(
        (low, high), x_high, 26 + 16 * legend_rows, width, height, title, x_label, None
    )
    back = opening[2:]  # the svg element and the title are the caller's
    back += _reference(frame, reference, reference_label)
    out: list[str] = []
    legend_x = 4.0
    for index, (label, vs) in enumerate(series.items()):
        colour = colours[index % len(colours)]
        path = _polyline(frame, vs)
        if path:
            out.append(
                f"<path d='{''.join(path)}' fill='none' stroke='{colour}' stroke-width='2' "
                f"stroke-linejoin='round' stroke-linecap='round'/>"
            )
            last = _finite(vs)[-1] if _finite(vs) else None
            step = max(i for i, v in enumerate(vs) if v is not None and math.isfinite(float(v)))
            if last is not None:
                out.append(
                    f"<circle cx='{frame.x(step):.1f}' cy='{frame.y(last):.1f}' r='2.5' "
                    f"fill='{colour}'><title>{escape(label)} at step {step}: "
                    f"{format_number(last)}</title></circle>"
                )
        if legend_rows:
            current = _finite(vs)
            text = f"{label} {format_number(current[-1])}" if current else label
            out.append(
                f"<rect x='{legend_x:.1f}' y='25' width='10' height='3' fill='{colour}'/>"
                f"<text x='{legend_x + 14:.1f}' y='30' fill='{TEXT_COLOUR}'>{escape(text)}</text>"
            )
            legend_x += 14 + 6.2 * len(text) + 14
    return back, out


def bar_chart(
    terms: Mapping[str, float],
    *,
    title: str,
    total: float | None = None,
    threshold: float | None = None,
    width: int = 420,
    bar_height: int = 20,
    css_id: str | None = None,
) -> str:
    """Horizontal bars of signed terms, an optional total bar and a threshold line.

    Args:
        terms: ``{name: value}``; positive bars are green, negative red.
        title: Title drawn above the chart.
        total: Value of the total bar drawn below the terms (blue), if given.
        threshold: x position of a dashed vertical line labelled "threshold".
        width: SVG width in pixels.
        bar_height: Height of one bar row in pixels.
        css_id: Optional ``id`` attribute of the ``<svg>``.
    """
    rows = list(terms.items())
    if total is not None:
        rows.append(("total", total))
    values = [v for _, v in rows if math.isfinite(v)]
    if threshold is not None and math.isfinite(threshold):
        values.append(threshold)
    ticks = nice_ticks(min([0.0, *values]), max([0.0, *values]), 5)
    label_width = max((len(name) for name, _ in rows), default=4) * 6.6 + 12
    top = 26
    height = int(top + bar_height * len(rows) + 30)
    frame = Frame(
        width=width,
        height=height,
        left=label_width,
        right=46,
        top=top,
        bottom=30,
        x_low=ticks[0],
        x_high=ticks[-1],
        y_low=0,
        y_high=1,
    )
    out = _open_svg(width, height, title, css_id, keep_top=True)
    plot_bottom = top + bar_height * len(rows)
    for tick in ticks:
        x = frame.x(tick)
        out.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top}' y2='{plot_bottom}' "
            f"stroke='{GRID_COLOUR}'/><text x='{x:.1f}' y='{plot_bottom + 14}' "
            f"text-anchor='middle' fill='{MUTED_TEXT}'>{format_number(tick)}</text>"
        )
    zero = frame.x(0.0)
    for index, (name, value) in enumerate(rows):
        y = top + index * bar_height
        is_total = total is not None and index == len(rows) - 1
        colour = TOTAL_COLOUR if is_total else POSITIVE_COLOUR if value >= 0 else NEGATIVE_COLOUR
        weight = " font-weight='600'" if is_total else ""
        out.append(
            f"<text x='{label_width - 6:.1f}' y='{y + bar_height * 0.68:.1f}' "
            f"text-anchor='end' fill='{TEXT_COLOUR}'{weight}>{escape(name)}</text>"
        )
        if math.isfinite(value):
            x0, x1 = sorted((zero, frame.x(value)))
            out.append(
                f"<rect x='{x0:.1f}' y='{y + 3:.1f}' width='{max(x1 - x0, 0.8):.1f}' "
                f"height='{bar_height - 6}' fill='{colour}' rx='2'>"
                f"<title>{escape(name)}: {value:+.3f}</title></rect>"
                f"<text x='{max(x1, zero) + 4:.1f}' y='{y + bar_height * 0.68:.1f}' "
                f"fill='{MUTED_TEXT}'>{value:+.2f}</text>"
            )
    out.append(
        f"<line x1='{zero:.1f}' x2='{zero:.1f}' y1='{top}' y2='{plot_bottom}' "
        f"stroke='{MUTED_TEXT}'/>"
    )
    if threshold is not None and math.isfinite(threshold):
        x = frame.x(threshold)
        out.append(
            f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top - 4}' y2='{plot_bottom + 2}' "
            f"stroke='{THRESHOLD_COLOUR}' stroke-width='1.5' stroke-dasharray='5 3'/>"
            f"<text x='{x:.1f}' y='{height - 3}' text-anchor='middle' "
            f"fill='{THRESHOLD_COLOUR}' font-weight='500'>threshold {threshold:+.2f}</text>"
        )
    out.append("</svg>")
    return "".join(out)


@dataclass(frozen=True)
class BoxStats:
    """Five-number summary and mean of one group, for :func:`box_plot`."""

    label: str
    count: int
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float
    mean: float


def box_plot(
    groups: Sequence[BoxStats],
    *,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 640,
    height: int = 300,
    css_id: str | None = None,
) -> str:
    """Vertical box plots, one per group (whiskers at min and max, a dot at the mean).

    A legend under the title says what the line, the box, the whiskers and the dot are.

    Args:
        groups: Summaries in display order.
        title: Title drawn above the chart.
        x_label: Label of the grouping axis (the parameter).
        y_label: Label of the value axis (the outcome).
        width: SVG width in pixels.
        height: SVG height in pixels.
        css_id: Optional ``id`` attribute of the ``<svg>``.
    """
    values = [v for g in groups for v in (g.minimum, g.maximum) if math.isfinite(v)]
    ticks = nice_ticks(min(values, default=0.0), max(values, default=1.0))
    label_width = max(len(format_number(t)) for t in ticks) * 6.5 + 26
    frame = Frame(
        width=width,
        height=height,
        left=label_width,
        right=12,
        top=44,
        bottom=44,
        x_low=0,
        x_high=max(len(groups), 1),
        y_low=ticks[0],
        y_high=ticks[-1],
    )
    out = _open_svg(width, height, title, css_id, keep_top=False)
    out.append(_box_legend())
    out.append(
        f"<text transform='translate(11 {(frame.top + height - frame.bottom) / 2:.1f}) "
        f"rotate(-90)' text-anchor='middle' fill='{MUTED_TEXT}'>{escape(y_label)}</text>"
    )
    out += _y_grid(frame, ticks)
    slot = (width - frame.left - frame.right) / max(len(groups), 1)
    box = min(slot * 0.5, 46)
    for index, group in enumerate(groups):
        centre = frame.left + slot * (index + 0.5)
        colour = SERIES_COLOURS[0]
        tip = (
            f"{group.label}: n={group.count}, min {group.minimum:.3g}, q1 {group.q1:.3g}, "
            f"median {group.median:.3g}, q3 {group.q3:.3g}, max {group.maximum:.3g}, "
            f"mean {group.mean:.3g}"
        )
        out.append(
            f"<g><title>{escape(tip)}</title>"
            f"<line x1='{centre:.1f}' x2='{centre:.1f}' y1='{frame.y(group.minimum):.1f}' "
            f"y2='{frame.y(group.maximum):.1f}' stroke='{colour}'/>"
            f"<rect x='{centre - box / 2:.1f}' y='{frame.y(group.q3):.1f}' width='{box:.1f}' "
            f"height='{max(frame.y(group.q1) - frame.y(group.q3), 1):.1f}' fill='{colour}' "
            f"fill-opacity='0.25' stroke='{colour}'/>"
            f"<line x1='{centre - box / 2:.1f}' x2='{centre + box / 2:.1f}' "
            f"y1='{frame.y(group.median):.1f}' y2='{frame.y(group.median):.1f}' "
            f"stroke='{colour}' stroke-width='2.5'/>"
            f"<circle cx='{centre:.1f}' cy='{frame.y(group.mean):.1f}' r='3' "
            f"fill='{SERIES_COLOURS[1]}'/></g>"
            f"<text x='{centre:.1f}' y='{height - frame.bottom + 15:.1f}' text-anchor='middle' "
            f"fill='{TEXT_COLOUR}'>{escape(group.label)}</text>"
            f"<text x='{centre:.1f}' y='{height - frame.bottom + 27:.1f}' text-anchor='middle' "
            f"fill='{MUTED_TEXT}' font-size='10'>n={group.count}</text>"
        )
    out.append(
        f"<text x='{(frame.left + width - frame.right) / 2:.1f}' y='{height - 3}' "
        f"text-anchor='middle' fill='{MUTED_TEXT}'>{escape(x_label)}</text></svg>"
    )
    return "".join(out)


def _box_legend() -> str:
    """The key of a box plot, one row under the title."""
    colour, mean = SERIES_COLOURS[0], SERIES_COLOURS[1]
    keys = (
        (f"<line x1='0' x2='14' y1='-4' y2='-4' stroke='{colour}' stroke-width='2.5'/>", "median"),
        (
            f"<rect x='0' y='-9' width='14' height='10' fill='{colour}' fill-opacity='0.25' "
            f"stroke='{colour}'/>",
            "middle 50 % of runs",
        ),
        (f"<line x1='7' x2='7' y1='-10' y2='2' stroke='{colour}'/>", "lowest to highest"),
        (f"<circle cx='7' cy='-4' r='3' fill='{mean}'/>", "mean"),
    )
    parts, x = [], 4.0
    for swatch, text in keys:
        parts.append(
            f"<g transform='translate({x:.1f} 33)' data-legend='{escape(text)}'>{swatch}"
            f"<text x='19' y='0' fill='{TEXT_COLOUR}'>{escape(text)}</text></g>"
        )
        x += 19 + 6.0 * len(text) + 16
    return "".join(parts)


def _band_path(frame: Frame, low: Sequence[float], high: Sequence[float]) -> str:
    """Path data of the area between two series: along ``high``, then back along ``low``."""
    steps = [
        i
        for i, (a, b) in enumerate(zip(low, high, strict=True))
        if math.isfinite(float(a)) and math.isfinite(float(b))
    ]
    if not steps:
        return ""
    top = [f"{frame.x(i):.1f} {frame.y(float(high[i])):.1f}" for i in steps]
    bottom = [f"{frame.x(i):.1f} {frame.y(float(low[i])):.1f}" for i in reversed(steps)]
    return "M" + "L".join(top + bottom) + "Z"


def band_chart(
    median: Sequence[float],
    inner: tuple[Sequence[float], Sequence[float]],
    outer: tuple[Sequence[float], Sequence[float]],
    *,
    title: str,
    x_max: int | None = None,
    y_min: float | None = None,
    y_max: float | None = None,
    reference: float | None = None,
    reference_label: str = "",
    x_label: str = "step (quarter)",
    colour: str = SERIES_COLOURS[0],
    width: int = 420,
    height: int = 210,
    css_id: str | None = None,
) -> str:
    """The median of many runs over time with two shaded bands around it.

    The bands show the spread of an ensemble honestly: a median line alone hides how
    often the runs end far from it.

    Args:
        median: The median at each step, from step 0.
        inner: ``(low, high)`` of the inner band (the central 50 % of the runs).
        outer: ``(low, high)`` of the outer band (the central 90 %).
        title: Title drawn above the plot.
        x_max: Right end of the x axis; the length of ``median`` by default.
        y_min: Lower end of the y axis; from the data when omitted.
        y_max: Upper end of the y axis, raised to fit the data.
        reference: Optional dashed horizontal line (parity = 1).
        reference_label: Label of the reference line.
        x_label: Label of the x axis.
        colour: Colour of the line and the bands (the bands are lighter).
        width: SVG width in pixels.
        height: SVG height in pixels.
        css_id: Optional ``id`` attribute of the ``<svg>``.

    The band paths carry ``data-band='50'`` and ``data-band='90'``, the median line
    ``data-series='median'``.
    """
    x_high = max(x_max or 0, len(median) - 1, 1)
    values = _finite([*median, *inner[0], *inner[1], *outer[0], *outer[1]])
    if reference is not None:
        values.append(reference)
    low = y_min if y_min is not None else min(values, default=0.0)
    high = max(values, default=1.0) if y_max is None else max(y_max, *values)
    frame, out = _open_time_chart((low, high), x_high, 42, width, height, title, x_label, css_id)
    for band, (lo, hi), opacity in (("90", outer, 0.16), ("50", inner, 0.34)):
        path = _band_path(frame, lo, hi)
        if path:
            out.append(
                f"<path d='{path}' fill='{colour}' fill-opacity='{opacity}' stroke='none' "
                f"data-band='{band}'><title>central {band} % of the runs</title></path>"
            )
    out += _reference(frame, reference, reference_label)
    line = _polyline(frame, median)
    finite = _finite(median)
    if line:
        out.append(
            f"<path d='{''.join(line)}' fill='none' stroke='{colour}' stroke-width='2' "
            f"stroke-linejoin='round' data-series='median'/>"
        )
    last = format_number(finite[-1]) if finite else "n/a"
    x = 4.0
    for text, opacity in ((f"median {last}", None), ("50 % of runs", 0.5), ("90 % of runs", 0.16)):
        if opacity is None:
            swatch = f"<rect x='{x:.1f}' y='25' width='12' height='3' fill='{colour}'/>"
        else:
            swatch = (
                f"<rect x='{x:.1f}' y='21' width='12' height='10' fill='{colour}' "
                f"fill-opacity='{opacity}'/>"
            )
        out.append(
            f"{swatch}<text x='{x + 16:.1f}' y='30' fill='{TEXT_COLOUR}'>{escape(text)}</text>"
        )
        x += 16 + 6.2 * len(text) + 14
    out.append("</svg>")
    return "".join(out)


def histogram_chart(
    edges: Sequence[int],
    counts: Sequence[int],
    *,
    title: str,
    x_label: str = "step (quarter)",
    y_label: str = "runs",
    note: str = "",
    colour: str = SERIES_COLOURS[0],
    width: int = 420,
    height: int = 210,
    css_id: str | None = None,
) -> str:
    """Vertical bars of counts over bins of whole steps.

    Bin ``i`` holds the steps ``edges[i]`` to ``edges[i + 1] - 1``; its bar is drawn
    over those steps, so a one-step bin is centred on its step.

    Args:
        edges: Bin edges in steps, one more than ``counts``.
        counts: Count per bin.
        title: Title drawn above the chart.
        x_label: Label of the x axis.
        y_label: What is counted (the y axis).
        note: A line written under the title (the share of runs not counted, say).
        colour: Bar colour.
        width: SVG width in pixels.
        height: SVG height in pixels.
        css_id: Optional ``id`` attribute of the ``<svg>``.

    Every bar carries ``data-bin`` (its first and last step) and ``data-count``.
    """
    if len(edges) != len(counts) + 1:
        raise ValueError("one more edge than counts")
    most = max((int(c) for c in counts), default=0)
    ticks = nice_ticks(0, max(most, 4))
    frame = Frame(
        width=width,
        height=height,
        left=max(len(format_number(t)) for t in ticks) * 6.5 + 26,
        right=12,
        top=42 if note else 26,
        bottom=32,
        x_low=edges[0] - 0.5,
        x_high=edges[-1] - 0.5,
        y_low=ticks[0],
        y_high=ticks[-1],
    )
    out = _open_svg(width, height, title, css_id, keep_top=True)
    if note:
        out.append(f"<text x='4' y='31' fill='{TEXT_COLOUR}'>{escape(note)}</text>")
    out.append(
        f"<text transform='translate(11 {(frame.top + height - frame.bottom) / 2:.1f}) "
        f"rotate(-90)' text-anchor='middle' fill='{MUTED_TEXT}'>{escape(y_label)}</text>"
    )
    out += _y_grid(frame, ticks)
    for tick in nice_ticks(edges[0], edges[-1] - 1, 6):
        if edges[0] <= tick <= edges[-1] - 1:
            out.append(
                f"<text x='{frame.x(tick):.1f}' y='{height - frame.bottom + 14:.1f}' "
                f"text-anchor='middle' fill='{MUTED_TEXT}'>{format_number(tick)}</text>"
            )
    out.append(
        f"<text x='{(frame.left + width - frame.right) / 2:.1f}' y='{height - 4}' "
        f"text-anchor='middle' fill='{MUTED_TEXT}'>{escape(x_label)}</text>"
    )
    base = frame.y(0)
    for first, stop, count in zip(edges[:-1], edges[1:], counts, strict=True):
        last = int(stop) - 1
        x0, x1 = frame.x(first - 0.5), frame.x(last + 0.5)
        top = frame.y(int(count))
        where = f"step {first}" if last == first else f"steps {first}–{last}"
        counted = y_label[:-1] if int(count) == 1 and y_label.endswith("s") else y_label
        out.append(
            f"<rect x='{x0 + 0.5:.1f}' y='{top:.1f}' width='{max(x1 - x0 - 1, 0.8):.1f}' "
            f"height='{max(base - top, 0):.1f}' fill='{colour}' data-bin='{first}-{last}' "
            f"data-count='{int(count)}'><title>{where}: {int(count)} {escape(counted)}</title>"
            "</rect>"
        )
    out.append("</svg>")
    return "".join(out)
