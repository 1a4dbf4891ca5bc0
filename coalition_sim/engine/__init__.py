"""The engine: every rule of the model over a batch of runs, each run as if alone.

- :mod:`~coalition_sim.engine.streams`: counter-based random numbers;
- :mod:`~coalition_sim.engine.inputs`: parameters and traits as arrays over runs;
- :mod:`~coalition_sim.engine.state`: what changes from quarter to quarter;
- :mod:`~coalition_sim.engine.situation`: what protocols read and the decisions they return;
- :mod:`~coalition_sim.engine.batch`: the step, rule by rule;
- :mod:`~coalition_sim.engine.records`: per-step metrics, per-state rows and events;
- :mod:`~coalition_sim.engine.engine`: :class:`Engine`, any runs grouped into batches.

The Mesa model (:class:`coalition_sim.model.CoalitionModel`) is a view over an engine of
one run; sweeps send chunks of thousands of runs through one engine.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Engine", "build_inputs"]


def __getattr__(name: str) -> Any:
    # Imported on first use: protocols import the engine's situation module, and the
    # engine imports the protocols.
    if name == "Engine":
        from coalition_sim.engine.engine import Engine

        return Engine
    if name == "build_inputs":
        from coalition_sim.engine.inputs import build

        return build
    raise AttributeError(name)
