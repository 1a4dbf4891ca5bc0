"""The event log: what happened at each step, who did it, to whom.

The engine records events for a whole batch of runs as columnar blocks (one block per
kind and step: arrays of runs, actors, targets, values, and what the detail needs), so
recording costs a few array appends, not a Python object per event. Details are
rendered to text only when the log is read: :meth:`EventRecorder.frame` gives the table
of a batch (``events.parquet`` of a sweep, keyed by ``run_id``) and :class:`EventLog` the
list of one run, as the Mesa model and the dashboard read it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

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

#: Phases of a step, in the order their events are listed.
PHASES = ("threat", "applications", "negotiation", "commitments", "exits")
#: Actor code of the adversary in aggression events.
ADVERSARY_ACTOR = "RUS"


class Event(NamedTuple):
    """One line of the log."""

    step: int
    kind: str
    actor: str
    target: str
    value: float
    detail: str


#: Renders the details of a block: ``(block, codes) -> one string per event``.
Renderer = Callable[["Block", Sequence[str]], list[str]]


@dataclass(eq=False)
class Block:
    """Events of one kind at one step, over the runs of a batch.

    ``actor`` and ``target`` are state indices (-1: none, -2: the adversary); ``major``
    and ``minor`` order the events within their phase (applicant, then voter);
    ``extra`` holds what the renderer needs.
    """

    kind: str
    step: int
    phase: int
    runs: np.ndarray
    actor: np.ndarray
    target: np.ndarray
    value: np.ndarray
    major: np.ndarray
    minor: np.ndarray
    render: Renderer
    extra: dict[str, Any] = field(default_factory=dict)

    def take(self, rows: np.ndarray) -> Block:
        """The events at ``rows`` (an index array into this block)."""
        extra = {
            k: (v[rows] if isinstance(v, np.ndarray) and v.ndim else v)
            for k, v in self.extra.items()
        }
        return Block(
            self.kind,
            self.step,
            self.phase,
            self.runs[rows],
            self.actor[rows],
            self.target[rows],
            self.value[rows],
            self.major[rows],
            self.minor[rows],
            self.render,
            extra,
        )


def constant(text: str) -> Renderer:
    """A renderer giving every event of the block the same detail."""
    return lambda block, codes: [text] * len(block.runs)


def formatted(template: str) -> Renderer:
    """A renderer formatting ``extra['number']`` of each event into ``template``."""
    return lambda block, codes: [template.format(x) for x in block.extra["number"].tolist()]


class EventRecorder:
    """Collects the events of a batch of runs, block by block, in step order."""

    #: Whether events are kept (see :class:`NoEvents`).
    enabled: bool = True

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = tuple(codes)
        self.blocks: list[Block] = []

    def add(
        self,
        kind: str,
        step: int,
        phase: str,
        runs,
        *,
        actor=None,
        target=None,
        value=None,
        major=None,
        minor=None,
        render: Renderer | None = None,
        **extra: Any,
    ) -> None:
        """Record one block; ``actor``/``target`` default to none, ``value`` to 0."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}")
        runs = np.asarray(runs, dtype=np.int64).reshape(-1)
        if runs.size == 0:
            return
        n = runs.size

        def column(values, fill, dtype):
            if values is None:
                return np.full(n, fill, dtype=dtype)
            return np.broadcast_to(np.asarray(values, dtype=dtype).reshape(-1), (n,)).copy()

        actor = column(actor, -1, np.int64)
        self.blocks.append(
            Block(
                kind,
                int(step),
                PHASES.index(phase),
                runs,
                actor,
                column(target, -1, np.int64),
                column(value, 0.0, float),
                column(major, 0, np.int64) if major is not None else actor.copy(),
                column(minor, 0, np.int64),
                render or constant(""),
                extra,
            )
        )

    def blocks_of(self, run: int, since: int = 0) -> list[Block]:
        """The blocks of one run (rows of that run only) from block number ``since``."""
        out = []
        for block in self.blocks[since:]:
            rows = np.flatnonzero(block.runs == run)
            if rows.size:
                out.append(block.take(rows))
        return out

    def events_of(self, run: int, since: int = 0) -> list[Event]:
        """Every event of one run, in order, rendered (from block number ``since``)."""
        return _render(self.blocks_of(run, since), self.codes)[1]

    def frame(self, run_ids: np.ndarray | None = None):
        """Every event of the batch as a DataFrame, sorted by run, step and order.

        ``run_ids`` maps the batch's run positions to ids (a ``run_id`` column first).
        """
        import pandas as pd

        runs, events = _render(self.blocks, self.codes)
        frame = pd.DataFrame(events, columns=list(COLUMNS)) if events else _empty_frame()
        frame = _typed(frame)
        if run_ids is not None:
            frame.insert(0, "run_id", np.asarray(run_ids, dtype=np.int64)[runs])
        return frame


def _render(blocks: list[Block], codes: Sequence[str]) -> tuple[np.ndarray, list[Event]]:
    """Sort the events of ``blocks`` and render them; also the run of each event."""
    if not blocks:
        return np.zeros(0, dtype=np.int64), []
    names = np.array([*codes, ADVERSARY_ACTOR, ""], dtype=object)  # -2: adversary, -1: none
    keys, rows = [], []
    for number, block in enumerate(blocks):
        n = len(block.runs)
        keys.append(
            np.stack(
                [
                    block.runs,
                    np.full(n, block.step),
                    np.full(n, block.phase),
                    block.major,
                    np.full(n, number),  # blocks of a phase in the order they were recorded
                    block.minor,
                ]
            )
        )
        details = block.render(block, codes)
        kind = block.kind
        actors = names[block.actor].tolist()
        targets = names[block.target].tolist()
        for k, (actor, target, value, detail) in enumerate(
            zip(actors, targets, block.value.tolist(), details, strict=True)
        ):
            rows.append((int(block.runs[k]), Event(block.step, kind, actor, target, value, detail)))
    key = np.concatenate(keys, axis=1)
    order = np.lexsort(key[::-1])
    runs = key[0][order]
    return runs, [rows[i][1] for i in order.tolist()]


def _empty_frame():
    import pandas as pd

    return pd.DataFrame({name: [] for name in COLUMNS})


def _typed(frame):
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


class EventLog:
    """The events of one run of an engine, read as a list or a table.

    Rendered from the engine's recorder when read and cached until the run moves on.
    """

    def __init__(self, recorder: EventRecorder, run: int = 0) -> None:
        self._recorder = recorder
        self._run = run
        self._events: list[Event] = []
        self._seen = 0  # blocks already rendered

    @property
    def events(self) -> list[Event]:
        """Every event in order (do not modify)."""
        blocks = self._recorder.blocks
        if self._seen < len(blocks):
            # Blocks arrive step by step; a new step's events all follow the old ones.
            self._events = self._events + self._recorder.events_of(self._run, self._seen)
            self._seen = len(blocks)
        return self._events

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

        frame = pd.DataFrame(self.events, columns=list(COLUMNS)) if self.events else _empty_frame()
        return _typed(frame)


class NoEvents(EventRecorder):
    """Stands in for an :class:`EventRecorder` when events are not kept: records nothing."""

    enabled = False

    def add(self, *args: Any, **kwargs: Any) -> None:
        """Record nothing."""
