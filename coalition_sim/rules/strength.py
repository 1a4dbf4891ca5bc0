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


def adversary_strength(spending_usd_bn, ppp_factor, growth_pct, step, readiness=1.0):
    """Russia and Belarus: dollar spending times the PPP factor and readiness, growing a year."""
    # always numpy's array power, even for one number: its scalar power may round
    # differently, and a run must give the same figure alone and in a batch
    base = np.atleast_1d(1.0 + np.asarray(growth_pct, dtype=float) / 100.0)
    growth = np.power(base, np.full(base.shape, step / 4.0))
    return spending_usd_bn * ppp_factor * readiness * growth


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


def deterrent_balance(force_ratio):
    """The weight of a force ratio in deterrence: ``1 - exp(-ratio)``, in [0, 1).

    Rising with the ratio, with diminishing returns, and never saturating: parity (1)
    weighs 0.63, twice the adversary's strength 0.86. So a stronger defence, or US
    forces added to it, always deters more, if by less and less.
    """
    return 1.0 - np.exp(-np.maximum(force_ratio, 0.0))


def credibility(parity_with_us, cohesion_value, nuclear_cover, discount):
    """How believable collective defence is to the adversary, in [0, 1).

    ``deterrent_balance(parity_with_us) * cohesion * (discount + (1 - discount) * cover)``:
    the deterrent balance counting US forces committed to Europe, times cohesion,
    discounted without a nuclear guarantor. ``nuclear_cover`` is 1 with France or the UK
    inside and otherwise the US commitment ``u_t`` (its umbrella): a US withdrawal lowers
    credibility through both.
    """
    nuclear = discount + (1.0 - discount) * nuclear_cover
    return deterrent_balance(parity_with_us) * cohesion_value * nuclear
