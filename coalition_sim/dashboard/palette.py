"""Colours and labels shared by every part of the dashboard.

The map legend, the charts and the event log thus speak the same visual language.

Colours are chosen to stay distinct for the common forms of colour blindness (blues for the
coalition, yellow/orange for states in negotiation, dark red for the adversary) and to
print legibly in grey.
"""

from __future__ import annotations

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
