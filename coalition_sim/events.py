"""The event log: what happened at each step, who did it, to whom."""

from __future__ import annotations

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


class _Votes(NamedTuple):
    """A ballot's votes, stored as one entry and read as one ``vote`` event per voter."""

    step: int
    applicant: str
    voters: tuple[str, ...]
    votes: tuple[str, ...]

    def expand(self) -> list[Event]:
        return [
            Event(self.step, "vote", voter, self.applicant, 1.0 if vote == "yes" else 0.0, vote)
            for voter, vote in zip(self.voters, self.votes, strict=True)
        ]


class EventLog:
    """An append-only list of events, readable as a list or a table.

    A ballot's votes (one event per voter, the bulk of a log) are kept as one compact
    entry and expanded only when the log is read, which keeps a step cheap.
    """

    def __init__(self) -> None:
        self._entries: list[Event | _Votes] = []
        self._expanded: list[Event] | None = []

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
        self._entries.append(Event(step, kind, actor, target, float(value), detail))
        self._expanded = None

    def record_votes(
        self, step: int, applicant: str, voters: tuple[str, ...], votes: tuple[str, ...]
    ) -> None:
        """Append the votes of one ballot: a ``vote`` event per voter, detail yes/no/veto."""
        self._entries.append(_Votes(step, applicant, voters, votes))
        self._expanded = None

    @property
    def events(self) -> list[Event]:
        """Every event in order, votes expanded (do not modify)."""
        if self._expanded is None:
            expanded: list[Event] = []
            for entry in self._entries:
                if isinstance(entry, _Votes):
                    expanded.extend(entry.expand())
                else:
                    expanded.append(entry)
            self._expanded = expanded
        return self._expanded

    def __len__(self) -> int:
        return len(self.events)

    def of_kind(self, kind: str) -> list[Event]:
        """Every event of one kind, in order."""
        if kind != "vote":  # no need to expand the ballots
            return [e for e in self._entries if not isinstance(e, _Votes) and e.kind == kind]
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
