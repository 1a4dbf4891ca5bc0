"""Seeds of the runs of a sweep, spawned from one master seed.

Run ``(sample, replication)`` gets the child of ``SeedSequence(master)`` with spawn key
``(sample, replication)``: the same child that ``SeedSequence.spawn`` gives, but
addressable on its own, so a run's seed does not depend on how many samples or
replications the sweep has, on the order runs finish, or on which worker runs them.
The seed is stored as a plain integer in every row, so the run can be repeated alone with
``coalition-sim run --seed SEED``.
"""

from __future__ import annotations

import numpy as np

#: Largest seed the scenario schema accepts (``seed`` is an int in [0, 2**63 - 1]).
SEED_MASK = (1 << 63) - 1


def run_seed(master_seed: int, sample_id: int, replication: int) -> int:
    """Return the integer seed of one run: 63 bits from its own SeedSequence child."""
    child = np.random.SeedSequence(master_seed, spawn_key=(sample_id, replication))
    return int(child.generate_state(1, np.uint64)[0]) & SEED_MASK


def run_id(sample_id: int, replication: int, reps: int) -> int:
    """Row number of a run: samples in design order, replications within a sample."""
    return sample_id * reps + replication


def split_run_id(rid: int, reps: int) -> tuple[int, int]:
    """Inverse of :func:`run_id`: ``(sample_id, replication)``."""
    return divmod(rid, reps)
