"""Military capability as stocks: procurement, delivery, depreciation, readiness, enablers.

A state's forces are not this year's spending: they are equipment bought over years,
delivered after a lag and wearing out, fielded by trained and manned units, and usable
in a coalition only as far as enablers and integration allow (``docs/odd.md``,
*Capability*). Quantities are USD bn at 2024 prices; a stock is the value of equipment in
service, a flow is USD bn a year. The functions take numbers or arrays over runs and
states (per-run values as ``(runs, 1)`` columns) and work element by element; sums over
states go through :func:`coalition_sim.rules.sums.total`.

Categories of equipment (:data:`CATEGORIES`):

- ``land``: armour, artillery, munitions and the drones and shells Ukraine's industry makes;
- ``air``: combat aircraft and ground-based air and missile defence;
- ``enablers``: ISR, command and control, air-to-air refuelling, strategic lift and SEAD,
  which multiply combat forces rather than fight (IISS, *Defending Europe without the
  United States*, May 2025).

Naval forces and nuclear weapons are outside the land-and-air balance the model measures;
the share of procurement that goes to them is counted in none of the three.
"""

from __future__ import annotations

import numpy as np

from coalition_sim.rules.sums import total

CATEGORIES = ("land", "air", "enablers")
#: The categories that fight; enablers multiply them.
COMBAT = ("land", "air")


# --- the perpetual inventory ---------------------------------------------------------------


def value_per_dollar(purchasing_power, industry_weight, industry):
    """Equipment a dollar buys at European prices.

    Purchasing power, raised by a home industry (``industry`` in [0, 1], the largest 1)
    by up to ``industry_weight``.
    """
    return purchasing_power * (1.0 + industry_weight * industry)


def equipment_budget(spending, equipment_share, invested=0.0):
    """What a state spends on equipment (USD bn/yr), less what it invests in Ukraine."""
    return np.maximum(spending * equipment_share - invested, 0.0)


def yearly_orders(budget, value, category_share, extra=0.0):
    """Equipment of one category ordered in a year (USD bn at European prices).

    ``extra`` is equipment that comes in a year besides the budget (aid to Ukraine, all
    of it land equipment: pass it for that category only).
    """
    return budget * value * category_share + extra


def orders(budget, value_per_dollar, category_share):
    """New orders of one category a quarter (USD bn at European prices).

    ``value_per_dollar`` is the equipment a dollar buys relative to European prices
    (purchasing power, a home industry).
    """
    return budget * value_per_dollar * category_share / 4.0


def us_withdrawn(us_commitment, start):
    """How much of the US commitment at the start has gone, in [0, 1]."""
    safe = np.where(start > 0, start, 1.0)
    return np.where(start > 0, np.clip((start - us_commitment) / safe, 0.0, 1.0), 0.0)


def adapted_enabler_share(enabler_share, need_share, adaptation, withdrawn):
    """The enabler share of procurement as the US leaves: toward a self-reliant force's.

    States move ``adaptation`` of the way from their own share to ``need_share`` in
    proportion to how much of the US commitment has gone (``withdrawn``).
    """
    return enabler_share + adaptation * withdrawn * np.maximum(need_share - enabler_share, 0.0)


def rescaled_share(category_share, combat_shares, enabler_base, enabler_now):
    """A combat category's share once enablers take ``enabler_now`` instead of ``enabler_base``.

    The money for land, air and enablers together stays the same; land and air give up
    what enablers take, each in proportion to its share (``combat_shares`` is theirs
    together).
    """
    safe = np.where(combat_shares > 0, combat_shares, 1.0)
    moved = category_share * np.maximum(combat_shares + enabler_base - enabler_now, 0.0) / safe
    return np.where(enabler_now == enabler_base, category_share, moved)  # exact when unmoved


def directed_share(category_share, is_enablers, short_of_enablers):
    """Share of the joint extra spending's equipment money a category gets.

    Money added to close a gap buys what is missing first: while the coalition has less
    than the enablers its forces need, all of it buys enablers; then it buys in the
    usual mix (``category_share``).
    """
    return np.where(short_of_enablers, 1.0 if is_enablers else 0.0, category_share)


def delivered(pipeline, lag_quarters):
    """Deliveries this quarter from the orders not yet delivered (a first-order delay).

    Each quarter ``1 / lag`` of the pipeline arrives, so an order arrives on average
    ``lag`` quarters after it was placed (Sterman 2000, *Business Dynamics*, ch. 11).
    """
    return pipeline / lag_quarters


def next_pipeline(pipeline, new_orders, arrived):
    """The orders not yet delivered, a quarter on."""
    return pipeline + new_orders - arrived


def next_stock(stock, depreciation_pct, arrived, losses=0.0):
    """``K' = (1 - delta / 4) K + deliveries - losses``: the perpetual inventory a quarter on.

    ``depreciation_pct`` is the yearly rate (% a year); losses (in combat) are never more
    than the stock.
    """
    kept = stock * (1.0 - depreciation_pct / 400.0) + arrived
    return np.maximum(kept - losses, 0.0)


def stock_from_history(flows, depreciation_pct, lag_quarters, losses_pct=None):
    """Stock and pipeline at the end of a yearly history of equipment orders.

    ``flows`` is ``(years, ...)``: equipment ordered each year (USD bn/yr at European
    prices), the oldest first; ``losses_pct`` (same shape, or None) the share of the stock
    lost in combat each year. Before the first year the stock and pipeline are those of a
    steady flow at the first year's level (a common start for perpetual inventories: the
    stock is the flow over the depreciation rate); then each year's flow is ordered a
    quarter at a time, delivered and depreciated by the rules above.

    Returns:
        ``(stock, pipeline)`` after the last year's fourth quarter.
    """
    flows = np.asarray(flows, dtype=float)
    first = flows[0]
    rate = np.asarray(depreciation_pct, dtype=float)
    stock = first / np.where(rate > 0, rate / 100.0, np.inf) + 0.0 * lag_quarters
    pipeline = first / 4.0 * lag_quarters
    for year, flow in enumerate(flows):
        for _ in range(4):
            arrived = delivered(pipeline, lag_quarters)
            pipeline = next_pipeline(pipeline, flow / 4.0, arrived)
            lost = 0.0 if losses_pct is None else stock * losses_pct[year] / 400.0
            stock = next_stock(stock, depreciation_pct, arrived, lost)
    return stock, pipeline


def losses(stock, war, loss_pct):
    """Equipment lost in a quarter of war (none in peace): ``loss_pct`` % of it a year."""
    return stock * loss_pct / 400.0 * war


# --- what a state can field ---------------------------------------------------------------


def combat_stock(land, air):
    """The equipment that fights: land and air."""
    return land + air


def per_soldier(combat, personnel):
    """Equipment per soldier (USD bn per thousand): a force's ratio when fully manned."""
    return combat / np.where(personnel > 0, personnel, np.inf)


def manning(personnel, combat, equipment_per_soldier):
    """Share of the combat stock the personnel can crew, at most 1.

    ``equipment_per_soldier`` is each army's stock per soldier when it was fully manned
    (its 2026 ratio): buying equipment faster than recruiting leaves some of it idle.
    """
    needed = combat / np.where(equipment_per_soldier > 0, equipment_per_soldier, np.inf)
    return np.where(needed > 0, np.minimum(1.0, personnel / np.where(needed > 0, needed, 1.0)), 1.0)


def crew_standard(europe_per_soldier, multiple):
    """Equipment per soldier of a fully equipped force: a multiple of Europe's mean."""
    return europe_per_soldier * multiple


def crews(combat, equipment_per_soldier):
    """The personnel a combat stock needs at the state's equipment per soldier."""
    return combat / np.where(equipment_per_soldier > 0, equipment_per_soldier, np.inf)


def personnel_target(crews_needed, personnel_start):
    """The personnel a state aims for: the crews its equipment needs, at least its own.

    Armies recruit to crew new equipment but do not shed soldiers when they have more
    than their equipment needs (those soldiers man what the model does not count).
    """
    return np.maximum(crews_needed, personnel_start)


def next_personnel(personnel, target, quarters, recruitment_pct):
    """Personnel a quarter on: toward the target, growing at most ``recruitment_pct`` a year.

    Armies recruit to crew what they have; how fast is limited (Poland and Lithuania,
    the fastest, grew about 8 % a year in 2014-2024, most Allies not at all: NATO).
    """
    step = (target - personnel) / quarters
    return personnel + np.minimum(step, personnel * recruitment_pct / 400.0)


def readiness_target(base, upkeep, upkeep_start, active, active_start, elasticity, ceiling):
    """The readiness a state's upkeep funds, in ``[0, ceiling]``.

    ``base`` is its readiness at the start; it rises when spending on personnel, training
    and operations grows faster than the ``active`` stock it keeps ready (what its
    soldiers crew: equipment in storage costs little), and falls when it grows slower
    (``(funding ratio) ** elasticity``).
    """
    funding = (upkeep / np.where(upkeep_start > 0, upkeep_start, 1.0)) / np.where(
        active_start > 0, active / np.where(active_start > 0, active_start, 1.0), 1.0
    )
    return np.minimum(ceiling, base * np.power(np.maximum(funding, 0.0), elasticity))


def active_stock(combat, manned):
    """The combat stock a state's soldiers crew: what it keeps ready."""
    return combat * manned


def towards(value, target, quarters):
    """Close ``1 / quarters`` of the gap to ``target`` a quarter (a first-order adjustment)."""
    return value + (target - value) / quarters


def fielded(combat, manned, ready, experience=1.0):
    """What a state's forces can field: combat stock, manned and ready (USD bn).

    ``experience`` raises what a tested force gets from the same equipment (Ukraine's).
    """
    return combat * manned * ready * experience


def upkeep(spending, equipment_share):
    """What a state spends on people, training and operations (USD bn/yr)."""
    return spending * (1.0 - equipment_share)


def enabler_need(required_enablers, combat):
    """Enablers a unit of combat stock needs.

    ``required_enablers`` is the stock Europe would hold had it spent on enablers the
    share of its equipment budgets that a force providing its own spends.
    """
    return required_enablers / np.where(combat > 0, combat, 1.0)


def us_enablers(own_enablers, required_enablers):
    """Enablers the US provides Europe at full commitment: what fills the gap at the start."""
    return np.maximum(0.0, required_enablers - own_enablers)


# --- the coalition ---------------------------------------------------------------------------


def enabler_coverage(own_enablers, us_enablers, need, combat):
    """Share of the enablers the coalition's combat forces need that it has, at most 1.

    ``need`` is the enabler stock a unit of combat stock needs; ``us_enablers`` what the
    US provides now (its commitment times its enablers for Europe).
    """
    required = need * combat
    have = own_enablers + us_enablers
    with np.errstate(over="ignore"):  # a requirement near zero gives inf, capped at 1
        return np.minimum(1.0, have / np.where(required > 0, required, 1.0))


def enabler_factor(coverage, floor):
    """How much of its combat power a force can use with the enablers it has.

    ``floor`` is what combat forces achieve with no enablers at all (no ISR, lift or
    tankers); full coverage gives 1.
    """
    return floor + (1.0 - floor) * coverage


def fragmentation(shares_squared_sum, penalty):
    """The cost of many separate armies: ``1 - penalty * (1 - HHI)``.

    ``shares_squared_sum`` is the Herfindahl index of the members' fielded forces: one
    army gives 1 (no cost); many small ones approach ``1 - penalty``.
    """
    return 1.0 - penalty * (1.0 - shares_squared_sum)


def herfindahl(forces, member):
    """The Herfindahl index of the members' forces (1 for a single army, 0 for none)."""
    everyone = total(forces, where=member)
    safe = np.where(everyone > 0, everyone, 1.0)
    shares = forces * member / safe
    return np.where(everyone > 0, total(shares * shares), 0.0)


def next_integration(integration, member, rate_pct, joint_share, joint_weight, base):
    """Interoperability of each state a quarter on: it grows with time together.

    Members close ``rate`` (% a year) of their gap to full integration, faster with the
    share of procurement done jointly (``1 + joint_weight * joint_share``); a state
    outside (one that left) loses it again at the base rate, back toward ``base``, its
    level outside the coalition.
    """
    step = np.minimum(1.0, rate_pct / 400.0 * (1.0 + joint_weight * joint_share))
    inside = integration + step * (1.0 - integration)
    outside = integration + np.minimum(1.0, rate_pct / 400.0) * (base - integration)
    return np.where(member, inside, outside)


def integrated_each(forces, integration):
    """Each state's fielded forces at its integration."""
    return forces * integration


def integrated(forces, integration, member):
    """The members' fielded forces, each at its integration, summed in a fixed order."""
    return total(forces * integration, where=member)


def usable_strength(integrated_forces, enablers, fragmented):
    """The coalition's usable strength: integrated forces times enablers and fragmentation."""
    return integrated_forces * enablers * fragmented
