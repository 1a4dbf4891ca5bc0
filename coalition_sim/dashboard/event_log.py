"""The event log: what happened in the latest steps, newest first.

Applications, votes, vetoes (who against whom), admissions, rejections, exits, aggression
events and the coalition's response, one line each, from ``model.events``. The individual
votes on one applicant in one step are summed up on one line (``12 yes, 3 no``) so the
log stays readable with thirty voting members.
"""

from __future__ import annotations

import math
from collections import Counter
from html import escape
from typing import Any, NamedTuple

import solara

from coalition_sim.dashboard.common import heading, simulation
from coalition_sim.dashboard.palette import EVENT_COLOURS, MUTED_TEXT

#: How many of the latest steps the log shows, and at most how many lines.
STEPS_SHOWN = 4
MAX_LINES = 80

#: The panel's rules in the page's one stylesheet (see :mod:`coalition_sim.dashboard.styles`).
CSS = (
    "#coalition-events table{border-collapse:collapse;width:100%;font-size:12.5px}"
    "#coalition-events td{padding:2px 6px;vertical-align:top;border-bottom:1px solid #f0f1f3}"
    f"#coalition-events .cs-step{{color:{MUTED_TEXT};text-align:right;width:2.5em}}"
    "#coalition-events .cs-badge{border-radius:8px;padding:0 7px;font-size:11px;"
    "white-space:nowrap;color:#111827}"
)


class LogLine(NamedTuple):
    """One line of the log as displayed."""

    step: int
    kind: str
    text: str


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def describe(kind: str, actor: Any, target: Any, value: Any, detail: Any) -> str:
    """One readable sentence for an event (see ``coalition_sim.events.EVENT_KINDS``)."""
    actor, target, detail = _text(actor), _text(target), _text(detail)
    number = _number(value)
    subject = target or actor
    if kind == "application":
        text = f"{actor} applies to join"
        if number is not None:
            text += f" (utility {number:+.2f})"
    elif kind == "vote":
        text = f"{actor} votes {detail or '?'} on {target}"
    elif kind == "veto":
        text = f"{actor} vetoes {target}"
        if number:
            text += " and blocks the decision"
    elif kind == "admission":
        text = f"{subject} admitted" + (f" ({detail})" if detail else "")
    elif kind == "rejection":
        text = f"{subject} rejected" + (f" ({detail})" if detail else "")
    elif kind == "exit":
        text = f"{actor} leaves the coalition"
        if number is not None:
            text += f" (utility of staying {number:+.2f})"
    elif kind == "aggression":
        text = f"aggression against {target}" + (f" by {actor}" if actor else "")
        if number is not None:
            text += f"; threat now {number:.2f}"
    elif kind == "bargain":
        text = f"{actor} bargains over its phase-in"
        text += f": {number:.2g} years agreed" if number is not None else ": no deal"
    elif kind == "breach":
        text = f"{actor} falls behind its committed spending path"
    elif kind == "response":
        text = f"coalition response to the attack on {target}"
        if number is not None:
            text += f": {number:.0%} of members respond"
    else:
        text = f"{kind}: {actor} {target} {detail}".strip()
    if detail and kind in ("aggression", "response", "exit", "bargain", "breach", "application"):
        text += f" ({detail})"
    return text


def _recent_events(sim: Any, steps_shown: int) -> list:
    """Events of the latest ``steps_shown`` steps as tuples in recording order."""
    log = getattr(sim, "events", None)
    if log is None:
        return []
    current = int(getattr(sim, "steps", 0))
    first = current - steps_shown + 1
    if hasattr(log, "since"):
        return [tuple(e) for e in log.since(first)]
    frame = log.to_frame()
    frame = frame[frame["step"] >= first]
    return list(frame.itertuples(index=False, name=None))


def event_lines(sim: Any, steps_shown: int = STEPS_SHOWN, max_lines: int = MAX_LINES) -> list:
    """The latest events as :class:`LogLine`, newest step first, votes summed per applicant."""
    lines: list[LogLine] = []
    tallies: dict[tuple[int, str], Counter] = {}
    for step, kind, actor, target, value, detail in _recent_events(sim, steps_shown):
        if kind == "vote":
            key = (int(step), _text(target))
            if key not in tallies:
                tallies[key] = Counter()
                lines.append(LogLine(int(step), "vote", key[1]))
            tallies[key][_text(detail) or "?"] += 1
            continue
        lines.append(LogLine(int(step), str(kind), describe(kind, actor, target, value, detail)))
    out = []
    for line in lines:
        if line.kind != "vote":
            out.append(line)
            continue
        tally = tallies[(line.step, line.text)]
        counts = ", ".join(f"{n} {what}" for what, n in sorted(tally.items()))
        out.append(LogLine(line.step, "vote", f"votes on {line.text}: {counts}"))
    # newest step first, recording order kept within a step
    out.sort(key=lambda line: -line.step)
    return out[:max_lines]


def event_log_html(lines: list) -> str:
    """The log as an HTML table (badges coloured by kind)."""
    if not lines:
        return (
            f"<p style='color:{MUTED_TEXT}; margin:4px 0'>No events in the latest steps: "
            "press Step or Play.</p>"
        )
    rows = []
    previous = None
    for step, kind, text in lines:
        step_cell = str(step) if step != previous else ""
        previous = step
        colour = EVENT_COLOURS.get(kind, "#e5e7eb")
        rows.append(
            f"<tr data-kind='{escape(kind)}' data-step='{step}'><td class='cs-step'>"
            f"{step_cell}</td><td><span class='cs-badge' style='background:{colour}'>"
            f"{escape(kind)}</span></td><td>{escape(text)}</td></tr>"
        )
    return f"<table><tr><th class='cs-step'>step</th><th></th><th></th></tr>{''.join(rows)}</table>"


@solara.component
def LogHeading() -> None:
    """The log's title (a component of its own: drawn once, not at every step)."""
    heading(f"Event log: the last {STEPS_SHOWN} steps, newest first")


@solara.component
def EventLog(model: Any, step: int = 0) -> None:
    """The latest events, redrawn on every step.

    ``step`` is the step the run stands at: the Run page passes it, so a new step
    redraws the panel.
    """
    sim = simulation(model)
    lines = event_lines(sim)
    LogHeading()
    solara.HTML(
        tag="div",
        unsafe_innerHTML=event_log_html(lines),
        attributes={
            "id": "coalition-events",
            "data-count": str(len(lines)),
            "data-step": str(getattr(sim, "steps", 0)),
        },
        style="max-height: 245px; overflow-y: auto;",
    )
