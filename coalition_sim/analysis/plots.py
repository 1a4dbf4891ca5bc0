"""Figures of sweeps: outcome distributions by group, time courses, sensitivity indices.

Every figure is meant to be read without the code: a title that starts with the sweep's
description or name and says what is compared over how many runs, axes in words with
units (:mod:`coalition_sim.analysis.labels`), and a legend or labels for every group. A
panel of an outcome that never varies is left out and named in a note; a share's axis
spans at least :data:`~coalition_sim.analysis.labels.MIN_SHARE_SPAN`, so noise in the
third decimal does not fill the panel. Files are small PNGs (matplotlib's Agg backend,
no display needed).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from coalition_sim.analysis.labels import (
    MIN_SHARE_SPAN,
    is_share,
    label,
    parameter_label,
    words,
)
from coalition_sim.outcomes import measure

#: Per-step metrics drawn by the time-course figure, when present.
TIME_METRICS = ("parity", "members")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path, *, layout: bool = True) -> Path:
    from coalition_sim.folders import atomic_write

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if layout:
        fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=90, format="png"))
    _pyplot().close(fig)
    return path


#: Designs in words, for titles.
_DESIGNS = {
    "grid": "full grid",
    "lhs": "Latin hypercube",
    "sobol": "Sobol (Saltelli) design",
    "morris": "Morris design",
}


def sweep_title(metadata: dict, folder: Path | None = None) -> str:
    """The first title line: the sweep's description, else its name with what was run.

    ``sweep 'hun': full grid of 6 settings x 50 replications, scenario baseline, 40
    quarters``. Unnamed sweeps of older versions are all called "sweep", which says
    nothing: the folder's name stands in.
    """
    description = str(metadata.get("description") or "").strip()
    if description:
        return description
    name = str(metadata.get("name") or "").strip()
    if (not name or name == "sweep") and folder is not None:
        name = Path(folder).name
    design = metadata.get("design") or {}
    spec = metadata.get("spec") or {}
    base = metadata.get("base_scenario") or {}
    parts = []
    method, points = design.get("method"), design.get("samples")
    reps = design.get("reps") or spec.get("reps")
    if method:
        text = _DESIGNS.get(method, str(method))
        if points:
            text += f" of {points} settings"
        if reps:
            text += f" x {reps} replications"
        parts.append(text)
    scenario = spec.get("scenario") or base.get("name")
    if scenario:
        parts.append(f"scenario {scenario}")
    steps = (base.get("values") or {}).get("steps")
    if steps:
        parts.append(f"{steps} quarters")
    head = f"sweep '{name}'" if name and name != "sweep" else "sweep"
    return f"{head}: {', '.join(parts)}" if parts else head


def _share_limits(ax, values: Sequence[float]) -> None:
    """Keep a share's axis at least MIN_SHARE_SPAN wide, inside [0, 1] where possible."""
    finite = [v for v in values if np.isfinite(v)]
    if not finite:
        return
    low, high = ax.get_ylim()
    if high - low >= MIN_SHARE_SPAN:
        return
    middle = (min(finite) + max(finite)) / 2
    low, high = middle - MIN_SHARE_SPAN / 2, middle + MIN_SHARE_SPAN / 2
    if low < 0:
        low, high = 0.0, MIN_SHARE_SPAN
    if high > 1:
        low, high = 1.0 - MIN_SHARE_SPAN, 1.0
    ax.set_ylim(low, high)


def _is_count(metric: str) -> bool:
    """True for outcomes counted in whole numbers (members, vetoes, quarters)."""
    found = measure(metric)
    return found is not None and found.kind in ("count", "step")


def _integer_ticks(axis) -> None:
    """Whole-number ticks only: a count has no half-states, a step no half-quarters."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _constant(values: pd.Series) -> bool:
    finite = pd.to_numeric(values, errors="coerce").dropna()
    return len(finite) > 0 and bool(np.isclose(finite.min(), finite.max()))


def _wrap(text: str, width: int = 42) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _value_labels(frame: pd.DataFrame, by: Sequence[str], sep: str = "\n") -> pd.Series:
    """Short labels: the group's values, one per line (names go on the axis).

    Plain strings, also for the quantile bins of a sampled design (categoricals, which
    do not add up as strings).
    """
    if not by:
        return pd.Series("all runs", index=frame.index)
    parts = [
        frame[name].astype(object).map(lambda v: f"{v:g}" if isinstance(v, float) else str(v))
        for name in by
    ]
    out = parts[0].astype(str)
    for part in parts[1:]:
        out = out + sep + part.astype(str)
    return out


#: Outcomes that are shares of runs (0 or 1 per run): drawn as bars with a 95 % CI.
SHARE_METRICS = ("parity_reached", "ukraine_member")


def plot_distributions(
    runs: pd.DataFrame,
    by: Sequence[str],
    metrics: Sequence[str],
    path: Path,
    *,
    title: str = "",
) -> Path:
    """Box plots of each metric per group (successful runs), with the mean as a dot.

    Shares (parity reached, Ukraine a member) are bars of the share with a 95 % interval.
    Metrics without any value (parity never reached) are left out.
    """
    from scipy import stats

    plt = _pyplot()
    ok = runs[runs["status"] == "ok"].copy()
    ok["__group"] = _value_labels(ok, by)
    groups = list(dict.fromkeys(ok["__group"]))
    if any(isinstance(ok[name].dtype, pd.CategoricalDtype) for name in by):
        groups = list(dict.fromkeys(ok.sort_values(list(by))["__group"]))
    empty = [m for m in metrics if not pd.to_numeric(ok[m], errors="coerce").notna().any()]
    metrics = [m for m in metrics if m not in empty]
    constant = [m for m in metrics if _constant(ok[m])]
    drawn = [m for m in metrics if m not in constant] or metrics[:1]
    skipped = [m for m in metrics if m not in drawn]
    metrics = drawn
    cols = min(3 if len(groups) <= 6 else 2, len(metrics))
    rows = int(np.ceil(len(metrics) / cols))
    width = max(4.2, 0.9 * len(groups) + 1.2)
    rotate = len(groups) > 10
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, 3.9 * rows), squeeze=False)
    positions = np.arange(1, len(groups) + 1)
    for ax, metric in zip(axes.flat, metrics, strict=False):
        data = [
            pd.to_numeric(ok.loc[ok["__group"] == g, metric], errors="coerce").dropna().to_numpy()
            for g in groups
        ]
        means = np.array([d.mean() if len(d) else np.nan for d in data])
        if metric in SHARE_METRICS:
            half = np.array(
                [
                    stats.t.ppf(0.975, len(d) - 1) * d.std(ddof=1) / np.sqrt(len(d))
                    if len(d) > 1
                    else 0.0
                    for d in data
                ]
            )
            ax.bar(
                positions,
                means,
                0.6,
                yerr=half,
                capsize=3,
                color="tab:blue",
                alpha=0.7,
                label="share, 95% CI",
            )
            ax.set_ylim(0, 1.05)
        else:
            ax.boxplot(
                data,
                positions=positions,
                widths=0.6,
                showfliers=True,
                flierprops={"markersize": 2, "alpha": 0.4},
            )
            ax.plot(positions, means, "o", color="tab:red", markersize=4, label="mean")
            if is_share(metric):
                _share_limits(ax, [v for d in data for v in d])
            if _is_count(metric):
                _integer_ticks(ax.yaxis)
        ax.set_title(_wrap(words(metric)), fontsize=10)
        ax.set_ylabel(_wrap(label(metric), 36), fontsize=9)
        ax.set_xticks(positions)
        ax.set_xlabel(_wrap(" / ".join(parameter_label(b) for b in by), 60), fontsize=9)
        ax.set_xticklabels(
            groups, rotation=45 if rotate else 0, ha="right" if rotate else "center", fontsize=8
        )
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8, loc="best")
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    n = len(ok)
    compared = ", ".join(parameter_label(b) for b in by) if by else "all runs together"
    fig.suptitle(
        (_wrap(title, 110) + "\n" if title else "")
        + f"Outcomes by {compared}: {n} runs; boxes: quartiles, orange lines: medians, "
        "whiskers: 1.5 IQR, red dots: means",
        fontsize=11,
    )
    if skipped or empty:
        parts = [
            f"{words(m)} ({_fmt_value(pd.to_numeric(ok[m], errors='coerce').dropna().iloc[0])} "
            "in every run)"
            for m in skipped
        ]
        parts += [f"{words(m)} (no run has a value)" for m in empty]
        fig.text(0.01, 0.005, _wrap(f"Not drawn: {'; '.join(parts)}", 160),
                 fontsize=8, ha="left", va="bottom", style="italic")  # fmt: skip
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        return _save(fig, path, layout=False)
    return _save(fig, path)


def _fmt_value(value: float) -> str:
    return f"{value:g}"


#: Line styles and markers that tell groups apart without colour (print, colour blindness).
_LINESTYLES = ("-", "--", ":", "-.")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def _value_text(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _group_styles(ok: pd.DataFrame, by: Sequence[str], order: Sequence[str]) -> dict[str, dict]:
    """Colour, line style and marker of each group, and its legend label (values in words).

    With two varied parameters the colour follows the first and the line style and
    marker the second, so a reader can read both off a line; otherwise each group gets
    its own combination of all three.
    """
    colours = _pyplot().rcParams["axes.prop_cycle"].by_key()["color"]
    first = ok.drop_duplicates("__group").set_index("__group")
    values = {group: [first.loc[group, name] for name in by] for group in order}
    levels = [list(dict.fromkeys(values[g][j] for g in order)) for j in range(len(by))]
    out = {}
    for i, group in enumerate(order):
        if len(by) == 2:
            c, s = levels[0].index(values[group][0]), levels[1].index(values[group][1])
        else:
            c, s = i, i
        out[group] = {
            "color": colours[c % len(colours)],
            "linestyle": _LINESTYLES[s % len(_LINESTYLES)],
            "marker": _MARKERS[s % len(_MARKERS)],
            "label": ", ".join(_value_text(v) for v in values[group]) if by else "all runs",
        }
    return out


def plot_timecourse(
    steps: pd.DataFrame,
    runs: pd.DataFrame,
    by: Sequence[str],
    path: Path,
    *,
    metrics: Sequence[str] = TIME_METRICS,
    title: str = "",
) -> Path:
    """Mean per quarter of parity and membership per group, with a 95 % band of the mean.

    One legend for both panels, outside them, titled with the varied parameters in
    words; its entries are the groups' values. Groups differ by colour, line style and
    marker (markers staggered so that nearly equal lines still show each one).
    """
    from scipy import stats

    plt = _pyplot()
    ok = runs.loc[runs["status"] == "ok", ["run_id", *by]].copy()
    ok["__group"] = _value_labels(ok, by, sep=", ")
    merged = steps.merge(ok[["run_id", "__group"]], on="run_id")
    metrics = [m for m in metrics if m in merged.columns]
    binned = any(isinstance(ok[name].dtype, pd.CategoricalDtype) for name in by)
    order = list(dict.fromkeys(ok.sort_values(list(by))["__group"] if binned else ok["__group"]))
    styles = _group_styles(ok, by, order)
    fig, axes = plt.subplots(
        1,
        len(metrics),
        figsize=(5.6 * len(metrics) + 2.4, 4.2),
        squeeze=False,
        layout="constrained",
    )
    every = max(1, int(merged["step"].max()) // 8) if len(merged) else 1
    handles: dict[str, object] = {}
    for ax, metric in zip(axes.flat, metrics, strict=True):
        parts = dict(tuple(merged.groupby("__group", sort=False)))
        for k, group in enumerate(g for g in order if g in parts):
            agg = parts[group].groupby("step")[metric].agg(["mean", "std", "count"])
            half = (
                stats.t.ppf(0.975, np.maximum(agg["count"] - 1, 1))
                * agg["std"]
                / np.sqrt(agg["count"])
            ).fillna(0)
            style = styles[group]
            (line,) = ax.plot(
                agg.index,
                agg["mean"],
                color=style["color"],
                linestyle=style["linestyle"],
                marker=style["marker"],
                markevery=(k % every, every),
                markersize=5,
                linewidth=1.5,
                label=style["label"],
            )
            ax.fill_between(
                agg.index, agg["mean"] - half, agg["mean"] + half, color=style["color"], alpha=0.15
            )
            handles.setdefault(style["label"], line)
        if metric == "parity":
            handles["parity = 1"] = ax.axhline(
                1.0, color="black", linestyle="--", linewidth=0.8, label="parity = 1"
            )
        if is_share(metric):
            _share_limits(ax, merged[metric].to_numpy(dtype=float))
        if _is_count(metric):
            _integer_ticks(ax.yaxis)
        ax.set_xlabel("quarter (step 0 = start of 2026)", fontsize=9)
        ax.set_ylabel(label(metric), fontsize=9)
        ax.set_title(f"{words(metric)}: mean of the runs, 95% band", fontsize=10)
        ax.grid(alpha=0.3)
    legend_title = "\n".join(_wrap(parameter_label(b), 28) for b in by) if by else None
    fig.legend(
        list(handles.values()),
        list(handles),
        loc="outside right center",
        title=legend_title,
        fontsize=8,
        title_fontsize=8,
        frameon=False,
    )
    compared = f" by {' and '.join(parameter_label(b) for b in by)}" if by else ""
    fig.suptitle(
        (title + "\n" if title else "") + f"Time course of {len(ok)} runs{compared}",
        fontsize=11,
    )
    return _save(fig, path, layout=False)


def plot_sensitivity(
    table: pd.DataFrame, method: str, path: Path, *, title: str = "", note: str = ""
) -> Path:
    """Bar charts of the indices per metric with their 95 % intervals, two per row.

    One row of many panels was 2250 pixels wide with small text; a grid of two columns
    keeps each panel wide enough for parameter names in words. ``note`` (one line per
    warning) is printed in red under the panels, every line of it.
    """
    plt = _pyplot()
    metrics = list(dict.fromkeys(table["metric"]))
    cols = min(2, len(metrics))
    rows = int(np.ceil(len(metrics) / cols))
    per = max(5.5, 0.9 * table["parameter"].nunique() + 2.5)
    fig, axes = plt.subplots(rows, cols, figsize=(per * cols, 4.6 * rows), squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=False):
        part = table[table["metric"] == metric]
        x = np.arange(len(part))
        if method == "sobol":
            ax.bar(
                x - 0.2, part["S1"], 0.4, yerr=part["S1_conf"], capsize=3, label="S1 (first order)"
            )
            ax.bar(
                x + 0.2, part["ST"], 0.4, yerr=part["ST_conf"], capsize=3, label="ST (total order)"
            )
            ax.set_ylabel("share of outcome variance", fontsize=9)
        else:
            ax.bar(
                x - 0.2,
                part["mu_star"],
                0.4,
                yerr=part["mu_star_conf"],
                capsize=3,
                label="mu* (mean |effect|)",
            )
            ax.bar(x + 0.2, part["sigma"], 0.4, label="sigma (spread of effects)")
            ax.set_ylabel(_wrap(f"effect on {label(metric)}", 40), fontsize=9)
        ax.set_xticks(x)
        ax.set_xticklabels([_wrap(parameter_label(p), 18) for p in part["parameter"]], fontsize=9)
        ax.set_title(_wrap(label(metric), 60), fontsize=10)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.grid(axis="y", alpha=0.3)
        ax.tick_params(axis="y", labelsize=9)
        ax.legend(fontsize=8)
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    name = "Sobol indices" if method == "sobol" else "Morris elementary effects"
    fig.suptitle((title + "\n" if title else "") + f"{name}, 95% intervals", fontsize=11)
    if note:  # a figure shared without the terminal's warnings must still carry them
        lines = [wrapped for line in note.splitlines() for wrapped in _wrap(line, 150).splitlines()]
        fig.text(0.01, 0.005, "\n".join(lines), fontsize=8, color="tab:red", va="bottom")
        height = fig.get_size_inches()[1]
        fig.tight_layout(rect=(0, min(0.5, (len(lines) * 8 * 1.3 + 6) / 72 / height), 1, 1))
        return _save(fig, path, layout=False)
    return _save(fig, path)
