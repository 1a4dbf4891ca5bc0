"""requirements-lock.txt: exact pins of what coalition-sim needs to run, and nothing else."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements-lock.txt").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, version = line.partition("==")
        assert version and Version(version), f"not an exact pin: {line!r}"
        key = canonicalize_name(name)
        assert key not in pins, f"pinned twice: {name}"
        pins[key] = version
    return pins


def test_every_dependency_is_pinned_to_a_version_the_project_accepts():
    pins = _pins()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for line in project["dependencies"]:
        requirement = Requirement(line)
        key = canonicalize_name(requirement.name)
        assert key in pins, f"{requirement.name} is not in requirements-lock.txt"
        assert requirement.specifier.contains(pins[key], prereleases=True), (
            f"{requirement.name}=={pins[key]} does not satisfy {requirement.specifier}"
        )


def test_the_lock_holds_neither_the_project_nor_its_test_tools():
    pins = _pins()
    assert "coalition-sim" not in pins
    for tool in ("pytest", "ruff", "mypy", "hypothesis", "playwright", "import-linter"):
        assert tool not in pins, tool
