"""Ukraine's defence industry: utilisation, output bought by investment, drones.

Facts (``data/ukraine_industry_facts.csv``): a production potential of USD 35 bn a
year (Smetanin, May 2025) used at about one third (Chupryna 2025), costs three to five
times lower than in Europe (Chupryna 2025), 1.5 million drones in 2024 (Umerov, Dec 2024).
"""

from __future__ import annotations


def absorbed_investment(investment: float, capacity: float, initial_utilisation: float) -> float:
    """Investment (USD bn/yr) that idle capacity can absorb; the rest stays at home."""
    idle = max(0.0, (1.0 - initial_utilisation) * capacity)
    return min(max(0.0, investment), idle)


def next_utilisation(utilisation: float, target: float, absorption_quarters: float) -> float:
    """Utilisation moves toward its funded target with a time constant in quarters."""
    return utilisation + (target - utilisation) / absorption_quarters


def target_utilisation(absorbed: float, capacity: float, initial_utilisation: float) -> float:
    """Utilisation once the absorbed investment is producing: ``u0 + absorbed / capacity``."""
    return min(1.0, initial_utilisation + absorbed / capacity)


def investment_output(
    utilisation: float, capacity: float, initial_utilisation: float, cost_advantage: float
) -> float:
    """European-equivalent value (USD bn/yr) of what the investment produces.

    Each invested dollar in use buys ``cost_advantage`` dollars of output at European
    prices; production from the initial third is already in Ukraine's own budget.
    """
    return max(0.0, utilisation - initial_utilisation) * capacity * cost_advantage


def drone_output(utilisation: float, initial_utilisation: float, initial_drones: float) -> float:
    """Drones per year (millions), scaling with utilisation from the 2024 output."""
    if initial_utilisation <= 0:
        return initial_drones
    return initial_drones * utilisation / initial_utilisation
