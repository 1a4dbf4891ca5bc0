"""``coalition-sim sweep``: many replicated runs over a design, in parallel or on dask."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from coalition_sim.cli.common import warn
from coalition_sim.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_RUNS_FAILED, InputError

EPILOG = """\
examples:
  coalition-sim sweep --param us_commitment_after=0:0.8:3 --param admission_rule=unanimity,qmv \\
      --reps 20 --out results/us
  coalition-sim sweep --param 'state.HUN.reliability=0.1,0.35,0.75' --reps 50
  coalition-sim sweep --sample sobol --samples 64 --param reliability=0.5:0.9 \\
      --param cost_advantage=3:5 --param ukraine_investment_share=0:0.2
  coalition-sim sweep experiments/h1_us_withdrawal.toml --dask-local 2
  coalition-sim sweep --resume results/us          # after Ctrl-C or a crash

Values: NAME=START:STOP:NUM (evenly spaced; NUM may be left out for lhs/sobol/morris),
NAME=V1,V2,... (numbers, choices, true/false), and for ISO3 lists alternatives separated
by '|': 'founders=EST,LVA,POL|EST,LVA,POL,UKR'. Per-state overrides: state.ISO3.TRAIT.
Every row of runs.parquet records its seed and the 'coalition-sim run' command that
repeats it alone. A design is counted before it is built; one above --max-runs is
refused with its size. While a sweep writes its folder it holds DIR/.lock: a second
sweep on the same folder (new, --force or --resume) stops at once with exit code 4.
"""

#: Default of --max-runs: ten times the largest sweep benchmarked (1,000,000 runs);
#: larger designs are nearly always a typo in NUM (a billion-point axis took 24 GB).
DEFAULT_MAX_RUNS = 10_000_000
#: Above this many runs a design is announced with a warning (it still runs).
LARGE_DESIGN = 1_000_000
#: Most runs in one task (--chunk-size): a task is one engine batch in a worker's memory,
#: about 17 KB a run (1.1 GB at this limit); larger chunks are no faster (runner.py).
MAX_CHUNK = 65_536


def register(subparsers: Any) -> None:
    """Add the ``sweep`` subcommand."""
    parser = subparsers.add_parser(
        "sweep",
        help="run many replicated simulations over a design and store them as parquet",
        description=(
            "Run the model over a design of parameter values (grid, Latin hypercube, Sobol, "
            "Morris) with replications, locally in parallel or on a dask cluster; results "
            "stream to DIR/runs.parquet."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "sweep_file",
        nargs="?",
        metavar="SWEEP.toml",
        help="sweep file (options given here override it)",
    )
    parser.add_argument(
        "--scenario",
        metavar="NAME|FILE",
        help="base scenario: a preset or a scenario TOML (default baseline)",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="SPEC",
        help="a varied parameter: NAME=START:STOP:NUM or NAME=V1,V2,... (repeatable)",
    )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        dest="assignments",
        help="a fixed change to the base scenario",
    )
    parser.add_argument(
        "--sample", choices=("grid", "lhs", "sobol", "morris"), help="design (default grid)"
    )
    parser.add_argument(
        "--samples",
        type=int,
        metavar="N",
        help="base sample size N for lhs (N runs), sobol (N*(D+2)) and morris (N*(D+1))",
    )
    parser.add_argument("--reps", type=int, metavar="R", help="replications per sample")
    parser.add_argument("--steps", type=int, metavar="N", help="quarters per run")
    parser.add_argument(
        "--seed",
        type=int,
        metavar="MASTER",
        help="master seed (default 1); run seeds are spawned from it",
    )
    where = parser.add_argument_group("where it runs (default: a local pool on all cores)")
    where.add_argument("--workers", type=int, metavar="W", help="local worker processes")
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="an existing dask.distributed scheduler, tcp://HOST:PORT",
    )
    where.add_argument(
        "--dask-local",
        type=int,
        metavar="N",
        help="start a local dask cluster of N workers on 127.0.0.1",
    )
    where.add_argument(
        "--connect-timeout",
        type=float,
        metavar="SECONDS",
        help="give up on --scheduler after this long, at the start and when it is lost "
        "mid-sweep (default 5)",
    )
    where.add_argument(
        "--chunk-size",
        type=int,
        metavar="K",
        help=f"runs per task, at most {MAX_CHUNK:,} (default: chosen from the sweep size)",
    )
    out = parser.add_argument_group("output")
    out.add_argument(
        "--out",
        metavar="DIR",
        help="output folder (default results/NAME, or results/sweep-DATE-TIME when unnamed)",
    )
    out.add_argument(
        "--keep-steps",
        action="store_true",
        help="also write steps.parquet (per-step metrics of every run)",
    )
    out.add_argument(
        "--keep-events",
        action="store_true",
        help="also write events.parquet (every run's event log, keyed by run_id)",
    )
    out.add_argument(
        "--resume",
        nargs="?",
        const="",
        metavar="DIR",
        help="continue an interrupted sweep in DIR (or --out): run what is missing",
    )
    out.add_argument(
        "--force",
        action="store_true",
        help="replace the results of an earlier sweep in the output folder",
    )
    out.add_argument(
        "--flush-every",
        type=int,
        default=2000,
        metavar="N",
        help="write finished runs to disk every N runs (default 2000); "
        "at most N runs are lost to a crash",
    )
    out.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    out.add_argument(
        "--dry-run", action="store_true", help="validate and print the number of runs, run nothing"
    )
    out.add_argument(
        "--max-runs",
        type=int,
        default=DEFAULT_MAX_RUNS,
        metavar="N",
        help=f"refuse a design of more runs than this (default {DEFAULT_MAX_RUNS:,})",
    )
    data = parser.add_argument_group("data (every run of the sweep uses these files)")
    data.add_argument("--states", metavar="FILE", help="states CSV (default: packaged data)")
    data.add_argument("--borders", metavar="FILE", help="borders CSV (default: packaged data)")
    parser.set_defaults(handler=handle)


def _spec_given(args: argparse.Namespace) -> bool:
    fields = (
        args.sweep_file,
        args.scenario,
        args.sample,
        args.samples,
        args.reps,
        args.steps,
        args.seed,
    )
    return any(v is not None for v in fields) or bool(args.param or args.assignments)


def _positive(name: str, value: int | None) -> None:
    if value is not None and value < 1:
        raise InputError(f"{name}: {value} must be >= 1")


def _check_options(args: argparse.Namespace) -> None:
    """Options that are wrong whatever the sweep: counts, one place to run, the address."""
    from coalition_sim.sweep.executors import check_scheduler_address

    for name in ("--workers", "--dask-local", "--chunk-size", "--flush-every", "--max-runs"):
        _positive(name, getattr(args, name[2:].replace("-", "_")))
    if args.chunk_size is not None and args.chunk_size > MAX_CHUNK:
        raise InputError(
            f"--chunk-size: {args.chunk_size:,} runs is more than {MAX_CHUNK:,} (a chunk is "
            "one batch in a worker's memory, about 17 KB a run); leave it out to let the "
            "sweep choose"
        )
    chosen = [
        n
        for n, v in (
            ("--workers", args.workers),
            ("--scheduler", args.scheduler),
            ("--dask-local", args.dask_local),
        )
        if v is not None
    ]
    if len(chosen) > 1:
        raise InputError(f"{' and '.join(chosen)}: choose one place to run")
    if args.scheduler is not None:
        check_scheduler_address(args.scheduler)
    if args.connect_timeout is not None:
        if args.scheduler is None:
            raise InputError("--connect-timeout: applies to --scheduler only")
        if not 0 < args.connect_timeout <= 3600:
            raise InputError(
                f"--connect-timeout {args.connect_timeout:g}: allowed: more than 0, at most "
                "3600 seconds"
            )


def _cap_workers(option: str, count: int | None) -> int | None:
    """More workers than cores only adds memory and contention: warn and use the cores.

    Capping, not refusing: the same script then runs on a laptop and on a server, and
    the warning says what happened.
    """
    from coalition_sim.sweep.executors import available_cores

    cores = available_cores()
    if count is not None and count > cores:
        warn(
            "sweep",
            f"{option} {count}: only {cores} cores are available to this process; "
            f"using {cores} (more workers than cores would only compete for them)",
        )
        return cores
    return count


def default_sweep_dir(root: Path = Path("results")) -> Path:
    """A new folder ``results/sweep-YYYYMMDD-HHMMSS`` for a sweep without a name.

    Every unnamed sweep went to ``results/sweep``, so the second one failed; like
    ``coalition-sim run``, each gets its own folder.
    """
    from datetime import datetime

    base = root / f"sweep-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def _spec_and_folder(args: argparse.Namespace) -> tuple[Any, Path, bool]:
    """The sweep to run, its folder, and whether it continues one (``--resume``)."""
    from dataclasses import replace

    from coalition_sim.sweep.design import build_spec
    from coalition_sim.sweep.runner import spec_from_folder

    if args.resume is not None:
        folder = Path(args.resume or args.out or "")
        if not str(folder) or str(folder) == ".":
            raise InputError("--resume: name the sweep folder: --resume DIR")
        saved = spec_from_folder(folder)
        if _spec_given(args) or args.states or args.borders or args.keep_steps or args.keep_events:
            asked = _build(args, build_spec)
            differ = asked.differences(saved)
            if differ:
                raise InputError(
                    f"--resume {folder}: the folder holds another sweep (it differs in "
                    f"{', '.join(differ)}); run 'coalition-sim sweep --resume {folder}' alone"
                )
        return saved, folder, True
    spec = _build(args, build_spec)
    if args.out:
        folder = Path(args.out)
    elif args.sweep_file is None:
        folder = default_sweep_dir()
    else:
        folder = Path("results") / spec.name
    if args.sweep_file is None:  # an unnamed sweep is named after its folder
        spec = replace(spec, name=folder.name)
    return spec, folder, False


def _check_size(spec: Any, max_runs: int) -> tuple[int, int]:
    """Count the design (nothing is built) and refuse one above ``--max-runs``."""
    from coalition_sim.sweep.sampling import design_size

    samples = design_size(spec)
    total = samples * spec.reps
    if total == 0:
        raise InputError("the design has no runs")
    what = f"{samples:,} samples x {spec.reps:,} replications"
    if total > max_runs:
        raise InputError(
            f"the design has {total:,} runs ({what}), more than --max-runs {max_runs:,}; "
            "check NUM in NAME=START:STOP:NUM (it is the number of points), or raise "
            "--max-runs"
        )
    if total > LARGE_DESIGN:
        warn("sweep", f"a large design: {total:,} runs ({what})")
    return samples, total


def _prepare_folder(folder: Path, force: bool) -> None:
    """Refuse a folder in use or holding results, before anything is written there."""
    from coalition_sim.folders import check_not_a_file
    from coalition_sim.sweep import storage
    from coalition_sim.sweep.locking import check_unlocked

    check_not_a_file(folder, "choose another --out")
    check_unlocked(folder)
    if not storage.folder_is_free(folder) and not force:
        raise InputError(
            f"{folder}: output folder exists and is not empty; use --force to replace "
            f"its results or --resume to continue it"
        )
    if folder.exists() and storage.other_files(folder):
        raise InputError(
            f"{folder}: --force replaces sweep results only; the folder holds other files "
            f"({', '.join(storage.other_files(folder)[:3])}); choose another --out"
        )


def handle(args: argparse.Namespace) -> int:
    """Validate everything, then run the sweep; nothing is written on bad input."""
    import shlex

    from coalition_sim.folders import check_writable
    from coalition_sim.sweep import storage
    from coalition_sim.sweep.design import spec_warnings
    from coalition_sim.sweep.executors import DEFAULT_CONNECT_TIMEOUT, make_executor
    from coalition_sim.sweep.locking import FolderLock
    from coalition_sim.sweep.runner import SweepInterrupted, SweepRunner, check_against_data
    from coalition_sim.sweep.sampling import build_design

    _check_options(args)
    spec, folder, resume = _spec_and_folder(args)
    samples, total = _check_size(spec, args.max_runs)
    for message in spec_warnings(spec):
        warn("sweep", message)
    design = build_design(spec)
    dataset = _load_data(spec.states_path, spec.borders_path)
    check_against_data(spec, design, dataset)
    context = make_context(spec, dataset)
    if args.dry_run:
        print(
            f"{total:,} runs: {samples:,} samples x {spec.reps:,} replications "
            f"({spec.sample}); output {folder}"
        )
        return 0
    workers = _cap_workers("--workers", args.workers)
    dask_local = _cap_workers("--dask-local", args.dask_local)
    if not resume:
        _prepare_folder(folder, args.force)
    command = "coalition-sim " + shlex.join(getattr(args, "argv", []) or [])

    import pyarrow

    # Arrow's default allocator (mimalloc) keeps freed memory per thread; the system
    # allocator gives it back, which keeps a long sweep's memory flat (benchmarks/sweep.py).
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    started = time.perf_counter()
    executor = make_executor(
        workers=workers,
        scheduler=args.scheduler,
        dask_local=dask_local,
        connect_timeout=args.connect_timeout or DEFAULT_CONNECT_TIMEOUT,
    )
    # Connect first: a scheduler that cannot be reached stops here (exit code 5) with
    # nothing written; then the folder is checked, locked and, with --force, cleared.
    with executor:
        setup_s = time.perf_counter() - started
        check_writable(folder)
        with FolderLock(folder, command) as lock:
            if not resume and not storage.folder_is_free(folder):
                storage.clear_sweep_files(folder)  # --force, checked above, now locked
            runner = SweepRunner(
                spec,
                folder,
                executor,
                context=context,
                resume=resume,
                progress=not args.quiet,
                chunk=args.chunk_size,
                design=design,
                setup_s=setup_s,
                flush_rows=args.flush_every,
                lock=lock,
                command=command,
            )
            try:
                result = runner.run()
            except SweepInterrupted as stopped:
                how = " (SIGTERM)" if stopped.terminated else ""
                print(
                    f"coalition-sim sweep: interrupted{how}; finished runs are saved in "
                    f"{folder}; continue with: coalition-sim sweep --resume {folder}",
                    file=sys.stderr,
                )
                return EXIT_INTERRUPTED
    return _report(result, folder, args.quiet)


def _report(result: Any, folder: Path, quiet: bool) -> int:
    """The last lines: counts, speed, and the failed runs with their rerun commands."""
    if not quiet:
        rate = result.ran / result.elapsed_s if result.elapsed_s > 0 else 0.0
        skipped = f", {result.skipped} already done" if result.skipped else ""
        print(
            f"{result.total} runs ({result.ok} ok, {result.failed} failed{skipped}) in "
            f"{result.elapsed_s:.1f} s, {rate:.1f} runs/s -> {folder}/runs.parquet",
            file=sys.stderr,
        )
    if result.failed:
        print(
            f"coalition-sim sweep: {result.failed} of {result.total} runs failed; "
            "they are rows with status 'error' in runs.parquet",
            file=sys.stderr,
        )
        for row in result.errors:
            print(
                f"  run {row['run_id']}: {row['error']}\n    rerun: {row['command']}",
                file=sys.stderr,
            )
        return EXIT_RUNS_FAILED
    return EXIT_OK


def make_context(spec: Any, dataset: Any) -> Any:
    """What every worker needs: the base scenario, the data and what to keep."""
    from coalition_sim.engine import engine  # noqa: F401 - loaded before the pool forks
    from coalition_sim.sweep.runner import RunContext

    return RunContext(spec.base_scenario(), dataset, spec.keep_steps, keep_events=spec.keep_events)


def _build(args: argparse.Namespace, build_spec: Any) -> Any:
    return build_spec(
        sweep_file=args.sweep_file,
        scenario=args.scenario,
        params=args.param,
        assignments=args.assignments,
        sample=args.sample,
        samples=args.samples,
        reps=args.reps,
        steps=args.steps,
        seed=args.seed,
        keep_steps=args.keep_steps,
        keep_events=args.keep_events,
        states_path=args.states,
        borders_path=args.borders,
    )


def _load_data(states: str | None, borders: str | None) -> Any:
    """Load the data set every run uses, once, before anything is written."""
    from coalition_sim.datasets import load_dataset

    return load_dataset(states, borders)
