"""Comparing outcome distributions across groups of runs.

An analyst judges a policy by the distribution of outcomes over replications, not by one
run. :func:`summary_table` gives, for each group (by default each combination of the
varied parameters) and each metric, the number of successful runs, the mean, the
standard deviation and a 95 % confidence interval of the mean (Student's t). Runs that
failed are counted per group and left out of the statistics.

``first_parity_step`` is missing (null; -1 in folders of older versions) when parity
was never reached, so that a plain mean is over the runs that reached it; the table
also reports ``parity_reached`` (an outcome of every run: whether ``first_parity_step``
is not missing), whose mean is the share of runs that reached parity, in [0, 1].

In a Latin hypercube, Sobol or Morris design every sample has its own values, so
grouping by value gives one group per sample. Numeric parameters of such designs are
cut into quantile bins (terciles by default) and the output says so; when even that
leaves too few runs per group the comparison is refused with advice.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coalition_sim.analysis.labels import label as label_of
from coalition_sim.errors import InputError, brief
from coalition_sim.sweeps import storage

#: Metrics compared when none are named, in this order, when present.
DEFAULT_METRICS = (
    "final_members",
    "final_parity",
    "final_cohesion",
    "final_credibility",
    "parity_reached",
    "first_parity_step",
    "vetoes_unreliable",
)

#: Designs whose samples each have their own values of a numeric parameter.
CONTINUOUS_DESIGNS = ("lhs", "sobol", "morris")
#: Quantile bins per varied numeric parameter of a continuous design (terciles).
DEFAULT_BINS = 3
#: Fewer successful runs per group than this, on average, make no comparison.
MIN_RUNS_PER_GROUP = 3


def label(metric: str) -> str:
    """Describe a metric with its unit, for titles and axes."""
    return label_of(metric)


def load_runs(folder: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read ``runs.parquet`` and ``metadata.json`` of a sweep folder, or raise InputError."""
    from coalition_sim.sweeps.runner import load_metadata

    folder = Path(folder)
    path = folder / storage.RUNS
    if not path.exists():
        if (folder / storage.PARTS).exists():
            raise InputError(
                f"{folder}: the sweep did not finish; run 'coalition-sim sweep --resume "
                f"{folder}' first"
            )
        raise InputError(f"{folder}: not a sweep folder (no {storage.RUNS})")
    metadata = load_metadata(folder)
    try:
        runs = pd.read_parquet(path)
    except (OSError, ValueError) as error:  # pyarrow's errors derive from these
        raise InputError(
            f"{path}: cannot read ({brief(str(error).replace(str(path), path.name))}); "
            f"'coalition-sim sweep --resume {folder}' moves the damaged file aside and "
            "runs its runs again"
        ) from None
    return add_derived(runs), metadata


def add_derived(runs: pd.DataFrame) -> pd.DataFrame:
    """Flags as 0/1 (their mean is a share); ``first_parity_step`` NaN when never reached.

    "Never" is null in ``runs.parquet`` (-1 in folders of older versions); a failed
    run has neither, and its ``parity_reached`` is missing too, not 0. Folders of
    versions before ``parity_reached`` was an outcome get it from ``first_parity_step``.
    """
    runs = runs.copy()
    ok = runs["status"] == "ok" if "status" in runs else pd.Series(True, index=runs.index)
    if "first_parity_step" in runs:
        step = pd.to_numeric(runs["first_parity_step"], errors="coerce").astype(float)
        reached = step.notna() & (step >= 0)
        if "parity_reached" not in runs:
            runs["parity_reached"] = reached
        runs["first_parity_step"] = step.where(reached)
    if "parity_reached" in runs:
        flag = runs["parity_reached"].astype("boolean").astype("Float64").astype(float)
        runs["parity_reached"] = flag.where(ok)
    if "ukraine_member" in runs:
        runs["ukraine_member"] = runs["ukraine_member"].astype(float)
    return runs


def bin_continuous(
    runs: pd.DataFrame,
    metadata: dict[str, Any],
    by: Sequence[str],
    bins: int = DEFAULT_BINS,
) -> tuple[pd.DataFrame, str]:
    """Cut the numeric parameters of a continuous design into quantile bins.

    Returns the runs with each binned column replaced by an ordered categorical of bin
    labels (``0.201 to 0.433``), and a sentence for the output saying what was done
    (empty when nothing was binned: a grid, or values already few).
    """
    design = metadata.get("design", {})
    method = design.get("method")
    if method not in CONTINUOUS_DESIGNS:
        return runs, ""
    ranges = {
        p["name"] for p in design.get("parameters", []) if p.get("values") is None and "low" in p
    }
    out = runs.copy()
    binned = []
    for name in by:
        if name not in ranges or name not in out:
            continue
        values = pd.to_numeric(out[name], errors="coerce")
        if values.nunique() <= bins:
            continue  # an integer range with few values: group by value
        codes = pd.qcut(values, bins, labels=False, duplicates="drop")
        labels = {
            code: f"{values[codes == code].min():.3g} to {values[codes == code].max():.3g}"
            for code in sorted(codes.dropna().unique())
        }
        out[name] = pd.Categorical(
            codes.map(labels), categories=[labels[c] for c in sorted(labels)], ordered=True
        )
        binned.append(name)
    if not binned:
        return out, ""
    kind = {2: "halves", 3: "terciles", 4: "quartiles", 5: "quintiles"}.get(
        bins, f"{bins} quantile bins"
    )
    note = (
        f"groups: {kind} of {', '.join(binned)} ({method} design: every sample has its own "
        f"values; --bins K to change, --by NAME to choose)"
    )
    return out, note


def check_group_sizes(runs: pd.DataFrame, by: Sequence[str], method: str | None) -> None:
    """Refuse to compare groups of a continuous design that hold too few runs each.

    A grid's groups are the analyst's choice (its replications are the group size); a
    continuous design's groups come from binning, and when even the bins hold fewer
    than :data:`MIN_RUNS_PER_GROUP` runs on average, their means compare nothing.
    """
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    if not by or ok.empty or method not in CONTINUOUS_DESIGNS:
        return
    groups = ok.groupby(list(by), observed=True, sort=False).ngroups
    if len(ok) >= MIN_RUNS_PER_GROUP * groups:
        return
    advice = "group by fewer parameters (--by NAME) or use fewer --bins"
    if method in ("sobol", "morris"):
        advice += ", or see 'coalition-sim sensitivity'"
    raise InputError(
        f"--by {' '.join(by)}: {len(ok)} successful runs of the {method} design fall into "
        f"{groups} groups, fewer than {MIN_RUNS_PER_GROUP} runs per group; {advice}"
    )


def readable(runs: pd.DataFrame, metadata: dict[str, Any]) -> pd.DataFrame:
    """Show varied ISO3 lists as changes to the base scenario: ``+HUN +SVK``, ``-UKR``.

    A founders list of twelve codes makes an unreadable group label; what differs from
    the base scenario's list is what the analyst varied. Used for printed tables and
    figures; the CSV keeps the full values.
    """
    base = metadata.get("base_scenario", {}).get("values", {})
    out = runs.copy()
    for name in varied_parameters(metadata):
        reference = base.get(name)
        if not isinstance(reference, list) or name not in out:
            continue

        def change(value: Any, reference: list = reference) -> Any:
            if not isinstance(value, str):
                return value
            codes = [c for c in value.split(",") if c]
            added = [f"+{c}" for c in codes if c not in reference]
            removed = [f"-{c}" for c in reference if c not in codes]
            return " ".join(added + removed) or "as base"

        out[name] = out[name].map(change)
    return out


def varied_parameters(metadata: dict[str, Any]) -> list[str]:
    """Names of the parameters the sweep varied, in design order."""
    return [p["name"] for p in metadata.get("design", {}).get("parameters", [])]


def check_columns(runs: pd.DataFrame, names: Sequence[str], what: str) -> None:
    """Raise InputError naming the first unknown column."""
    for name in names:
        if name not in runs.columns:
            allowed = ", ".join(c for c in runs.columns if c not in ("command", "error"))
            raise InputError(f"{what} {name}: no such column; allowed: {allowed}")


def numeric_metrics(runs: pd.DataFrame, metrics: Sequence[str] | None) -> list[str]:
    """The metrics to compare: the named ones (checked) or the defaults present."""
    if metrics:
        check_columns(runs, metrics, "--metric")
        for name in metrics:
            if not pd.api.types.is_numeric_dtype(runs[name]):
                raise InputError(f"--metric {name}: not a numeric outcome")
        return list(metrics)
    return [m for m in DEFAULT_METRICS if m in runs.columns]


def _t_quantile(df: np.ndarray) -> np.ndarray:
    from scipy import stats

    return stats.t.ppf(0.975, df)


def group_labels(frame: pd.DataFrame, by: Sequence[str]) -> pd.Series:
    """A readable label per row: ``admission_rule=qmv, reliability=0.7``."""
    if not by:
        return pd.Series("all runs", index=frame.index)
    parts = [frame[name].map(lambda v, n=name: f"{n}={_fmt(v)}") for name in by]
    out = parts[0]
    for part in parts[1:]:
        out = out + ", " + part
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


#: Values that differ by less than this share of their size are one value computed in
#: different orders (0.7 and 0.7000000000000001): their spread is rounding, not variation.
ROUNDING = 1e-12


def _spread(values: np.ndarray) -> float:
    """The standard deviation, 0 when the values differ by rounding only (not 1.2e-16)."""
    size = float(np.max(np.abs(values)))
    if float(np.ptp(values)) <= ROUNDING * size:
        return 0.0
    return float(np.std(values, ddof=1))


def summary_table(runs: pd.DataFrame, by: Sequence[str], metrics: Sequence[str]) -> pd.DataFrame:
    """Mean, sd and 95 % CI of each metric per group; one row per (group, metric).

    Groups keep the order in which they first appear in run-id order (the design order).
    """
    check_columns(runs, by, "--by")
    keys = list(by)
    members: dict[tuple, list] = {(): list(runs.index)} if not keys else {}
    if keys:
        tuples = zip(*(runs[k] for k in keys), strict=True)
        for index, key in zip(runs.index, tuples, strict=True):
            members.setdefault(key, []).append(index)
        ordered = [k for k in keys if isinstance(runs[k].dtype, pd.CategoricalDtype)]
        if ordered:  # quantile bins: low to high, not in order of first appearance
            rank = {k: {c: i for i, c in enumerate(runs[k].cat.categories)} for k in ordered}
            members = dict(
                sorted(
                    members.items(),
                    key=lambda item: tuple(
                        rank[k].get(v, -1) if k in rank else 0
                        for k, v in zip(keys, item[0], strict=True)
                    ),
                )
            )
    rows = []
    for key, index in members.items():
        group = runs.loc[index]
        part = group[group["status"] == "ok"]
        failed = int((group["status"] != "ok").sum())
        values = dict(zip(keys, key, strict=True))
        for metric in metrics:
            series = pd.to_numeric(part[metric], errors="coerce").dropna().astype(float)
            n = len(series)
            mean = float(series.mean()) if n else np.nan
            sd = _spread(series.to_numpy()) if n > 1 else np.nan
            half = float(_t_quantile(np.array(n - 1)) * sd / np.sqrt(n)) if n > 1 else np.nan
            rows.append(
                {
                    **values,
                    "metric": metric,
                    "n": n,
                    "failed": failed,
                    "mean": mean,
                    "sd": sd,
                    "ci95_low": mean - half,
                    "ci95_high": mean + half,
                }
            )
    return pd.DataFrame(rows)


def format_table(table: pd.DataFrame, by: Sequence[str]) -> str:
    """Render the summary for a terminal: one line per group and metric."""
    if table.empty:
        return "(no runs)"
    shown = table.copy()
    shown.insert(0, "group", group_labels(shown, by))
    shown = shown.drop(columns=list(by))

    def interval(row: pd.Series) -> str:
        if np.isnan(row["ci95_low"]):
            return ""
        return f"[{row['ci95_low']:.4g}, {row['ci95_high']:.4g}]"

    shown["95% CI"] = shown.apply(interval, axis=1)
    width = int(shown["group"].str.len().max())
    shown["group"] = shown["group"].str.ljust(width)
    shown["metric"] = shown["metric"].str.ljust(int(shown["metric"].str.len().max()))
    shown = shown[["group", "metric", "n", "failed", "mean", "sd", "95% CI"]]
    return shown.to_string(
        index=False, float_format=lambda x: f"{x:.4g}", na_rep="-", justify="left"
    )


def mean_difference(runs: pd.DataFrame, by: str, metric: str, a: Any, b: Any) -> dict[str, float]:
    """Difference of means ``b - a`` of ``metric`` between two values of ``by``, Welch CI.

    Used by the experiments to say whether a lever changes an outcome beyond noise.
    """
    from scipy import stats

    ok = runs[runs["status"] == "ok"]
    x = pd.to_numeric(ok.loc[ok[by] == a, metric], errors="coerce").dropna().to_numpy()
    y = pd.to_numeric(ok.loc[ok[by] == b, metric], errors="coerce").dropna().to_numpy()
    diff = float(y.mean() - x.mean())
    vx, vy = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se = float(np.sqrt(vx + vy))
    if se == 0:
        return {"difference": diff, "ci95_low": diff, "ci95_high": diff, "p_value": 0.0}
    df = (vx + vy) ** 2 / (vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1))
    half = float(stats.t.ppf(0.975, df) * se)
    p = float(2 * stats.t.sf(abs(diff) / se, df))
    return {"difference": diff, "ci95_low": diff - half, "ci95_high": diff + half, "p_value": p}
