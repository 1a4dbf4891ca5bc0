"""The threat process, US commitment, aggression events and perceived threat."""

from __future__ import annotations

import numpy as np


def us_commitment(
    step: int, start: float, withdrawal_step: int | None, after: float, duration: int
) -> float:
    """US commitment ``u_t``: ``start`` until the withdrawal, then linear to ``after``."""
    if withdrawal_step is None or step <= withdrawal_step:
        return start
    progress = min(1.0, (step - withdrawal_step) / duration)
    return start + (after - start) * progress


def next_threat(
    threat: float,
    mean: float,
    reversion: float,
    volatility: float,
    deterrence: float,
    credibility: float,
    shock: float,
    noise: float,
) -> float:
    """One quarter of the threat: mean reversion, noise, deterrence, shocks, kept in [0, 1].

    ``T(t+1) = clip(T + rho*(T_bar - T) + sigma*eps - kappa*credibility + shocks, 0, 1)``
    with ``noise`` the standard normal draw ``eps``.
    """
    value = threat + reversion * (mean - threat) + volatility * noise
    value += shock - deterrence * credibility
    return min(1.0, max(0.0, value))


def aggression_probability(base: float, threat: float, credibility: float) -> float:
    """Probability of an aggression event this quarter: ``base * T * (1 - credibility)``."""
    return min(1.0, max(0.0, base * threat * (1.0 - credibility)))


def target_weights(proximity: np.ndarray, protection: np.ndarray) -> np.ndarray:
    """Weights for drawing the target: exposed and unprotected states first.

    Returns zeros when no state is exposed; the caller then skips the event.
    """
    weights = np.asarray(proximity, dtype=float) * (1.0 - np.asarray(protection, dtype=float))
    return np.clip(weights, 0.0, None)


def perceived_threat(
    threat: float, proximity: np.ndarray, nato: np.ndarray, us: float, guarantee: float
) -> np.ndarray:
    """``theta_i = T * p_i * (1 - u_t * g * nato_i)``: US backing shields NATO members."""
    return threat * proximity * (1.0 - (us * guarantee) * nato)
