"""Shared fixtures: the packaged data and a CLI runner.

Synthetic worlds (CSV files with every column of the states file) and the hypothesis
generators live in ``tests/strategies.py``.
"""

from __future__ import annotations

import pytest

from coalition_sim.datasets import load_dataset


@pytest.fixture(scope="session")
def real_dataset():
    """The packaged data (about forty European states)."""
    return load_dataset()


@pytest.fixture
def cli(capsys):
    """Run ``coalition_sim.cli.main(argv)``; return ``(exit code, stdout, stderr)``."""
    from coalition_sim.cli import main

    def run(*argv: str) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
