"""Writing a run's results: parquet tables and JSON metadata, atomically.

Files are written into a hidden temporary folder beside the destination, which is
renamed into place only once every file is complete: a crash or a bad input never
leaves a half-written results folder, and an existing folder is only replaced when the
caller says so (``--force``).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from coalition_sim import __version__
from coalition_sim.errors import InputError


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
    """Refuse to touch an existing folder without ``force``, before any work is done."""
    if out.exists() and not force:
        raise InputError(f"{out}: the folder exists; choose another --out or pass --force")
    if out.exists() and not out.is_dir():
        raise InputError(f"{out}: exists and is not a folder")


def write_atomically(
    out: Path,
    tables: Mapping[str, pd.DataFrame],
    metadata: Mapping[str, Any],
    *,
    force: bool = False,
) -> Path:
    """Write ``tables`` as ``NAME.parquet`` and ``metadata.json`` into ``out`` atomically."""
    check_out_dir(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, table in tables.items():
            table.to_parquet(staging / f"{name}.parquet", index=False)
        (staging / "metadata.json").write_text(
            json.dumps(metadata, indent=2, sort_keys=False, default=_jsonable) + "\n"
        )
        if out.exists():
            trash = out.with_name(f".{out.name}.old")
            shutil.rmtree(trash, ignore_errors=True)
            os.replace(out, trash)
            os.replace(staging, out)
            shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
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
        "outcomes": result.outcomes,
        "join_order": [{"iso3": c, "step": s} for c, s in result.join_order],
        "timings_s": result.timings,
        "host": {"python": platform.python_version(), "platform": platform.platform()},
    }


def write_run(
    result, out: Path, *, dataset_sources: Mapping[str, str], command: str = "", force: bool = False
) -> Path:
    """Write ``steps``, ``states``, ``events`` parquet files and ``metadata.json``."""
    tables = {"steps": result.steps, "events": result.events}
    if result.states is not None:
        tables["states"] = result.states
    metadata = run_metadata(result, dataset_sources=dataset_sources, command=command)
    return write_atomically(out, tables, metadata, force=force)
