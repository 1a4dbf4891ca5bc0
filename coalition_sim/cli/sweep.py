"""``coalition-sim sweep``: many replicated runs over a design, in parallel or on dask."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from coalition_sim.cli.common import warn
from coalition_sim.errors import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_RUNS_FAILED,
    EXIT_SCHEDULER,
    InputError,
)

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
#: Most runs in one task (--chunk-size): a task is one engine batch in a worker's memory,
#: about 17 KB a run (1.1 GB at this limit); larger chunks are no faster (runner.py).
MAX_CHUNK = 65_536

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = (
    EXIT_OK,
    EXIT_RUNS_FAILED,
    EXIT_BAD_INPUT,
    EXIT_OUTPUT,
    EXIT_LOCKED,
    EXIT_SCHEDULER,
    EXIT_INTERRUPTED,
)


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
    _design_options(parser)
    _where_options(parser.add_argument_group("where it runs (default: a local pool on all cores)"))
    _output_options(parser.add_argument_group("output"))
    data = parser.add_argument_group("data (every run of the sweep uses these files)")
    data.add_argument("--states", metavar="FILE", help="states CSV (default: packaged data)")
    data.add_argument("--borders", metavar="FILE", help="borders CSV (default: packaged data)")
    parser.set_defaults(handler=handle)


def _design_options(parser: Any) -> None:
    """What runs: the sweep file, the base scenario, what varies and how often."""
    from coalition_sim.sweeps.design import SAMPLE_METHODS

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
    parser.add_argument("--sample", choices=SAMPLE_METHODS, help="design (default grid)")
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


def _where_options(where: Any) -> None:
    """Where the runs execute: a local pool, a local dask cluster or a scheduler."""
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


def _output_options(out: Any) -> None:
    """Where results go, what is kept, and the limits checked before anything runs."""
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
    from coalition_sim.sweeps.executors import check_scheduler_address

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
    from coalition_sim.sweeps.executors import available_cores

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

    from coalition_sim.sweeps.design import build_spec
    from coalition_sim.sweeps.runner import spec_from_folder

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


def handle(args: argparse.Namespace) -> int:
    """Validate everything, then run the sweep; nothing is written on bad input."""
    import shlex
    import warnings

    from coalition_sim.sweeps.executors import DEFAULT_CONNECT_TIMEOUT
    from coalition_sim.sweeps.perform import Where, prepare_sweep, run_sweep
    from coalition_sim.sweeps.runner import SweepInterrupted, SweepWarning

    _check_options(args)
    spec, folder, resume = _spec_and_folder(args)
    prepared = prepare_sweep(
        spec, folder, resume=resume, replace=args.force, max_runs=args.max_runs
    )
    for message in prepared.warnings:
        warn("sweep", message)
    if args.dry_run:
        print(
            f"{prepared.total:,} runs: {prepared.samples:,} samples x {spec.reps:,} "
            f"replications ({spec.sample}); output {folder}"
        )
        return 0
    where = Where(
        workers=_cap_workers("--workers", args.workers),
        scheduler=args.scheduler,
        dask_local=_cap_workers("--dask-local", args.dask_local),
        connect_timeout=args.connect_timeout or DEFAULT_CONNECT_TIMEOUT,
    )
    command = "coalition-sim " + shlex.join(getattr(args, "argv", []) or [])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("always", SweepWarning)
            warnings.showwarning = lambda message, *_, **__: warn("sweep", str(message))
            result = run_sweep(
                prepared,
                where=where,
                progress=not args.quiet,
                chunk=args.chunk_size,
                flush_rows=args.flush_every,
                command=command,
            )
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
