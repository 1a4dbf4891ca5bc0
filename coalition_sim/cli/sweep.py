"""``coalition-sim sweep``: many replicated runs over a design, in parallel or on dask."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from coalition_sim.errors import InputError

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
repeats it alone. Exit code: 0 when every run succeeded, 1 when some failed, 2 on bad
input, 130 when interrupted.
"""


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
        "--chunk-size",
        type=int,
        metavar="K",
        help="runs per task (default: chosen from the sweep size)",
    )
    out = parser.add_argument_group("output")
    out.add_argument("--out", metavar="DIR", help="output folder (default results/NAME)")
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


def handle(args: argparse.Namespace) -> int:
    """Validate everything, then run the sweep; nothing is written on bad input."""
    from coalition_sim.sweep import storage
    from coalition_sim.sweep.design import build_spec
    from coalition_sim.sweep.executors import make_executor
    from coalition_sim.sweep.runner import (
        SweepInterrupted,
        SweepRunner,
        check_against_data,
        spec_from_folder,
    )
    from coalition_sim.sweep.sampling import build_design

    for name in ("--workers", "--dask-local", "--chunk-size", "--flush-every"):
        _positive(name, getattr(args, name[2:].replace("-", "_")))
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

    resume = args.resume is not None
    if resume:
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
        spec = saved
    else:
        spec = _build(args, build_spec)
        folder = Path(args.out) if args.out else Path("results") / spec.name

    design = build_design(spec)
    total = len(design) * spec.reps
    if total == 0:
        raise InputError("the design has no runs")
    dataset = _load_data(spec.states_path, spec.borders_path)
    check_against_data(spec, design, dataset)
    context = make_context(spec, dataset)
    if args.dry_run:
        print(
            f"{total} runs: {len(design)} samples x {spec.reps} replications "
            f"({spec.sample}); output {folder}"
        )
        return 0
    if not resume and not storage.folder_is_free(folder):
        if not args.force:
            raise InputError(
                f"{folder}: output folder exists and is not empty; use --force to replace "
                f"its results or --resume to continue it"
            )
        storage.clear_sweep_files(folder)
        if not storage.folder_is_free(folder):
            raise InputError(
                f"{folder}: --force replaces sweep results only; the folder holds other files"
            )

    import pyarrow

    # Arrow's default allocator (mimalloc) keeps freed memory per thread; the system
    # allocator gives it back, which keeps a long sweep's memory flat (benchmarks/sweep.py).
    pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    started = time.perf_counter()
    try:
        executor = make_executor(
            workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local
        )
        executor.__enter__()
    except (OSError, TimeoutError) as error:
        where = args.scheduler or f"local dask cluster of {args.dask_local}"
        raise InputError(f"--scheduler {where}: cannot connect: {error}") from None
    setup_s = time.perf_counter() - started
    quiet = args.quiet
    try:
        runner = SweepRunner(
            spec,
            folder,
            executor,
            context=context,
            resume=resume,
            progress=not quiet,
            chunk=args.chunk_size,
            design=design,
            setup_s=setup_s,
            flush_rows=args.flush_every,
        )
        result = runner.run()
    except SweepInterrupted as stop:
        print(
            f"coalition-sim sweep: interrupted; finished runs are saved in {folder}; "
            f"continue with: coalition-sim sweep --resume {folder}",
            file=sys.stderr,
        )
        del stop
        return 130
    finally:
        executor.__exit__(None, None, None)

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
        return 1
    return 0


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
