"""Ukraine's defence industry: utilisation, output bought by investment, drones.

Facts (``data/ukraine_industry_facts.csv``): a production potential of USD 35 bn a
year (Smetanin, May 2025) used at about one third (Chupryna 2025), costs three to five
times lower than in Europe (Chupryna 2025), 1.5 million drones in 2024 (Umerov, Dec 2024).
Numbers or arrays over runs.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.rules.sums import total


def absorbed_investment(investment, capacity, initial_utilisation):
    """Investment (USD bn/yr) that idle capacity can absorb; the rest stays at home."""
    idle = np.maximum(0.0, (1.0 - initial_utilisation) * capacity)
    return np.minimum(np.maximum(0.0, investment), idle)


def absorbed_share(offered, absorbed):
    """Share of the investment offered that idle capacity absorbs (0 when none is offered)."""
    return np.where(offered > 0, absorbed / np.where(offered > 0, offered, 1.0), 0.0)


def next_utilisation(utilisation, target, absorption_quarters):
    """Utilisation moves toward its funded target with a time constant in quarters."""
    return utilisation + (target - utilisation) / absorption_quarters


def target_utilisation(absorbed, capacity, initial_utilisation):
    """Utilisation once the absorbed investment is producing: ``u0 + absorbed / capacity``."""
    return np.minimum(1.0, initial_utilisation + absorbed / capacity)


def investment_output(utilisation, capacity, initial_utilisation, cost_advantage):
    """European-equivalent value (USD bn/yr) of what the investment produces.

    Each invested dollar in use buys ``cost_advantage`` dollars of output at European
    prices; production from the initial third is already in Ukraine's own budget.
    """
    return np.maximum(0.0, utilisation - initial_utilisation) * capacity * cost_advantage


def drone_output(utilisation, initial_utilisation, initial_drones):
    """Drones per year (millions), scaling with utilisation from the 2024 output."""
    initial_utilisation = np.asarray(initial_utilisation, dtype=float)
    safe = np.where(initial_utilisation > 0, initial_utilisation, 1.0)
    return np.where(
        initial_utilisation > 0, initial_drones * utilisation / safe, initial_drones + 0.0 * safe
    )


def offered_investment(share, spending, investors):
    """What the investors offer Ukraine's industry: a share of their spending (USD bn/yr)."""
    return share * total(spending, where=investors)


def invested_share(share, absorbed):
    """Share of an investor's spending that leaves its own forces.

    The share it offers, times the part of the offer Ukraine's idle capacity absorbs.
    """
    return share * absorbed
