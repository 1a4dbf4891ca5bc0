"""The calibration shipped with the package: ``data/calibration.json``.

Written by ``coalition-sim calibrate --store``; the scenario schema reads the posterior
medians from the same file for the defaults of the fitted parameters
(:func:`coalition_sim.parameters.calibrated_defaults`), and the experiments draw their
parameter sets from its accepted sets.
"""

from __future__ import annotations

from pathlib import Path

from coalition_sim.calibration.abc import Calibration
from coalition_sim.datasets import DATA_DIR
from coalition_sim.parameters import CALIBRATION_FILE

PATH = Path(str(DATA_DIR / CALIBRATION_FILE))


def load(path: Path = PATH) -> Calibration | None:
    """The stored calibration, or None when the package holds none."""
    if not Path(path).exists():
        return None
    return Calibration.from_json(Path(path).read_text())


def write(result: Calibration, path: Path) -> Path:
    """Write a calibration atomically (a full or read-only place raises OutputError)."""
    from coalition_sim.folders import atomic_write

    atomic_write(Path(path), lambda tmp: tmp.write_text(result.to_json()))
    return Path(path)


def same_sets(one: Calibration, other: Calibration) -> bool:
    """Whether two calibrations accepted exactly the same parameter sets, in order."""
    return one.accepted == other.accepted and one.distances == other.distances
