"""Defence spending: desired burden, commitment paths and the quarterly ramp.

Arrays over states, or over runs and states with per-run values as ``(runs, 1)`` columns.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.rules.sums import total


def desired_pct(base_pct, perceived, response, ceiling) -> np.ndarray:
    """Burden a state wants: ``base_pct + threat_response * theta_i``, capped at the ceiling.

    A state already above the ceiling (Ukraine at war) keeps its own level as its cap.
    """
    cap = np.maximum(ceiling, base_pct)
    return np.minimum(base_pct + response * perceived, cap)


def commitment_path(pct_at_joining, floor_pct, phase_in_quarters):
    """The committed path of a new member: ``(end, slope)``.

    Linear from its burden at joining to the floor over the phase-in; a member already
    above the floor is committed to stay where it was (``end`` is the larger of the two,
    ``slope`` in points of GDP per quarter).
    """
    end = np.maximum(pct_at_joining, floor_pct)
    return end, (end - pct_at_joining) / np.maximum(phase_in_quarters, 1e-9)


def committed_pct(step, joined_step, start, slope, end) -> np.ndarray:
    """Where each member's committed path stands at ``step``: ``min(start + slope * dt, end)``.

    ``start`` is the burden at joining; states outside the coalition carry ``start = end
    = -inf`` and ``slope = 0``, so their path never binds.
    """
    return np.minimum(start + slope * (step - joined_step), end)


def ramp(current, target, rate, moves) -> np.ndarray:
    """Move toward ``target`` by at most ``rate`` where ``moves`` holds, else stay."""
    step = np.minimum(np.maximum(target - current, -rate), rate)
    return current + step * moves  # a blend: the same as np.where, several times faster


def war_economy_pct(war, pct, war_pct, postwar_pct, adjustment_quarters):
    """Ukraine's burden a quarter on: toward its war level, in peace its post-war level.

    ``war`` says whether the war goes on (:func:`coalition_sim.rules.adversary.at_war`);
    the burden closes ``1 / adjustment_quarters`` of the gap to its target a quarter. A
    state at war spends what the war demands, not what its perceived threat suggests.
    """
    target = np.where(war, war_pct, postwar_pct)
    return pct + (target - pct) / adjustment_quarters


def target_pct(desired, committed):
    """The burden a state moves toward: the larger of what it wants and what it committed.

    Outsiders carry a committed path of ``-inf``, so theirs never binds.
    """
    return np.maximum(desired, committed)


def shortfall(committed, pct):
    """Points of GDP a member spends below its committed path (negative: above it)."""
    return committed - pct


def spending_usd(pct, gdp):
    """Defence spending, USD bn a year: the burden (% of GDP) times GDP."""
    return pct * gdp / 100.0


def extra_spending(extra_usd_bn, gdp, member):
    """The members' share of ``extra_usd_bn`` a year of joint spending: by GDP (USD bn/yr).

    Outsiders add nothing; with no member (or no extra) nobody does.
    """
    members_gdp = total(gdp * member)
    return extra_usd_bn * gdp * member / np.where(members_gdp > 0, members_gdp, np.inf)


def burden_pct(spending, gdp):
    """Spending as a share of GDP (%); 0 where there is no GDP (an empty coalition)."""
    return np.where(gdp > 0, 100.0 * spending / np.where(gdp > 0, gdp, 1.0), 0.0)
