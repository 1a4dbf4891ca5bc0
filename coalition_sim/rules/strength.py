"""Coalition strength, parity with Russia, cohesion and credibility.

Arrays over states, or over runs and states with per-run values as ``(runs, 1)``
columns; sums over states in the fixed order of :func:`coalition_sim.rules.sums.total`.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.rules.sums import count, total


def coalition_strength(capability, reliability, member, readiness, experience, industry_output):
    """``S(C) = sum over members of r_j * cap_j * readiness * experience_j + industry output``.

    ``experience`` is 1 except for Ukraine (its combat-experience multiplier);
    ``industry_output`` is what investment in Ukraine's industry produces, counted at
    readiness.
    """
    return (total(reliability * capability * experience, where=member) + industry_output) * (
        readiness
    )


def adversary_strength(spending_usd_bn, ppp_factor, growth_pct, step):
    """Russia and Belarus: dollar spending times the PPP factor, growing per year."""
    # always numpy's array power, even for one number: its scalar power may round
    # differently, and a run must give the same figure alone and in a batch
    base = np.atleast_1d(1.0 + np.asarray(growth_pct, dtype=float) / 100.0)
    growth = np.power(base, np.full(base.shape, step / 4.0))
    return spending_usd_bn * ppp_factor * growth


def cohesion(capability, reliability, member, reliable=None):
    """Reliability-weighted share of the coalition's capability, in [0, 1].

    A coalition whose members have no capability at all is as cohesive as its members'
    mean reliability; an empty one has no cohesion. ``reliable`` is
    ``reliability * capability`` when the caller has it already.
    """
    member = np.asarray(member, dtype=bool)
    force = total(capability, where=member)
    if reliable is None:
        reliable = reliability * capability
    weighted = total(reliable, where=member) / np.where(force > 0, force, 1.0)
    if np.all(force > 0):
        return weighted
    members = count(member)
    mean_reliability = total(np.broadcast_to(reliability, member.shape), where=member) / (
        np.where(members > 0, members, 1)
    )
    return np.where(force > 0, weighted, np.where(members > 0, mean_reliability, 0.0))


def credibility(parity, cohesion_value, has_nuclear, discount):
    """``min(1, parity) * cohesion``, discounted when no nuclear power is a member."""
    return np.minimum(1.0, parity) * cohesion_value * np.where(has_nuclear, 1.0, discount)
