"""The head of the page: where the run stands and what it was built from.

One line of key figures (quarter, members, parity, cohesion, credibility, threat, US
commitment) with the download button, the scenario and the changes the controls applied,
the main parameters of the run, and the message of a refused control (it names the field).
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import solara

from coalition_sim.dashboard.common import (
    format_value,
    latest,
    model_series,
    note,
    simulation,
)
from coalition_sim.dashboard.download import RunDownload
from coalition_sim.dashboard.palette import MUTED_TEXT

#: Calendar of the steps: step 1 is the first quarter of this year.
FIRST_YEAR = 2026

#: The panel's rules in the page's one stylesheet (see :mod:`coalition_sim.dashboard.styles`).
CSS = (
    "#run-figures{display:flex;flex-wrap:wrap;gap:4px 22px;margin:2px 0 6px}"
    ".cs-fig-v{font-size:17px;font-weight:500}"
    f".cs-fig-l{{font-size:11px;color:{MUTED_TEXT};text-transform:uppercase;"
    "letter-spacing:.04em}"
)


def quarter_label(step: int, first_year: int = FIRST_YEAR) -> str:
    """The quarter a step simulated: step 1 is 2026Q1, step 40 is 2035Q4, step 0 the start."""
    if step <= 0:
        return f"start of {first_year}"
    year, quarter = divmod(step - 1, 4)
    return f"{first_year + year}Q{quarter + 1}"


def _figure(label: str, value: Any, digits: int = 2) -> str:
    if isinstance(value, float):
        text = f"{value:.{digits}f}" if math.isfinite(value) else "n/a"
    else:
        text = str(value)
    return (
        f"<div class='cs-fig'><div class='cs-fig-v'>{escape(text)}</div>"
        f"<div class='cs-fig-l'>{escape(label)}</div></div>"
    )


def figures_html(sim: Any) -> str:
    """The row of key figures at the current step."""
    series = model_series(sim)
    step = int(getattr(sim, "steps", 0))
    members = latest(series, "members", default="n/a")
    cells = [
        _figure("step", f"{step} · {quarter_label(step)}"),
        _figure("members", int(members) if isinstance(members, int | float) else members),
        _figure("parity", float(latest(series, "parity"))),
        _figure("cohesion", float(latest(series, "cohesion"))),
        _figure("credibility", float(latest(series, "credibility"))),
        _figure("threat", float(latest(series, "threat"))),
        _figure("US commitment", float(latest(series, "us_commitment"))),
    ]
    return "".join(cells)


def provenance(run: Any) -> str:
    """Which scenario, seed and changed controls the run was built from (HTML)."""
    name = getattr(run, "scenario_name", None)
    if name is None:
        return ""
    changes = getattr(run, "changes", {}) or {}
    text = f"Scenario <b>{escape(str(name))}</b>, seed {escape(str(getattr(run, 'seed', '?')))}"
    if changes:
        listed = ", ".join(
            f"{k} = {', '.join(v) if isinstance(v, list | tuple) else v}"
            for k, v in changes.items()
        )
        text += f"; changed: {escape(listed)}"
    return text + ". Controls apply on Reset."


def settings_line(sim: Any) -> str:
    """The main parameters of the running model, as ``name value`` pairs."""
    from coalition_sim.dashboard.controls import MAIN_PARAMETERS

    config = getattr(sim, "config", None)
    if config is None:
        return ""
    parts = []
    for name in MAIN_PARAMETERS:
        if name in config.values:
            value = config.values[name]
            text = "never" if value is None else format_value(value)
            parts.append(f"{name} {text}")
    return " · ".join(parts)


@solara.component
def RunProvenance(model: Any) -> None:
    """What the run was built from, and a refused control's message: once per run."""
    error = getattr(model, "error", None)
    if error:
        solara.Error(
            f"Not applied: {error}. Fix the value and press Reset; the run below uses "
            "the other controls.",
            icon=True,
            dense=True,
        )
    note(f"{provenance(model)}<br>{escape(settings_line(simulation(model)))}", html=True)


@solara.component
def RunOverview(model: Any, step: int = 0) -> None:
    """Key figures, provenance, a refused control's message and the download button.

    ``step`` is the step the run stands at: the Run page passes it, so a new step
    redraws the figures; the rest belongs to the run and is drawn once per run.
    """
    sim = simulation(model)
    with solara.Column(gap="2px", style="padding: 0 8px;"):
        with solara.Row(justify="space-between", style="align-items: center; flex-wrap: wrap;"):
            solara.HTML(
                tag="div",
                unsafe_innerHTML=figures_html(sim),
                attributes={"id": "run-figures", "data-step": str(getattr(sim, "steps", 0))},
            )
            RunDownload(model)
        RunProvenance(model)
