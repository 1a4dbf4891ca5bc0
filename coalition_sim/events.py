"""The event log: what happened at each step, who did it, to whom."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

#: Kinds of event, with what ``actor``, ``target`` and ``value`` mean for each.
EVENT_KINDS = {
    "application": "actor applies; value = its utility of joining",
    "vote": "actor (member) votes on target (applicant); detail = yes, no or veto",
    "veto": "actor (unreliable member) vetoes target; value = 1 if it blocked the decision",
    "admission": "target is admitted; detail = the tally",
    "rejection": "target is rejected; detail = the tally",
    "exit": "actor leaves the coalition; value = its utility of staying",
    "bargain": "actor (applicant) bargains over the phase-in; value = agreed years (NaN: no deal)",
    "breach": "actor (member) breaks its negotiated commitment; value = shortfall, % of GDP",
    "aggression": "the adversary strikes target; value = the threat after the shock",
    "response": "members respond to an attack on target; value = share that responded",
}

COLUMNS = ("step", "kind", "actor", "target", "value", "detail")


class Event(NamedTuple):
    """One line of the log."""

    step: int
    kind: str
    actor: str
    target: str
    value: float
    detail: str


@dataclass
class EventLog:
    """An append-only list of events, readable as a table."""

    events: list[Event] = field(default_factory=list)

    def record(
        self,
        step: int,
        kind: str,
        actor: str = "",
        target: str = "",
        value: float = 0.0,
        detail: str = "",
    ) -> None:
        """Append one event; ``kind`` must be one of :data:`EVENT_KINDS`."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        self.events.append(Event(step, kind, actor, target, float(value), detail))

    def extend(self, events: Iterable[Event]) -> None:
        """Append many events at once (a ballot's votes), without re-checking each kind."""
        self.events.extend(events)

    def __len__(self) -> int:
        return len(self.events)

    def of_kind(self, kind: str) -> list[Event]:
        """Every event of one kind, in order."""
        return [e for e in self.events if e.kind == kind]

    def since(self, step: int) -> list[Event]:
        """Events from ``step`` on, for a log of the latest steps."""
        return [e for e in self.events if e.step >= step]

    def to_frame(self):
        """The log as a pandas DataFrame with :data:`COLUMNS`."""
        import pandas as pd

        frame = pd.DataFrame(self.events, columns=list(COLUMNS))
        return frame.astype(
            {
                "step": "int64",
                "kind": "string",
                "actor": "string",
                "target": "string",
                "value": "float64",
                "detail": "string",
            }
        )
