"""Sizes and places of the panels on SolaraViz's grid.

Mesa's ``SolaraViz`` lays out every page as a draggable grid of equal half-width cells
(``make_initial_grid_layout``). The dashboard's panels have very different shapes (a wide
map, a narrow log, a full-width row of charts), so :func:`install` replaces that function
with one that knows them, keyed by the number of panels on a page. Any other count falls
back to Mesa's layout. Users can still drag and resize panels.
"""

from __future__ import annotations

from collections.abc import Callable

#: Grid cells (12 columns, rows of 30 px plus a 10 px margin) by number of panels on a page.
LAYOUTS: dict[int, list[dict]] = {
    # overview across the top; map | why not joining over the event log; charts below
    5: [
        {"i": 0, "x": 0, "y": 0, "w": 12, "h": 5},
        {"i": 1, "x": 0, "y": 5, "w": 7, "h": 16},
        {"i": 2, "x": 7, "y": 5, "w": 5, "h": 8},
        {"i": 3, "x": 7, "y": 13, "w": 5, "h": 8},
        {"i": 4, "x": 0, "y": 21, "w": 12, "h": 14},
    ],
    # a page with one panel (the sweep explorer) takes the full width
    1: [{"i": 0, "x": 0, "y": 0, "w": 12, "h": 24}],
}


def grid_layout(count: int, fallback: Callable[[int], list[dict]] | None = None) -> list[dict]:
    """The grid cells for a page with ``count`` panels."""
    if count in LAYOUTS:
        return [{**cell, "moved": False} for cell in LAYOUTS[count]]
    if fallback is None:
        return [
            {"i": i, "x": 6 * (i % 2), "y": 10 * (i // 2), "w": 6, "h": 10, "moved": False}
            for i in range(count)
        ]
    return fallback(count)


def install() -> None:
    """Make SolaraViz use :func:`grid_layout` (idempotent)."""
    from mesa.visualization import solara_viz

    current = solara_viz.make_initial_grid_layout
    if getattr(current, "coalition_sim", False):
        return

    def layout(count: int) -> list[dict]:
        return grid_layout(count, current)

    layout.coalition_sim = True  # type: ignore[attr-defined]
    solara_viz.make_initial_grid_layout = layout
