"""Counter-based random numbers: every draw a pure function of (run, step, purpose, index).

A run's random numbers do not come from a stream that advances as it is consumed: the
draw for ``(run key, step, purpose, index)`` is the element of a SplitMix64 sequence
(Steele, Lea and Flood 2014, "Fast splittable pseudorandom number generators", OOPSLA)
addressed by a counter packed from ``(step, purpose, index)``. So a run gives the same
numbers alone or in any batch, at any chunk size, in any order, on any backend, and a
branch that skips a draw cannot shift the draws after it.

- ``run_key(seed)``: the key of a run, the first SplitMix64 output of its seed;
- ``bits(keys, step, purpose, index)``: 64 random bits, ``mix64(key + (c + 1) * GAMMA)``
  where ``c`` is the packed counter, which is the ``c + 1``-th output of SplitMix64
  seeded with the key;
- uniforms as numpy makes them from 64 bits, ``(bits >> 11) * 2**-53``, in [0, 1);
- standard normals by the Box-Muller transform of two uniforms.

Everything is uint64 numpy arithmetic, which wraps modulo 2**64 as the reference C code
does; the known-answer test checks the reference outputs for seed 1234567 (Rosetta Code,
"Pseudo-random numbers/Splitmix64").
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

GAMMA = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_TO_UNIT = 2.0**-53
#: Largest seed the scenario schema accepts (``seed`` is an int in [0, 2**63 - 1]).
SEED_MASK = (1 << 63) - 1
#: Bits of the counter that index draws within one (step, purpose): 2**32 draws.
_INDEX_BITS = 32
#: Purposes per step (the counter's middle field).
_PURPOSES = 64


class Purpose(IntEnum):
    """What a draw is for; each purpose has its own counter space within a step."""

    AGGRESSION = 1  # whether an aggression event happens (one per run)
    TARGET = 2  # which state it strikes (one per run)
    RESPONSE = 3  # whether each member responds (one per state)
    THREAT_NOISE = 4  # the threat's normal shock (two uniforms per run)
    VETO = 5  # whether an unreliable voter vetoes an applicant (one per pair)
    HONOUR = 6  # whether each state honours its commitment this quarter (one per state)
    APPLY = 7  # the random part of each outsider's utility of joining (one per state)


#: Stride of the applicant index in the counter of pair draws (applicant * STRIDE + voter).
PAIR_STRIDE = 4096


def pair_index(first, second):
    """The draw index of an ordered pair of states (applicant, voter)."""
    return first * PAIR_STRIDE + second


def mix64(z: np.ndarray) -> np.ndarray:
    """SplitMix64's output function (a bijection of 64-bit words), element by element."""
    z = np.asarray(z, dtype=np.uint64)
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


def splitmix64(seed: int, count: int) -> np.ndarray:
    """The first ``count`` outputs of the reference SplitMix64 generator seeded with ``seed``."""
    steps = np.arange(1, count + 1, dtype=np.uint64)
    return mix64(np.uint64(seed & 0xFFFFFFFFFFFFFFFF) + steps * GAMMA)


def run_key(seed: int | np.ndarray) -> np.ndarray:
    """The key of the run with this seed: SplitMix64's first output for it (uint64)."""
    seeds = np.atleast_1d(np.asarray(seed, dtype=np.uint64))
    return mix64(seeds + GAMMA)


def counter(step: int, purpose: Purpose) -> int:
    """The first counter of ``(step, purpose)``; draws of that purpose add their index."""
    return (int(step) * _PURPOSES + int(purpose)) << _INDEX_BITS


def bits(keys: np.ndarray, step: int, purpose: Purpose, index: np.ndarray | int) -> np.ndarray:
    """64 random bits for each (key, index) pair, broadcast as numpy broadcasts."""
    # at least 1-d: numpy wraps uint64 arrays silently but warns on 0-d overflow
    c = np.atleast_1d(np.asarray(index, dtype=np.uint64)) + np.uint64(counter(step, purpose) + 1)
    return mix64(np.asarray(keys, dtype=np.uint64) + c * GAMMA)


def uniform(keys: np.ndarray, step: int, purpose: Purpose, index: np.ndarray | int) -> np.ndarray:
    """Uniforms in [0, 1) from :func:`bits`, 53 bits each (as numpy's ``random()``)."""
    return (bits(keys, step, purpose, index) >> _S11) * _TO_UNIT


def threshold(probability) -> np.ndarray:
    """The integer threshold with which :func:`below` decides ``uniform < probability``.

    ``uniform < p`` holds exactly when ``bits >> 11 < ceil(p * 2**53)``: comparing in
    integers skips the conversion to floats and gives the same answer, draw for draw.
    Probabilities are clipped to [0, 1].
    """
    p = np.minimum(np.maximum(np.asarray(probability, dtype=float), 0.0), 1.0)
    return np.ceil(p * 2.0**53).astype(np.uint64)  # exact: p * 2**53 scales a float64


def below(
    keys: np.ndarray, step: int, purpose: Purpose, index: np.ndarray | int, limit: np.ndarray
) -> np.ndarray:
    """``uniform(keys, step, purpose, index) < p``, with ``limit = threshold(p)`` precomputed."""
    return (bits(keys, step, purpose, index) >> _S11) < limit


def normal(keys: np.ndarray, step: int, purpose: Purpose) -> np.ndarray:
    """One standard normal per key (Box-Muller from the draws of index 0 and 1)."""
    keys = np.asarray(keys, dtype=np.uint64)
    u1 = 1.0 - uniform(keys, step, purpose, 0)  # in (0, 1]: log is finite
    u2 = uniform(keys, step, purpose, 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)


def run_seeds(master_seed: int, sample_ids: np.ndarray, replications: np.ndarray) -> np.ndarray:
    """Integer seeds of sweep runs, derived from the master seed in a few vector operations.

    Run ``(sample, replication)`` gets element ``replication + 1`` of the SplitMix64
    sequence keyed by element ``sample + 1`` of the sequence keyed by the master seed's
    key, masked to the schema's 63 bits: a pure function of the three numbers, so a run's
    seed does not depend on the size of the design or on the order runs are made.
    """
    master = run_key(master_seed)[0]
    samples = np.asarray(sample_ids, dtype=np.uint64)
    reps = np.asarray(replications, dtype=np.uint64)
    sample_keys = mix64(master + (samples + np.uint64(1)) * GAMMA)
    seeds = mix64(sample_keys + (reps + np.uint64(1)) * GAMMA)
    return (seeds & np.uint64(SEED_MASK)).astype(np.int64)
