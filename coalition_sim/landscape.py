"""Landscape theory of aggregation: energies, myopic dynamics and local minima.

Axelrod, R. and Bennett, D. S. (1993). A Landscape Theory of Aggregation. *British Journal
of Political Science* 23(2), 211-233.

Actors ``i`` have sizes ``s_i > 0`` and symmetric propensities ``p_ij`` (positive: they
want to be on the same side). A configuration ``X`` splits the actors into two sides,
labelled 0 and 1; ``d_ij(X)`` is 1 when ``i`` and ``j`` are on different sides, else 0.

- Frustration of actor ``i``: ``F_i(X) = sum over j != i of s_j * p_ij * d_ij(X)``.
- Energy: ``E(X) = sum over ordered pairs i != j of s_i * s_j * p_ij * d_ij(X)``, so each
  unordered pair counts twice, as in the paper; equivalently ``E(X) = sum_i s_i F_i(X)``.

Actors are myopic: one at a time, an actor switches side when that strictly lowers its own
frustration. A switch by ``k`` changes the energy by ``2 * s_k * (F_k(new) - F_k(old))``,
so the energy falls at every switch and the process ends in a *local minimum*: a
configuration where no single actor can lower its frustration by switching. The theory's
predictions are the local minima, each with its *basin*: the share of starting
configurations whose dynamics end there.

The order of play is random: at each step one actor is drawn uniformly among those who
would gain by switching (equivalently, actors are drawn uniformly at random and switch
only when they gain). Ties stay put: an actor indifferent between the two sides does not
switch.

Only the split matters, not which side is called 0: without pinned actors a configuration
and its mirror image are the same prediction, so the enumeration fixes the first actor on
side 0 and visits ``2**(n-1)`` configurations. Pinned actors (for instance Russia and
Belarus in the Europe view) keep the side they are pinned to, never switch, and
configurations that move them are not starting points; the labels then mean something
and ``2**(n - len(pinned))`` configurations are visited.

This module is pure arithmetic (numpy only), so the model and the faces can share it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from coalition_sim.errors import InputError

__all__ = [
    "DEFAULT_MAX_ENUMERATE",
    "LocalMinimum",
    "Trajectory",
    "configuration_count",
    "energy",
    "enumerates",
    "frustration",
    "is_local_minimum",
    "local_minima",
    "run_dynamics",
    "validate",
]

#: Default largest number of actors whose configurations are all enumerated.
DEFAULT_MAX_ENUMERATE = 22
#: Relative tolerance of the symmetry check, against the largest ``|p_ij|``.
SYMMETRY_RTOL = 1e-9
#: A switch must lower frustration by more than this, relative to the actor's largest
#: possible frustration, so that rounding never turns a tie into a move.
GAIN_RTOL = 1e-9
#: The enumeration needs about 30 bytes per configuration at its peak (60 MiB at 22
#: actors, 4 GiB at 28) and time in proportion, so ``max_enumerate`` is capped here.
MAX_ENUMERATE_CAP = 28
#: Rows of configurations handled at once by the enumeration (memory per batch is about
#: ``8 * n`` bytes times this, for a few arrays).
_BATCH_ROWS = 1 << 16

Seed = int | np.random.Generator


@dataclass(frozen=True)
class LocalMinimum:
    """A local minimum of the energy landscape, with its basin of attraction.

    Attributes:
        energy: ``E(X)``, ordered pairs counted (each unordered pair twice).
        basin: Share of starting configurations whose dynamics end here (exact share of
            all starts when enumerated, share of the random restarts otherwise).
        sides: Actor names on each side. Without pinned actors the side holding the
            first actor comes first; with pinned actors ``sides[k]`` is side ``k`` (the
            label the pins use). Names keep the input order.
        assignment: Side label (0 or 1) of every actor, in input order, in the same
            convention as ``sides``.

    """

    energy: float
    basin: float
    sides: tuple[tuple[str, ...], tuple[str, ...]]
    assignment: tuple[int, ...]


@dataclass(frozen=True)
class Trajectory:
    """One run of the myopic dynamics.

    Attributes:
        path: Configurations visited, from the start to the local minimum where the run
            ends, each a tuple of side labels (0 or 1) per actor.
        switched: The actor that switched at each step (``len(path) - 1`` entries).

    """

    path: tuple[tuple[int, ...], ...]
    switched: tuple[int, ...]

    @property
    def start(self) -> tuple[int, ...]:
        """The starting configuration."""
        return self.path[0]

    @property
    def end(self) -> tuple[int, ...]:
        """The local minimum where the run ends."""
        return self.path[-1]


# --------------------------------------------------------------------------- validation


def _label(i: int, names: Sequence[str] | None) -> str:
    return names[i] if names is not None else str(i)


def validate(
    sizes: ArrayLike, propensity: ArrayLike, *, names: Sequence[str] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Check sizes and propensities and return them as float arrays.

    The diagonal of ``propensity`` never enters the formulas (sums run over ``j != i``),
    but it must be zero: a non-zero diagonal usually means a shifted or misordered
    column, which would otherwise go unnoticed. A matrix symmetric within rounding
    (relative tolerance ``SYMMETRY_RTOL``) is made exactly symmetric.

    Args:
        sizes: ``s_i``, one per actor, finite and positive.
        propensity: ``p_ij``, square, finite, symmetric, zero diagonal.
        names: Actor names, used in error messages (and checked to be unique).

    Returns:
        ``(sizes, propensity)`` as float64 arrays.

    Raises:
        InputError: One line naming what is wrong and where.

    """
    try:
        s = np.asarray(sizes, dtype=float)
        p = np.asarray(propensity, dtype=float)
    except (TypeError, ValueError) as error:
        raise InputError(f"sizes and propensity must be numbers: {error}") from None
    if s.ndim != 1 or s.size == 0:
        raise InputError(f"sizes must be a non-empty list of numbers, got shape {s.shape}")
    n = s.size
    if names is not None:
        if len(names) != n:
            raise InputError(f"{len(names)} names for {n} sizes; give one name per actor")
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise InputError(f"actor {name!r} appears twice; actor names must be unique")
            seen.add(name)
    for i in range(n):
        if not np.isfinite(s[i]) or s[i] <= 0:
            raise InputError(
                f"size of actor {_label(i, names)} must be a positive number, got {s[i]}"
            )
    if p.shape != (n, n):
        raise InputError(
            f"propensity must be a {n} x {n} matrix (one row per actor), got shape {p.shape}"
        )
    bad = np.argwhere(~np.isfinite(p))
    if bad.size:
        i, j = bad[0]
        raise InputError(
            f"propensity of row {_label(i, names)}, column {_label(j, names)} is {p[i, j]}; "
            "propensities must be finite numbers"
        )
    diagonal = np.flatnonzero(np.diag(p) != 0)
    if diagonal.size:
        i = int(diagonal[0])
        raise InputError(
            f"propensity of actor {_label(i, names)} with itself is {p[i, i]}; the diagonal "
            "must be 0 (check that rows and columns list the actors in the same order)"
        )
    scale = float(np.max(np.abs(p))) if n > 1 else 0.0
    gap = np.abs(p - p.T)
    if gap.size and gap.max() > SYMMETRY_RTOL * max(scale, 1.0):
        i, j = np.unravel_index(int(np.argmax(gap)), gap.shape)
        raise InputError(
            f"propensity is not symmetric: row {_label(i, names)}, column {_label(j, names)} "
            f"is {p[i, j]} but row {_label(j, names)}, column {_label(i, names)} is {p[j, i]}"
        )
    return s, (p + p.T) / 2


def _resolve_pins(
    pinned: Mapping[int, int] | Mapping[str, int] | None, n: int, names: Sequence[str] | None
) -> dict[int, int]:
    """Turn ``pinned`` (actor index or name -> side 0 or 1) into index -> side."""
    if not pinned:
        return {}
    index = {name: i for i, name in enumerate(names)} if names is not None else {}
    pins: dict[int, int] = {}
    for key, side in pinned.items():
        if isinstance(key, str):
            if key not in index:
                raise InputError(f"pinned actor {key!r} is not among the actors")
            i = index[key]
        elif isinstance(key, int | np.integer) and not isinstance(key, bool) and 0 <= key < n:
            i = int(key)
        else:
            raise InputError(f"pinned actor {key!r} must be a name or an index in 0..{n - 1}")
        if side not in (0, 1) or isinstance(side, bool):
            raise InputError(f"pinned actor {_label(i, names)} has side {side!r}; use 0 or 1")
        pins[i] = int(side)
    return pins


def _sides_array(sides: ArrayLike, n: int) -> np.ndarray:
    x = np.asarray(sides)
    if x.shape != (n,) or not np.isin(x, (0, 1)).all():
        raise InputError(f"a configuration is one side label (0 or 1) per actor, {n} in all")
    return x.astype(np.int8)


# ------------------------------------------------------------------------- arithmetic


def frustration(sizes: ArrayLike, propensity: ArrayLike, sides: ArrayLike) -> np.ndarray:
    """Frustration of every actor in a configuration.

    ``F_i(X) = sum over j != i of s_j * p_ij * d_ij(X)`` (Axelrod and Bennett 1993).

    Args:
        sizes: ``s_i`` per actor.
        propensity: Symmetric ``p_ij`` with zero diagonal.
        sides: Side label (0 or 1) per actor.

    Returns:
        ``F_i`` per actor, float64.

    """
    s, p = validate(sizes, propensity)
    x = _sides_array(sides, s.size)
    d = x[:, None] != x[None, :]
    return (p * s[None, :] * d).sum(axis=1)


def energy(sizes: ArrayLike, propensity: ArrayLike, sides: ArrayLike) -> float:
    """Energy of a configuration.

    ``E(X) = sum over ordered pairs i != j of s_i * s_j * p_ij * d_ij(X)``
    (Axelrod and Bennett 1993): each unordered pair counts twice, and
    ``E(X) = sum_i s_i * F_i(X)``.

    Args:
        sizes: ``s_i`` per actor.
        propensity: Symmetric ``p_ij`` with zero diagonal.
        sides: Side label (0 or 1) per actor.

    Returns:
        ``E(X)``.

    """
    s, p = validate(sizes, propensity)
    return float(s @ frustration(s, p, sides))


def is_local_minimum(
    sizes: ArrayLike,
    propensity: ArrayLike,
    sides: ArrayLike,
    *,
    pinned: Mapping[int, int] | Mapping[str, int] | None = None,
    names: Sequence[str] | None = None,
) -> bool:
    """Whether no actor (pinned ones excepted) can lower its frustration by switching.

    Args:
        sizes: ``s_i`` per actor.
        propensity: Symmetric ``p_ij`` with zero diagonal.
        sides: Side label (0 or 1) per actor.
        pinned: Actor (index, or name when ``names`` is given) -> side, for actors that
            never switch.
        names: Actor names, for pins given by name.

    Returns:
        True when the configuration is a local minimum of the energy.

    """
    s, p = validate(sizes, propensity, names=names)
    x = _sides_array(sides, s.size)
    pins = _resolve_pins(pinned, s.size, names)
    a, tol = _field_matrix(s, p)
    spin = 1.0 - 2.0 * x
    gain = -spin * (a @ spin)
    movable = np.ones(s.size, dtype=bool)
    movable[list(pins)] = False
    return not bool(((gain > tol) & movable).any())


def configuration_count(n: int, pinned: Mapping[int, int] | Mapping[str, int] | None = None) -> int:
    """Count the distinct starting configurations of ``n`` actors.

    ``2**(n-1)`` without pins (a split and its mirror are the same), ``2**(n - k)`` with
    ``k`` pinned actors.
    """
    return 1 << (n - len(pinned) if pinned else n - 1)


def enumerates(
    n: int,
    pinned: Mapping[int, int] | Mapping[str, int] | None = None,
    max_enumerate: int = DEFAULT_MAX_ENUMERATE,
) -> bool:
    """Whether `local_minima` enumerates every configuration (else: random restarts).

    True while there are at most ``2**(max_enumerate - 1)`` starting configurations, that
    is up to ``max_enumerate`` actors without pins (one more per pinned actor beyond the
    first).
    """
    return configuration_count(n, pinned) <= 1 << (max_enumerate - 1)


def _field_matrix(s: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A[i, j] = s_j * p_ij`` and the per-actor gain tolerance.

    With spins ``sigma = +1`` on side 0 and ``-1`` on side 1, ``d_ij = (1 - sigma_i
    sigma_j) / 2`` and the field ``h = A @ sigma`` gives actor ``i``'s gain from
    switching as ``F_i(old) - F_i(new) = -sigma_i * h_i``.
    """
    a = p * s[None, :]
    tol = GAIN_RTOL * np.maximum(np.abs(a).sum(axis=1), np.finfo(float).tiny)
    return a, tol


# ------------------------------------------------------------------------- dynamics


def run_dynamics(
    sizes: ArrayLike,
    propensity: ArrayLike,
    start: ArrayLike,
    *,
    seed: Seed = 0,
    pinned: Mapping[int, int] | Mapping[str, int] | None = None,
    names: Sequence[str] | None = None,
) -> Trajectory:
    """Run the myopic dynamics from one configuration until it stops.

    At each step one actor is drawn uniformly among those whose frustration would strictly
    fall if they switched, and it switches; pinned actors never switch. The run ends in a
    local minimum, as in Axelrod and Bennett (1993).

    Args:
        sizes: ``s_i`` per actor.
        propensity: Symmetric ``p_ij`` with zero diagonal.
        start: Starting side label (0 or 1) per actor; pinned actors must be on their side.
        seed: Seed or numpy Generator for the order of play.
        pinned: Actor (index, or name when ``names`` is given) -> side 0 or 1.
        names: Actor names, for messages and for pins given by name.

    Returns:
        The trajectory: configurations visited and who switched.

    Raises:
        InputError: Bad inputs, or a pinned actor that starts on the wrong side.

    """
    s, p = validate(sizes, propensity, names=names)
    n = s.size
    x = _sides_array(start, n).copy()
    pins = _resolve_pins(pinned, n, names)
    for i, side in pins.items():
        if x[i] != side:
            raise InputError(f"pinned actor {_label(i, names)} starts on side {x[i]}, not {side}")
    rng = np.random.default_rng(seed)
    a, tol = _field_matrix(s, p)
    movable = np.ones(n, dtype=bool)
    movable[list(pins)] = False
    spin = 1.0 - 2.0 * x
    path = [tuple(int(v) for v in x)]
    switched: list[int] = []
    while True:
        # Recomputing the field from scratch keeps this reference implementation simple.
        gainers = np.flatnonzero((-spin * (a @ spin) > tol) & movable)
        if gainers.size == 0:
            return Trajectory(path=tuple(path), switched=tuple(switched))
        k = int(gainers[rng.integers(gainers.size)])
        x[k] = 1 - x[k]
        spin[k] = -spin[k]
        path.append(tuple(int(v) for v in x))
        switched.append(k)


def _descend(
    a: np.ndarray, tol: np.ndarray, movable: np.ndarray, spin: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Run the dynamics from many starts at once (rows of ``spin``) and return the ends.

    Each row draws its own switching actor at each step; finished rows drop out.
    """
    spin = spin.astype(float, copy=True)
    at = a.T.copy()
    rows = np.arange(spin.shape[0])
    cur = spin.copy()
    field = cur @ a.T
    steps = 0
    while rows.size:
        steps += 1
        if steps % 32 == 0:  # refresh the incrementally updated field against drift
            field = cur @ a.T
        gain = ((-cur * field) > tol) & movable
        count = gain.sum(axis=1)
        done = count == 0
        if done.any():
            spin[rows[done]] = cur[done]
            keep = ~done
            rows, cur, field, gain, count = (
                rows[keep],
                cur[keep],
                field[keep],
                gain[keep],
                count[keep],
            )
            if not rows.size:
                break
        k = _pick(gain, count, rng)
        r = np.arange(rows.size)
        old = cur[r, k]
        cur[r, k] = -old
        field -= (2.0 * old)[:, None] * at[k]
    return spin


def _pick(gain: np.ndarray, count: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """For each row, the column of a uniformly drawn True entry (rows with none: 0)."""
    target = (rng.random(gain.shape[0]) * count).astype(np.int64)
    return np.argmax(np.cumsum(gain, axis=1) > target[:, None], axis=1)


# ------------------------------------------------------------------------- analysis


def local_minima(
    sizes: ArrayLike,
    propensity: ArrayLike,
    *,
    names: Sequence[str] | None = None,
    seed: Seed = 0,
    pinned: Mapping[int, int] | Mapping[str, int] | None = None,
    max_enumerate: int = DEFAULT_MAX_ENUMERATE,
    restarts: int = 10_000,
) -> list[LocalMinimum]:
    """All local minima of the landscape with their energies and basins.

    Up to ``max_enumerate`` actors (more precisely, while there are at most
    ``2**(max_enumerate - 1)`` starting configurations; see `configuration_count`) every
    configuration is visited: the local minima found are all of them, and each basin is
    the share of all starting configurations whose run of the dynamics ends there. Every
    configuration draws once, under ``seed``, which actor switches next; runs passing
    through the same configuration share that draw, so each start's run follows the
    dynamics of `run_dynamics` exactly (the energy falls at every step, so no run visits
    a configuration twice) and the basins are unbiased, at the cost of some correlation
    between starts. Runs are then followed by pointer doubling, all at once.

    Beyond the limit, ``restarts`` runs start from configurations drawn uniformly at
    random; the minima reported are those reached and each basin is the share of runs
    ending there (an estimate, and minima with tiny basins may be missed).

    Args:
        sizes: ``s_i > 0`` per actor (Axelrod and Bennett use capability).
        propensity: Symmetric ``p_ij`` with zero diagonal.
        names: Actor names (default ``"0"``, ``"1"``, ...).
        seed: Seed or numpy Generator for the order of play (and the restarts).
        pinned: Actor (index, or name when ``names`` is given) -> side 0 or 1. Pinned
            actors never switch and no starting configuration moves them; ``sides[k]`` of
            each result is then side ``k``.
        max_enumerate: Largest number of actors enumerated exhaustively (at most
            ``MAX_ENUMERATE_CAP`` = 28; see `enumerates`).
        restarts: Number of random starts beyond the enumeration limit.

    Returns:
        The local minima, by energy ascending (ties: larger basin first). The basins sum
        to 1.

    Raises:
        InputError: Bad sizes, matrix, names, pins or limits.

    """
    s, p = validate(sizes, propensity, names=names)
    n = s.size
    labels = tuple(names) if names is not None else tuple(str(i) for i in range(n))
    pins = _resolve_pins(pinned, n, labels)
    if not isinstance(max_enumerate, int) or not 1 <= max_enumerate <= MAX_ENUMERATE_CAP:
        raise InputError(
            f"max_enumerate must be an integer in 1..{MAX_ENUMERATE_CAP}, got {max_enumerate!r}"
        )
    if not isinstance(restarts, int) or restarts < 1:
        raise InputError(f"restarts must be a positive integer, got {restarts!r}")
    rng = np.random.default_rng(seed)
    a, tol = _field_matrix(s, p)
    if enumerates(n, pins, max_enumerate):
        ends, basins = _enumerate(a, tol, pins, rng)
    else:
        ends, basins = _restart(a, tol, pins, restarts, rng)
    found = []
    for x, basin in zip(ends, basins, strict=True):
        sides = (
            tuple(labels[i] for i in range(n) if x[i] == 0),
            tuple(labels[i] for i in range(n) if x[i] == 1),
        )
        found.append(
            LocalMinimum(
                energy=energy(s, p, x),
                basin=float(basin),
                sides=sides,
                assignment=tuple(int(v) for v in x),
            )
        )
    found.sort(key=lambda m: (m.energy, -m.basin, m.assignment))
    return found


def _free_layout(n: int, pins: Mapping[int, int]) -> tuple[np.ndarray, np.ndarray, bool]:
    """Which actors are bits of the configuration index, the base spins, mirror mode.

    Without pins actor 0 stays on side 0 in the index (mirror mode: its switch maps a
    configuration to the mirror of the others' switch); with pins, every unpinned actor
    is a bit and pinned ones sit at their side.
    """
    base = np.ones(n)
    for i, side in pins.items():
        base[i] = 1.0 - 2.0 * side
    mirror = not pins
    free = np.array(
        [i for i in range(n) if i not in pins and not (mirror and i == 0)], dtype=np.int64
    )
    return free, base, mirror


def _enumerate(
    a: np.ndarray, tol: np.ndarray, pins: Mapping[int, int], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Exhaustive analysis: every local minimum (as side labels) and its basin."""
    n = a.shape[0]
    free, base, mirror = _free_layout(n, pins)
    m = free.size
    total = 1 << m
    # Bit b of a configuration index puts actor free[b] on side 1 (spin -1). The field
    # h = A @ spin splits into the base part plus one column per set bit, and the index
    # splits into low and high bits, so h is a sum of two small tables.
    low_bits = min(m, 12)
    high_bits = m - low_bits
    delta = -2.0 * a[:, free].T  # (m, n): change of h when bit b is set
    h0 = a @ base

    def table(bits: int, offset: int) -> tuple[np.ndarray, np.ndarray]:
        codes = (np.arange(1 << bits)[:, None] >> np.arange(bits)) & 1
        field = codes @ delta[offset : offset + bits]
        spin = np.zeros((1 << bits, n))
        spin[:, free[offset : offset + bits]] = -2.0 * codes
        return field, spin

    field_low, spin_low = table(low_bits, 0)
    field_high, spin_high = table(high_bits, low_bits)
    movable = np.ones(n, dtype=bool)
    movable[list(pins)] = False
    flip = np.zeros(n, dtype=np.int32)
    flip[free] = np.int32(1) << np.arange(m, dtype=np.int32)
    if mirror:
        flip[0] = total - 1

    successor = np.empty(total, dtype=np.int32)
    per_batch = max(1, _BATCH_ROWS >> low_bits)
    low_index = np.arange(1 << low_bits, dtype=np.int32)
    for start in range(0, 1 << high_bits, per_batch):
        high = np.arange(start, min(start + per_batch, 1 << high_bits), dtype=np.int32)
        field = (h0 + field_high[high][:, None, :] + field_low[None, :, :]).reshape(-1, n)
        spin = (base + spin_high[high][:, None, :] + spin_low[None, :, :]).reshape(-1, n)
        index = ((high[:, None] << low_bits) | low_index[None, :]).ravel()
        gain = ((-spin * field) > tol) & movable
        count = gain.sum(axis=1)
        k = _pick(gain, count, rng)
        successor[index] = np.where(count > 0, index ^ flip[k], index)

    minima = np.flatnonzero(successor == np.arange(total, dtype=np.int32))
    # Pointer doubling: after step t every entry points 2**t moves ahead (or to its end).
    # A run is shorter than the number of configurations, so m + 1 doublings suffice.
    for _ in range(m + 2):
        ahead = successor[successor]
        if np.array_equal(ahead, successor):
            break
        successor = ahead
    else:  # pragma: no cover - would mean a cycle, which strict gains rule out
        raise RuntimeError("landscape dynamics did not settle; please report this instance")
    basins = np.bincount(np.searchsorted(minima, successor), minlength=minima.size) / total

    ends = np.empty((minima.size, n), dtype=np.int8)
    ends[:] = ((1.0 - base) / 2).astype(np.int8)
    ends[:, free] = (minima[:, None] >> np.arange(m)) & 1
    return ends, basins


def _restart(
    a: np.ndarray,
    tol: np.ndarray,
    pins: Mapping[int, int],
    restarts: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Random restarts: the distinct end points reached and their shares of runs."""
    n = a.shape[0]
    movable = np.ones(n, dtype=bool)
    movable[list(pins)] = False
    spin = np.where(rng.random((restarts, n)) < 0.5, 1.0, -1.0)
    for i, side in pins.items():
        spin[:, i] = 1.0 - 2.0 * side
    end = _descend(a, tol, movable, spin, rng)
    sides = (end < 0).astype(np.int8)
    if not pins:
        sides[sides[:, 0] == 1] ^= 1  # canonical: the first actor on side 0
    ends, counts = np.unique(sides, axis=0, return_counts=True)
    return ends, counts / restarts
