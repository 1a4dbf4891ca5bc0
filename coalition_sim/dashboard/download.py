"""Download of the current run as one zip: the files ``coalition-sim run`` writes.

The zip holds what :func:`coalition_sim.results.write_run` writes for the run at the
current step (``steps.parquet`` of per-step metrics, ``states.parquet`` of state rows,
``events.parquet`` and ``metadata.json`` with every parameter and the seed), so a run
explored in the dashboard opens with pandas exactly like a run from the CLI, plus CSV
copies of the three tables for spreadsheet users. The archive is built only when the
button is pressed.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import solara

from coalition_sim.dashboard.common import simulation

COMMAND = "coalition-sim dashboard"


def run_zip_bytes(sim: Any) -> bytes:
    """The run's result files, zipped in memory.

    Args:
        sim: A ``CoalitionModel`` at any step.

    Returns:
        A zip archive with one folder ``run-step-NNN/`` holding the files of ``write_run``
        and ``steps.csv``, ``states.csv``, ``events.csv``.
    """
    from coalition_sim.results import write_run
    from coalition_sim.simulation import result_of

    result = result_of(sim)
    folder = f"run-step-{int(sim.steps):03d}"
    dataset = getattr(sim, "dataset", None)
    sources = {
        "states": getattr(dataset, "states_source", "packaged"),
        "borders": getattr(dataset, "borders_source", "packaged"),
    }
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="coalition-dashboard-") as tmp:
        out_dir = Path(tmp) / folder
        write_run(result, out_dir, dataset_sources=sources, command=COMMAND)
        tables = {"steps": result.steps, "states": result.states, "events": result.events}
        for name, table in tables.items():
            if table is not None:
                table.to_csv(out_dir / f"{name}.csv", index=False)
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(out_dir.rglob("*")):
                if path.is_file():
                    archive.write(path, arcname=str(path.relative_to(tmp)))
    return buffer.getvalue()


def download_name(sim: Any) -> str:
    """The zip's file name: the run's scenario and seed (the step is the folder inside)."""
    config = getattr(sim, "config", None)
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in getattr(config, "name", "run"))
    seed = getattr(config, "values", {}).get("seed", "")
    return f"coalition-{name}-seed{seed}.zip"


@solara.component
def RunDownload(model: Any) -> None:
    """A button that downloads the run as it stands when it is pressed.

    Drawn once per run: the zip and its name are made at the press, so a step changes
    nothing here.
    """
    sim = simulation(model)
    solara.FileDownload(
        lambda: run_zip_bytes(sim),
        filename=download_name(sim),
        label="Download the run (zip)",
        mime_type="application/zip",
    )
