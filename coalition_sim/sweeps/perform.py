"""One orchestration of a sweep, for every face: check, plan, then run.

As the EMA workbench's ``perform_experiments``, :func:`run_sweep` is the one flow both
faces call (``coalition-sim sweep`` and :func:`coalition_sim.api.sweep`):

1. :func:`prepare_sweep` counts the design before building it and refuses one above the
   limit, builds it, loads the data and checks the design against it, and checks the
   output folder (not a file, not locked by another sweep, free unless it is replaced or
   continued) - all before anything is written;
2. :func:`run_sweep` starts the executor (a scheduler that cannot be reached stops here,
   with nothing written), checks the folder can be written, locks it, clears an earlier
   sweep's results when asked to replace them (under the lock, so a second sweep cannot
   slip in between), and runs.

Failures are errors that carry the field, the problem and a remedy
(:class:`coalition_sim.errors.Remedy`); each face words them its own way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coalition_sim.errors import InputError, Remedy
from coalition_sim.folders import check_not_a_file, check_writable
from coalition_sim.sweeps import sampling, storage
from coalition_sim.sweeps.design import SweepSpec, spec_warnings
from coalition_sim.sweeps.executors import DEFAULT_CONNECT_TIMEOUT, make_executor
from coalition_sim.sweeps.locking import FolderLock, check_unlocked
from coalition_sim.sweeps.runner import RunContext, SweepResult, SweepRunner, check_against_data
from coalition_sim.sweeps.sampling import Design

#: Most runs a sweep makes unless told otherwise: counted before the design is built,
#: since a grid of a billion points fills the memory before the first run (FACTS.md).
MAX_RUNS = 10_000_000
#: A design this large is run, with a warning.
LARGE_DESIGN = 1_000_000


@dataclass(frozen=True)
class Where:
    """Where the runs execute: a local pool, a local dask cluster or a scheduler.

    At most one of ``workers``, ``dask_local`` and ``scheduler`` is given.
    """

    workers: int | None = None
    scheduler: str | None = None
    dask_local: int | None = None
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT


@dataclass(frozen=True)
class PreparedSweep:
    """A sweep checked and planned, nothing written yet: what :func:`run_sweep` runs."""

    spec: SweepSpec
    folder: Path
    design: Design
    context: RunContext
    samples: int
    total: int
    resume: bool = False
    replace: bool = False
    warnings: tuple[str, ...] = field(default_factory=tuple)


def count_runs(spec: SweepSpec, max_runs: int = MAX_RUNS) -> tuple[int, int]:
    """``(samples, runs)`` of the design, counted without building it; refuse too many."""
    samples = sampling.design_size(spec)
    total = samples * spec.reps
    if total == 0:
        raise InputError(problem="the design has no runs")
    if total > max_runs:
        raise InputError(
            problem=(
                f"the design has {total:,} runs ({samples:,} samples x {spec.reps:,} "
                f"replications), more than the limit of {max_runs:,}"
            ),
            remedy=Remedy.SMALLER_DESIGN,
        )
    return samples, total


def make_context(spec: SweepSpec, dataset: Any) -> RunContext:
    """What every worker needs: the base scenario, the data and what to keep."""
    from coalition_sim.engine import engine  # noqa: F401 - loaded before the pool forks

    return RunContext(spec.base_scenario(), dataset, spec.keep_steps, keep_events=spec.keep_events)


def check_folder(folder: Path, *, replace: bool) -> None:
    """Refuse an output folder that is a file, in use, or holding results not to replace."""
    check_not_a_file(folder, Remedy.OTHER_FOLDER)
    check_unlocked(folder)
    if not storage.folder_is_free(folder) and not replace:
        raise InputError(
            field="out",
            subject=folder,
            problem="the folder exists and is not empty",
            remedy=Remedy.REPLACE_OR_CONTINUE,
        )
    others = storage.other_files(folder) if folder.exists() else []
    if others:
        raise InputError(
            field="out",
            subject=folder,
            problem=f"the folder holds other files ({', '.join(others[:3])})",
            remedy=Remedy.REPLACE_ONLY_RESULTS,
        )


def prepare_sweep(
    spec: SweepSpec,
    folder: Path,
    *,
    resume: bool = False,
    replace: bool = False,
    max_runs: int = MAX_RUNS,
    dataset: Any = None,
) -> PreparedSweep:
    """Check and plan a sweep; nothing is written (see the module docstring).

    Args:
        spec: the sweep.
        folder: its output folder.
        resume: continue the sweep already in ``folder`` (its results stay).
        replace: replace the results of an earlier sweep in ``folder``.
        max_runs: the largest design accepted.
        dataset: the data every run uses (default: the spec's states and borders files).
    """
    from coalition_sim.datasets import load_dataset

    samples, total = count_runs(spec, max_runs)
    notes = list(spec_warnings(spec))
    if total > LARGE_DESIGN:
        notes.append(f"a large design: {total:,} runs ({samples:,} samples x {spec.reps:,})")
    design = sampling.build_design(spec)
    if dataset is None:
        dataset = load_dataset(spec.states_path, spec.borders_path)
    check_against_data(spec, design, dataset)
    context = make_context(spec, dataset)
    folder = Path(folder)
    if not resume:
        check_folder(folder, replace=replace)
    return PreparedSweep(spec, folder, design, context, samples, total, resume, replace,
                         tuple(notes))  # fmt: skip


def run_sweep(
    prepared: PreparedSweep,
    *,
    where: Where | None = None,
    progress: bool = False,
    chunk: int | None = None,
    flush_rows: int | None = None,
    command: str = "",
    on_started: Any = None,
) -> SweepResult:
    """Run a prepared sweep to the end; return its counts (see the module docstring).

    Raises what :class:`~coalition_sim.sweeps.runner.SweepRunner` raises: SweepInterrupted
    (Ctrl-C or SIGTERM; finished runs saved), SchedulerError, OutputError, FolderLocked.
    ``on_started`` is called once the executor is up (a face may time its start-up).
    """
    import time

    import pyarrow

    # Arrow's default allocator (mimalloc) keeps freed memory per thread; the system
    # allocator gives it back, which keeps a long sweep's memory flat (benchmarks/sweep.py).
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    where = where or Where()
    started = time.perf_counter()
    executor = make_executor(
        workers=where.workers,
        scheduler=where.scheduler,
        dask_local=where.dask_local,
        connect_timeout=where.connect_timeout,
    )
    folder = prepared.folder
    with executor:
        setup_s = time.perf_counter() - started
        if on_started is not None:
            on_started(setup_s)
        check_writable(folder, Remedy.OTHER_FOLDER)
        with FolderLock(folder, command) as lock:
            if not prepared.resume and not storage.folder_is_free(folder):
                storage.clear_sweep_files(folder)  # replacing, checked before, now locked
            runner = SweepRunner(
                prepared.spec,
                folder,
                executor,
                context=prepared.context,
                resume=prepared.resume,
                progress=progress,
                chunk=chunk,
                design=prepared.design,
                setup_s=setup_s,
                flush_rows=flush_rows or 2000,
                lock=lock,
                command=command,
            )
            return runner.run()
