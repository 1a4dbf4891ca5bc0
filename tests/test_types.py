"""The model's core type-checks: mypy over ``rules/``, ``engine/`` and ``parameters/``.

The settings are in ``pyproject.toml`` (``[tool.mypy]``): the modules these import are
read for their types, not checked themselves.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api")

ROOT = Path(__file__).resolve().parent.parent


def _mypy(*args: str) -> tuple[str, int]:
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        out, err, status = mypy_api.run(["--no-incremental", *args])
    finally:
        os.chdir(here)
    return out + err, status


@pytest.mark.slow
def test_rules_engine_and_parameters_type_check():
    out, status = _mypy()
    assert status == 0, out


@pytest.mark.slow
def test_mypy_catches_a_wrong_type_in_the_core(tmp_path):
    # a negative control: the same settings find a string passed where a number goes
    bad = tmp_path / "bad.py"
    bad.write_text(
        "from coalition_sim.rules.capability import towards\n"
        "def f(x: float) -> float:\n"
        "    return x\n"
        "f('a quarter')\n"
    )
    out, status = _mypy("--follow-imports=silent", "--ignore-missing-imports", str(bad))
    assert status == 1 and "incompatible type" in out.lower(), out
