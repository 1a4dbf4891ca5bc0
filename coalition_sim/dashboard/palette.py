"""Colours and labels shared by every part of the dashboard.

The map legend, the charts and the event log thus speak the same visual language.

Colours are chosen to stay distinct for the common forms of colour blindness (blues for the
coalition, yellow/orange for states in negotiation, dark red for the adversary) and to
print legibly in grey.
"""

from __future__ import annotations

import math

#: Fill of a state by status, in legend order.
STATUS_COLOURS: dict[str, str] = {
    "founder": "#173f7a",
    "member": "#4f8fd6",
    "applicant": "#f3c443",
    "vetoed": "#e2702a",
    "outsider": "#dfe3e8",
    "adversary": "#8c2d2d",
}

#: Human labels of the statuses, for legends and tooltips.
STATUS_LABELS: dict[str, str] = {
    "founder": "founder",
    "member": "member",
    "applicant": "applicant",
    "vetoed": "vetoed",
    "outsider": "outsider",
    "adversary": "adversary (RUS, BLR)",
}

#: Fill of a shape the model does not know (drawn for geography only).
UNKNOWN_COLOUR = "#f1f2f4"
SEA_COLOUR = "#eef4f9"
BORDER_COLOUR = "#ffffff"
TEXT_COLOUR = "#2b2f36"
MUTED_TEXT = "#6b7280"
GRID_COLOUR = "#e5e7eb"

#: Line colours of the time-series charts, in series order.
SERIES_COLOURS: tuple[str, ...] = (
    "#1f5fae",
    "#d9822b",
    "#2e9c5d",
    "#8e44ad",
    "#c0392b",
    "#5b6770",
)

POSITIVE_COLOUR = "#2e9c5d"
NEGATIVE_COLOUR = "#c0392b"
TOTAL_COLOUR = "#1f5fae"
THRESHOLD_COLOUR = "#111827"

#: Badge colours of the event kinds in the event log.
EVENT_COLOURS: dict[str, str] = {
    "application": "#f3c443",
    "vote": "#cfd8e3",
    "veto": "#e2702a",
    "admission": "#4f8fd6",
    "rejection": "#b8860b",
    "exit": "#7f8c8d",
    "bargain": "#d6c4e8",
    "breach": "#e8a0a0",
    "aggression": "#8c2d2d",
    "response": "#2e9c5d",
}

#: Sequential scale for a share from 0 to 1 (the ensemble's membership map): ColorBrewer's
#: YlGnBu in nine classes (Brewer, colorbrewer2.org). Lightness falls steadily from pale
#: yellow to dark blue, so the order reads for colour-blind eyes and in grey, and its
#: lightest end stays apart from the pale blue sea.
SEQUENTIAL_STOPS: tuple[str, ...] = (
    "#ffffd9",
    "#edf8b1",
    "#c7e9b4",
    "#7fcdbb",
    "#41b6c4",
    "#1d91c0",
    "#225ea8",
    "#253494",
    "#081d58",
)


def sequential_colour(share: float, stops: tuple[str, ...] = SEQUENTIAL_STOPS) -> str:
    """The colour of ``share`` (clipped to [0, 1]) on a scale through evenly spaced stops.

    Linear in sRGB between neighbouring stops: with nine close stops the error against a
    perceptual interpolation is invisible, and the map needs no colour library.
    """
    if math.isnan(share):  # no value
        return UNKNOWN_COLOUR
    position = min(max(float(share), 0.0), 1.0) * (len(stops) - 1)
    index = min(int(position), len(stops) - 2)
    fraction = position - index
    low, high = stops[index], stops[index + 1]
    channels = (
        round(
            int(low[i : i + 2], 16)
            + (int(high[i : i + 2], 16) - int(low[i : i + 2], 16)) * fraction
        )
        for i in (1, 3, 5)
    )
    return "#" + "".join(f"{c:02x}" for c in channels)
