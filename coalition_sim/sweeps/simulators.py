"""How a chunk of a sweep's runs is simulated: on the engine, or one call per run.

The runner hands a chunk (``(run_id, seed, values)`` triples) to the context's
simulator and gets back Arrow tables: the finished rows of ``runs.parquet`` and, when
kept, per-step metrics and events keyed by ``run_id``.

- :class:`EngineSimulator` (the default) validates each distinct sample once, sends the
  whole chunk through one :class:`~coalition_sim.engine.engine.Engine`, and builds the
  tables column by column from its arrays. A run that cannot be set up (a bad value) is
  recorded as a failed row; should the batch itself fail, its runs are simulated one by
  one so only the runs that fail are lost, and each run's numbers are the same either way.
- :class:`PerRunSimulator` calls a function with the contract of
  :func:`coalition_sim.simulation.simulate` for each run: a model of one's own, or a fake
  in tests.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from coalition_sim.sweeps import storage

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.sweeps.runner import RunContext

#: A chunk: ``(run_id, seed, values)`` of each run.
Chunk = Sequence[tuple[int, int, dict[str, Any]]]
#: What a simulator returns: runs rows, per-step metrics (or None), events (or None).
ChunkResult = tuple[pa.Table, pa.Table | None, pa.Table | None]


def describe_error(error: BaseException) -> str:
    """One line naming the error and where it was raised."""
    where = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    place = f" ({Path(where.filename).name}:{where.lineno})" if where else ""
    return f"{type(error).__name__}: {error}{place}"


@dataclass(frozen=True)
class EngineSimulator:
    """Simulates a chunk as one batch of the engine (see the module docstring)."""

    name = "engine"

    def __call__(self, context: RunContext, chunk: Chunk) -> ChunkResult:
        """Run the chunk; return its tables."""
        from coalition_sim.datasets import load_dataset
        from coalition_sim.engine.engine import Engine
        from coalition_sim.engine.inputs import build

        started = time.perf_counter()
        dataset = context.dataset or load_dataset()
        run_ids = np.array([rid for rid, _, _ in chunk], dtype=np.int64)
        seeds = np.array([seed for _, seed, _ in chunk], dtype=np.int64)
        samples = run_ids // context.spec.reps
        _, first, sample_of_run = np.unique(samples, return_index=True, return_inverse=True)
        scenarios, errors = [], {}
        for k, row in enumerate(first.tolist()):
            values = chunk[row][2]
            try:
                scenarios.append(context.base.with_values(values) if values else context.base)
            except Exception as error:  # a sample that cannot be set up fails its runs
                scenarios.append(context.base)
                errors[k] = describe_error(error)
        error = np.array([errors.get(k) for k in sample_of_run.tolist()], dtype=object)
        good = np.flatnonzero(error == None)  # noqa: E711 - elementwise on an object array
        outcomes, steps, events = {}, None, None
        if good.size:
            try:
                engine = Engine(
                    build(dataset, scenarios, seeds[good], sample_of_run[good]),
                    keep_steps=context.keep_steps,
                    keep_events=context.keep_events,
                ).run()
                outcomes = engine.outcomes()
                if context.keep_steps:
                    steps = steps_table(engine.steps_table(), run_ids[good])
                if context.keep_events:
                    events = events_table(engine.events_frame(run_ids[good]))
            except Exception:  # isolate the failing runs: each alone, as it would run
                return self._one_by_one(context, chunk)
        wall = (time.perf_counter() - started) / len(chunk)
        table = runs_table(context, chunk, outcomes, good, error, wall)
        return table, steps, events

    def _one_by_one(self, context: RunContext, chunk: Chunk) -> ChunkResult:
        results = [self(context, [run]) for run in chunk] if len(chunk) > 1 else None
        if results is None:  # a single run that fails
            rid, seed, values = chunk[0]
            try:
                self._engine_alone(context, rid, seed, values)
            except Exception as error:
                message = describe_error(error)
            else:  # pragma: no cover - it failed in the batch but not alone
                message = "the run failed in a batch but not alone"
            row = {"run_id": rid, "seed": seed, "status": "error", "error": message,
                   "wall_time_s": 0.0, "outcomes": {}}  # fmt: skip
            from coalition_sim.sweeps.runner import complete_row

            rows = [complete_row(context.spec, context.names, row, values)]
            return storage.rows_to_table(rows), None, None
        tables = [r[0] for r in results]
        steps = [r[1] for r in results if r[1] is not None]
        events = [r[2] for r in results if r[2] is not None]
        return _concat(tables), _concat(steps), _concat(events)

    @staticmethod
    def _engine_alone(context: RunContext, rid: int, seed: int, values: dict[str, Any]) -> None:
        from coalition_sim.datasets import load_dataset
        from coalition_sim.engine.engine import Engine
        from coalition_sim.engine.inputs import build

        scenario = context.base.with_values(values) if values else context.base
        Engine(build(context.dataset or load_dataset(), [scenario], [seed])).run()


def _concat(parts: list[pa.Table]) -> pa.Table | None:
    return pa.concat_tables(parts, promote_options="permissive") if parts else None


def runs_table(
    context: RunContext,
    chunk: Chunk,
    outcomes: dict[str, np.ndarray],
    good: np.ndarray,
    error: np.ndarray,
    wall: float,
) -> pa.Table:
    """The ``runs.parquet`` rows of a chunk, built column by column."""
    from coalition_sim.sweeps.runner import (
        ID_COLUMNS,
        TAIL_COLUMNS,
        _outcome_name,
        _plain,
        rerun_command,
    )

    spec, names = context.spec, context.names
    n = len(chunk)
    run_ids = np.array([rid for rid, _, _ in chunk], dtype=np.int64)
    seeds = np.array([seed for _, seed, _ in chunk], dtype=np.int64)
    columns: dict[str, Any] = {
        "run_id": pa.array(run_ids),
        "sample_id": pa.array(run_ids // spec.reps),
        "replication": pa.array(run_ids % spec.reps),
        "seed": pa.array(seeds),
        "status": pa.array(np.where(error == None, "ok", "error").tolist()),  # noqa: E711
    }
    for name in names:
        columns[name] = pa.array([_plain(values[name]) for _, _, values in chunk])
    reserved = set(ID_COLUMNS) | set(TAIL_COLUMNS) | set(names)
    for name, values in outcomes.items():
        if len(good) == n:
            column = pa.array(values.tolist() if values.dtype == object else values)
        else:  # failed runs have no outcomes: nulls
            full = np.empty(n, dtype=object)
            full[good] = values.tolist()
            column = pa.array(full.tolist())
            if values.dtype != object:
                column = column.cast(pa.from_numpy_dtype(values.dtype))
        columns[_outcome_name(name, reserved)] = column
    columns["error"] = pa.array(error.tolist(), pa.string())
    columns["wall_time_s"] = pa.array(np.full(n, wall))
    columns["command"] = pa.array([rerun_command(spec, seed, values) for _, seed, values in chunk])
    return pa.table(columns)


def steps_table(columns: dict[str, np.ndarray], run_ids: np.ndarray) -> pa.Table:
    """``steps.parquet`` rows: ``run_id``, ``step``, then every metric."""
    out = {"run_id": pa.array(run_ids[columns["run"]]), "step": pa.array(columns["step"])}
    out.update({k: pa.array(v) for k, v in columns.items() if k not in ("run", "step")})
    return pa.table(out)


def events_table(frame) -> pa.Table:
    """``events.parquet`` rows: ``run_id``, ``event`` (its number within the run), the log."""
    frame = frame.copy()
    frame.insert(1, "event", frame.groupby("run_id").cumcount().astype("int64"))
    return pa.Table.from_pandas(frame, preserve_index=False)


@dataclass(frozen=True)
class PerRunSimulator:
    """Simulates each run with ``fn(scenario, seed=..., steps=..., dataset=...)``.

    ``fn`` has the contract of :func:`coalition_sim.simulation.simulate` (it returns
    ``.outcomes`` and, for ``--keep-steps``, ``.steps``); it must be importable by name so
    that pool and dask workers can unpickle it.
    """

    fn: Callable[..., Any]
    name = "per-run"

    def __call__(self, context: RunContext, chunk: Chunk) -> ChunkResult:
        """Run the chunk run by run; return its tables."""
        from coalition_sim.sweeps.runner import _plain, complete_row

        rows, steps = [], []
        for rid, seed, values in chunk:
            start = time.perf_counter()
            row: dict[str, Any] = {"run_id": rid, "seed": seed}
            try:
                scenario = context.base.with_values(values) if values else context.base
                kwargs: dict[str, Any] = {"seed": seed, "steps": scenario["steps"]}
                if context.dataset is not None:
                    kwargs["dataset"] = context.dataset
                result = self.fn(scenario, **kwargs)
                row["outcomes"] = {k: _plain(v) for k, v in dict(result.outcomes).items()}
                row.update(status="ok", error=None)
                if context.keep_steps:
                    table = pa.Table.from_pandas(result.steps, preserve_index=False)
                    ids = pa.array([rid] * table.num_rows, pa.int64())
                    steps.append(table.add_column(0, "run_id", ids))
            except Exception as error:  # a failed run is data, not the end of the sweep
                row.update(status="error", error=describe_error(error), outcomes={})
            row["wall_time_s"] = time.perf_counter() - start
            rows.append(complete_row(context.spec, context.names, row, values))
        table = pa.concat_tables(steps, promote_options="permissive") if steps else None
        return storage.rows_to_table(rows), table, None
