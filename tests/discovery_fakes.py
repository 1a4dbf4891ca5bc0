"""Sweep folders written by hand, for discovery and feature-score tests.

A folder needs only what ``coalition-sim discover`` and ``features`` read: runs.parquet
and metadata.json with the design's parameters. Writing them directly lets a test plant
the exact relation between parameters and outcomes it wants to see recovered.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def write_sweep(
    folder: Path,
    runs: pd.DataFrame,
    parameters: list[dict[str, Any]],
    *,
    name: str = "planted",
    reps: int = 1,
) -> Path:
    """Write ``runs`` (ids and status added when missing) and a metadata.json."""
    folder.mkdir(parents=True, exist_ok=True)
    runs = runs.copy()
    n = len(runs)
    if "run_id" not in runs:
        runs.insert(0, "run_id", np.arange(n))
    if "sample_id" not in runs:
        runs.insert(1, "sample_id", np.arange(n) // reps)
    if "status" not in runs:
        runs["status"] = "ok"
    runs.to_parquet(folder / "runs.parquet", index=False)
    metadata = {
        "tool": "coalition-sim",
        "name": name,
        "design": {"method": "lhs", "parameters": parameters, "samples": n // reps, "reps": reps},
        "spec": {"name": name, "params": parameters, "reps": reps, "fixed": {"steps": 10}},
    }
    (folder / "metadata.json").write_text(json.dumps(metadata))
    return folder
