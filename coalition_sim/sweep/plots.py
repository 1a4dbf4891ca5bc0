"""Figures of sweeps: outcome distributions by group, time courses, sensitivity indices.

Every figure is meant to be read without the code: a title that says what is compared
and over how many runs, axes with units, and a legend or labels for every group. Files
are small PNGs (matplotlib's Agg backend, no display needed).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from coalition_sim.sweep.compare import group_labels, label

#: Per-step metrics drawn by the time-course figure, when present.
TIME_METRICS = ("parity", "members")


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig, path: Path) -> Path:
    from coalition_sim.sweep.storage import atomic_write

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=90, format="png"))
    _pyplot().close(fig)
    return path


def _wrap(text: str, width: int = 42) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _value_labels(frame: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """Short tick labels: the group's values, one per line (names go on the axis)."""
    if not by:
        return pd.Series("all runs", index=frame.index)
    parts = [frame[name].map(lambda v: f"{v:g}" if isinstance(v, float) else str(v)) for name in by]
    out = parts[0]
    for part in parts[1:]:
        out = out + "\n" + part
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
    metrics = [m for m in metrics if pd.to_numeric(ok[m], errors="coerce").notna().any()]
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
        ax.set_title(_wrap(label(metric)), fontsize=9)
        ax.set_ylabel(metric, fontsize=8)
        ax.set_xticks(positions)
        ax.set_xlabel(" / ".join(by), fontsize=8)
        ax.set_xticklabels(
            groups, rotation=45 if rotate else 0, ha="right" if rotate else "center", fontsize=7
        )
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    for ax in list(axes.flat)[len(metrics) :]:
        ax.set_visible(False)
    n = len(ok)
    fig.suptitle(
        (_wrap(title, 110) + "\n" if title else "")
        + f"Outcomes by {', '.join(by) if by else 'sweep'}: {n} runs; boxes: quartiles, "
        "whiskers: 1.5 IQR, red dots: means",
        fontsize=10,
    )
    return _save(fig, path)


def plot_timecourse(
    steps: pd.DataFrame,
    runs: pd.DataFrame,
    by: Sequence[str],
    path: Path,
    *,
    metrics: Sequence[str] = TIME_METRICS,
    title: str = "",
) -> Path:
    """Mean per quarter of parity and membership per group, with a 95 % band of the mean."""
    from scipy import stats

    plt = _pyplot()
    ok = runs.loc[runs["status"] == "ok", ["run_id", *by]].copy()
    ok["__group"] = group_labels(ok, by)
    merged = steps.merge(ok[["run_id", "__group"]], on="run_id")
    metrics = [m for m in metrics if m in merged.columns]
    fig, axes = plt.subplots(1, len(metrics), figsize=(6 * len(metrics), 4), squeeze=False)
    for ax, metric in zip(axes.flat, metrics, strict=True):
        for group, part in merged.groupby("__group", sort=False):
            agg = part.groupby("step")[metric].agg(["mean", "std", "count"])
            half = (
                stats.t.ppf(0.975, np.maximum(agg["count"] - 1, 1))
                * agg["std"]
                / np.sqrt(agg["count"])
            )
            line = ax.plot(agg.index, agg["mean"], label=group, linewidth=1.5)
            ax.fill_between(
                agg.index,
                agg["mean"] - half.fillna(0),
                agg["mean"] + half.fillna(0),
                color=line[0].get_color(),
                alpha=0.2,
            )
        if metric == "parity":
            ax.axhline(1.0, color="black", linestyle="--", linewidth=0.8, label="parity = 1")
        ax.set_xlabel("quarter (step 0 = start of 2026)")
        ax.set_ylabel(label(metric), fontsize=8)
        ax.set_title(f"{metric}: mean with 95% band", fontsize=9)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="best")
    fig.suptitle((title + "\n" if title else "") + f"Time course over {len(ok)} runs", fontsize=10)
    return _save(fig, path)


def plot_sensitivity(table: pd.DataFrame, method: str, path: Path, *, title: str = "") -> Path:
    """Bar chart of the indices per metric with their 95 % intervals."""
    plt = _pyplot()
    metrics = list(dict.fromkeys(table["metric"]))
    fig, axes = plt.subplots(
        1,
        len(metrics),
        figsize=(max(4.5, 1.0 * table["parameter"].nunique() + 2) * len(metrics), 4.2),
        squeeze=False,
    )
    for ax, metric in zip(axes.flat, metrics, strict=True):
        part = table[table["metric"] == metric]
        x = np.arange(len(part))
        if method == "sobol":
            ax.bar(
                x - 0.2, part["S1"], 0.4, yerr=part["S1_conf"], capsize=3, label="S1 (first order)"
            )
            ax.bar(
                x + 0.2, part["ST"], 0.4, yerr=part["ST_conf"], capsize=3, label="ST (total order)"
            )
            ax.set_ylabel("share of outcome variance")
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
            ax.set_ylabel(f"elementary effect on {metric}")
        ax.set_xticks(x)
        ax.set_xticklabels(part["parameter"], rotation=30, ha="right", fontsize=8)
        ax.set_title(label(metric), fontsize=9)
        ax.axhline(0, color="black", linewidth=0.6)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7)
    name = "Sobol indices" if method == "sobol" else "Morris elementary effects"
    fig.suptitle((title + "\n" if title else "") + f"{name}, 95% intervals", fontsize=10)
    return _save(fig, path)
