"""The Ensemble page: N replications of the sidebar's controls, in about a second.

One run shows one draw of the model's random events; this page shows what many draws
have in common. "Run ensemble" reads the controls the Run page uses (preset, parameters,
seed) the same way (:meth:`~coalition_sim.dashboard.controls.DashboardRun.choose`), runs N
replications on the engine (:func:`coalition_sim.ensemble.run_ensemble`, every run at
once) and draws:

- parity, members and credibility over time: the median and the central 50 % and 90 %
  of the runs;
- the map of Europe shaded by each state's share of runs in which it is a member at the
  end (a sequential scale; founders are members in every run);
- when parity is first reached (a histogram over quarters), with the share of runs that
  never reach it;
- one line: how many runs, how long they took, and the ``coalition-sim sweep`` command
  that makes the same runs.

The numbers are computed in :mod:`coalition_sim.ensemble`; this module only draws them.
A session keeps an :class:`EnsembleSummary` (bands, shares, the histogram: a few
kilobytes), never the runs themselves, and gives the ensemble's memory back as soon as it
is summarised; ensembles of all sessions take turns (:data:`~coalition_sim.dashboard.
memory.ENSEMBLE_SLOT`). A refused control is shown like on the Run page (its message names
the field and repeats at most a few dozen characters of the input) and the ensemble runs
with the other controls; nothing typed here can take the server down.
"""

from __future__ import annotations

import logging
import math
import shlex
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from html import escape
from typing import Any

import solara

from coalition_sim.dashboard import memory
from coalition_sim.dashboard.common import clip, heading, note
from coalition_sim.dashboard.geometry import europe_layout
from coalition_sim.dashboard.map import share_map_svg
from coalition_sim.dashboard.palette import SERIES_COLOURS
from coalition_sim.dashboard.svgplot import band_chart, histogram_chart
from coalition_sim.ensemble import (
    MAX_RUNS,
    Bands,
    Ensemble,
    FirstParity,
    check_runs,
    quantile_bands,
    run_ensemble,
)
from coalition_sim.errors import InputError
from coalition_sim.parameters import cli_value

logger = logging.getLogger(__name__)

#: Replications the page offers first.
RUNS_DEFAULT = 200

#: Height of one band chart and of the map on the page.
CHART_HEIGHT_PX = 230
MAP_HEIGHT_PX = 520

#: The tab's rules in the page's one stylesheet (see :mod:`coalition_sim.dashboard.styles`).
CSS = (
    "#ensemble-bands svg{width:100%;height:100%;background:#fff;border-radius:4px}"
    "#ensemble-histogram svg{width:100%;background:#fff;border-radius:4px}"
)


@dataclass(frozen=True)
class BandPanel:
    """One band chart: the metric, its title, its axis and an optional reference line."""

    metric: str
    title: str
    y_min: float | None = 0.0
    y_max: float | None = None
    reference: float | None = None
    reference_label: str = ""
    colour: str = SERIES_COLOURS[0]


BAND_PANELS: tuple[BandPanel, ...] = (
    BandPanel("parity", "Parity with Russia", 0, 1, 1.0, "parity = 1", SERIES_COLOURS[0]),
    BandPanel("members", "Members", 0, None, colour=SERIES_COLOURS[2]),
    BandPanel("credibility", "Credibility", 0, 1, colour=SERIES_COLOURS[3]),
)


#: Quarters of the first-parity histogram shown at least, and empty quarters kept after
#: the last one with a run (the axis ends soon after the last first parity, not at the
#: horizon, so bars in quarters 1 to 3 are not lost in an axis of 40).
MIN_HISTOGRAM_STEPS = 8
HISTOGRAM_MARGIN = 2


@dataclass(frozen=True)
class EnsembleSummary:
    """What the Ensemble tab shows of an ensemble: its summaries, not its runs.

    Attributes:
        scenario: The scenario every run used (its seed is the master seed).
        runs: How many runs.
        horizon: The last step of every run.
        elapsed_s: Seconds to build, run and collect the runs.
        bands: Median and central 50 % and 90 % per step, for each drawn metric.
        codes: ISO3 codes of the states, in the order of ``member_counts``.
        member_counts: In how many runs each state is a member at the end.
        founders: The scenario's founders.
        first_parity: When the runs first reach parity, and how many never do.
    """

    scenario: Any
    runs: int
    horizon: int
    elapsed_s: float
    bands: Mapping[str, Bands]
    codes: tuple[str, ...]
    member_counts: tuple[int, ...]
    founders: tuple[str, ...]
    first_parity: FirstParity

    @classmethod
    def of(cls, ensemble: Ensemble) -> EnsembleSummary:
        """The summaries of ``ensemble`` (which can then be let go)."""
        return cls(
            scenario=ensemble.scenario,
            runs=ensemble.runs,
            horizon=ensemble.horizon,
            elapsed_s=ensemble.elapsed_s,
            bands={p.metric: quantile_bands(ensemble.series[p.metric]) for p in BAND_PANELS},
            codes=tuple(ensemble.codes),
            member_counts=tuple(int(n) for n in ensemble.member.sum(axis=0)),
            founders=tuple(ensemble.founders),
            first_parity=ensemble.first_parity(),
        )

    def membership(self) -> dict[str, float]:
        """``{iso3: share of runs in which the state is a member at the end}``."""
        return {c: n / self.runs for c, n in zip(self.codes, self.member_counts, strict=True)}

    @property
    def master_seed(self) -> int:
        """The seed the runs' seeds come from."""
        return int(self.scenario["seed"])


@dataclass(frozen=True)
class EnsembleOutcome:
    """What one press of "Run ensemble" gave: the ensemble's summaries, or why there are none.

    Attributes:
        summary: The runs' summaries, or ``None`` when nothing could run.
        error: Why some controls were refused (each message names its field), or ``None``.
        controls: The controls it read, to tell when they have changed since.
        scenario_name: The preset (or scenario file) it started from.
        changes: The parameters the controls changed, as applied.
        number: How many times "Run ensemble" was pressed, this time included: drawn in
            ``data-number`` so a test (or a benchmark) sees when a new one has arrived.
        previous: True when nothing could run this time and ``summary`` (with its
            controls and changes) is the one before, kept on the page.
    """

    summary: EnsembleSummary | None
    error: str | None
    controls: Mapping[str, Any] = field(default_factory=dict)
    scenario_name: str = ""
    changes: Mapping[str, Any] = field(default_factory=dict)
    number: int = 0
    previous: bool = False


def next_outcome(last: EnsembleOutcome | None, new: EnsembleOutcome) -> EnsembleOutcome:
    """What the page shows after a press: ``new``, numbered; the last ensemble if none ran.

    When nothing could run (a bad number of runs), the drawings of the last ensemble stay
    with the new message above them, rather than an empty page.
    """
    number = last.number + 1 if last is not None else 1
    if new.summary is None and last is not None and last.summary is not None:
        return replace(last, error=new.error, number=number, previous=True)
    return replace(new, number=number)


def ensemble_from_controls(
    run_class: Any, controls: Mapping[str, Any], count: int
) -> tuple[Ensemble, str, dict[str, Any], list[str]]:
    """The ensemble the controls ask for, with its preset, applied changes and refusals.

    Raises:
        RuntimeError: when even the preset without any change cannot be built.
    """
    from coalition_sim.dashboard.controls import build_with

    choice = run_class.choose(controls)
    problems = choice.problems

    def build(scenario: Any) -> Ensemble:
        return run_ensemble(scenario, count, choice.seed, dataset=run_class.dataset)

    ensemble, changes = build_with(choice.base, choice.changes, choice.seed, build, problems)
    return ensemble, choice.scenario_name, changes, problems


def run_from_controls(run_class: Any, controls: Mapping[str, Any], runs: Any) -> EnsembleOutcome:
    """Run the ensemble the controls ask for and keep its summaries; never raises.

    Args:
        run_class: The page's :class:`~coalition_sim.dashboard.controls.DashboardRun`
            subclass: it knows the presets, the starting controls and the data.
        controls: The sidebar's values by name.
        runs: The number of replications (text as typed, or a number).
    """
    snapshot = dict(controls)
    try:
        count = check_runs(runs)
    except InputError as error:
        return EnsembleOutcome(None, clip(str(error), 300), snapshot)
    except Exception:  # an input check must not take the page down
        logger.error("runs %r:\n%s", clip(str(runs)), traceback.format_exc())
        return EnsembleOutcome(None, f"runs: not a whole number from 1 to {MAX_RUNS}", snapshot)
    try:
        with memory.ENSEMBLE_SLOT:
            ensemble, name, changes, problems = ensemble_from_controls(run_class, controls, count)
            summary = EnsembleSummary.of(ensemble)
            del ensemble
            memory.trim()
    except Exception as error:  # the preset itself failed: say so, keep the server up
        logger.error("ensemble failed:\n%s", traceback.format_exc())
        return EnsembleOutcome(None, clip(f"{type(error).__name__}: {error}", 300), snapshot)
    return EnsembleOutcome(summary, "; ".join(problems) or None, snapshot, name, changes)


# --------------------------------------------------------------------------- drawings
def bands_html(summary: EnsembleSummary) -> str:
    """The three band charts side by side."""
    cells = []
    for panel in BAND_PANELS:
        bands = summary.bands[panel.metric]
        svg = band_chart(
            bands.median.tolist(),
            (bands.low50.tolist(), bands.high50.tolist()),
            (bands.low90.tolist(), bands.high90.tolist()),
            title=panel.title,
            x_max=summary.horizon,
            y_min=panel.y_min,
            y_max=panel.y_max,
            reference=panel.reference,
            reference_label=panel.reference_label,
            colour=panel.colour,
            width=340,
            height=220,
            css_id=f"ensemble-band-{panel.metric}",
        )
        cells.append(f"<div style='min-width:0; height:{CHART_HEIGHT_PX}px'>{svg}</div>")
    return "".join(cells)


def membership_tooltips(summary: EnsembleSummary) -> dict[str, str]:
    """Hover text of each state: in how many runs it is a member at the end."""
    names = {shape.iso3: shape.name for shape in europe_layout().shapes}
    founders = set(summary.founders)
    tips = {}
    for code, count in zip(summary.codes, summary.member_counts, strict=True):
        share = count / summary.runs
        text = (
            f"{names.get(code, code)} ({code}): a member at the end in {count} of "
            f"{summary.runs} runs ({share:.0%})"
        )
        tips[code] = text + (" · a founder" if code in founders else "")
    return tips


def map_html(summary: EnsembleSummary) -> str:
    """The map shaded by each state's share of runs in which it is a member at the end."""
    svg = share_map_svg(
        summary.membership(),
        adversary=("RUS", "BLR"),
        tooltips=membership_tooltips(summary),
        legend_title=f"member at the end, share of {summary.runs} runs",
        label="Map of Europe by the share of runs in which each state is a member at the end",
    )
    return (
        "<div style='font-size:13px;font-weight:500;margin:0 0 4px'>"
        f"Member at the end of {summary.horizon} quarters</div>"
        f"<div style='height:{MAP_HEIGHT_PX}px;line-height:0'>{svg}</div>"
    )


def never_text(summary: EnsembleSummary) -> str:
    """The sentence on the runs that never reach parity."""
    first = summary.first_parity
    return (
        f"{first.never_share:.0%} of the runs ({first.never} of {first.runs}) never reach "
        f"parity within {summary.horizon} quarters"
    )


def shown_bins(first: FirstParity) -> tuple[list[int], list[int]]:
    """The histogram's bins up to shortly after the last quarter with a first parity.

    Bins after :data:`HISTOGRAM_MARGIN` empty ones past the last non-empty bin are left
    out (at least :data:`MIN_HISTOGRAM_STEPS` quarters are kept): they are all zero, and
    an axis of the whole horizon squeezes bars in quarters 1 to 3 into its left edge.
    """
    edges, counts = first.edges.tolist(), first.counts.tolist()
    filled = [i for i, count in enumerate(counts) if count]
    last = (filled[-1] if filled else -1) + HISTOGRAM_MARGIN
    keep = max(last + 1, math.ceil(MIN_HISTOGRAM_STEPS / first.width))
    keep = min(keep, len(counts))
    return edges[: keep + 1], counts[:keep]


def histogram_html(summary: EnsembleSummary) -> str:
    """The histogram of the first step with parity, with the share that never reach it."""
    first = summary.first_parity
    reached = first.runs - first.never
    edges, counts = shown_bins(first)
    x_label = "first step with parity >= 1 (quarter)"
    if first.width > 1:
        x_label += f", bins of {first.width} quarters"
    if edges[-1] <= summary.horizon:
        x_label += f"; none first later, up to {summary.horizon}"
    svg = histogram_chart(
        edges,
        counts,
        title="When parity is first reached",
        note=f"{reached} of {first.runs} runs reach it; {first.never_share:.0%} never do",
        x_label=x_label,
        css_id="ensemble-first-parity",
    )
    return (
        f"{svg}<p style='margin:4px 0;font-size:13px' data-never='{first.never}'>"
        f"{escape(never_text(summary))}.</p>"
    )


def summary_text(summary: EnsembleSummary) -> str:
    """The line that says what ran: "200 runs in 0.3 s", and what the runs did."""
    first = summary.first_parity
    members = float(summary.bands["members"].median[-1])
    return (
        f"{summary.runs} runs in {summary.elapsed_s:.2f} s · {summary.horizon} quarters "
        f"each · parity reached in {1 - first.never_share:.0%} · median "
        f"{members:g} members at the end"
    )


def sweep_command(outcome: EnsembleOutcome, sources: Mapping[str, str] | None = None) -> str:
    """The ``coalition-sim sweep`` command that makes the same runs (same seeds).

    Args:
        outcome: What "Run ensemble" gave.
        sources: How the command line names each scenario (a file for one opened from
            a TOML file); the scenario's name when missing.
    """
    summary = outcome.summary
    if summary is None:
        return ""
    scenario = (sources or {}).get(outcome.scenario_name, outcome.scenario_name)
    words = ["coalition-sim", "sweep", "--scenario", scenario]
    for name, value in outcome.changes.items():
        words += ["--set", f"{name}={cli_value(value)}"]
    words += ["--reps", str(summary.runs), "--seed", str(summary.master_seed)]
    return shlex.join(words)


def provenance(outcome: EnsembleOutcome, sources: Mapping[str, str] | None = None) -> str:
    """Which scenario, master seed and changed controls the ensemble ran with (HTML)."""
    summary = outcome.summary
    if summary is None:
        return ""
    text = f"Scenario <b>{escape(outcome.scenario_name)}</b>, master seed {summary.master_seed}"
    if outcome.changes:
        listed = ", ".join(f"{k} = {cli_value(v)}" for k, v in outcome.changes.items())
        text += f"; changed: {escape(listed)}"
    return (
        f"{text}. The same runs: <code style='font-size:12px' id='ensemble-command'>"
        f"{escape(sweep_command(outcome, sources))}</code> "
        "(each row of its runs.parquet holds a run's seed)."
    )


# --------------------------------------------------------------------------- the page
@solara.component
def EnsemblePage(
    run_class: Any,
    controls: solara.Reactive,
    runs: solara.Reactive,
    outcome: solara.Reactive,
) -> None:
    """The runs control, the "Run ensemble" button and the last ensemble's drawings.

    Args:
        run_class: The page's run class (presets, starting controls, data).
        controls: The sidebar's values, shared with the Run page.
        runs: The number of replications as typed (kept when the tab changes).
        outcome: The last :class:`EnsembleOutcome` (kept when the tab changes).
    """

    def press() -> None:
        outcome.set(
            next_outcome(outcome.value, run_from_controls(run_class, controls.value, runs.value))
        )

    heading("Ensemble: many replications of the controls in the sidebar")
    with solara.Row(style="align-items: center; flex-wrap: wrap; gap: 16px;"):
        solara.InputText(
            "Runs (replications of the current controls)",
            value=runs,
            message=f"runs: 1 to {MAX_RUNS}",
            style="max-width: 300px;",
            continuous_update=True,
        )
        solara.Button("Run ensemble", color="primary", on_click=press)
    current = outcome.value
    if current is None:
        note(
            "Press Run ensemble: the runs use the preset, parameters and seed of the sidebar "
            "(replication r gets the seed coalition-sim sweep gives it, from the seed "
            "control as master seed)."
        )
        return
    if current.error:
        if current.previous:
            tail = "Nothing was run; the ensemble below is the previous one."
        elif current.summary is not None:
            tail = (
                "Fix the value and press Run ensemble again; the ensemble below uses the "
                "other controls."
            )
        else:
            tail = "Nothing was run."
        solara.Error(f"Not applied: {current.error}. {tail}", icon=True, dense=True)
    summary = current.summary
    if summary is None:
        return
    if dict(current.controls) != dict(controls.value):
        solara.Warning(
            "The controls have changed since this ensemble ran: press Run ensemble to update it.",
            dense=True,
        )
    marks = {"data-runs": str(summary.runs), "data-number": str(current.number)}
    solara.HTML(
        tag="div",
        unsafe_innerHTML=escape(summary_text(summary)),
        attributes={"id": "ensemble-summary", **marks},
        style="font-size: 15px; font-weight: 500; margin: 6px 0 2px;",
    )
    note(provenance(current, run_class.sources), html=True)
    solara.HTML(
        tag="div",
        unsafe_innerHTML=bands_html(summary),
        attributes={"id": "ensemble-bands", **marks},
        style="display:grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 6px 18px;",
    )
    with solara.Row(style="flex-wrap: wrap; gap: 18px; align-items: flex-start;"):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=map_html(summary),
            attributes={"id": "ensemble-map", **marks},
            style="flex: 3 1 480px; min-width: 0;",
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=histogram_html(summary),
            attributes={"id": "ensemble-histogram", **marks},
            style="flex: 2 1 360px; min-width: 0;",
        )
