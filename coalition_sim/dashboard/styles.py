"""The page's one stylesheet, gathered from the panels' own rules.

Each panel module declares its CSS in a ``CSS`` constant next to the markup it styles;
the page adds them once, in one ``<style>`` element. A ``<style>`` inside a panel's HTML
would be parsed again on every step, and every new style sheet makes the browser
recompute the style of the whole document: measured in Chromium, that was a fifth of the
browser's work per Step.
"""

from __future__ import annotations

#: Panels are boxes whose content never changes the size or the look of anything outside
#: them: the browser then lays out and repaints only the panel that changed.
CONTAINMENT = "#coalition-map,#why-not,#coalition-events,#coalition-charts{contain:content}"


def page_css() -> str:
    """Every panel's rules, in one string."""
    from coalition_sim.dashboard import charts, ensemble, event_log, overview, sweep_page, why_not

    modules = (overview, charts, event_log, why_not, ensemble, sweep_page)
    return "".join(module.CSS for module in modules) + CONTAINMENT
