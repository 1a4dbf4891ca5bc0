"""Figures of scenario discovery and feature scores, in the style of :mod:`plots`.

Two figures, each readable without the code: parameters are named in words with their
unit (from a small label map, else the schema's help text), the title says which sweep
and which question, and every panel carries information.

- :func:`plot_discovery`: the peeling trajectory (coverage against density, the chosen
  box marked) beside the chosen box's limits drawn against each parameter's full range.
- :func:`plot_scores`: the feature scores as horizontal bars with their spread.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from coalition_sim.analysis.discovery import (
    CATEGORICAL,
    Box,
    Dimension,
    Discovery,
    Limit,
    parameter_label,
)
from coalition_sim.analysis.features import FeatureScores
from coalition_sim.analysis.plots import _pyplot, _save

#: Colours: the chosen box, the parameter's full range, values dropped from the box.
CHOSEN = "tab:red"
BOX = "tab:blue"
FULL = "0.85"


def _number(value: float) -> str:
    return f"{value:.3g}"


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _draw_trajectory(ax, discovery: Discovery) -> None:
    boxes = discovery.boxes
    coverage = np.array([b.coverage for b in boxes])
    density = np.array([b.density for b in boxes])
    restricted = np.array([len(b.restricted) for b in boxes])
    ax.plot(coverage, density, color="0.6", linewidth=0.8, zorder=1)
    levels = sorted(set(restricted.tolist()))
    cmap = _pyplot().get_cmap("viridis")
    for k, level in enumerate(levels):
        mask = restricted == level
        ax.scatter(
            coverage[mask],
            density[mask],
            s=18,
            # dark to mid-green: viridis' pale yellow end is hard to see on white
            color=cmap(0.8 * k / max(len(levels) - 1, 1)),
            label=f"{level} parameter{'s' if level != 1 else ''} restricted",
            zorder=2,
        )
    peeled = boxes[discovery.chosen.index]
    chosen = discovery.chosen
    ax.scatter(
        [peeled.coverage],
        [peeled.density],
        s=140,
        facecolors="none",
        edgecolors=CHOSEN,
        linewidths=2,
        zorder=3,
        label=f"chosen box {peeled.index}",
    )
    if chosen.pasted:
        ax.annotate(
            "",
            xy=(chosen.coverage, chosen.density),
            xytext=(peeled.coverage, peeled.density),
            arrowprops={"arrowstyle": "->", "color": CHOSEN},
        )
        ax.scatter(
            [chosen.coverage],
            [chosen.density],
            marker="*",
            s=160,
            color=CHOSEN,
            zorder=4,
            label="after pasting",
        )
    ax.axhline(
        discovery.threshold,
        color="black",
        linestyle="--",
        linewidth=0.8,
        label=f"density threshold {discovery.threshold:g}",
    )
    ax.annotate(
        f"coverage {chosen.coverage:.2f}\ndensity {chosen.density:.2f}\n{chosen.n} runs",
        xy=(chosen.coverage, chosen.density),
        xytext=(-110, -58),
        textcoords="offset points",
        fontsize=8,
        color=CHOSEN,
        bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": CHOSEN, "alpha": 0.9},
        arrowprops={"arrowstyle": "-", "color": CHOSEN, "linewidth": 0.8},
    )
    ax.set_xlim(-0.02, 1.05)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel(f"coverage: share of the {discovery.cases} cases inside the box")
    ax.set_ylabel("density: share of the box's runs that are cases")
    ax.set_title(
        f"Peeling trajectory: {len(boxes)} boxes (alpha {discovery.alpha:g}, "
        f"smallest box {discovery.min_mass:g} of the runs)",
        fontsize=9,
    )
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="lower left")


def _draw_limits(
    ax,
    dimensions: Sequence[Dimension],
    box: Box,
    quasi_p: Mapping[str, float],
    shown: Mapping[str, Mapping[Any, str]],
) -> None:
    """One row per parameter: the full range in grey, what the box keeps in colour."""
    limits = {limit.name: limit for limit in box.limits}
    order = [d for d in dimensions if d.name in box.restricted]
    order += [d for d in dimensions if d.name not in box.restricted]
    labels = []
    for row, dimension in enumerate(order):
        y = len(order) - 1 - row
        limit: Limit = limits[dimension.name]
        restricted = dimension.name in box.restricted
        colour = BOX if restricted else "0.55"
        if dimension.kind == CATEGORICAL:
            values = dimension.values
            width = 1 / len(values)
            kept = set(limit.values or ())
            for k, value in enumerate(values):
                inside = value in kept
                ax.barh(
                    y,
                    width * 0.94,
                    left=k * width + width * 0.03,
                    height=0.5,
                    color=colour if inside else FULL,
                )
                text = shown.get(dimension.name, {}).get(value, _value_text(value))
                ax.text(
                    (k + 0.5) * width,
                    y,
                    textwrap.shorten(text, 22, placeholder="..."),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if inside else "0.3",
                )
        else:
            low, high = float(dimension.low), float(dimension.high)
            span = high - low or 1.0
            start = (limit.low - low) / span if restricted else 0.0
            stop = (limit.high - low) / span if restricted else 1.0  # no sliver of sample edge
            ax.barh(y, 1, left=0, height=0.5, color=FULL)
            ax.barh(y, max(stop - start, 0.004), left=start, height=0.5, color=colour)
            ax.text(-0.01, y, _number(low), ha="right", va="center", fontsize=7, color="0.4")
            ax.text(1.01, y, _number(high), ha="left", va="center", fontsize=7, color="0.4")
            if restricted:
                ax.text(
                    (start + stop) / 2,
                    y + 0.36,
                    f"{_number(limit.low)} to {_number(limit.high)}",
                    ha="center",
                    va="bottom",
                    fontsize=7,
                    color=BOX,
                )
        label = textwrap.fill(parameter_label(dimension.name), 30)
        if restricted and dimension.name in quasi_p:
            label += f"\nquasi-p {quasi_p[dimension.name]:.2g}"
        elif not restricted:
            label += "\nnot restricted"
        labels.append((y, label))
    ax.set_yticks([y for y, _ in labels])
    ax.set_yticklabels([text for _, text in labels], fontsize=7)
    ax.set_xlim(-0.08, 1.08)
    ax.set_ylim(-0.6, len(order) - 0.2)
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(
        "The box against each parameter's full range (grey): ranges kept, values kept in colour",
        fontsize=9,
    )


def plot_discovery(
    discovery: Discovery,
    path: Path,
    *,
    title: str = "",
    shown: Mapping[str, Mapping[Any, str]] | None = None,
) -> Path:
    """Draw the trade-off and the chosen box; ``shown`` relabels categorical values."""
    plt = _pyplot()
    rows = len(discovery.dimensions)
    height = max(4.4, 0.62 * rows + 1.9)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(12.5, height), gridspec_kw={"width_ratios": [1, 1.15]}
    )
    _draw_trajectory(left, discovery)
    _draw_limits(right, discovery.dimensions, discovery.chosen, discovery.quasi_p, shown or {})
    chosen = discovery.chosen
    heading = (
        f'Where are the runs matching "{discovery.query}"? Scenario discovery (PRIM) on '
        f"{discovery.runs} runs, {discovery.cases} of them cases"
    )
    summary = (
        f"chosen box {chosen.index}{' (pasted)' if chosen.pasted else ''}: "
        f"{chosen.cases} of its {chosen.n} runs are cases (density {chosen.density:.2f}), "
        f"holding {chosen.coverage:.0%} of all cases"
    )
    fig.suptitle(
        "\n".join(
            part
            for part in (textwrap.fill(title, 120), textwrap.fill(heading, 120), summary)
            if part
        ),
        fontsize=10,
    )
    return _save(fig, path)


def plot_scores(scores: FeatureScores, path: Path, *, title: str = "") -> Path:
    """Horizontal bars of the scores, best at the top, with one sd of the shuffles."""
    from coalition_sim.analysis.compare import label

    plt = _pyplot()
    table = scores.table.iloc[::-1]
    height = max(2.8, 0.5 * len(table) + 1.6)
    fig, ax = plt.subplots(figsize=(8.5, height))
    y = np.arange(len(table))
    ax.barh(
        y,
        table["importance"],
        xerr=table["importance_sd"],
        color=BOX,
        alpha=0.8,
        capsize=3,
        height=0.6,
    )
    ax.set_yticks(y)
    ax.set_yticklabels([textwrap.fill(parameter_label(p), 34) for p in table["parameter"]])
    ax.tick_params(axis="y", labelsize=8)
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_xlabel("fall in held-out R² when the parameter is shuffled (bars: ± one sd)")
    ax.grid(axis="x", alpha=0.3)
    outcome = scores.outcome
    what = outcome if outcome.startswith("where: ") else label(outcome)
    heading = (
        f"Which parameters matter for {what}? Random forest permutation importance; "
        f"held-out R² {scores.r2:.2f} ({scores.runs} runs, seed {scores.seed})"
    )
    fig.suptitle(
        "\n".join(part for part in (textwrap.fill(title, 95), textwrap.fill(heading, 95)) if part),
        fontsize=9,
    )
    return _save(fig, path)
