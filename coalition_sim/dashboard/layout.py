"""Sizes and places of the Run page's panels on its draggable grid.

The Run page lays out its panels on Solara's ``GridDraggable`` (12 columns, rows of 30 px
plus a 10 px margin), as Mesa's ``SolaraViz`` does. The panels have very different shapes
(a wide map, a narrow log, a full-width row of charts), so they get cells of their own
rather than Mesa's equal half-width cells. Users can still drag and resize panels.
"""

from __future__ import annotations

#: Grid cells by number of panels on a page.
LAYOUTS: dict[int, list[dict]] = {
    # overview across the top; map | why not joining over the event log; charts below
    5: [
        {"i": 0, "x": 0, "y": 0, "w": 12, "h": 5},
        {"i": 1, "x": 0, "y": 5, "w": 7, "h": 16},
        {"i": 2, "x": 7, "y": 5, "w": 5, "h": 8},
        {"i": 3, "x": 7, "y": 13, "w": 5, "h": 8},
        {"i": 4, "x": 0, "y": 21, "w": 12, "h": 14},
    ],
}


def grid_layout(count: int) -> list[dict]:
    """The grid cells for a page with ``count`` panels (half-width cells if unknown)."""
    if count in LAYOUTS:
        return [{**cell, "moved": False} for cell in LAYOUTS[count]]
    return [
        {"i": i, "x": 6 * (i % 2), "y": 10 * (i // 2), "w": 6, "h": 10, "moved": False}
        for i in range(count)
    ]
