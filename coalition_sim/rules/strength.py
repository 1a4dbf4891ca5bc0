"""The balance: usable strength against Russia's, parity, cohesion and credibility.

What each state fields comes from its stocks (:mod:`coalition_sim.rules.capability`);
here the coalition's forces are put together. Arrays over states, or over runs and
states with per-run values as ``(runs, 1)`` columns; sums over states in the fixed
order of :func:`coalition_sim.rules.sums.total`.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.rules.sums import count, total


def parity(strength, adversary):
    """Usable strength over the adversary's: 1 is parity."""
    return strength / adversary


def at_parity(parity_value):
    """Whether the coalition is at parity (or above) with the adversary."""
    return parity_value >= 1.0


def us_troops(stationed_k, reinforcement_k):
    """US troops for a war in Europe: those stationed and the reinforcements planned."""
    return stationed_k + reinforcement_k


def us_forces(us_commitment, troops_k, europe_stock_per_soldier_k, equipment_ratio):
    """US combat forces for Europe (USD bn of combat equipment at European prices).

    Its troops (stationed and planned reinforcements, thousands) at the equipment a
    European soldier has times the US's own ratio, times the commitment ``u_t``.
    """
    return us_commitment * troops_k * europe_stock_per_soldier_k * equipment_ratio


def without_own(coalition, contribution, member):
    """The coalition's strength without each state: less its contribution if a member."""
    return coalition - contribution * member


def friction_load(weights, member, first, second, friction):
    """How much of the coalition stands in standing disputes, in [0, 1].

    The frictions of the member pairs (``first``, ``second``: edge lists; ``friction``
    their grades), each weighted by the two members' shares of the forces, over the
    weight of all member pairs: a dispute between two large members weighs most.
    """
    w = weights * member
    everyone = total(w)
    pairs = (everyone * everyone - total(w * w)) / 2.0
    disputed = total(friction * w[..., first] * w[..., second])
    return np.where(pairs > 0, disputed / np.where(pairs > 0, pairs, 1.0), 0.0)


def alignment_spread(alignment, weights, member):
    """The weighted standard deviation of the members' alignments (0 for one member)."""
    w = weights * member
    everyone = total(w)
    safe = np.where(everyone > 0, everyone, 1.0)
    mean = total(alignment * w) / safe
    deviation = alignment - mean
    return np.sqrt(np.maximum(total(deviation * deviation * w) / safe, 0.0))


def integration_mean(integration, weights, member):
    """The members' interoperability, weighted by their forces (0 for no forces)."""
    w = weights * member
    everyone = total(w)
    safe = np.where(everyone > 0, everyone, 1.0)
    return np.where(everyone > 0, total(integration * w) / safe, 0.0)


def cohesion(integrated, load, spread, friction_weight, alignment_weight, penalty):
    """How well the coalition holds together, in [0, 1].

    ``integrated * (1 - friction_weight * load) * (1 - alignment_weight * spread)``,
    less the penalty of breached commitments: interoperable forces, few disputes among
    them and close alignments make a cohesive coalition. An outcome of who is inside,
    not a constant.
    """
    value = integrated * (1.0 - friction_weight * load) * (1.0 - alignment_weight * spread)
    return np.minimum(1.0, np.maximum(0.0, value - penalty))


def breach_penalty(penalty, decay, new_breaches, per_breach):
    """Cohesion lost to breached commitments: last quarter's loss, faded, plus each new one."""
    penalty = penalty * decay
    if new_breaches is None:
        return penalty
    return penalty + new_breaches * per_breach


def arsenal_share(warheads, member):
    """Share of the European nuclear arsenals (France's, the UK's) inside the coalition."""
    everyone = total(warheads)
    return total(warheads, where=member) / everyone if everyone > 0 else 0.0 * count(member)


def nuclear_cover(us_commitment, european_cover, share):
    """Nuclear cover: the US umbrella ``u_t``, and for the rest European arsenals, graded.

    French and British warheads inside the coalition (``share`` of the two) cover at most
    ``european_cover`` of what the US umbrella does: not a full substitute.
    """
    return us_commitment + (1.0 - us_commitment) * european_cover * share


def deterrent_balance(force_ratio):
    """The weight of a force ratio in deterrence: ``1 - exp(-ratio)``, in [0, 1).

    Rising with the ratio, with diminishing returns, and never saturating: parity (1)
    weighs 0.63, twice the adversary's strength 0.86. So a stronger defence, or US
    forces added to it, always deters more, if by less and less.
    """
    return 1.0 - np.exp(-np.maximum(force_ratio, 0.0))


def credibility(parity_with_us, cohesion_value, nuclear_cover_value, discount):
    """How believable collective defence is to the adversary, in [0, 1).

    ``deterrent_balance(parity_with_us) * cohesion * (discount + (1 - discount) * cover)``:
    the usable balance counting US forces and enablers, times cohesion, discounted
    without nuclear cover.
    """
    nuclear = discount + (1.0 - discount) * nuclear_cover_value
    return deterrent_balance(parity_with_us) * cohesion_value * nuclear
