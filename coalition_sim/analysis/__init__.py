"""Analysis of finished sweeps: it reads sweep folders, it runs nothing.

- :mod:`~coalition_sim.analysis.compare`: mean, sd and 95 % CI of outcomes per group;
- :mod:`~coalition_sim.analysis.sensitivity`: Sobol and Morris indices with SALib;
- :mod:`~coalition_sim.analysis.discovery`: scenario discovery with PRIM (boxes of
  parameters);
- :mod:`~coalition_sim.analysis.features`: feature scores (random forest permutation
  importance);
- :mod:`~coalition_sim.analysis.plots` and :mod:`~coalition_sim.analysis.discovery_plots`:
  the figures;
- :mod:`~coalition_sim.analysis.labels`: outcomes and parameters in words, from the
  registry of measures and the parameter schema.
"""
