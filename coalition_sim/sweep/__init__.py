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
"""
