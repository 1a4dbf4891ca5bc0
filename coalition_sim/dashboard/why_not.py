"""The "Why not joining?" panel: a state's utility, term by term, against its threshold.

For an outsider the bars are the terms of ``U_i`` (threat times protection gain, cost of
the spending floor, affinity, alignment, fear of entrapment); the state applies when the
total passes the threshold. For a member the model reports its utility of staying.
"""

from __future__ import annotations

import math
from typing import Any

import solara

from coalition_sim.dashboard.common import heading, selected_state, simulation, state_names
from coalition_sim.dashboard.palette import MUTED_TEXT, STATUS_LABELS
from coalition_sim.dashboard.svgplot import bar_chart

#: Height of the bar chart on the page.
CHART_HEIGHT_PX = 190

#: The panel's rules in the page's one stylesheet (see :mod:`coalition_sim.dashboard.styles`).
CSS = "#why-not svg{width:100%;height:100%;background:#fff;border-radius:4px}"


def verdict(status: str, total: float, threshold: float) -> str:
    """One sentence that answers the question for the chosen state."""
    if status == "founder":
        return "It is a founder of the coalition: founders never leave."
    if status == "applicant":
        return "It has applied and awaits the members' decision."
    if not (math.isfinite(total) and math.isfinite(threshold)):
        return "The model reports no utility for this state."
    gap = total - threshold
    sentences = {
        ("member", True): f"It is a member; its utility of staying is {gap:.2f} above the exit "
        "threshold.",
        ("member", False): f"It is a member, {-gap:.2f} below the exit threshold: it leaves if "
        "that lasts exit_patience quarters.",
        ("vetoed", True): f"It applied but was vetoed; its utility is {gap:.2f} above the "
        "threshold.",
        ("vetoed", False): f"It applied but was vetoed; its utility is now {-gap:.2f} below the "
        "threshold.",
        ("outsider", True): f"Its utility clears the threshold by {gap:.2f}: it should apply.",
        ("outsider", False): f"Its utility falls {-gap:.2f} short of the threshold, so it stays "
        "out.",
    }
    return sentences.get(
        (status, gap >= 0), f"Status {status}; utility {gap:+.2f} from the threshold."
    )


def why_not_svg(sim: Any, iso3: str) -> tuple[str, str]:
    """The bar chart of ``iso3``'s utility terms and a verdict sentence."""
    status = sim.state_status().get(iso3, "outsider")
    terms = dict(sim.utility_terms(iso3))
    total = float(terms.pop("total", math.nan))
    threshold = float(terms.pop("threshold", math.nan))
    numeric = {
        name: float(value)
        for name, value in terms.items()
        if isinstance(value, int | float) and not isinstance(value, bool)
    }
    title = f"Utility terms of {iso3} ({STATUS_LABELS.get(status, status)})"
    svg = bar_chart(
        numeric,
        title=title,
        total=total if math.isfinite(total) else None,
        threshold=threshold if math.isfinite(threshold) else None,
        css_id="why-not-chart",
    )
    return svg, verdict(status, total, threshold)


@solara.component
def StatePicker(names: tuple[tuple[str, str], ...], chosen: str) -> None:
    """The state chooser of "Why not joining?": drawn again only when the choice changes."""
    labels = {f"{name} ({iso3})": iso3 for iso3, name in names}
    current = next((label for label, code in labels.items() if code == chosen), None)
    heading("Why not joining?")
    solara.Select(
        label="State",
        values=list(labels),
        value=current,
        on_value=lambda label: selected_state.set(labels.get(label, chosen)),
        dense=True,
    )


@solara.component
def WhyNotJoining(model: Any, step: int = 0) -> None:
    """A state picker and the chosen state's utility against its threshold.

    ``step`` is the step the run stands at: the Run page passes it, so a new step
    redraws the chart.
    """
    sim = simulation(model)
    names = state_names(sim)
    if not names:
        solara.Text("No states in this model.")
        return
    chosen = selected_state.value if selected_state.value in names else next(iter(names))
    StatePicker(tuple(names.items()), chosen)
    try:
        svg, sentence = why_not_svg(sim, chosen)
    except (AttributeError, KeyError, ValueError) as error:
        solara.Warning(f"No utility for {chosen}: {error}")
        return
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"<p style='margin:2px 0 4px; color:{MUTED_TEXT}'>{sentence}</p>"
            f"<div style='height:{CHART_HEIGHT_PX}px'>{svg}</div>"
        ),
        attributes={
            "id": "why-not",
            "data-iso3": chosen,
            "data-step": str(getattr(sim, "steps", 0)),
        },
    )
