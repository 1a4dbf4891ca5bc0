"""The sweep page: compare the outcome distributions of the sweeps the server offers.

A sweep folder (written by ``coalition-sim sweep``) holds ``runs.parquet`` (one row per
run: varied parameters, seed, outcomes, status) and ``metadata.json``. The page offers
sweeps **by name only**: those the server was started with (``dashboard --sweep DIR``,
repeatable) and the finished sweeps under ``--sweeps-root`` (:class:`SweepCatalog`). No
value sent by a page is ever used as a path, so a page can neither probe the server's
files nor make it read one; an error names the sweep, not its folder, and never quotes a
file.

Reading, derived outcomes (``parity_reached``), readable labels of varied ISO3 lists, the
varied parameters and the per-group statistics (mean, sd, Student-t 95 % interval, failed
runs) come from :mod:`coalition_sim.analysis.compare`, the same code as ``coalition-sim
compare``. A loaded sweep is kept in a small cache shared by every session (at most
:data:`CACHED_SWEEPS`), so ten analysts looking at one sweep hold it once. This page adds
box plots of the chosen outcome for each value of the chosen parameter; a sampled
(continuous) parameter with many distinct values is cut into quantile bins first.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import solara

from coalition_sim.dashboard.common import clip, heading, note
from coalition_sim.dashboard.svgplot import BoxStats, box_plot
from coalition_sim.errors import InputError

logger = logging.getLogger(__name__)

#: Environment variables set by ``coalition-sim dashboard``: ``{name: folder}`` of the
#: ``--sweep`` folders (JSON), and the ``--sweeps-root`` folder.
SWEEPS_ENV = "COALITION_SIM_SWEEPS"
SWEEPS_ROOT_ENV = "COALITION_SIM_SWEEPS_ROOT"

#: Loaded sweeps kept for every session together (a sweep of 40,000 runs is about 10 MB).
CACHED_SWEEPS = 4
#: At most this many sweeps are listed from a sweeps root.
MAX_LISTED = 500

#: Columns of runs.parquet that are bookkeeping, neither parameter nor outcome.
BOOKKEEPING = frozenset(
    {"run_id", "sample_id", "replication", "seed", "status", "error", "wall_time_s", "command"}
)

#: At most this many groups on the parameter axis; more distinct values are binned.
MAX_GROUPS = 8

#: The tab's rules in the page's one stylesheet (see :mod:`coalition_sim.dashboard.styles`).
CSS = (
    "#sweep-plot svg{background:#fff}"
    "#sweep-table table{border-collapse:collapse;font-size:12.5px;margin-top:6px}"
    "#sweep-table td,#sweep-table th{padding:3px 12px;border-bottom:1px solid #eee;"
    "text-align:left}"
)


@dataclass(frozen=True)
class SweepResults:
    """A loaded sweep: its runs and which columns are parameters and outcomes."""

    folder: Path
    runs: Any  # pandas.DataFrame, with compare.add_derived's columns
    parameters: tuple[str, ...]
    outcomes: tuple[str, ...]
    failed: int


@dataclass(frozen=True)
class SweepCatalog:
    """The sweeps the server offers, by name.

    Attributes:
        named: ``{name: folder}`` of the sweeps given one by one (``--sweep``).
        root: A folder whose finished sub-folders are offered by their names
            (``--sweeps-root``); listed again each time the names are asked for.
    """

    named: Mapping[str, Path] = field(default_factory=dict)
    root: Path | None = None

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> SweepCatalog:
        """The catalog ``coalition-sim dashboard`` set up (empty when run otherwise)."""
        try:
            named = json.loads(environ.get(SWEEPS_ENV) or "{}")
        except ValueError:
            logger.error("%s is not JSON; no sweep is offered", SWEEPS_ENV)
            named = {}
        root = environ.get(SWEEPS_ROOT_ENV)
        return cls({str(k): Path(v) for k, v in named.items()}, Path(root) if root else None)

    def _under_root(self) -> dict[str, Path]:
        if self.root is None:
            return {}
        try:
            folders = sorted(p for p in self.root.iterdir() if (p / "runs.parquet").is_file())
        except OSError as error:
            logger.error("sweeps root %s: %s", self.root, error)
            return {}
        return {p.name: p for p in folders[:MAX_LISTED]}

    def names(self) -> list[str]:
        """Every sweep offered, the ones given by name first."""
        return list(dict.fromkeys([*self.named, *self._under_root()]))

    def folder(self, name: str) -> Path:
        """The folder of an offered sweep.

        Raises:
            InputError: when ``name`` is not one of :meth:`names`.
        """
        if name in self.named:
            return self.named[name]
        found = self._under_root().get(name)
        if found is None:
            raise InputError(f"sweep '{clip(name, 80)}': not offered by this server")
        return found


def open_sweep(catalog: SweepCatalog, name: str) -> SweepResults:
    """The sweep offered as ``name``, read once for every session (see :data:`CACHED_SWEEPS`).

    Raises:
        InputError: naming the sweep (not its folder) when it is unknown or unreadable.
    """
    folder = catalog.folder(name)
    try:
        stamp = (folder / "runs.parquet").stat().st_mtime_ns
    except OSError:
        raise InputError(f"sweep '{name}': its runs.parquet is gone") from None
    try:
        return _cached_sweep(folder, stamp)
    except InputError as error:
        logger.error("sweep %s (%s): %s", name, folder, error)
        message = str(error).replace(str(folder), f"sweep '{name}'")
        raise InputError(clip(message, 300)) from None


@functools.lru_cache(maxsize=CACHED_SWEEPS)
def _cached_sweep(folder: Path, stamp: int) -> SweepResults:
    """A sweep read from ``folder``; ``stamp`` (the file's time) renews it when rewritten."""
    return load_sweep(folder)


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
        f"<table><tr><th>{escape(parameter)}</th><th>runs</th><th>failed</th><th>mean</th>"
        f"<th>sd</th><th>95 % interval of the mean</th></tr>{rows}</table>"
    )


def axis_label(name: str) -> str:
    """Words and unit of an outcome or parameter, from :mod:`coalition_sim.outcomes`."""
    from coalition_sim.analysis.compare import label as compare_label
    from coalition_sim.outcomes import label

    words = label(name)
    return words if words != name else compare_label(name)


def sweep_svg(results: SweepResults, parameter: str, outcome: str) -> str:
    """The box plot of ``outcome`` by ``parameter``, labelled in words with units."""
    return box_plot(
        box_stats(results.runs, parameter, outcome),
        title=f"{axis_label(outcome)} by {parameter}",
        x_label=axis_label(parameter),
        y_label=axis_label(outcome),
        css_id="sweep-boxplot",
    )


@solara.component
def SweepExplorer(catalog: SweepCatalog) -> None:
    """Pick an offered sweep, a parameter and an outcome; see the distributions."""
    names = solara.use_memo(catalog.names, [])  # listed when the tab is first opened
    name, set_name = solara.use_state(names[0] if names else "")
    parameter, set_parameter = solara.use_state("")
    outcome, set_outcome = solara.use_state("")

    def load() -> SweepResults | str | None:
        if not name:
            return None
        try:
            return open_sweep(catalog, name)
        except InputError as error:
            return str(error)

    results = solara.use_memo(load, [name])

    heading("Sweep explorer: outcome distributions by parameter")
    if not names:
        note(
            "No sweep is offered: start the dashboard with --sweep DIR (repeatable) or "
            "--sweeps-root DIR to compare the results of coalition-sim sweep here."
        )
        return
    solara.Select(
        "sweep",
        values=names,
        value=name if name in names else names[0],
        on_value=set_name,
        style="max-width: 420px",
    )
    if isinstance(results, str) or results is None:
        solara.Error(results or "no sweep chosen")
        return
    if not results.outcomes or not results.parameters:
        solara.Warning(f"sweep '{name}': no varied parameter or numeric outcome found.")
        return
    chosen_parameter = parameter if parameter in results.parameters else results.parameters[0]
    chosen_outcome = outcome if outcome in results.outcomes else results.outcomes[0]
    outcome_labels = {axis_label(o): o for o in results.outcomes}
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
            values=list(outcome_labels),
            value=axis_label(chosen_outcome),
            on_value=lambda text: set_outcome(outcome_labels.get(text, "")),
            style="min-width: 300px",
        )
    summary = f"{len(results.runs)} runs of sweep '{name}'"
    if results.failed:
        summary += f"; {results.failed} failed runs are left out of the statistics"
    note(summary)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=sweep_svg(results, chosen_parameter, chosen_outcome),
        attributes={"id": "sweep-plot"},
        style="max-width: 900px",
    )
    table = summary_rows(results.runs, chosen_parameter, chosen_outcome)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=summary_html(table, chosen_parameter),
        attributes={"id": "sweep-table"},
    )
