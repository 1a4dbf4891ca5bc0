"""Helpers shared by the dashboard components.

Finding the simulation behind the object Mesa hands to a component, the selected state,
reading the model's records cheaply, and plain-HTML headings.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape
from typing import Any

import solara

#: The state whose utility "Why not joining?" explains and the map outlines. One value per
#: browser session (Solara keeps reactive variables per connection).
selected_state = solara.reactive("DEU")


def simulation(model: Any) -> Any:
    """The ``CoalitionModel`` behind what the page passes to a component.

    The app hands components a :class:`~coalition_sim.dashboard.controls.DashboardRun`
    that holds the model in ``.sim``; tests may pass a model directly.
    """
    return getattr(model, "sim", model)


def model_series(sim: Any) -> dict[str, list]:
    """The model-level series of the data collector, ``{name: values by step}``.

    Reads the collector's lists directly instead of building a DataFrame on every step.
    """
    collector = getattr(sim, "datacollector", None)
    if collector is None:
        return {}
    return dict(getattr(collector, "model_vars", {}) or {})


def latest(series: Mapping[str, list], name: str, default: float = math.nan) -> Any:
    """The last recorded value of one series, or ``default``."""
    values = series.get(name) or []
    return values[-1] if values else default


#: Longest piece of a user's input that a message repeats.
ECHO_CHARS = 60


def clip(text: str, limit: int = ECHO_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was when cut.

    Messages repeat what was typed so the user sees what was refused; a 100,000-character
    input must not come back whole.
    """
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[: max(limit - 1, 1)]}… ({len(text):,} characters)"


def format_value(value: Any) -> str:
    """Short text for a trait or term value in tooltips and tables."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if not math.isfinite(value):
            return "n/a"
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(v) for v in value)
    return str(value)


def state_names(sim: Any) -> dict[str, str]:
    """``{iso3: name}`` of the model's state agents, sorted by name."""
    names = {}
    for agent in getattr(sim, "agents", []):
        iso3 = getattr(agent, "iso3", None)
        if iso3:
            names[iso3] = getattr(agent, "name", iso3)
    return dict(sorted(names.items(), key=lambda item: item[1]))


def heading(text: str) -> None:
    """A panel title (plain HTML: Solara's Markdown would ask for KaTeX, absent offline)."""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=escape(text),
        style="font-size: 15px; font-weight: 500; margin: 2px 0 4px;",
    )


def note(text: str, *, html: bool = False) -> None:
    """A line of small grey text; ``html=True`` when ``text`` is already markup."""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=text if html else escape(text),
        style="font-size: 13px; color: #4b5563; margin: 2px 0;",
    )
