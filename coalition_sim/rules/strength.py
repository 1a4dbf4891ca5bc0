"""Coalition strength, parity with Russia, cohesion and credibility."""

from __future__ import annotations

import numpy as np


def coalition_strength(
    capability: np.ndarray,
    reliability: np.ndarray,
    member: np.ndarray,
    readiness: float,
    experience: np.ndarray,
    industry_output: float,
) -> float:
    """``S(C) = sum over members of r_j * cap_j * readiness * experience_j + industry output``.

    ``experience`` is 1 except for Ukraine (its combat-experience multiplier);
    ``industry_output`` is what investment in Ukraine's industry produces, counted at
    readiness.
    """
    return float((reliability * capability * experience) @ member + industry_output) * readiness


def adversary_strength(spending_usd_bn: float, ppp_factor: float, growth_pct: float, step: int):
    """Russia and Belarus: dollar spending times the PPP factor, growing per year."""
    return spending_usd_bn * ppp_factor * (1.0 + growth_pct / 100.0) ** (step / 4.0)


def cohesion(capability: np.ndarray, reliability: np.ndarray, member: np.ndarray) -> float:
    """Reliability-weighted share of the coalition's capability, in [0, 1]."""
    total = capability @ member
    if total <= 0:
        return float(reliability[member].mean()) if member.any() else 0.0
    return float((reliability * capability) @ member / total)


def credibility(parity: float, cohesion_value: float, has_nuclear: bool, discount: float):
    """``min(1, parity) * cohesion``, discounted when no nuclear power is a member."""
    return min(1.0, parity) * cohesion_value * (1.0 if has_nuclear else discount)
