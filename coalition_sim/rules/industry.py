"""Ukraine's defence industry as a production function: capacity, use, cost, strikes.

Facts (``data/ukraine_industry_facts.csv``): a production potential of USD 35 bn a
year (Smetanin, May 2025) used at about one third (Chupryna 2025), costs three to five
times lower than in Europe (Chupryna 2025), 1.5 million drones in 2024 (Umerov, Dec 2024).

Ukraine funds the part of its capacity it uses at the start (``own``, USD bn a year).
Money members invest fills the idle capacity first; what idle capacity cannot absorb
builds new capacity, which takes time. Each dollar used buys ``cost_advantage`` dollars
of equipment at European prices, less as the industry fills (scarce engineers, parts
and sites: the cost rises with the square of utilisation), and Russian strikes destroy
capacity while the war goes on. The output is land equipment (drones, shells, missiles):
it adds to land forces, never to enablers: Ukraine's, as far as its soldiers can crew
it, and the rest to the investors, in proportion to what each invested (Ukraine opened
controlled exports to partners in late 2025). Numbers or arrays over runs.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.rules.sums import total


def investment(share, spending, investors):
    """What each investor puts into Ukraine's industry: a share of its spending (USD bn/yr)."""
    return share * spending * investors


def offered_investment(share, spending, investors):
    """What the investors offer Ukraine's industry together (USD bn/yr)."""
    return total(investment(share, spending, investors))


def own_funded(capacity, utilisation):
    """The output Ukraine funds itself (USD bn a year at its prices): its start's use."""
    return capacity * utilisation


def absorbed_investment(investment, capacity, own):
    """Investment (USD bn/yr) the idle capacity can use now; the rest builds capacity."""
    idle = np.maximum(0.0, capacity - own)
    return np.minimum(np.maximum(0.0, investment), idle)


def absorbed_share(offered, absorbed):
    """Share of the investment offered that idle capacity uses (0 when none is offered)."""
    return np.where(offered > 0, absorbed / np.where(offered > 0, offered, 1.0), 0.0)


def next_capacity(capacity, investment, absorbed, growth, war, strike_loss_pct):
    """Capacity a quarter on: built by the investment idle capacity cannot use, struck in war.

    ``growth`` is the yearly capacity a dollar of such investment adds; ``war`` is 1 while
    the war goes on, when strikes destroy ``strike_loss_pct`` % of the capacity a year.
    """
    built = growth * np.maximum(0.0, investment - absorbed) / 4.0
    return capacity * (1.0 - strike_loss_pct / 400.0 * war) + built


def target_utilisation(own, absorbed, capacity):
    """Utilisation once the funded production runs: ``(own + absorbed) / capacity``."""
    return np.minimum(1.0, (own + absorbed) / np.where(capacity > 0, capacity, 1.0))


def next_utilisation(utilisation, target, absorption_quarters):
    """Utilisation moves toward its funded target with a time constant in quarters."""
    return utilisation + (target - utilisation) / absorption_quarters


def investment_output(utilisation, capacity, own, cost_advantage, marginal_cost):
    """European-equivalent value (USD bn/yr) of what the investment produces.

    The production beyond what Ukraine funds itself, at ``cost_advantage`` dollars of
    European-priced equipment per dollar, divided by ``1 + marginal_cost * u**2``.
    """
    beyond = np.maximum(0.0, utilisation * capacity - own)
    return beyond * cost_advantage / (1.0 + marginal_cost * utilisation * utilisation)


def drone_output(utilisation, capacity, own, initial_drones):
    """Drones per year (millions), scaling with production from the 2024 output."""
    return initial_drones * utilisation * capacity / np.where(own > 0, own, 1.0)


def ukraine_room(personnel, equipment_per_soldier, combat):
    """Equipment Ukraine's soldiers could crew beyond what they have (USD bn, at least 0)."""
    return np.maximum(0.0, personnel * equipment_per_soldier - combat)


def to_ukraine(made, room):
    """What of the output Ukraine's forces take: what they can crew, at most all of it."""
    return np.minimum(made, room)


def exported(surplus, invested):
    """The output Ukraine cannot crew, shared by the investors by what each invested."""
    everyone = total(invested)
    return surplus * invested / np.where(everyone > 0, everyone, np.inf)
