"""The layers of the package are a contract import-linter checks, not a README claim.

``pyproject.toml`` lists the layers from the faces down to the errors (``[tool.importlinter]``);
each layer imports only the ones below it. The second test plants an upward import in a
copy of the package and checks the contract breaks, so the first cannot pass vacuously.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed")


def lint(folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [str(LINT), "--no-cache", str(folder / "pyproject.toml")],
        check=False,
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_every_layer_imports_only_the_layers_below_it():
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "layers KEPT" in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    shutil.copytree(ROOT / "coalition_sim", tmp_path / "coalition_sim",
                    ignore=shutil.ignore_patterns("__pycache__", "data"))  # fmt: skip
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    rules = tmp_path / "coalition_sim" / "rules" / "strength.py"
    rules.write_text(rules.read_text() + "\nfrom coalition_sim.cli import main  # noqa\n")
    done = lint(tmp_path)
    assert done.returncode != 0
    assert "layers BROKEN" in done.stdout
    assert "coalition_sim.rules.strength -> coalition_sim.cli" in done.stdout
