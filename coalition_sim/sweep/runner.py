"""The sweep runner: plans the runs, hands chunks to an executor, streams rows to disk.

The runner does not know where runs execute: it gets an
:class:`~coalition_sim.sweep.executors.Executor` and only calls ``imap_unordered``.

Each run is one call of ``simulate(scenario, seed=..., dataset=...)`` on the base
scenario with the sample's values; its outcomes become one row of ``runs.parquet``. A run
that raises is recorded (status ``error`` and the message) and the sweep goes on. Rows
are written in part files as chunks come back, and merged in run-id order at the end, so
the result is the same whatever the backend, the number of workers or the order in which
runs finish; only ``wall_time_s`` differs between two sweeps.
"""

from __future__ import annotations

import math
import platform
import shlex
import socket
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from coalition_sim import __version__
from coalition_sim.errors import InputError
from coalition_sim.parameters import Scenario
from coalition_sim.sweep import storage
from coalition_sim.sweep.design import SweepSpec, spec_from_dict
from coalition_sim.sweep.executors import Executor
from coalition_sim.sweep.sampling import Design, build_design
from coalition_sim.sweep.seeds import run_seed, run_seeds_of, split_run_id
from coalition_sim.sweep.simulators import EngineSimulator

#: Columns every row of runs.parquet starts with.
ID_COLUMNS = ("run_id", "sample_id", "replication", "seed", "status")
#: Columns every row ends with.
TAIL_COLUMNS = ("error", "wall_time_s", "command")
#: Outcomes listed first, in this order, when present; the others follow by name.
KEY_OUTCOMES = (
    "final_members",
    "members",
    "final_parity",
    "final_cohesion",
    "final_credibility",
    "first_parity_step",
    "vetoes_unreliable",
    "admissions",
    "exits",
)


@dataclass(frozen=True)
class RunContext:
    """What every worker needs, sent once per worker: base scenario, data, options.

    ``simulator`` runs a chunk (the engine by default; see
    :mod:`coalition_sim.sweep.simulators`).
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
    for settings in design.settings:
        for name, value in settings.items():
            if isinstance(value, list):
                lists.setdefault(name, set()).update(value)
            elif name.startswith("state."):
                keys.add(name.rsplit(".", 1)[0])
    problems = [(name, code) for name, codes in lists.items() for code in sorted(codes)]
    problems += [(key, key.split(".")[1]) for key in sorted(keys)]
    for name, code in problems:
        if code not in known:
            raise InputError(f"{name}: unknown ISO3 code {code} (not in {source})")
        if code not in actors:
            raise InputError(f"{name}: {code} is the adversary or external, not a European state")


# --- the rerun command ----------------------------------------------------------------------


def _cli_value(value: Any) -> str:
    if value is None:
        return "never"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    return repr(value) if isinstance(value, float) else str(value)


def rerun_command(spec: SweepSpec, seed: int, values: dict[str, Any]) -> str:
    """Build the ``coalition-sim run`` command that repeats one run of the sweep alone."""
    words = ["coalition-sim", "run", "--scenario", spec.scenario]
    if spec.states_path:
        words += ["--states", spec.states_path]
    if spec.borders_path:
        words += ["--borders", spec.borders_path]
    words += ["--seed", str(seed)]
    for name, value in {**spec.fixed, **values}.items():
        words += ["--set", f"{name}={_cli_value(value)}"]
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
        sample, replication = split_run_id(rid, self.spec.reps)
        return rid, run_seed(self.spec.seed, sample, replication), self.design.settings[sample]

    def chunks(self, todo: Sequence[int], size: int) -> Iterator[list[tuple[int, int, dict]]]:
        """Cut the runs to do, in run-id order, into chunks of ``size`` (made lazily)."""
        reps, settings = self.spec.reps, self.design.settings
        for start in range(0, len(todo), size):
            ids = np.asarray(todo[start : start + size], dtype=np.int64)
            seeds = run_seeds_of(self.spec.seed, ids, reps).tolist()
            yield [
                (rid, seed, settings[rid // reps])
                for rid, seed in zip(ids.tolist(), seeds, strict=True)
            ]


def chunk_size(pending: int, workers: int, requested: int | None = None) -> int:
    """Choose the runs per task: about 20 tasks per worker.

    Millisecond runs are then not drowned in scheduling overhead, while progress and load
    balance stay fine-grained.
    """
    if requested:
        return requested
    return int(min(200, max(1, math.ceil(pending / (workers * 20)))))


def design_table(plan: Plan) -> pa.Table:
    """``design.parquet``: sample ids, parameter values and the sampler's raw matrix."""
    columns: dict[str, Any] = {"sample_id": pa.array(np.arange(len(plan.design)))}
    for name in plan.design.names:
        columns[name] = pa.array([_plain(s[name]) for s in plan.design.settings])
    if plan.design.matrix is not None:
        for j, name in enumerate(plan.design.names):
            columns[f"x.{name}"] = pa.array(plan.design.matrix[:, j])
    return pa.table(columns)


# --- metadata -------------------------------------------------------------------------------


def host_info() -> dict[str, Any]:
    """Where the sweep was launched from."""
    from coalition_sim.sweep.executors import available_cores

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
    ):
        self.spec = spec
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
            "coalition_sim.engine.streams.run_seeds; a run's random numbers are SplitMix64 "
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
        """Run what is missing in the folder; merge; write metadata; report counts."""
        started = time.perf_counter()
        started_at = _now()
        folder = self.folder
        folder.mkdir(parents=True, exist_ok=True)
        storage.remove_stray_temporaries(folder)
        done = storage.done_run_ids(folder) if self.resume else set()
        todo = [rid for rid in range(self.plan.total) if rid not in done]
        if not (folder / storage.DESIGN).exists():
            storage.write_table(folder / storage.DESIGN, design_table(self.plan))
        counts = {"planned": self.plan.total, "done_before": len(done), "to_run": len(todo)}
        storage.write_json(
            folder / storage.METADATA,
            self._metadata(status="running", counts=counts, started_at=started_at),
        )
        runs = storage.PartWriter(folder, "runs", flush_rows=self.flush_rows)
        steps = storage.PartWriter(folder, "steps", flush_rows=self.flush_rows * 50)
        events = storage.PartWriter(folder, "events", flush_rows=self.flush_rows * 50)
        interrupted = False
        executor = self.executor
        size = chunk_size(len(todo), executor.workers, self.chunk)
        bar = _progress(self.progress, total=self.plan.total, initial=len(done))
        try:
            for chunk, result in executor.imap_unordered(
                run_chunk, self.plan.chunks(todo, size), self.context
            ):
                if isinstance(result, BaseException):
                    rows, table, logged = self._lost_rows(chunk, result), None, None
                else:
                    rows, table, logged = result
                runs.add_table(rows)
                if table is not None:
                    steps.add_table(table)
                if logged is not None:
                    events.add_table(logged)
                if bar is not None:
                    bar.update(len(chunk))
        except KeyboardInterrupt:
            interrupted = True
        finally:
            runs.flush()
            steps.flush()
            events.flush()
            if bar is not None:
                bar.close()
        workers = executor.describe()
        setup_s = self.setup_s
        run_s = time.perf_counter() - started
        merge_start = time.perf_counter()
        if not interrupted:
            order = _order_columns(self.plan.design.names)
            storage.consolidate(
                folder, "runs", storage.RUNS, order=order, types={"error": pa.string()}
            )
            if self.spec.keep_steps:
                storage.consolidate(
                    folder, "steps", storage.STEPS, sort_keys=("run_id", "step"), block_rows=100_000
                )
            if self.context.keep_events:
                storage.consolidate(
                    folder, "events", storage.EVENTS, sort_keys=("run_id", "event"),
                    block_rows=100_000,
                )  # fmt: skip
        merge_s = time.perf_counter() - merge_start
        summary = summarise(folder) if not interrupted else {"ok": 0, "failed": 0, "errors": []}
        elapsed = time.perf_counter() - started
        counts.update(ok=summary["ok"], failed=summary["failed"])
        ran = len(todo) if not interrupted else runs.written
        storage.write_json(
            folder / storage.METADATA,
            self._metadata(
                status="interrupted" if interrupted else "complete",
                counts=counts,
                started_at=started_at,
                finished_at=_now(),
                timings={
                    "elapsed_s": round(elapsed, 3),
                    "setup_s": round(setup_s, 3),
                    "runs_s": round(run_s, 3),
                    "merge_s": round(merge_s, 3),
                    "runs_per_s": round(ran / run_s, 2) if run_s > 0 else None,
                    "chunk_size": size if todo else None,
                },
                host=host_info(),
                workers=workers,
            ),
        )
        result = SweepResult(
            folder,
            self.plan.total,
            summary["ok"],
            summary["failed"],
            len(done),
            elapsed,
            summary["errors"],
            interrupted,
        )
        if interrupted:
            raise SweepInterrupted(result)
        return result


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep, after the finished runs were saved."""

    def __init__(self, result: SweepResult):
        super().__init__("sweep interrupted")
        self.result = result


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
    """Rebuild the spec of the sweep saved in ``folder`` (for ``--resume DIR``)."""
    return spec_from_dict(load_metadata(folder)["spec"])
