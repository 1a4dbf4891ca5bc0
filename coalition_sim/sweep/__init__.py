"""Sweeps: many replicated runs over a design, executed anywhere, stored as parquet.

One module per concept:

- :mod:`~coalition_sim.sweep.design`: the sweep specification (``--param``, sweep files);
- :mod:`~coalition_sim.sweep.sampling`: grid, Latin hypercube, Sobol and Morris designs;
- :mod:`~coalition_sim.sweep.seeds`: run seeds spawned from one master seed;
- :mod:`~coalition_sim.sweep.executors`: serial, local pool and dask behind one interface;
- :mod:`~coalition_sim.sweep.runner`: plans runs, streams rows to disk, ``--resume``;
- :mod:`~coalition_sim.sweep.storage`: atomic part files and the final sorted parquet;
- :mod:`~coalition_sim.sweep.compare`: mean, sd and 95 % CI of outcomes per group;
- :mod:`~coalition_sim.sweep.sensitivity`: Sobol and Morris indices with SALib;
- :mod:`~coalition_sim.sweep.plots`: the figures;
- :mod:`~coalition_sim.sweep.discovery`: scenario discovery with PRIM (boxes of parameters);
- :mod:`~coalition_sim.sweep.features`: feature scores (random forest permutation importance);
- :mod:`~coalition_sim.sweep.discovery_plots`: the figures of those two.

Nothing here imports Mesa or a face (CLI, dashboard); the model is reached through
:func:`coalition_sim.simulation.simulate` only, inside the workers.

Called as a function, this package runs a sweep from Python:
``coalition_sim.sweep(params={"admission_rule": ["unanimity", "qmv"]}, reps=20)`` is
:func:`coalition_sim.api.sweep` (the notebook API), which returns the runs as a DataFrame.
"""

import sys as _sys
import types as _types
from typing import Any as _Any


class _SweepPackage(_types.ModuleType):
    """The sweep package, callable: calling it is :func:`coalition_sim.api.sweep`.

    Why a callable package rather than a function ``coalition_sim.sweep``: Python sets a
    subpackage as an attribute of its parent when it is imported, so any import of
    ``coalition_sim.sweep.design`` (the CLI, the dashboard, the workers) would replace
    such a function with this package. Being both keeps ``coalition_sim.sweep(...)`` and
    ``coalition_sim.sweep.design`` working in any order. The API is imported only when
    called (it is a face; this package does not depend on it).
    """

    def __call__(self, *args: _Any, **kwargs: _Any) -> _Any:
        from coalition_sim.api import sweep

        return sweep(*args, **kwargs)

    @property
    def __signature__(self) -> _Any:
        """The signature of :func:`coalition_sim.api.sweep`, for ``help`` and notebooks."""
        import inspect

        from coalition_sim.api import sweep

        return inspect.signature(sweep)


_sys.modules[__name__].__class__ = _SweepPackage
