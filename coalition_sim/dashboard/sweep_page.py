"""The sweep page: open a sweep's results folder and compare outcome distributions.

A sweep folder (written by ``coalition-sim sweep``) holds ``runs.parquet`` (one row per
run: varied parameters, seed, outcomes, status) and ``metadata.json``. Reading, derived
outcomes (``parity_reached``), readable labels of varied ISO3 lists, the varied parameters
and the per-group statistics (mean, sd, Student-t 95 % interval, failed runs) come from
:mod:`coalition_sim.analysis.compare`,
the same code as ``coalition-sim compare``. This page adds box plots of the chosen outcome
for each value of the chosen parameter; a sampled (continuous) parameter with many
distinct values is cut into quantile bins first.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import solara

from coalition_sim.dashboard.common import heading, note
from coalition_sim.dashboard.svgplot import BoxStats, box_plot
from coalition_sim.errors import InputError

#: Environment variable naming the folder the page opens with (``dashboard --sweep``).
SWEEP_ENV = "COALITION_SIM_SWEEP_DIR"

#: Columns of runs.parquet that are bookkeeping, neither parameter nor outcome.
BOOKKEEPING = frozenset(
    {"run_id", "sample_id", "replication", "seed", "status", "error", "wall_time_s", "command"}
)

#: At most this many groups on the parameter axis; more distinct values are binned.
MAX_GROUPS = 8


@dataclass(frozen=True)
class SweepResults:
    """A loaded sweep: its runs and which columns are parameters and outcomes."""

    folder: Path
    runs: Any  # pandas.DataFrame, with compare.add_derived's columns
    parameters: tuple[str, ...]
    outcomes: tuple[str, ...]
    failed: int


def load_sweep(folder: str | Path) -> SweepResults:
    """Read a sweep folder with :func:`coalition_sim.analysis.compare.load_runs`.

    Raises:
        InputError: naming the folder when it is not a finished sweep.
    """
    import pandas as pd

    from coalition_sim.analysis import compare
    from coalition_sim.parameters import SCHEMA

    path = Path(str(folder).strip()).expanduser()
    if path.name == "runs.parquet":
        path = path.parent
    if not path.is_dir():
        raise InputError(f"sweep folder: '{path}' is not a folder")
    try:
        runs, metadata = compare.load_runs(path)
    except InputError:
        raise
    except Exception as error:  # a damaged file must not take the page down
        raise InputError(f"sweep folder: cannot read '{path}': {error}") from None
    runs = compare.readable(runs, metadata)  # ISO3 lists as changes: "+HUN -UKR"
    varied = [p for p in compare.varied_parameters(metadata) if p in runs.columns]
    if not varied:
        varied = [c for c in runs.columns if c in SCHEMA or str(c).startswith("state.")]
    numeric = [
        str(c)
        for c in runs.columns
        if c not in BOOKKEEPING
        and c not in varied
        and (pd.api.types.is_numeric_dtype(runs[c]) or pd.api.types.is_bool_dtype(runs[c]))
    ]
    preferred = [m for m in compare.DEFAULT_METRICS if m in numeric]
    outcomes = [*preferred, *(m for m in numeric if m not in preferred)]
    failed = int((runs["status"] != "ok").sum()) if "status" in runs else 0
    return SweepResults(path, runs, tuple(varied), tuple(outcomes), failed)


def group_column(values: Any) -> tuple[Any, list[str]]:
    """A label per run for grouping, and the labels in display order.

    Up to :data:`MAX_GROUPS` distinct values are kept as they are; more numeric values
    are cut into quantile bins labelled ``low–high``.
    """
    import pandas as pd

    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    distinct = values.dropna().unique()
    if numeric and len(distinct) > MAX_GROUPS:
        bins = pd.qcut(values, q=MAX_GROUPS, duplicates="drop")
        labels = [f"{i.left:.3g}–{i.right:.3g}" for i in bins.cat.categories]
        codes = bins.cat.codes.to_numpy()
        keys = pd.Series([labels[c] if c >= 0 else "n/a" for c in codes], index=values.index)
        return keys, labels

    def text(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:g}"
        if isinstance(value, list | tuple) or hasattr(value, "tolist"):
            return " ".join(str(v) for v in (value.tolist() if hasattr(value, "tolist") else value))
        return str(value)

    keys = values.map(text)
    order = sorted(distinct) if numeric else list(dict.fromkeys(keys))
    return keys, [text(v) for v in order] if numeric else order


def box_stats(runs: Any, parameter: str, outcome: str) -> list[BoxStats]:
    """Five-number summaries of ``outcome`` over successful runs, per group of ``parameter``."""
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    keys, labels = group_column(ok[parameter])
    values = ok[outcome].astype(float)
    stats = []
    for label in labels:
        group = values[(keys == label).to_numpy()].dropna()
        if group.empty:
            continue
        q1, median, q3 = group.quantile([0.25, 0.5, 0.75]).to_numpy()
        stats.append(
            BoxStats(
                label=label,
                count=len(group),
                minimum=float(group.min()),
                q1=float(q1),
                median=float(median),
                q3=float(q3),
                maximum=float(group.max()),
                mean=float(group.mean()),
            )
        )
    return stats


def summary_rows(runs: Any, parameter: str, outcome: str) -> Any:
    """``compare.summary_table`` of the outcome by the parameter (binned like the plot)."""
    from coalition_sim.analysis import compare

    keys, _ = group_column(runs[parameter])
    frame = runs.assign(**{parameter: keys})
    return compare.summary_table(frame, [parameter], [outcome])


def summary_html(table: Any, parameter: str) -> str:
    """The comparison table: runs, failed, mean, sd and the 95 % interval per group."""

    def number(value: Any) -> str:
        return f"{value:.4g}" if isinstance(value, float) and math.isfinite(value) else "–"

    rows = "".join(
        f"<tr><td>{escape(str(row[parameter]))}</td><td>{int(row['n'])}</td>"
        f"<td>{int(row['failed'])}</td><td>{number(row['mean'])}</td><td>{number(row['sd'])}"
        f"</td><td>{number(row['ci95_low'])} – {number(row['ci95_high'])}</td></tr>"
        for _, row in table.iterrows()
    )
    return (
        "<style>#sweep-table table{border-collapse:collapse;font-size:12.5px;margin-top:6px}"
        "#sweep-table td,#sweep-table th{padding:3px 12px;border-bottom:1px solid #eee;"
        "text-align:left}</style>"
        f"<table><tr><th>{escape(parameter)}</th><th>runs</th><th>failed</th><th>mean</th>"
        f"<th>sd</th><th>95 % interval of the mean</th></tr>{rows}</table>"
    )


@solara.component
def SweepExplorer(model: Any = None) -> None:
    """Pick a sweep folder, a parameter and an outcome; see the distributions."""
    folder, set_folder = solara.use_state(os.environ.get(SWEEP_ENV, ""))
    parameter, set_parameter = solara.use_state("")
    outcome, set_outcome = solara.use_state("")

    def load() -> SweepResults | str | None:
        if not folder.strip():
            return None
        try:
            return load_sweep(folder)
        except InputError as error:
            return str(error)

    results = solara.use_memo(load, [folder])

    heading("Sweep explorer: outcome distributions by parameter")
    solara.InputText(
        "sweep results folder (holds runs.parquet)",
        value=folder,
        on_value=set_folder,
        continuous_update=False,
    )
    if results is None:
        note("Type the path of a folder written by coalition-sim sweep and press Enter.")
        return
    if isinstance(results, str):
        solara.Error(results)
        return
    if not results.outcomes or not results.parameters:
        solara.Warning(f"{results.folder}: no varied parameter or numeric outcome found.")
        return
    from coalition_sim.analysis.compare import label

    chosen_parameter = parameter if parameter in results.parameters else results.parameters[0]
    chosen_outcome = outcome if outcome in results.outcomes else results.outcomes[0]
    with solara.Row(style="flex-wrap: wrap; gap: 16px;"):
        solara.Select(
            "parameter",
            values=list(results.parameters),
            value=chosen_parameter,
            on_value=set_parameter,
            style="min-width: 260px",
        )
        solara.Select(
            "outcome",
            values=list(results.outcomes),
            value=chosen_outcome,
            on_value=set_outcome,
            style="min-width: 300px",
        )
    summary = f"{len(results.runs)} runs from {results.folder}"
    if results.failed:
        summary += f"; {results.failed} failed runs are left out of the statistics"
    note(summary)
    svg = box_plot(
        box_stats(results.runs, chosen_parameter, chosen_outcome),
        title=f"{label(chosen_outcome)} by {chosen_parameter}",
        x_label=chosen_parameter,
        y_label=chosen_outcome,
        css_id="sweep-boxplot",
    )
    solara.HTML(
        tag="div",
        unsafe_innerHTML=f"<style>#sweep-plot svg{{background:#fff}}</style>{svg}",
        attributes={"id": "sweep-plot"},
        style="max-width: 900px",
    )
    table = summary_rows(results.runs, chosen_parameter, chosen_outcome)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=summary_html(table, chosen_parameter),
        attributes={"id": "sweep-table"},
    )
