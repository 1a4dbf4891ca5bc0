"""Europe as an Axelrod-Bennett landscape: sizes and propensities built from the data.

Axelrod, R. and Bennett, D. S. (1993). A Landscape Theory of Aggregation. *British Journal
of Political Science* 23(2), 211-233. They size actors by capability and derive
propensities from the things that pull states together or apart; here, for every pair of
actors (the European states of the model plus Russia and Belarus):

    p_ij = w_exposure  * x_ij
         + w_alignment * (1 - |a_i - a_j|)
         + w_border    * b_ij
         + w_eu        * eu_i * eu_j
         + w_nato      * nato_i * nato_j
         - w_friction  * f_ij

- ``x_ij``, shared exposure to Russia: ``prox_i * prox_j`` for two European states (two
  states under the same threat want to stand together), ``-prox_i`` between a European
  state and the adversary (the more exposed a state, the more it is repelled by the
  threat), ``1`` between Russia and Belarus;
- ``1 - |a_i - a_j|``, alignment similarity in [-1, 1] from the graded alignment of
  the states (Russia and Belarus voted no on every resolution: alignment -1);
- ``b_ij`` is 1 for two European states sharing a land or sea border (``borders.csv``);
  a border with the adversary enters through exposure instead;
- co-membership of the EU and of NATO (Russia and Belarus are in neither);
- ``f_ij``, the standing friction between two European states (``frictions.csv``).

Sizes are forces in USD bn of equipment fielded: what a European state's own forces add
to the coalition's usable strength as the model computes it (its crewed, ready stocks at
its purchasing power, judged like its allies'), and for Russia and Belarus their fielded
forces in the same unit, shared by spending; a state without armed forces (Iceland) gets
a token size of
:data:`MIN_SIZE`. Russia and Belarus are pinned to side 1, so side 0 is the
coalition. The weights are scenario parameters (``landscape_*_weight``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from coalition_sim import landscape
from coalition_sim.indicators import VOTE_SCORE
from coalition_sim.landscape import GAIN_RTOL
from coalition_sim.rules.sums import total

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.engine.inputs import RunInputs
    from coalition_sim.parameters import ModelParameters
    from coalition_sim.parameters.kinds import Number

#: Smallest size of an actor, USD bn: landscape theory needs sizes above zero, and
#: Iceland has no armed forces of its own (its capability is 0).
MIN_SIZE = 0.01
#: Side of the adversary; the coalition is side 0.
ADVERSARY_SIDE = 1
COALITION_SIDE = 0


@dataclass(frozen=True)
class PropensityWeights:
    """Weights of the terms of ``p_ij`` (``landscape_*_weight`` in the schema)."""

    exposure: Number = 1.0
    alignment: Number = 1.0
    border: Number = 0.5
    eu: Number = 0.5
    nato: Number = 0.5
    friction: Number = 1.0

    @classmethod
    def from_parameters(cls, values: ModelParameters) -> PropensityWeights:
        """Read the weights from scenario values."""
        return cls(
            exposure=values.landscape_exposure_weight,
            alignment=values.landscape_alignment_weight,
            border=values.landscape_border_weight,
            eu=values.landscape_eu_weight,
            nato=values.landscape_nato_weight,
            friction=values.landscape_friction_weight,
        )


def propensity_matrix(
    proximity: np.ndarray,
    alignment: np.ndarray,
    adjacency: np.ndarray,
    eu: np.ndarray,
    nato: np.ndarray,
    adversary: np.ndarray,
    weights: PropensityWeights,
    friction: np.ndarray | None = None,
) -> np.ndarray:
    """The symmetric propensity matrix (zero diagonal) of the module docstring.

    Per-actor arrays may carry a leading run axis (``(runs, actors)``), and the weights
    may be ``(runs, 1)`` columns: the result is then ``(runs, actors, actors)``.

    Args:
        proximity: exposure to Russia of every actor in [0, 1] (the adversary's own is
            not used).
        alignment: alignment of every actor in [-1, 1].
        adjacency: 0/1 matrix of shared borders.
        eu: EU membership (0/1) of every actor.
        nato: NATO membership (0/1) of every actor.
        adversary: True for Russia and Belarus.
        weights: the weights of the terms.
        friction: standing frictions between actors in [0, 1] (``frictions.csv``),
            taken off with weight ``weights.friction``; none by default.
    """
    proximity = np.asarray(proximity, dtype=float)
    alignment = np.asarray(alignment, dtype=float)
    adversary = np.asarray(adversary, dtype=bool)
    europe = ~adversary
    outer = lambda a, b: a[..., :, None] * b[..., None, :]  # noqa: E731
    both_europe = np.outer(europe, europe)
    exposure = np.where(both_europe, outer(proximity, proximity), 0.0)
    one_side = np.outer(europe, adversary)
    exposure = np.where(one_side, -proximity[..., :, None], exposure)
    exposure = np.where(one_side.T, -proximity[..., None, :], exposure)
    exposure = np.where(np.outer(adversary, adversary), 1.0, exposure)
    similarity = 1.0 - np.abs(alignment[..., :, None] - alignment[..., None, :])
    border = np.asarray(adjacency, dtype=float) * both_europe
    eu_f, nato_f = np.asarray(eu, dtype=float), np.asarray(nato, dtype=float)
    w = lambda value: np.asarray(value, dtype=float)[..., None]  # noqa: E731  (runs, 1, 1)
    p = (
        w(weights.exposure) * exposure
        + w(weights.alignment) * similarity
        + w(weights.border) * border
        + w(weights.eu) * np.outer(eu_f, eu_f)
        + w(weights.nato) * np.outer(nato_f, nato_f)
    )
    if friction is not None:
        p = p - w(weights.friction) * np.asarray(friction, dtype=float)
    return p * (1.0 - np.eye(len(adversary)))


@dataclass(frozen=True)
class EuropeLandscape:
    """The actors of the Europe view: names, sizes, propensities, pins.

    Attributes:
        names: ISO3 codes, the model's European states first, then Russia and Belarus.
        sizes: capability of each actor, USD bn a year.
        propensity: ``p_ij`` (see :func:`propensity_matrix`).
        pinned: the adversary's codes, pinned to side 1.
    """

    names: tuple[str, ...]
    sizes: np.ndarray
    propensity: np.ndarray
    pinned: Mapping[str, int]

    def minima(self, *, seed: int = 0, restarts: int = 10_000) -> list[landscape.LocalMinimum]:
        """The local minima (side 0: the coalition; side 1: the adversary's side)."""
        return landscape.local_minima(
            self.sizes,
            self.propensity,
            names=self.names,
            seed=seed,
            pinned=dict(self.pinned),
            restarts=restarts,
        )


def _vote_alignment(votes) -> float:
    scores = [VOTE_SCORE[v] for v in votes if v in VOTE_SCORE]
    return float(np.mean(scores)) if scores else 0.0


def actors_of(inputs: RunInputs) -> dict[str, Any]:
    """Per-actor arrays of the Europe view (European states, then the adversary)."""
    data, tr = inputs.data, inputs.traits
    n, n_adv = len(data), len(data.adversary_codes)
    rows = max(tr.proximity.shape[0], tr.alignment.shape[0])
    pad = lambda value, width: np.broadcast_to(value, (rows, width))  # noqa: E731
    adjacency = np.zeros((n + n_adv, n + n_adv))
    adjacency[:n, :n] = data.adjacency
    friction = np.zeros((n + n_adv, n + n_adv))
    friction[:n, :n] = data.friction
    return {
        "names": (*data.codes, *data.adversary_codes),
        "proximity": np.concatenate([pad(tr.proximity, n), np.ones((rows, n_adv))], axis=1),
        "alignment": np.concatenate(
            [pad(tr.alignment, n), pad([_vote_alignment(v) for v in data.adversary_votes], n_adv)],
            axis=1,
        ),
        "adjacency": adjacency,
        "friction": friction,
        "eu": np.concatenate([data.eu, np.zeros(n_adv, bool)]),
        "nato": np.concatenate([data.nato, np.zeros(n_adv, bool)]),
        "adversary": np.concatenate([np.zeros(n, bool), np.ones(n_adv, bool)]),
    }


@dataclass(frozen=True, eq=False)
class Propensities:
    """The landscape protocol's view of a batch: propensities and switching tolerance.

    Attributes:
        europe: ``p_ij`` from each European state ``i`` to every actor ``j``,
            ``(runs, states, actors)`` (one row when shared by the batch).
        tolerance: the smallest fall in frustration that counts as a gain, per state:
            :data:`coalition_sim.landscape.GAIN_RTOL` times ``sum_j |p_ij|``.
        adversary_share: each adversary actor's share of the adversary's spending.
    """

    europe: np.ndarray
    tolerance: np.ndarray
    adversary_share: np.ndarray


def propensities(inputs: RunInputs) -> Propensities:
    """The propensities of a batch of runs, from the traits each run derived."""
    actors = actors_of(inputs)
    p = propensity_matrix(
        actors["proximity"],
        actors["alignment"],
        actors["adjacency"],
        actors["eu"],
        actors["nato"],
        actors["adversary"],
        PropensityWeights.from_parameters(inputs.values),
        actors["friction"],
    )
    n = len(inputs.data)
    europe = np.ascontiguousarray(p[:, :n, :])
    spending = inputs.data.adversary_spending
    return Propensities(
        europe=europe,
        tolerance=GAIN_RTOL * total(np.abs(europe))[..., 0],
        adversary_share=(spending / spending.sum())[None, :],
    )


def switch_gains(context: Propensities, own_strength, member, situation: Any) -> np.ndarray:
    """How much each European state's frustration falls if it switches side now.

    ``F_i(now) - F_i(switched) = -sigma_i * sum_j s_j p_ij sigma_j`` with ``sigma`` +1
    on the coalition side and -1 on the other (Axelrod and Bennett 1993); sizes are the
    states' own strength, at least :data:`MIN_SIZE`.
    """
    spin = np.where(member, 1.0, -1.0)
    return -spin * field(context, np.maximum(own_strength, MIN_SIZE), spin, situation)


def field(context: Propensities, sizes: np.ndarray, spin: np.ndarray, situation: Any):
    """``sum_j p_ij s_j sigma_j`` for each European state ``i``, ``(runs, states)``.

    ``sizes`` and ``spin`` are the European states'; the adversary (always on the other
    side, spin -1) is sized by its strength now, shared by its spending.
    """
    adversary = context.adversary_share * situation.adversary_strength
    signed = np.concatenate([sizes * spin, -adversary], axis=1)
    return total(context.europe * signed[:, None, :])[..., 0]
