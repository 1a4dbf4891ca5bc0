"""The utility of joining (or staying in) the coalition, term by term.

Functions take arrays over states, or over runs and states (``(runs, states)``, with
per-run quantities as ``(runs, 1)`` columns); sums over states go through
:func:`coalition_sim.rules.sums.total`, so a run's utility is the same in any batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from coalition_sim.rules.sums import count, total

#: Names of the terms of the utility, in the order they are summed.
TERMS = ("threat", "cost", "affinity", "alignment", "entrapment", "neutrality")


class Terms(NamedTuple):
    """The signed, weighted terms of ``U_i`` (one array each), in :data:`TERMS` order."""

    threat: np.ndarray
    cost: np.ndarray
    affinity: np.ndarray
    alignment: np.ndarray
    entrapment: np.ndarray
    neutrality: np.ndarray

    @property
    def total(self) -> np.ndarray:
        """``U_i``: the terms added in :data:`TERMS` order."""
        return (
            self.threat
            + self.cost
            + self.affinity
            + self.alignment
            + self.entrapment
            + self.neutrality
        )


def protection_gain(own_strength, others_strength, adversary_strength):
    """How much likelier a state is to hold off the adversary by joining, in [0, 1).

    The chance of holding off an attack with forces ``F`` against the adversary's ``A``
    is a ratio-form contest, ``F / (F + A)`` (Hirshleifer 1989; Skaperdas 1996): the
    gain is that chance with the coalition's forces and its own, less with its own
    alone. ``others_strength`` is the coalition's usable strength without the state (for
    an outsider, the whole coalition); ``own_strength`` what its own forces add. A
    small state joining a strong coalition gains most; nobody gains from a coalition
    that adds nothing. Against a stronger adversary the gain of a small state falls
    less than in proportion, so a threat that grows with the adversary's power draws
    states in (balancing).
    """
    together = own_strength + others_strength
    alone = own_strength / np.where(own_strength + adversary_strength > 0,
                                    own_strength + adversary_strength, 1.0)  # fmt: skip
    joined = together / np.where(together + adversary_strength > 0,
                                 together + adversary_strength, 1.0)  # fmt: skip
    return joined - alone


def burden(defence_pct, floor_pct):
    """Gap between a state's spending and the coalition's floor, as a share of the floor."""
    defence_pct = np.asarray(defence_pct, dtype=float)
    floor_pct = np.asarray(floor_pct, dtype=float)
    safe = np.where(floor_pct > 0, floor_pct, 1.0)
    gap = np.minimum(np.maximum(1.0 - defence_pct / safe, 0.0), 1.0)
    return np.where(floor_pct > 0, gap, 0.0)


@dataclass(frozen=True, eq=False)
class Borders:
    """Who borders whom, as an edge list grouped by the state each edge leads to.

    Counting member neighbours from the edge list costs one gather and one cumulative
    sum of integers per batch, exact and far cheaper than a (states x states) product.
    """

    source: np.ndarray  # neighbour of each edge, edges grouped by destination
    starts: np.ndarray  # first edge of each destination state
    ends: np.ndarray  # one past its last edge
    degree: np.ndarray  # number of neighbours of each state (float)

    @classmethod
    def from_adjacency(cls, adjacency) -> Borders:
        """Build from a symmetric 0/1 matrix of shared borders."""
        adjacency = np.asarray(adjacency, dtype=bool)
        _, source = np.nonzero(adjacency.T)  # row-major: grouped by destination
        degree = adjacency.sum(axis=0)
        ends = np.cumsum(degree)
        return cls(source, ends - degree, ends, degree.astype(float))

    def member_neighbours(self, member) -> np.ndarray:
        """Number of member neighbours of each state, for every run (exact integers)."""
        member = np.asarray(member, dtype=bool)
        gathered = member[..., self.source].astype(np.int32)
        running = np.zeros((*gathered.shape[:-1], gathered.shape[-1] + 1), dtype=np.int32)
        np.cumsum(gathered, axis=-1, out=running[..., 1:])
        counts = running[..., self.ends] - running[..., self.starts]
        # fancy indexing on the last axis gives a column-major result: make it row-major,
        # as every array of the engine is (mixed layouts make every operation slow)
        return np.ascontiguousarray(counts, dtype=float)

    def update(self, counts: np.ndarray, runs: np.ndarray, states: np.ndarray, change: float):
        """Add ``change`` to the member-neighbour counts of the neighbours of ``states``.

        The engine keeps the counts up to date as states join (+1) and leave (-1): a
        handful of changes a quarter instead of a recount of every state in every run.
        """
        if not len(runs):
            return
        degree = (self.ends - self.starts)[states]
        rows = np.repeat(runs, degree)
        first = np.repeat(self.starts[states] - np.cumsum(degree) + degree, degree)
        edges = first + np.arange(len(rows))
        # an edge's source is a neighbour of its destination and the adjacency is
        # symmetric: the destinations of the edges leaving `states` are their neighbours
        np.add.at(counts, (rows, self.source[edges]), change)


def affinity(member_neighbours, half_per_neighbour, member, alignment, ties, ties_weight):
    """Closeness to the coalition in [0, 1]: member neighbours, alignment, ties to the core.

    The weighted mean of three parts: the share of a state's neighbours
    (``borders.csv``) that are members (``member_neighbours`` times
    ``half_per_neighbour``, which is half the reciprocal of the number of neighbours:
    see :func:`half_per_neighbour`), one minus half the distance between the state's
    alignment and the members' mean alignment, and its institutional ties to the core
    (``ties`` in [0, 1]) with weight ``ties_weight`` against 1 for each of the others.
    """
    member = np.asarray(member, dtype=bool)
    members = count(member)
    mean_alignment = total(alignment, where=member) / np.maximum(members, 1)
    neighbours = 2.0 * member_neighbours * half_per_neighbour
    similarity = 1.0 - 0.5 * np.abs(alignment - mean_alignment)
    return (neighbours + similarity + ties_weight * ties) / (2.0 + ties_weight)


def half_per_neighbour(degree) -> np.ndarray:
    """``0.5 / degree`` for :func:`affinity` (0.5 where a state has no neighbour)."""
    degree = np.asarray(degree, dtype=float)
    return 0.5 / np.where(degree > 0, degree, 1.0)


def entrapment(proximity):
    """Fear of being drawn into a war that is not one's own: ``1 - p_i``.

    A standing cost of a frontline commitment for a state far from the threat (Snyder
    1984, the alliance security dilemma); it does not grow with this quarter's threat,
    while the protection motive does, so a higher threat draws states in.
    """
    return 1.0 - np.asarray(proximity, dtype=float)


def standing_terms(w_align, alignment, w_entrap, proximity, w_neutral, neutral):
    """The terms of ``U_i`` that do not change during a run, signed and weighted.

    ``(alignment, entrapment, neutrality)``.
    """
    return (
        w_align * alignment,
        -w_entrap * entrapment(proximity),
        -w_neutral * np.asarray(neutral, dtype=float),
    )


def utility_terms(w_threat, perceived, gain, w_cost, burden_share, w_affinity, affinity_score,
                  standing) -> Terms:  # fmt: skip
    """The signed, weighted terms of ``U_i`` (:data:`TERMS` order).

    ``w_threat * theta_i * gain_i - w_cost * burden_i + w_affinity * affinity_i`` and the
    three :func:`standing_terms`.
    """
    return Terms(
        threat=w_threat * perceived * gain,
        cost=-w_cost * burden_share,
        affinity=w_affinity * affinity_score,
        alignment=standing[0],
        entrapment=standing[1],
        neutrality=standing[2],
    )


def application_probability(utility, threshold, noise):
    """The chance that an outsider applies: ``1 / (1 + exp(-(U - threshold) / noise))``.

    A random-utility choice (McFadden 1974): above the threshold it most likely applies,
    below it most likely not, and the knife edge of a sharp threshold is gone.
    """
    z = (utility - threshold) / noise
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))
