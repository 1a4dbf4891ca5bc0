"""coalition-sim: European defence coalition formation as an agent-based model.

In a notebook (:mod:`coalition_sim.api`, walked through in ``docs/notebook.md``)::

    import coalition_sim

    result = coalition_sim.run("us-withdrawal", seed=7)        # one run: .steps, .outcomes
    runs = coalition_sim.sweep(params={"admission_rule": ["unanimity", "qmv"]}, reps=20)

``run`` and ``sweep`` are imported on first use, so ``import coalition_sim`` loads
neither pandas nor Mesa nor Solara. The machinery behind them is in
:mod:`coalition_sim.sweeps` (running and storing sweeps) and :mod:`coalition_sim.analysis`
(reading sweep folders).
"""

from typing import Any

from coalition_sim.version import __version__

__all__ = ["__version__", "run", "sweep"]


def __getattr__(name: str) -> Any:
    # The notebook API, imported when first asked for (PEP 562).
    if name == "run":
        from coalition_sim.api import run

        return run
    if name == "sweep":
        from coalition_sim.api import sweep

        return sweep
    raise AttributeError(f"module 'coalition_sim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "run", "sweep"})
