"""Shared fixtures: the packaged data and a CLI runner.

Synthetic worlds (CSV files with every column of the states file) and the hypothesis
generators live in ``tests/strategies.py``.
"""

from __future__ import annotations

import signal

import pytest

from coalition_sim.datasets import load_dataset


def pytest_configure(config):
    """Let the children of the Ctrl-C tests receive SIGINT wherever the suite was started.

    A shell without job control starts background jobs with SIGINT ignored, and an ignored
    signal stays ignored in every process started from it: a sweep or a dashboard under
    test would then never see the Ctrl-C the test sends. A handled signal is reset to the
    default in a child, so handling it here gives the children Python's usual Ctrl-C.
    """
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


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
