"""The sweep runner: plans the runs, hands chunks to an executor, streams rows to disk.

The runner does not know where runs execute: it gets an
:class:`~coalition_sim.sweeps.executors.Executor` and only calls ``imap_unordered``.

Chunks of runs go through the engine as one batch each (see
:mod:`coalition_sim.sweeps.simulators`); each run's outcomes become one row of
``runs.parquet``. A run that fails is recorded (status ``error`` and the message) and
the sweep goes on. Rows are written in part files as chunks come back, and merged in
run-id order at the end, so the result is the same whatever the backend, the number of
workers or the order in which runs finish; only ``wall_time_s`` differs between two
sweeps.
"""

from __future__ import annotations

import math
import platform
import shlex
import socket
import sys
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from coalition_sim.errors import InputError, OutputError, Remedy, SchedulerError, Terminated
from coalition_sim.folders import atomic_write, check_writable
from coalition_sim.parameters import Scenario, cli_value

# nullable_outcomes is re-exported for run_chunk's rows (the model gives -1 for never)
from coalition_sim.results import NEVER_SENTINELS, nullable_outcomes  # noqa: F401
from coalition_sim.sweeps import storage
from coalition_sim.sweeps.design import SweepSpec, spec_from_dict
from coalition_sim.sweeps.executors import Executor
from coalition_sim.sweeps.locking import FolderLock
from coalition_sim.sweeps.sampling import Design, build_design
from coalition_sim.sweeps.seeds import run_seed, run_seeds_of, split_run_id
from coalition_sim.sweeps.simulators import EngineSimulator
from coalition_sim.version import __version__

#: Columns every row of runs.parquet starts with.
ID_COLUMNS = ("run_id", "sample_id", "replication", "seed", "status")
#: Columns every row ends with.
TAIL_COLUMNS = ("error", "wall_time_s", "command")
#: Outcomes listed first, in this order, when present; the others follow by name.
KEY_OUTCOMES = (
    "final_members",
    "join_order",
    "final_parity",
    "final_cohesion",
    "final_credibility",
    "parity_reached",
    "first_parity_step",
    "vetoes_unreliable",
    "admissions",
    "exits",
)


@dataclass(frozen=True)
class RunContext:
    """What every worker needs, sent once per worker: base scenario, data, options.

    ``simulator`` runs a chunk (the engine by default; see
    :mod:`coalition_sim.sweeps.simulators`).
    """

    base: Scenario
    dataset: Any = None
    keep_steps: bool = False
    simulator: Callable[..., Any] = field(default_factory=EngineSimulator)
    keep_events: bool = False
    #: Set by the runner: the sweep (for ids and rerun commands) and its varied names.
    spec: SweepSpec | None = None
    names: tuple[str, ...] = ()


def _plain(value: Any) -> Any:
    """Convert to a JSON/parquet-friendly scalar."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def run_chunk(context: RunContext, chunk: Sequence[tuple[int, int, dict[str, Any]]]) -> Any:
    """Run the runs of one chunk: ``(run_id, seed, values)`` triples (an executor task).

    Returns ``(runs, steps, events)``: a table with the finished row of every run (ids,
    parameters, status, outcomes, error, wall time, rerun command) and, when kept, tables
    of per-step metrics and of events. Rows are completed here, in the worker, so the
    process that writes them only appends tables.
    """
    return context.simulator(context, chunk)


def complete_row(
    spec: SweepSpec, names: Sequence[str], row: dict[str, Any], values: dict[str, Any]
) -> dict[str, Any]:
    """Build the runs.parquet row of one run from its raw result and its parameters."""
    sample, replication = split_run_id(row["run_id"], spec.reps)
    full = {
        "run_id": row["run_id"],
        "sample_id": sample,
        "replication": replication,
        "seed": row["seed"],
        "status": row["status"],
    }
    full.update({name: _plain(values[name]) for name in names})
    reserved = set(ID_COLUMNS) | set(TAIL_COLUMNS) | set(names)
    for name, value in row["outcomes"].items():
        full[_outcome_name(name, reserved)] = value
    full["error"] = row["error"]
    full["wall_time_s"] = row["wall_time_s"]
    full["command"] = rerun_command(spec, row["seed"], values)
    return full


def check_against_data(spec: SweepSpec, design: Design, dataset: Any) -> None:
    """Refuse ISO3 codes the data set does not hold as European states, before any run.

    The schema checks the form of a code; only the data knows whether it is a state the
    model simulates. Checked: ISO3-list parameters (fixed or varied) and per-state keys.
    """
    if dataset is None:
        return
    actors = {row["iso3"] for row in dataset.actor_rows()}
    known = set(dataset.codes)
    source = getattr(dataset, "states_source", "the states data")
    base = spec.base_scenario()
    lists: dict[str, set[str]] = {}
    for name, value in base.values.items():
        if isinstance(value, tuple):
            lists.setdefault(name, set()).update(value)
    keys = {f"state.{iso3}" for iso3 in base.state_overrides}
    # The design's values are the parameters' values (lists) or numbers in a range, so
    # the parameters are checked rather than every sample of a possibly huge design.
    del design
    for param in spec.params:
        if param.name.startswith("state."):
            keys.add(param.name.rsplit(".", 1)[0])
        for value in param.values or ():
            if isinstance(value, (list, tuple)):
                lists.setdefault(param.name, set()).update(value)
    problems = [(name, code) for name, codes in lists.items() for code in sorted(codes)]
    problems += [(key, key.split(".")[1]) for key in sorted(keys)]
    for name, code in problems:
        if code not in known:
            raise InputError(f"{name}: unknown ISO3 code {code} (not in {source})")
        if code not in actors:
            raise InputError(f"{name}: {code} is the adversary or external, not a European state")


# --- the rerun command ----------------------------------------------------------------------


def rerun_command(spec: SweepSpec, seed: int, values: dict[str, Any]) -> str:
    """Build the ``coalition-sim run`` command that repeats one run of the sweep alone."""
    words = ["coalition-sim", "run", "--scenario", spec.scenario]
    if spec.states_path:
        words += ["--states", spec.states_path]
    if spec.borders_path:
        words += ["--borders", spec.borders_path]
    words += ["--seed", str(seed)]
    for name, value in {**spec.fixed, **values}.items():
        words += ["--set", f"{name}={cli_value(value)}"]
    return shlex.join(words)


# --- planning -------------------------------------------------------------------------------


@dataclass
class Plan:
    """The runs of a sweep: the design times the replications, in run-id order."""

    spec: SweepSpec
    design: Design

    @property
    def total(self) -> int:
        """Number of runs."""
        return len(self.design) * self.spec.reps

    def run(self, rid: int) -> tuple[int, int, dict[str, Any]]:
        """``(run_id, seed, values)`` of one run."""
        rid = int(rid)
        sample, replication = split_run_id(rid, self.spec.reps)
        return rid, run_seed(self.spec.seed, sample, replication), self.design.setting(sample)

    def chunks(self, todo: Sequence[int], size: int) -> Iterator[list[tuple[int, int, dict]]]:
        """Cut the runs to do, in run-id order, into chunks of ``size`` (made lazily).

        ``todo`` is a ``range`` for a new sweep and an array of ids for a resumed one:
        neither is a list of Python ints, and the chunks are made as they are taken.
        """
        reps, settings = self.spec.reps, self.design.settings
        for start in range(0, len(todo), size):
            ids = np.asarray(todo[start : start + size], dtype=np.int64)
            seeds = run_seeds_of(self.spec.seed, ids, reps).tolist()
            yield [
                (rid, seed, settings[rid // reps])
                for rid, seed in zip(ids.tolist(), seeds, strict=True)
            ]

    def todo(self, done: np.ndarray | None = None) -> Sequence[int]:
        """The run ids still to do: all of them, or those not in ``done`` (sorted ids)."""
        if done is None or not len(done):
            return range(self.total)
        missing = np.ones(self.total, dtype=bool)
        inside = done[(done >= 0) & (done < self.total)]
        missing[inside] = False
        return np.flatnonzero(missing)


#: Runs per task: the engine's cost per run-step falls until about 4,096 runs a batch
#: (``benchmarks/step.py`` and ``benchmarks/sweep.py`` measure it); below 256 it is
#: dominated by the cost of each numpy call.
CHUNK_MIN, CHUNK_MAX = 256, 4096
#: Tasks per worker, for balance and progress: a 10,000-run sweep on 2 workers runs in
#: eight chunks of 1,250 (3.2 s end to end, against 5.9 s in chunks of 200 and 3.6 s in
#: chunks of 5,000).
TASKS_PER_WORKER = 4


def chunk_size(pending: int, workers: int, requested: int | None = None) -> int:
    """Choose the runs per task: about four tasks per worker, 256 to 4,096 runs each."""
    if requested:
        return requested
    share = math.ceil(pending / (max(1, workers) * TASKS_PER_WORKER))
    return int(max(1, min(pending, CHUNK_MAX, max(CHUNK_MIN, share))))


def design_table(plan: Plan, start: int = 0, stop: int | None = None) -> pa.Table:
    """``design.parquet`` rows ``start`` to ``stop``: ids, values, the sampler's raw x."""
    design = plan.design
    stop = len(design) if stop is None else min(stop, len(design))
    columns: dict[str, Any] = {"sample_id": pa.array(np.arange(start, stop, dtype=np.int64))}
    for name, values in design.columns(start, stop, convert=_plain).items():
        columns[name] = pa.array(values)
    if design.matrix is not None:
        for j, name in enumerate(design.names):
            columns[f"x.{name}"] = pa.array(design.matrix[start:stop, j])
    return pa.table(columns)


#: Samples per block of design.parquet: a ten-million-sample design is written in
#: blocks, never held as one table.
DESIGN_BLOCK = 200_000


def write_design_table(path: Path, plan: Plan, block: int = DESIGN_BLOCK) -> None:
    """Write ``design.parquet`` block by block, atomically."""
    import pyarrow.parquet as pq

    def write(tmp: Path) -> None:
        first = design_table(plan, 0, block)
        with pq.ParquetWriter(tmp, first.schema) as writer:
            writer.write_table(first)
            for start in range(block, len(plan.design), block):
                writer.write_table(design_table(plan, start, start + block).cast(first.schema))

    atomic_write(path, write)


def nullable_columns(table: pa.Table) -> pa.Table:
    """:func:`nullable_outcomes` for a table of rows: "never" sentinels become nulls.

    ``run_chunk`` returns its rows as a table; the runner passes every table through
    this before it is written, and the final merge passes older parts through it too.
    """
    import pyarrow.compute as pc

    for name, sentinel in NEVER_SENTINELS.items():
        if name not in table.column_names:
            continue
        column = table.column(name)
        if pa.types.is_null(column.type):
            column = column.cast(pa.int64())
        never = pc.equal(column, pa.scalar(sentinel, column.type))
        fixed = pc.if_else(never, pa.nulls(len(column), column.type), column)
        table = table.set_column(table.column_names.index(name), name, fixed.cast(pa.int64()))
    if "parity_reached" not in table.column_names and "first_parity_step" in table.column_names:
        # rows of an older version or another simulator: the flag from the step, and
        # missing (not False) for a run that failed
        reached = pc.is_valid(table.column("first_parity_step"))
        if "status" in table.column_names:
            ok = pc.equal(table.column("status"), "ok")
            reached = pc.if_else(ok, reached, pa.nulls(len(reached), pa.bool_()))
        table = table.append_column("parity_reached", reached)
    return table


def _pandas_nullable_metadata() -> dict[bytes, bytes]:
    """Schema metadata: pandas reads the "never" columns as ``Int64``, flags as ``boolean``.

    Without it ``pd.read_parquet`` turns an int64 column with nulls into float64 and a
    bool column with nulls into objects.
    """
    import pandas as pd

    columns = {name: pd.array([], dtype="Int64") for name in NEVER_SENTINELS}
    columns["parity_reached"] = pd.array([], dtype="boolean")  # missing for a failed run
    frame = pd.DataFrame(columns)
    return dict(pa.Schema.from_pandas(frame, preserve_index=False).metadata)


# --- metadata -------------------------------------------------------------------------------


def host_info() -> dict[str, Any]:
    """Where the sweep was launched from."""
    from coalition_sim.sweeps.executors import available_cores

    return {
        "hostname": socket.gethostname(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cores": available_cores(),
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class SweepResult:
    """What a finished (or interrupted) sweep reports back."""

    folder: Path
    total: int
    ok: int
    failed: int
    skipped: int
    elapsed_s: float
    errors: list[dict[str, Any]] = field(default_factory=list)
    interrupted: bool = False

    @property
    def ran(self) -> int:
        """Runs executed by this invocation."""
        return self.total - self.skipped


def _order_columns(params: Sequence[str]) -> Callable[[list[str]], list[str]]:
    def order(names: list[str]) -> list[str]:
        head = [c for c in ID_COLUMNS if c in names]
        mid = [p for p in params if p in names]
        tail = [c for c in TAIL_COLUMNS if c in names]
        taken = set(head) | set(mid) | set(tail)
        key = [c for c in KEY_OUTCOMES if c in names and c not in taken]
        rest = sorted(c for c in names if c not in taken and c not in key)
        return head + mid + key + rest + tail

    return order


def _outcome_name(name: str, reserved: set[str]) -> str:
    return f"outcome.{name}" if name in reserved else name


class SweepRunner:
    """Runs a planned sweep into a folder with an executor it does not look inside.

    Args:
        spec: the sweep.
        folder: output folder (created; must be free unless ``resume``).
        executor: where runs execute, already entered by the caller (``with``).
        resume: continue a sweep already in ``folder``.
        context: the shared run context (base scenario, data set, run function).
        progress: show a tqdm bar (only on a terminal).
        chunk: runs per task (default: chosen from the sweep size and workers).
        flush_rows: rows buffered before a part file is written.
        design: the sampled design, when the caller has built it already.
        setup_s: seconds the caller spent starting the executor (for metadata).
        lock: the folder's lock, when the caller holds it already (the CLI takes it
            before ``--force`` clears the folder); otherwise the runner takes it.
        command: the command line, recorded in the lock file for a second sweep to show.

    Raises (from :meth:`run`):
        SweepInterrupted: Ctrl-C; finished runs are saved, metadata says "interrupted".
        SchedulerError: the executor lost its scheduler; as for Ctrl-C, with the reason.
        OutputError: the folder cannot be written (full, read-only); runs on disk are
            kept whole, metadata says "failed" with the reason.
        FolderLocked: another sweep holds the folder.

    """

    def __init__(
        self,
        spec: SweepSpec,
        folder: Path,
        executor: Executor,
        *,
        context: RunContext,
        resume: bool = False,
        progress: bool = True,
        chunk: int | None = None,
        flush_rows: int = 2000,
        design: Design | None = None,
        setup_s: float = 0.0,
        lock: FolderLock | None = None,
        command: str = "",
    ):
        self.spec = spec
        self.lock = lock
        self.command = command
        self.folder = Path(folder)
        self.executor = executor
        self.resume = resume
        self.progress = progress
        self.chunk = chunk
        self.flush_rows = flush_rows
        self.setup_s = setup_s
        self.plan = Plan(spec, design or build_design(spec))
        self.context = replace(context, spec=spec, names=tuple(self.plan.design.names))

    # metadata ---------------------------------------------------------------------------
    def _metadata(self, **extra: Any) -> dict[str, Any]:
        base = self.context.base
        return {
            "tool": "coalition-sim sweep",
            "version": __version__,
            "name": self.spec.name,
            "description": self.spec.description,
            "fingerprint": self.spec.fingerprint(),
            "spec": self.spec.to_dict(),
            "base_scenario": {
                "name": base.name,
                "source": self.spec.scenario,
                "values": base.flat(),
            },
            "design": {
                "method": self.plan.design.method,
                "parameters": [p.to_dict() for p in self.spec.params],
                "samples": len(self.plan.design),
                "reps": self.spec.reps,
                "problem": self.plan.design.problem,
                "morris_levels": self.spec.morris_levels
                if self.plan.design.method == "morris"
                else None,
            },
            "master_seed": self.spec.seed,
            "seeding": "SplitMix64 of (master_seed, sample_id, replication), "
            "coalition_sim.streams.run_seeds; a run's random numbers are SplitMix64 "
            "of (its seed's key, step, purpose, index)",
            "data": {"states": self.spec.states_path, "borders": self.spec.borders_path},
            "rerun": "coalition-sim run --scenario SCENARIO --seed SEED --set NAME=VALUE ... "
            "(column 'command' of runs.parquet)",
            **extra,
        }

    # rows -------------------------------------------------------------------------------
    def _lost_rows(self, chunk: list[tuple[int, int, dict]], error: BaseException) -> pa.Table:
        message = f"{type(error).__name__}: {error} (the task failed on the executor)"
        raw = [
            {"run_id": rid, "seed": seed, "status": "error", "error": message,
             "wall_time_s": None, "outcomes": {}}
            for rid, seed, _ in chunk
        ]  # fmt: skip
        names = self.context.names
        return storage.rows_to_table(
            [complete_row(self.spec, names, r, v) for r, (_, _, v) in zip(raw, chunk, strict=True)]
        )

    # the sweep --------------------------------------------------------------------------
    def run(self) -> SweepResult:
        """Run what is missing in the folder; merge; write metadata; report counts.

        The folder is checked for writing and locked first; nothing else happens until
        both succeed.
        """
        check_writable(self.folder, Remedy.OTHER_FOLDER)
        if self.lock is not None and self.lock.held:
            return self._run_locked()
        with FolderLock(self.folder, self.command):
            return self._run_locked()

    def _resume_state(self) -> tuple[np.ndarray, list[str]]:
        """Run ids on disk, after moving damaged final files aside (their runs rerun)."""
        notes: list[str] = []
        if not self.resume:
            return np.empty(0, dtype=np.int64), notes
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        for final in (storage.RUNS, storage.STEPS):
            target = storage.quarantine(self.folder, final, stamp)
            if target is not None:
                notes.append(
                    f"{final} was damaged (unreadable); moved to {target.name}; its runs "
                    "are run again"
                )
        return storage.done_run_ids(self.folder, keep_steps=self.spec.keep_steps), notes

    def _run_locked(self) -> SweepResult:
        started = time.perf_counter()
        started_at = _now()
        folder = self.folder
        storage.remove_stray_temporaries(folder)
        done, notes = self._resume_state()
        for note in notes:
            warnings.warn(note, SweepWarning, stacklevel=2)
        todo = self.plan.todo(done)
        counts = {"planned": self.plan.total, "done_before": len(done), "to_run": len(todo)}
        reserve = storage.Reserve(folder)
        reserve.hold()
        try:
            if not (folder / storage.DESIGN).exists():
                write_design_table(folder / storage.DESIGN, self.plan)
            storage.write_json(
                folder / storage.METADATA,
                self._metadata(status="running", counts=counts, started_at=started_at),
            )
        except OutputError:
            reserve.release()
            raise
        runs = storage.PartWriter(folder, "runs", flush_rows=self.flush_rows)
        steps = storage.PartWriter(folder, "steps", flush_rows=self.flush_rows * 50)
        events = storage.PartWriter(folder, "events", flush_rows=self.flush_rows * 50)
        executor = self.executor
        size = chunk_size(len(todo), executor.workers, self.chunk)
        stop = self._execute(runs, steps, events, todo, size, initial=len(done))
        workers = executor.describe()
        run_s = time.perf_counter() - started
        merge_start = time.perf_counter()
        if stop is None:
            try:
                stop = self._merge()
            except KeyboardInterrupt as error:  # the parts are kept until merged
                stop = _Stop.interrupted(error)
        merge_s = time.perf_counter() - merge_start
        summary = summarise(folder) if stop is None else {"ok": 0, "failed": 0, "errors": []}
        elapsed = time.perf_counter() - started
        counts.update(ok=summary["ok"], failed=summary["failed"])
        ran = len(todo) if stop is None else runs.written
        status = "complete" if stop is None else stop.status
        # The reserve makes room for this last write on a disk that filled up.
        reserve.release()
        try:
            storage.write_json(
                folder / storage.METADATA,
                self._metadata(
                    status=status,
                    reason=None if stop is None else stop.reason,
                    counts=counts,
                    started_at=started_at,
                    finished_at=_now(),
                    timings={
                        "elapsed_s": round(elapsed, 3),
                        "setup_s": round(self.setup_s, 3),
                        "runs_s": round(run_s, 3),
                        "merge_s": round(merge_s, 3),
                        "runs_per_s": round(ran / run_s, 2) if run_s > 0 else None,
                        "chunk_size": size if len(todo) else None,
                    },
                    host=host_info(),
                    workers=workers,
                ),
            )
        except OutputError as error:
            if stop is None:
                stop = _Stop.write_fault(error)
        result = SweepResult(
            folder,
            self.plan.total,
            summary["ok"],
            summary["failed"],
            len(done),
            elapsed,
            summary["errors"],
            stop is not None,
        )
        if stop is not None:
            saved = storage.done_run_ids(folder, keep_steps=self.spec.keep_steps)
            self._raise(stop, result, saved=len(saved))
        return result

    def _execute(
        self,
        runs: storage.PartWriter,
        steps: storage.PartWriter,
        events: storage.PartWriter,
        todo: Sequence[int],
        size: int,
        *,
        initial: int,
    ) -> _Stop | None:
        """Hand the chunks to the executor and stream rows to part files.

        Returns why the sweep stopped early, or None when every chunk came back. On
        Ctrl-C or a lost scheduler the buffered rows are written; on a write fault
        they cannot be, and the part files already written are kept.
        """
        stop: _Stop | None = None
        bar = _progress(self.progress, total=self.plan.total, initial=initial)
        try:
            for chunk, result in self.executor.imap_unordered(
                run_chunk, self.plan.chunks(todo, size), self.context
            ):
                if isinstance(result, BaseException):
                    rows, table, logged = self._lost_rows(chunk, result), None, None
                else:
                    rows, table, logged = result
                if table is not None:
                    steps.add_table(table)
                if logged is not None:
                    events.add_table(logged)
                runs.add_table(nullable_columns(rows))
                if bar is not None:
                    bar.update(len(chunk))
        except KeyboardInterrupt as error:
            stop = _Stop.interrupted(error)
        except SchedulerError as error:
            stop = _Stop("interrupted", str(error), error)
        except OutputError as error:
            stop = _Stop.write_fault(error)
        finally:
            if bar is not None:
                bar.close()
        if stop is None or stop.status == "interrupted":
            try:
                steps.flush()
                events.flush()
                runs.flush()
            except OutputError as error:
                stop = _Stop.write_fault(error)
        return stop

    def _merge(self) -> _Stop | None:
        """Merge the parts into the final files; a write fault keeps the parts."""
        order = _order_columns(self.plan.design.names)
        try:
            storage.consolidate(
                self.folder,
                "runs",
                storage.RUNS,
                order=order,
                types={
                    "error": pa.string(),
                    "parity_reached": pa.bool_(),
                    **dict.fromkeys(NEVER_SENTINELS, pa.int64()),
                },
                transform=nullable_columns,
                schema_metadata=_pandas_nullable_metadata(),
                # about 200 row groups: readers can skip through a large file, while the
                # footer stays small for ten million runs
                group_rows=min(5_000, max(500, -(-self.plan.total // 200))),
            )
            for kept, name, target, key in (
                (self.spec.keep_steps, "steps", storage.STEPS, "step"),
                (self.context.keep_events, "events", storage.EVENTS, "event"),
            ):
                if kept:
                    storage.consolidate(
                        self.folder, name, target, sort_keys=("run_id", key), block_rows=100_000
                    )
        except OutputError as error:
            return _Stop.write_fault(error)
        return None

    def _raise(self, stop: _Stop, result: SweepResult, *, saved: int) -> None:
        """Raise the exception that tells the caller why and how to continue."""
        folder = self.folder
        if isinstance(stop.error, KeyboardInterrupt):
            raise SweepInterrupted(result, terminated=isinstance(stop.error, Terminated))
        if isinstance(stop.error, SchedulerError):
            lost = stop.error
            error = SchedulerError(
                field=lost.field,
                subject=lost.subject,
                problem=f"{lost.problem or stop.reason}; finished runs are saved in {folder}",
                remedy=Remedy.RECONNECT_AND_CONTINUE,
                context={"folder": folder},
                names=lost.names,
            )
            error.result = result  # type: ignore[attr-defined]
            raise error from None
        reason = getattr(stop.error, "reason", None) or stop.reason
        error = OutputError(
            subject=folder,
            problem=f"cannot write: {reason}; the {saved} finished runs on disk are kept whole",
            remedy=Remedy.FREE_SPACE_AND_CONTINUE,
            context={"folder": folder},
            path=folder,
            reason=reason,
        )
        error.result = result  # type: ignore[attr-defined]
        raise error from None


@dataclass
class _Stop:
    """Why a sweep stopped before its end: metadata status, reason, the error."""

    status: str
    reason: str
    error: BaseException

    @classmethod
    def interrupted(cls, error: KeyboardInterrupt) -> _Stop:
        """Ctrl-C or SIGTERM: status "interrupted", the reason saying which."""
        how = "SIGTERM" if isinstance(error, Terminated) else "Ctrl-C"
        return cls("interrupted", f"interrupted ({how})", error)

    @classmethod
    def write_fault(cls, error: OutputError) -> _Stop:
        """A write that failed: status "failed", the reason naming the file."""
        reason = error.reason or str(error)
        where = f" while writing {error.path}" if error.path else ""
        return cls("failed", f"{reason}{where}", error)


class SweepWarning(UserWarning):
    """Something a sweep did that its user should know (a damaged file moved aside)."""


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep, after the finished runs were saved."""

    def __init__(self, result: SweepResult, *, terminated: bool = False):
        super().__init__("sweep interrupted")
        self.result = result
        #: True when SIGTERM stopped the sweep rather than Ctrl-C.
        self.terminated = terminated


def summarise(folder: Path, *, examples: int = 3) -> dict[str, Any]:
    """Count ok and failed runs in ``runs.parquet``; a few failures as examples."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    path = Path(folder) / storage.RUNS
    if not path.exists():
        return {"ok": 0, "failed": 0, "errors": []}
    reader = pq.ParquetFile(path)
    status = reader.read(columns=["status"], use_threads=False).column("status")
    failed = int(pc.sum(pc.not_equal(status, "ok")).as_py() or 0)
    errors: list[dict[str, Any]] = []
    for batch in reader.iter_batches(
        columns=["run_id", "status", "error", "command"], use_threads=False
    ):
        if len(errors) >= min(examples, failed):
            break
        rows = batch.filter(pc.not_equal(batch.column("status"), "ok")).to_pylist()
        errors += rows[: examples - len(errors)]
    return {"ok": len(status) - failed, "failed": failed, "errors": errors}


def _progress(enabled: bool, *, total: int, initial: int) -> Any:
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit="run",
        desc="sweep",
        dynamic_ncols=True,
        smoothing=0.1,
        file=sys.stderr,
    )


def load_metadata(folder: Path) -> dict[str, Any]:
    """Read a sweep folder's metadata.json, or raise InputError naming the folder."""
    import json

    path = Path(folder) / storage.METADATA
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"{folder}: not a sweep folder (no {storage.METADATA})") from None
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: cannot read: {error}") from None


def spec_from_folder(folder: Path) -> SweepSpec:
    """Rebuild the spec of the sweep saved in ``folder`` (for ``--resume DIR``).

    A ``coalition-sim run`` folder also has a metadata.json, without a sweep in it; say
    so rather than fail on the missing key.
    """
    metadata = load_metadata(folder)
    if not isinstance(metadata, dict) or "spec" not in metadata:
        kind = (
            "a 'coalition-sim run' results folder"
            if isinstance(metadata, dict) and "scenario" in metadata
            else "not a sweep folder (its metadata.json describes no sweep)"
        )
        raise InputError(
            field="resume", subject=folder, problem=kind, remedy=Remedy.GIVE_A_SWEEP_FOLDER
        )
    try:
        return spec_from_dict(metadata["spec"])
    except (TypeError, KeyError, ValueError) as error:
        raise InputError(
            field="resume",
            subject=folder,
            problem=f"its metadata.json does not describe a sweep this version can continue "
            f"({error})",
        ) from None
