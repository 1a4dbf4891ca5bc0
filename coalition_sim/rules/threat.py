"""The threat process, US commitment, aggression events and perceived threat.

Every function works on numbers or on numpy arrays over runs (and states), broadcast as
numpy broadcasts: the engine passes per-run quantities as ``(runs, 1)`` columns and
per-state ones as ``(runs, states)`` arrays.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.parameters.kinds import NEVER_STEP
from coalition_sim.rules.sums import count

#: ``us_withdrawal_step`` of a run whose US never withdraws (the schema's "never").
NEVER = NEVER_STEP


def us_commitment(step, start, withdrawal_step, after, duration):
    """US commitment ``u_t``: ``start`` until the withdrawal, then linear to ``after``.

    ``withdrawal_step`` is None (or :data:`NEVER`) for a US that stays.
    """
    if withdrawal_step is None:
        return start + 0.0 * np.asarray(after)
    withdrawal_step = np.asarray(withdrawal_step)
    elapsed = np.maximum(step - withdrawal_step, 0)  # 0 before the withdrawal starts
    progress = np.minimum(1.0, elapsed / np.asarray(duration, dtype=float))
    return np.where(step <= withdrawal_step, start, start + (after - start) * progress)


def next_threat(threat, mean, reversion, volatility, deterrence, credibility, shock, noise):
    """One quarter of the threat: mean reversion, noise, deterrence, shocks, kept in [0, 1].

    ``T(t+1) = clip(T + rho*(T_bar - T) + sigma*eps - kappa*credibility + shocks, 0, 1)``
    with ``noise`` the standard normal draw ``eps``.
    """
    value = threat + reversion * (mean - threat) + volatility * noise
    value = value + shock - deterrence * credibility
    return np.minimum(1.0, np.maximum(0.0, value))


def jumped(threat, shock):
    """The threat after an aggression's shock, at most 1 (for the event log)."""
    return np.minimum(1.0, threat + shock)


def aggression_probability(base, threat, credibility):
    """Probability of an aggression event this quarter: ``base * T * (1 - credibility)``."""
    return np.minimum(1.0, np.maximum(0.0, base * threat * (1.0 - credibility)))


def target_weights(proximity, protection):
    """Weights for drawing the target: exposed and unprotected states first.

    Returns zeros when no state is exposed; the caller then skips the event.
    """
    weights = np.asarray(proximity, dtype=float) * (1.0 - np.asarray(protection, dtype=float))
    return np.maximum(weights, 0.0)


def draw_target(weights: np.ndarray, uniform: np.ndarray) -> np.ndarray:
    """Index of the state drawn with probability proportional to its weight, per run.

    ``weights`` is ``(runs, states)``, ``uniform`` ``(runs, 1)`` in [0, 1). The target is
    the first state whose cumulative weight exceeds ``uniform * total``; cumulative sums
    run left to right, so the draw is the same in any batch. Rows without weight give -1.
    """
    cumulative = np.cumsum(weights, axis=-1)
    total = cumulative[:, -1:]
    chosen = np.argmax(cumulative > uniform * total, axis=-1)
    return np.where(total[:, 0] > 0, chosen, -1)


def us_shield(guarantee, nato):
    """How much of a state's exposure a fully committed US takes away: ``g * nato_i``."""
    return guarantee * nato


def exposure(proximity, us, shield):
    """``p_i * (1 - u_t * g * nato_i)``: exposure to Russia left after the US guarantee.

    ``shield`` is :func:`us_shield`; the exposure changes only when the US commitment
    does, so the engine keeps it between quarters.
    """
    return proximity * (1.0 - us * shield)


def advantage(adversary_strength, europe_strength):
    """Russia's forces over all of Europe's (fielded, members or not)."""
    return adversary_strength / np.where(europe_strength > 0, europe_strength, np.inf)


def power_factor(advantage_now, power_weight):
    """How Russia's power scales the threat: ``A ** w`` (1 when its forces equal Europe's).

    The level, not the change since the start: a Russia stronger from the start is a
    greater danger from the start. Infinite or zero advantages (no forces on one side)
    are held to a finite range.
    """
    return np.power(np.clip(advantage_now, 1e-6, 1e6), power_weight)


def perceived_threat(threat, exposure_now, power):
    """``theta_i = T * p_i * (1 - u_t * g * nato_i) * P``.

    The threat times :func:`exposure` and Russia's :func:`power_factor`: a threat is
    intent, nearness and power together (Walt 1987), so a Russia that grows stronger
    against Europe is a greater danger, and more states balance against it.
    """
    return threat * exposure_now * power


def protection(member, credibility, us, guarantee, nato):
    """What shields a state from being the target.

    The coalition's credibility for a member, the US guarantee ``u_t * g`` for a NATO
    member outside it, nothing otherwise.
    """
    return np.where(member, credibility, us * guarantee * nato)


def response_share(responded, called):
    """Share of the members called on who responded to an attack on one of them."""
    return count(responded) / count(called)


def response_failed(share):
    """A response fails when fewer than half of the members called on respond."""
    return share < 0.5
