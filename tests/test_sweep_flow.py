"""One orchestration of a sweep for both faces, and a sweep layer that speaks no face."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import coalition_sim
from coalition_sim.api import PYTHON
from coalition_sim.cli import main
from coalition_sim.cli.common import CLI
from coalition_sim.errors import FolderLocked, InputError, Remedy
from coalition_sim.sweeps import perform
from coalition_sim.sweeps.locking import FolderLock

SWEEP = Path(coalition_sim.__file__).parent / "sweeps"
#: The sweep layer's modules that run and store sweeps (design.py parses the command
#: line's and sweep files' text syntax, which is its subject).
RUNNING = ("perform", "runner", "storage", "locking", "executors", "sampling", "seeds",
           "simulators")  # fmt: skip


def _messages(path: Path) -> list[str]:
    """Every string in a ``raise`` or a warning of a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Raise) or (
            isinstance(node, ast.Call) and "warn" in ast.unparse(node.func)
        ):
            found += [
                c.value
                for c in ast.walk(node)
                if isinstance(c, ast.Constant) and isinstance(c.value, str)
            ]
    return found


@pytest.mark.parametrize("module", RUNNING)
def test_the_sweep_layer_words_no_face(module):
    faced = [
        m for m in _messages(SWEEP / f"{module}.py") if " --" in f" {m}" or "coalition-sim " in m
    ]
    assert not faced, f"sweeps/{module}.py speaks a face's words: {faced}"
    assert not re.search(r"\bprint\(", (SWEEP / f"{module}.py").read_text())


def test_the_finder_finds_a_face_word_in_a_raise(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('def f():\n    raise ValueError("choose another --out")\n')
    assert _messages(module) == ["choose another --out"]


def test_an_error_is_said_in_each_faces_words(tmp_path):
    error = InputError(
        field="out", subject=tmp_path, problem="the folder exists and is not empty",
        remedy=Remedy.REPLACE_OR_CONTINUE,
    )  # fmt: skip
    assert error.render(CLI) == (
        f"--out {tmp_path}: the folder exists and is not empty; use --force to replace its "
        "results or --resume to continue it"
    )
    assert error.render(PYTHON) == (
        f"out='{tmp_path}': the folder exists and is not empty; pass force=True to replace "
        "its sweep results, or resume=True to continue the sweep"
    )
    for remedy in Remedy:  # every remedy has words in both faces
        assert remedy in CLI.remedies and remedy in PYTHON.remedies, remedy


def test_both_faces_run_the_one_flow(tmp_path, monkeypatch):
    calls = []
    real = perform.run_sweep

    def spy(prepared, **kwargs):
        calls.append(prepared.folder)
        return real(prepared, **kwargs)

    monkeypatch.setattr(perform, "run_sweep", spy)
    out = tmp_path / "cli"
    assert main(["sweep", "--reps", "2", "--steps", "2", "--workers", "1", "--quiet",
                 "--out", str(out)]) == 0  # fmt: skip
    runs = coalition_sim.sweep(reps=2, steps=2, out=tmp_path / "api")
    assert calls == [out, tmp_path / "api"]
    cli = __import__("pandas").read_parquet(out / "runs.parquet")
    assert cli.drop(columns=["wall_time_s"]).equals(runs.drop(columns=["wall_time_s"]))


def test_the_api_replaces_nothing_in_a_folder_another_sweep_holds(tmp_path):
    out = tmp_path / "busy"
    coalition_sim.sweep(reps=1, steps=2, out=out)
    before = sorted(p.name for p in out.iterdir())
    with FolderLock(out, "another sweep"), pytest.raises(FolderLocked) as info:
        coalition_sim.sweep(reps=2, steps=2, out=out, force=True)
    assert "another sweep is writing this folder" in str(info.value)
    assert "choose another out folder" in str(info.value)
    assert sorted(p.name for p in out.iterdir()) == before


def test_the_api_continues_a_sweep(tmp_path):
    out = tmp_path / "done"
    first = coalition_sim.sweep(reps=3, steps=2, out=out)
    again = coalition_sim.sweep(reps=3, steps=2, out=out, resume=True)
    assert again.drop(columns=["wall_time_s"]).equals(first.drop(columns=["wall_time_s"]))
    with pytest.raises(InputError, match="holds another sweep"):
        coalition_sim.sweep(reps=4, steps=2, out=out, resume=True)
