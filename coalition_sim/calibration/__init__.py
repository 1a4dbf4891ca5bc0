"""Calibration: fitting the behavioural parameters to what states did in 2014-2025.

- :mod:`~coalition_sim.calibration.targets`: the observed behaviour;
- :mod:`~coalition_sim.calibration.abc`: rejection ABC over a Latin hypercube, on the
  engine;
- :mod:`~coalition_sim.calibration.stored`: the accepted sets shipped with the package
  (``data/calibration.json``), whose median is the default of each fitted parameter.
"""
