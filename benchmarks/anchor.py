"""A fixed revision of the project, checked out for a benchmark to measure in the same run.

A ratio against a baseline that a change can make slower is not a speed-up; a ratio
against a fixed commit, timed on the same machine in the same run, is. ``checkout(rev)``
gives a temporary git worktree of ``rev``; ``probe(folder, code, *args)`` runs ``code`` in
a Python subprocess with that folder first on ``PYTHONPATH`` and returns what its last
line of output holds (JSON).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
#: The last commit before the batched engine: the model loop the issues measure against.
PRE_ENGINE = "bdfe2e6"


@contextlib.contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """A temporary worktree of ``revision``, removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "anchor"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", "-q", str(folder), revision],
            check=True,
        )
        try:
            yield folder
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder)],
                check=False,
            )


def probe(folder: Path, code: str, *args: Any) -> Any:
    """Run ``code`` against the package in ``folder``; the JSON of its last output line."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
