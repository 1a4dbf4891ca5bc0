"""The engine: every rule of the model over a batch of runs, each run as if alone.

- :mod:`~coalition_sim.engine.inputs`: parameters and traits as arrays over runs;
- :mod:`~coalition_sim.engine.state`: what changes from quarter to quarter;
- :mod:`~coalition_sim.engine.batch`: the step, rule by rule;
- :mod:`~coalition_sim.engine.records`: per-step metrics, per-state rows and events;
- :mod:`~coalition_sim.engine.engine`: :class:`Engine`, any runs grouped into batches.

The engine draws its random numbers from :mod:`coalition_sim.streams`, asks the
protocols (:mod:`coalition_sim.protocols`, through their contract
:mod:`~coalition_sim.protocols.contract`) for decisions, and computes every formula with
the rules of :mod:`coalition_sim.rules`. The Mesa model
(:class:`coalition_sim.model.CoalitionModel`) is a view over an engine of one run; sweeps
send chunks of thousands of runs through one engine.
"""
