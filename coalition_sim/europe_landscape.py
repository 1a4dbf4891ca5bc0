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

- ``x_ij``, shared exposure to Russia: ``prox_i * prox_j`` for two European states (two
  states under the same threat want to stand together), ``-prox_i`` between a European
  state and the adversary (the more exposed a state, the more it is repelled by the
  threat), ``1`` between Russia and Belarus;
- ``1 - |a_i - a_j|``, alignment similarity in [-1, 1] from the UNGA votes on Ukraine
  (Russia and Belarus voted no: alignment -1);
- ``b_ij`` is 1 for two European states sharing a land or sea border (``borders.csv``);
  a border with the adversary enters through exposure instead;
- co-membership of the EU and of NATO (Russia and Belarus are in neither).

Sizes are capabilities in USD bn a year: a European state's capability as the model
computes it (spending raised by its arms industry), and for Russia and Belarus their
spending times the purchasing-power factor (``adversary_ppp_factor``), as in the model's
adversary strength; a state without armed forces (Iceland) gets a token size of
:data:`MIN_SIZE`. Russia and Belarus are pinned to side 1, so side 0 is the
coalition. The weights are scenario parameters (``landscape_*_weight``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from coalition_sim import landscape
from coalition_sim.datasets import ADVERSARY, VOTE_SCORE

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.datasets import Dataset
    from coalition_sim.model import CoalitionModel
    from coalition_sim.parameters import Scenario

#: Smallest size of an actor, USD bn a year: landscape theory needs sizes above zero, and
#: Iceland has no armed forces of its own (its capability is 0).
MIN_SIZE = 0.01
#: Side of the adversary; the coalition is side 0.
ADVERSARY_SIDE = 1
COALITION_SIDE = 0


@dataclass(frozen=True)
class PropensityWeights:
    """Weights of the terms of ``p_ij`` (``landscape_*_weight`` in the schema)."""

    exposure: float = 1.0
    alignment: float = 1.0
    border: float = 0.5
    eu: float = 0.5
    nato: float = 0.5

    @classmethod
    def from_parameters(cls, values: Mapping[str, Any]) -> PropensityWeights:
        """Read the weights from scenario values."""
        return cls(
            exposure=values["landscape_exposure_weight"],
            alignment=values["landscape_alignment_weight"],
            border=values["landscape_border_weight"],
            eu=values["landscape_eu_weight"],
            nato=values["landscape_nato_weight"],
        )


def propensity_matrix(
    proximity: np.ndarray,
    alignment: np.ndarray,
    adjacency: np.ndarray,
    eu: np.ndarray,
    nato: np.ndarray,
    adversary: np.ndarray,
    weights: PropensityWeights,
) -> np.ndarray:
    """The symmetric propensity matrix (zero diagonal) of the module docstring.

    Args:
        proximity: exposure to Russia of every actor in [0, 1] (the adversary's own is
            not used).
        alignment: alignment of every actor in [-1, 1].
        adjacency: 0/1 matrix of shared borders.
        eu: EU membership (0/1) of every actor.
        nato: NATO membership (0/1) of every actor.
        adversary: True for Russia and Belarus.
        weights: the weights of the terms.
    """
    proximity = np.asarray(proximity, dtype=float)
    alignment = np.asarray(alignment, dtype=float)
    adversary = np.asarray(adversary, dtype=bool)
    europe = ~adversary
    both_europe = np.outer(europe, europe)
    exposure = np.where(both_europe, np.outer(proximity, proximity), 0.0)
    one_side = np.outer(europe, adversary)
    exposure = np.where(one_side, -proximity[:, None], exposure)
    exposure = np.where(one_side.T, -proximity[None, :], exposure)
    exposure = np.where(np.outer(adversary, adversary), 1.0, exposure)
    similarity = 1.0 - np.abs(alignment[:, None] - alignment[None, :])
    border = np.asarray(adjacency, dtype=float) * both_europe
    eu_f, nato_f = np.asarray(eu, dtype=float), np.asarray(nato, dtype=float)
    p = (
        weights.exposure * exposure
        + weights.alignment * similarity
        + weights.border * border
        + weights.eu * np.outer(eu_f, eu_f)
        + weights.nato * np.outer(nato_f, nato_f)
    )
    np.fill_diagonal(p, 0.0)
    return p


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


def adversary_rows(dataset: Dataset) -> list[Mapping[str, Any]]:
    """The data rows of Russia and Belarus, in :data:`ADVERSARY` order."""
    return [dataset.row(code) for code in ADVERSARY]


def _vote_alignment(row: Mapping[str, Any]) -> float:
    scores = [
        VOTE_SCORE[row[k]]
        for k in ("unga_es11_1_vote", "unga_es11_7_2025_vote")
        if row[k] in VOTE_SCORE
    ]
    return float(np.mean(scores)) if scores else 0.0


def from_model(model: CoalitionModel) -> EuropeLandscape:
    """Build the Europe landscape from a model's traits as they stand now.

    Uses the model's own derived traits (scenario overrides applied): capability,
    proximity, alignment, borders, EU and NATO membership; Russia and Belarus come from
    the data rows of the model's dataset.
    """
    cfg = model.config
    rows = adversary_rows(model.dataset)
    n_adv = len(rows)
    names = (*model.codes, *(r["iso3"] for r in rows))
    sizes = np.concatenate(
        [
            np.maximum(np.asarray(model.capability, dtype=float), MIN_SIZE),
            [r["defence_spend_usd_bn_2024"] * cfg["adversary_ppp_factor"] for r in rows],
        ]
    )
    adversary = np.concatenate([np.zeros(len(model.codes), bool), np.ones(n_adv, bool)])
    adjacency = np.zeros((len(names), len(names)))
    adjacency[: len(model.codes), : len(model.codes)] = model.adjacency
    propensity = propensity_matrix(
        np.concatenate([model.proximity, np.ones(n_adv)]),
        np.concatenate([model.alignment, [_vote_alignment(r) for r in rows]]),
        adjacency,
        np.concatenate([model.eu, np.zeros(n_adv)]),
        np.concatenate([model.nato, np.zeros(n_adv)]),
        adversary,
        PropensityWeights.from_parameters(cfg.values),
    )
    return EuropeLandscape(
        names=names,
        sizes=sizes,
        propensity=propensity,
        pinned={r["iso3"]: ADVERSARY_SIDE for r in rows},
    )


def for_scenario(scenario: Scenario, dataset: Dataset | None = None) -> EuropeLandscape:
    """The Europe landscape of a scenario at step 0 (traits as the model derives them)."""
    from coalition_sim.model import CoalitionModel

    return from_model(CoalitionModel(scenario, dataset=dataset, collect_states=False))
