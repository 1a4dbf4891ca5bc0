"""Simple predictors the calibrated model must beat to earn its parameters.

- **the rule**: ``max(2014 burden, 2 %) + 1.5 x proximity``, zero parameters fitted:
  every Ally reaches the Wales pledge or keeps what it spent above it, and spends more
  the nearer it is to Russia (proximity as the model defines it, ``exp(-km / 600)``);
- **the regression**: least squares of the burden on proximity and the 2014 burden,
  ``a + b x proximity + c x burden_2014``, fitted to the same state-years as the model;
- **alignment alone**, for taking part in the coalition: the model's input alignment
  (UN votes, sanctions, aid) ranked as it is, with no model around it.

None of them knows about the war of 2022: like the model's calibration out of sample,
they see only what their fit is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coalition_sim.datasets import Dataset

#: The rule's floor: the Wales pledge (2014), % of GDP.
RULE_FLOOR_PCT = 2.0
#: The rule's points of GDP per unit of proximity (a border capital spends 1.5 more).
RULE_PROXIMITY_SLOPE = 1.5


@dataclass(frozen=True)
class Traits:
    """What the baselines know of each state: inputs of the model, nothing fitted."""

    proximity: dict[str, float]  # exp(-km to Russia or Belarus / proximity_scale_km)
    alignment: dict[str, float]  # the model's graded alignment, -1 to 1


def traits(dataset: Dataset) -> Traits:
    """Proximity and alignment of every state, derived as the model derives them."""
    from coalition_sim.engine.inputs import build
    from coalition_sim.parameters import PRESETS

    scenario = PRESETS["baseline"]
    inputs = build(dataset, [scenario], [scenario["seed"]])
    codes = inputs.data.codes
    prox = np.broadcast_to(inputs.traits.proximity, (1, len(codes)))[0]
    align = np.broadcast_to(inputs.traits.alignment, (1, len(codes)))[0]
    return Traits(
        proximity=dict(zip(codes, prox.tolist(), strict=True)),
        alignment=dict(zip(codes, align.tolist(), strict=True)),
    )


def rule(start: np.ndarray, proximity: np.ndarray) -> np.ndarray:
    """The zero-parameter rule's burden: ``max(start, 2) + 1.5 x proximity``, % of GDP."""
    start = np.asarray(start, dtype=float)
    return np.maximum(start, RULE_FLOOR_PCT) + RULE_PROXIMITY_SLOPE * np.asarray(proximity)


def _design_matrix(proximity: np.ndarray, start: np.ndarray) -> np.ndarray:
    proximity, start = np.broadcast_arrays(
        np.asarray(proximity, dtype=float), np.asarray(start, dtype=float)
    )
    return np.column_stack([np.ones(proximity.size), proximity.ravel(), start.ravel()])


def fit_regression(proximity: np.ndarray, start: np.ndarray, burden: np.ndarray) -> np.ndarray:
    """Least-squares coefficients ``(a, b, c)`` of ``burden ~ a + b x proximity + c x start``.

    One observation per element: pass state-years as flat (or equally shaped) arrays.
    NaN burdens (not reported) are left out of the fit.
    """
    x = _design_matrix(proximity, start)
    y = np.broadcast_to(np.asarray(burden, dtype=float), np.shape(proximity)).ravel()
    known = ~np.isnan(y)
    if known.sum() < x.shape[1]:
        raise ValueError(f"the regression needs at least {x.shape[1]} observations")
    coefficients, *_ = np.linalg.lstsq(x[known], y[known], rcond=None)
    return coefficients


def predict_regression(
    coefficients: np.ndarray, proximity: np.ndarray, start: np.ndarray
) -> np.ndarray:
    """The regression's burden for each state (the shape of ``proximity`` and ``start``)."""
    shape = np.broadcast_shapes(np.shape(proximity), np.shape(start))
    return (_design_matrix(proximity, start) @ np.asarray(coefficients)).reshape(shape)
