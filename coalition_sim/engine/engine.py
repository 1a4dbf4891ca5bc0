"""The engine: any set of runs, advanced together, each run as if it ran alone.

:class:`Engine` takes the inputs of any number of runs (parameters may differ per run),
groups them into batches that share a protocol and a horizon, steps every batch with the
same rules (:class:`~coalition_sim.engine.batch.Batch`), and gives back per-run outcomes,
and on request per-step metrics, per-state rows and events, in the order the runs were
given. A single run is an engine of one run.

Why a run is the same alone or in any batch: its random numbers are a pure function of
its key and the counter (:mod:`coalition_sim.streams`), every operation is
element by element or a sum over the states of one run in a fixed order
(:mod:`coalition_sim.rules.sums`), and runs never read each other's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from coalition_sim.engine.batch import Batch
from coalition_sim.engine.inputs import PROTOCOL_CHOICES, RunInputs
from coalition_sim.engine.records import Recorder
from coalition_sim.outcomes import METRICS, OUTCOMES, Measure, measure
from coalition_sim.protocols import PROTOCOLS


@dataclass(frozen=True)
class Group:
    """The runs of one batch: their positions in the engine's input order."""

    runs: np.ndarray
    batch: Batch


class Engine:
    """Runs of the model, advanced together (see the module docstring).

    Args:
        inputs: the runs (:func:`coalition_sim.engine.inputs.build`).
        keep_steps: record every metric at every step.
        keep_states: record every state's status and values at every step.
        keep_events: record the event log.
    """

    def __init__(
        self,
        inputs: RunInputs,
        *,
        keep_steps: bool = False,
        keep_states: bool = False,
        keep_events: bool = False,
    ) -> None:
        self.inputs = inputs
        self.groups: list[Group] = []
        codes = inputs.data.codes
        keys = np.stack([inputs.protocol, inputs.steps])
        for protocol, steps in sorted({tuple(k) for k in keys.T.tolist()}):
            runs = np.flatnonzero((inputs.protocol == protocol) & (inputs.steps == steps))
            recorder = Recorder(
                codes, keep_steps=keep_steps, keep_states=keep_states, keep_events=keep_events
            )
            protocol_class = PROTOCOLS[PROTOCOL_CHOICES[protocol]]
            self.groups.append(Group(runs, Batch(inputs.take(runs), protocol_class(), recorder)))

    def __len__(self) -> int:
        return len(self.inputs)

    @property
    def finished(self) -> bool:
        """Whether every run has reached its horizon."""
        return all(g.batch.step_number >= g.batch.horizon for g in self.groups)

    def step(self) -> None:
        """Advance every run that has not reached its horizon by one quarter."""
        for group in self.groups:
            if group.batch.step_number < group.batch.horizon:
                group.batch.step()

    def run(self) -> Engine:
        """Advance every run to its horizon."""
        for group in self.groups:
            while group.batch.step_number < group.batch.horizon:
                group.batch.step()
        return self

    # ------------------------------------------------------------------ results
    def outcomes(self, names=None) -> dict[str, np.ndarray]:
        """Per-run outcomes in input order: the stored ones, or the measures ``names``."""
        out: dict[str, np.ndarray] = {}
        for group in self.groups:
            values = batch_outcomes(group.batch, names)
            for name, column in values.items():
                if name not in out:
                    out[name] = np.empty(len(self), dtype=column.dtype)
                out[name][group.runs] = column
        return out

    def steps_table(self) -> dict[str, np.ndarray]:
        """Per-step metrics of every run as long columns: ``run``, ``step``, metrics.

        Rows are ordered by run (input order), then step.
        """
        pieces = []
        for group in self.groups:
            arrays = group.batch.recorder.metric_arrays()
            steps = next(iter(arrays.values())).shape[0]
            columns = {
                "run": np.repeat(group.runs, steps),
                "step": np.tile(np.arange(steps, dtype=np.int64), len(group.runs)),
            }
            columns.update({name: arrays[name].T.reshape(-1) for name in METRICS})
            pieces.append(columns)
        merged = {k: np.concatenate([p[k] for p in pieces]) for k in pieces[0]}
        order = np.lexsort((merged["step"], merged["run"]))
        return {k: v[order] for k, v in merged.items()}

    def batch_of(self, run: int) -> tuple[Batch, int]:
        """The batch holding run ``run`` (input order) and its row in that batch."""
        for group in self.groups:
            rows = np.flatnonzero(group.runs == run)
            if rows.size:
                return group.batch, int(rows[0])
        raise IndexError(run)

    def events_frame(self, run_ids: np.ndarray | None = None):
        """Every recorded event as a DataFrame (``run_id`` first when ids are given)."""
        import pandas as pd

        frames = []
        for group in self.groups:
            ids = group.runs if run_ids is None else np.asarray(run_ids)[group.runs]
            frames.append(group.batch.recorder.events.frame(ids))
        frame = pd.concat(frames, ignore_index=True)
        return frame.sort_values(["run_id"], kind="stable", ignore_index=True)


def batch_outcomes(batch: Batch, names=None) -> dict[str, np.ndarray]:
    """The outcomes of every run of a batch, ``(runs,)`` arrays, from the registry.

    ``names`` picks measures of scope ``run`` (the stored outcomes by default).
    """
    measures = list(OUTCOMES.values()) if names is None else [_measure(n) for n in names]
    return {m.name: m.values(batch) for m in measures}


def _measure(name: str) -> Measure:
    found = measure(name)
    if found is None or found.scope != "run":
        raise KeyError(f"{name}: not an outcome of a run (coalition_sim.outcomes)")
    return found


def run_outcomes(batch: Batch, row: int) -> dict[str, Any]:
    """The outcomes of one run of a batch as plain Python values."""
    return {name: values[row].item() if hasattr(values[row], "item") else values[row]
            for name, values in batch_outcomes(batch).items()}  # fmt: skip
