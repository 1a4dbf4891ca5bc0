"""Sweeps: many replicated runs over a design, executed anywhere, stored as parquet.

One module per concept:

- :mod:`~coalition_sim.sweeps.design`: the sweep specification (``--param``, sweep files);
- :mod:`~coalition_sim.sweeps.sampling`: grid, Latin hypercube, Sobol and Morris designs;
- :mod:`~coalition_sim.sweeps.seeds`: run seeds spawned from one master seed;
- :mod:`~coalition_sim.sweeps.executors`: serial, local pool and dask behind one interface;
- :mod:`~coalition_sim.sweeps.simulators`: a chunk of runs through the engine;
- :mod:`~coalition_sim.sweeps.runner`: plans runs, streams rows to disk, resumes;
- :mod:`~coalition_sim.sweeps.storage`: part files and the final sorted parquet;
- :mod:`~coalition_sim.sweeps.locking`: one writer per sweep folder;
- :mod:`~coalition_sim.sweeps.perform`: :func:`run_sweep`, the one flow both faces call.

What a finished sweep folder says is read by :mod:`coalition_sim.analysis` (compare,
sensitivity, scenario discovery, feature scores, figures). Nothing here imports Mesa or
a face (CLI, dashboard, API). From Python, ``coalition_sim.sweep(...)`` (the notebook
API, :func:`coalition_sim.api.sweep`) runs a sweep and returns its runs as a DataFrame.
"""
