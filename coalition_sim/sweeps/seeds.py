"""Seeds of the runs of a sweep, derived from one master seed.

Run ``(sample, replication)`` gets the seed :func:`coalition_sim.streams.run_seeds`
derives from the master seed by two SplitMix64 steps: a pure function of the three
numbers, computed for a whole chunk of runs in a few vector operations (numpy's
``SeedSequence`` costs about 13 µs a run, a fifth of a run's time on the engine). So a
run's seed does not depend on how many samples or replications the sweep has, on the
order runs finish, or on which worker runs them. The seed is stored as a plain integer
in every row, so the run can be repeated alone with ``coalition-sim run --seed SEED``.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.streams import SEED_MASK, run_seeds

__all__ = ["SEED_MASK", "run_id", "run_seed", "run_seeds_of", "split_run_id"]


def run_seed(master_seed: int, sample_id: int, replication: int) -> int:
    """The integer seed of one run (63 bits, within the schema's range)."""
    return int(run_seeds(master_seed, np.array([sample_id]), np.array([replication]))[0])


def run_seeds_of(master_seed: int, run_ids: np.ndarray, reps: int) -> np.ndarray:
    """The seeds of many runs at once, from their ids."""
    run_ids = np.asarray(run_ids, dtype=np.int64)
    return run_seeds(master_seed, run_ids // reps, run_ids % reps)


def run_id(sample_id: int, replication: int, reps: int) -> int:
    """Row number of a run: samples in design order, replications within a sample."""
    return sample_id * reps + replication


def split_run_id(rid: int, reps: int) -> tuple[int, int]:
    """Inverse of :func:`run_id`: ``(sample_id, replication)``."""
    return divmod(rid, reps)
