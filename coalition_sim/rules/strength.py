"""Coalition strength, parity with Russia, cohesion and credibility.

Arrays over states, or over runs and states with per-run values as ``(runs, 1)``
columns; sums over states in the fixed order of :func:`coalition_sim.rules.sums.total`.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.rules.economy import growth_factor
from coalition_sim.rules.sums import count, total


def own_strength(pct, effective_per_pct):
    """What a state's own forces field: its burden times their strength per point of GDP.

    ``effective_per_pct`` is capability per point of GDP times purchasing power,
    experience and readiness (:func:`coalition_sim.rules.traits.derive`).
    """
    return pct * effective_per_pct


def capability(pct, capability_per_pct):
    """A state's capability (USD bn): its burden times capability per point of GDP."""
    return pct * capability_per_pct


def diverted(invested_share, investors, spending, readiness):
    """Strength a member gives up at home by investing a share of its spending in Ukraine."""
    return (invested_share * investors) * spending * readiness


def reliable_strength(own, reliability):
    """A state's own strength at its reliability: what the coalition can count on."""
    return reliability * own


def contributions(reliable, reliability, diverted_strength=None):
    """Each state's contribution to the coalition.

    Its reliable strength, less what it diverts to Ukraine's industry (when it invests),
    at the same reliability.
    """
    if diverted_strength is None:
        return reliable
    return reliable - reliability * diverted_strength


def industry_strength(ukraine_reliability, output, readiness):
    """What investment in Ukraine's industry adds.

    Its output at Ukraine's reliability and the coalition's readiness.
    """
    return ukraine_reliability * output * readiness


def coalition_strength(contribution, member, industry):
    """``S(C)``: the members' contributions, summed in a fixed order, plus the industry's."""
    return total(contribution, where=member) + industry


def parity(strength, adversary):
    """Strength over the adversary's: 1 is parity."""
    return strength / adversary


def at_parity(parity_value):
    """Whether the coalition is at parity (or above) with the adversary."""
    return parity_value >= 1.0


def us_forces(us_commitment, europe_share, us_spending, readiness):
    """US forces committed to Europe (USD bn at readiness): ``u_t * share * US spending``."""
    return us_commitment * europe_share * us_spending * readiness


def parity_with_us(strength, us, adversary):
    """Parity counting the US forces committed to Europe."""
    return (strength + us) / adversary


def adversary_strength(spending_usd_bn, ppp_factor, growth_pct, step, readiness=1.0):
    """Russia and Belarus: dollar spending times the PPP factor and readiness, growing a year."""
    return spending_usd_bn * ppp_factor * readiness * growth_factor(growth_pct, step)


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


def breach_penalty(penalty, decay, new_breaches, per_breach):
    """Cohesion lost to breached commitments: last quarter's loss, faded, plus each new one."""
    penalty = penalty * decay
    if new_breaches is None:
        return penalty
    return penalty + new_breaches * per_breach


def cohesion_after_breaches(cohesion_value, penalty):
    """Cohesion less the penalty of breached commitments, never below 0."""
    return np.maximum(0.0, cohesion_value - penalty)


def nuclear_cover(nuclear_member, us_commitment):
    """Nuclear cover: 1 with a nuclear power inside, the US umbrella ``u_t`` otherwise."""
    return np.where(nuclear_member, 1.0, us_commitment)


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


def without_own(coalition, contribution, member):
    """The coalition's strength without each state: less its contribution if a member."""
    return coalition - contribution * member
