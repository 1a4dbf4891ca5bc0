"""Writing a run's results: parquet tables and JSON metadata, atomically.

Files are written into a hidden staging folder beside the destination, which is
renamed into place only once every file is complete: a crash, a full disk or a bad input
never leaves a half-written results folder, and an existing folder is only replaced when
the caller says so (``--force``), and only when it holds a run's files and nothing else.

The staging folder is made with the user's umask (a results folder is as readable as any
other folder they make) and is named after the process (``.OUT.staging-HOST-PID-TOKEN``),
so that the next run in the same parent folder removes one left by a killed run.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from coalition_sim.errors import InputError, OutputError, Remedy, write_fault
from coalition_sim.folders import (
    check_not_a_file,
    check_writable,
    owned_name,
    remove_created,
    remove_stale,
)
from coalition_sim.outcomes import OUTCOMES
from coalition_sim.version import __version__

#: The files of a run's results folder; ``--force`` replaces a folder holding only these.
RUN_FILES = ("steps.parquet", "states.parquet", "events.parquet", "metadata.json")

#: Outcomes whose "never" is a sentinel in the model's dict: stored as missing (null),
#: so that a plain mean over runs is over the runs where it happened.
NEVER_SENTINELS: Mapping[str, Any] = {m.name: -1 for m in OUTCOMES.values() if m.kind == "step"}


def nullable_outcomes(outcomes: Mapping[str, Any]) -> dict[str, Any]:
    """The outcomes with "never" as ``None`` (``first_parity_step`` -1 becomes null).

    The model keeps -1 for "parity never reached"; written as is, a pandas ``mean()``
    of the column mixes "never" with quarters. Every writer of outcomes (a run's
    metadata, a sweep's ``runs.parquet``) passes them through this one function.
    """
    out = dict(outcomes)
    for name, sentinel in NEVER_SENTINELS.items():
        if name in out and out[name] is not None and out[name] == sentinel:
            out[name] = None
    for name, value in out.items():  # a figure of a step beyond the horizon
        if isinstance(value, float) and math.isnan(value):
            out[name] = None
    return out


def default_out_dir(scenario_name: str, seed: int, root: Path = Path("results")) -> Path:
    """A new folder under ``results/`` named after the scenario, seed and time."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    base = root / f"{scenario_name}-seed{seed}-{stamp}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def check_out_dir(out: Path, force: bool) -> None:
    """Refuse to touch an existing folder without ``force``, before any work is done.

    With ``force``, a folder is replaced only when it holds a run's files and nothing
    else: ``--force`` is for rerunning into the same place, not for deleting an
    analyst's notes (a sweep's ``--force`` refuses the same case).
    """
    check_not_a_file(out, Remedy.OTHER_FOLDER)
    if out.exists() and not force:
        raise InputError(
            subject=out, problem="the folder exists", remedy=Remedy.OTHER_FOLDER_OR_REPLACE
        )
    if out.exists():
        others = sorted(p.name for p in out.iterdir() if p.name not in RUN_FILES)
        if others:
            shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
            raise InputError(
                subject=out,
                problem=f"the folder also holds {shown}",
                remedy=Remedy.REPLACE_ONLY_RUN,
            )


class Staging:
    """The hidden folder a run's files are written into before it is renamed to ``out``.

    Made before the run starts, so a read-only or full place fails at once (exit code
    3) rather than after the simulation; removed with any folders it had to create
    when anything fails, so a failure leaves nothing. Entering it also removes staging
    folders that killed runs left in the same parent folder.
    """

    def __init__(self, out: Path):
        self.out = Path(out)
        self.path = self.out.parent / owned_name(self.out.name, "staging")
        self.created: list[Path] = []

    def __enter__(self) -> Staging:
        remove_stale(self.out.parent)
        try:
            self.created = check_writable(self.out.parent, Remedy.OTHER_FOLDER)
        except OutputError as error:
            raise OutputError(
                subject=self.out,
                problem=f"cannot write in {self.out.parent}: {error.reason}; nothing was written",
                remedy=Remedy.OTHER_FOLDER,
                path=self.out,
                reason=error.reason,
            ) from None
        try:
            os.mkdir(self.path, 0o777)  # the umask applies, as to any folder the user makes
        except OSError as error:
            self.discard()
            raise _output_error(self.out, error) or error from None
        return self

    def __exit__(self, kind: object, error: object, tb: object) -> None:
        if kind is not None:
            self.discard()

    def discard(self) -> None:
        """Remove the staging folder and the parents made for it."""
        shutil.rmtree(self.path, ignore_errors=True)
        remove_created(self.created)
        self.created = []


def _output_error(out: Path, error: BaseException) -> OutputError | None:
    reason = write_fault(error)
    if reason is None:
        return None
    return OutputError(
        f"{out}: cannot write the results: {reason}; nothing was written; free space or "
        "choose another --out",
        path=out,
        reason=reason,
    )


def write_atomically(
    out: Path,
    tables: Mapping[str, pd.DataFrame],
    metadata: Mapping[str, Any],
    *,
    force: bool = False,
    staging: Staging | None = None,
) -> Path:
    """Write ``tables`` as ``NAME.parquet`` and ``metadata.json`` into ``out`` atomically.

    ``staging`` is the folder made before the run (:class:`Staging`); without one it is
    made here. A full or read-only disk raises :class:`OutputError` and leaves neither
    ``out`` nor the staging folder (an existing ``out`` is kept as it was).
    """
    check_out_dir(out, force)
    if staging is None:
        staging = Staging(out).__enter__()
    folder = staging.path
    try:
        for name, table in tables.items():
            table.to_parquet(folder / f"{name}.parquet", index=False)
        (folder / "metadata.json").write_text(
            json.dumps(metadata, indent=2, sort_keys=False, default=_jsonable) + "\n"
        )
        if out.exists():
            trash = out.parent / owned_name(out.name, "old")
            os.replace(out, trash)
            os.replace(folder, out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(folder, out)
    except BaseException as error:
        staging.discard()
        fault = _output_error(out, error)
        if fault is not None:
            raise fault from None
        raise
    return out


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    return str(value)


def run_metadata(result, *, dataset_sources: Mapping[str, str], command: str = "") -> dict:
    """Everything needed to reproduce and cite a run: version, scenario, parameters, seed."""
    return {
        "package": "coalition-sim",
        "version": __version__,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "scenario": {"name": result.scenario.name, "description": result.scenario.description},
        "seed": result.seed,
        "steps": result.scenario["steps"],
        "parameters": result.scenario.flat(),
        "data": dict(dataset_sources),
        "outcomes": nullable_outcomes(result.outcomes),
        "join_order": [{"iso3": c, "step": s} for c, s in result.join_order],
        "timings_s": result.timings,
        "host": {"python": platform.python_version(), "platform": platform.platform()},
    }


def write_run(
    result,
    out: Path,
    *,
    dataset_sources: Mapping[str, str],
    command: str = "",
    force: bool = False,
    staging: Staging | None = None,
) -> Path:
    """Write ``steps``, ``states``, ``events`` parquet files and ``metadata.json``."""
    tables = {"steps": result.steps, "events": result.events}
    if result.states is not None:
        tables["states"] = result.states
    metadata = run_metadata(result, dataset_sources=dataset_sources, command=command)
    return write_atomically(out, tables, metadata, force=force, staging=staging)
