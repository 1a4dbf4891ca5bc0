"""The forces of a batch: equipment stocks, people, readiness, integration; Russia's.

One quarter of :meth:`Forces.quarter` orders equipment from what each state spends
(less what it invests in Ukraine), delivers orders after their lag, wears stocks down,
takes war losses, recruits to what pay budgets fund, moves readiness to what upkeep
funds and integrates members; Russia's forces follow their own path. :meth:`measure`
puts the coalition together: what each member fields, integrated, with the enablers it
has (Europe's own, and the US's while it stays) and the cost of many armies.

Every formula is a rule of :mod:`coalition_sim.rules.capability`,
:mod:`~coalition_sim.rules.adversary` and :mod:`~coalition_sim.rules.strength`; this
module keeps the books (``docs/odd.md``, *Capability*).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from coalition_sim.parameters.kinds import NEVER_STEP
from coalition_sim.rules import adversary, capability, economy, industry, spending, strength
from coalition_sim.rules.sums import total

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.engine.inputs import RunInputs
    from coalition_sim.engine.state import State

#: Equipment categories: stock field, pipeline field, and the parameters of each.
CATEGORIES = (
    ("land", "land_pipeline", "land_share", "land_depreciation_pct", "land_lag_years"),
    ("air", "air_pipeline", "air_share", "air_depreciation_pct", "air_lag_years"),
    ("enablers", "enabler_pipeline", "enabler_share", "enabler_depreciation_pct",
     "enabler_lag_years"),
)  # fmt: skip
#: Russia's categories (its enablers are its own and not counted apart).
ADVERSARY = (
    ("land", "adversary_land", "adversary_land_pipeline", "adversary_land_share"),
    ("air", "adversary_air", "adversary_air_pipeline", "adversary_air_share"),
)
#: The first year of the full-scale war (war losses in the history of stocks).
WAR_YEAR = 2022


@dataclass
class Coalition:
    """The coalition's forces put together at one moment."""

    fielded: np.ndarray  # what each state fields, (runs, states)
    contribution: np.ndarray  # each state's part of the usable strength, (runs, states)
    usable: np.ndarray  # the members' usable strength, no US forces or enablers, (runs, 1)
    usable_with_us: np.ndarray  # ... with them, at the US commitment now
    coverage: np.ndarray  # share of the enablers the members need that they have (no US)
    integration: np.ndarray  # the members' interoperability, weighted by their forces


class Forces:
    """The capability books of one batch (see the module docstring).

    Args:
        inputs: the runs' parameters, traits and data.
        state: the batch's state, whose force fields this fills at step 0.
        ukraine: Ukraine's column, or None.
    """

    def __init__(self, inputs: RunInputs, state: State, ukraine: int | None) -> None:
        v, tr, data, mil = inputs.values, inputs.traits, inputs.data, inputs.military
        self.inputs, self.ukraine = inputs, ukraine
        self.is_ukraine = np.arange(len(data)) == (-1 if ukraine is None else ukraine)
        reported = ~np.isnan(mil.equipment_share)
        share = np.where(reported, np.nan_to_num(mil.equipment_share), v.equipment_share_default)
        self.equipment_share = np.where(self.is_ukraine, v.ukraine_equipment_share, share)
        power = np.where(self.is_ukraine, v.ukraine_ppp_factor, 1.0)
        self.value = capability.value_per_dollar(power, v.industry_weight, tr.industry)
        self.lag = {name: economy.quarters(getattr(v, lag)) for name, _, _, _, lag in CATEGORIES}
        self.depreciation = {name: getattr(v, dep) for name, _, _, dep, _ in CATEGORIES}
        self.share = {name: getattr(v, part) for name, _, part, _, _ in CATEGORIES}
        self.experience = np.where(self.is_ukraine, v.ukraine_experience_multiplier, 1.0)
        self.nato = data.nato
        self.warheads = mil.warheads
        spending0 = _collapse(state.spending)  # the same in every run unless overridden
        self._history(state, spending0)
        combat = _collapse(capability.combat_stock(state.land, state.air))
        known = ~np.isnan(mil.personnel_k) & (mil.personnel_k > 0)
        europe = capability.per_soldier(
            total(combat, where=known), total(mil.personnel_k, where=known)
        )
        assumed = capability.per_soldier(combat, europe)  # as many soldiers as Europe's mean
        personnel = np.where(known, np.nan_to_num(mil.personnel_k), assumed)
        personnel = np.where(self.is_ukraine, mil.ukraine_personnel_k, personnel)
        state.personnel[:] = personnel
        # a force crews equipment up to the standard of a fully equipped one (a multiple
        # of the European mean at the start), or its own ratio if it has more already
        standard = capability.crew_standard(europe, v.crew_standard)
        self.equipment_per_soldier = np.maximum(capability.per_soldier(combat, personnel), standard)
        self.personnel_start = personnel
        self.active_start = capability.active_stock(
            combat, capability.manning(personnel, combat, self.equipment_per_soldier)
        )
        self.extra = bool(np.any(v.extra_spending_usd_bn))  # joint extra spending in a run
        self.manned: np.ndarray | None = None  # manning after the last quarter
        # the upkeep readiness is measured against: the start's, and for Ukraine its
        # peacetime budget's (its wartime budget is no standard for after the war)
        peacetime = spending.spending_usd(v.ukraine_postwar_defence_pct, data.gdp)
        upkeep = capability.upkeep(np.where(self.is_ukraine, peacetime, spending0),
                                   self.equipment_share)  # fmt: skip
        self.upkeep_start = upkeep
        state.readiness[:] = v.readiness
        #: each state's interoperability outside the coalition, where it starts
        self.integration_base = np.where(data.nato, v.integration_nato, v.integration_other)
        state.integration[:] = self.integration_base
        #: whether procurement can shift to enablers: a US that may leave, and adaptation
        self.adapts = bool(np.any(v.enabler_adaptation)) and bool(
            np.any(np.asarray(v.us_withdrawal_step) < NEVER_STEP)
        )
        everyone = total(combat)
        required = total(self.required_enablers)
        # enablers serve the forces soldiers crew, not equipment in storage
        self.enabler_need = capability.enabler_need(required, total(self.active_start))
        self.us_enablers = capability.us_enablers(total(state.enablers), required)
        self.europe_per_soldier = capability.per_soldier(everyone, total(state.personnel))
        self.us_troops_k = strength.us_troops(v.us_troops_k, v.us_reinforcement_k)
        #: Russia's spending in the years of the data a run covers (a hindcast's)
        self.adversary_known = {
            int(year): float(spent)
            for year, spent in zip(mil.years, mil.adversary_spending_usd_bn, strict=True)
            if year >= inputs.start_year
        }
        self.adversary_gdp = adversary.gdp(
            mil.adversary_spending_usd_bn[-1], v.adversary_war_defence_pct
        )
        first, second = np.nonzero(np.triu(data.friction, 1))
        #: the standing disputes as an edge list: cheap to weigh by members each quarter
        self.friction = (first, second, data.friction[first, second])

    def _history(self, state: State, spending0: np.ndarray) -> None:
        """Stocks and pipelines at the start, from the years before it (2014-2025).

        ``spending0`` is each state's spending at the start, one row when the runs agree.
        """
        inputs, v, mil = self.inputs, self.inputs.values, self.inputs.military
        years = mil.years < inputs.start_year
        if not years.any():
            years = mil.years == mil.years[0]  # before 2014: the first year's steady state
        at_war = (mil.years[years] >= WAR_YEAR)[:, None, None]
        now = capability.equipment_budget(spending0, self.equipment_share)
        reported = mil.equipment_usd_bn[years][:, None, :]
        before_war = mil.ukraine_spending_usd_bn[mil.years == WAR_YEAR - 1]  # 2021
        ukraine_spent = mil.ukraine_spending_usd_bn[years]
        ukraine_spent = np.where(np.isnan(ukraine_spent), before_war, ukraine_spent)
        own_ukraine = capability.equipment_budget(
            ukraine_spent[:, None, None], self.equipment_share
        )
        budget = np.where(self.is_ukraine, own_ukraine, reported)
        budget = np.where(np.isnan(budget), now, budget)
        aid = np.where(self.is_ukraine, mil.ukraine_aid_usd_bn[years][:, None, None], 0.0)
        lost = np.where(self.is_ukraine & at_war, v.ukraine_war_loss_pct, 0.0)
        for name, pipeline, _, _, _ in CATEGORIES:
            flows = capability.yearly_orders(
                budget, self.value, self.share[name], aid if name == "land" else 0.0
            )
            stock, pending = capability.stock_from_history(
                flows, self.depreciation[name], self.lag[name], lost if name == "land" else None
            )
            getattr(state, name)[:] = stock
            getattr(state, pipeline)[:] = pending
        # the enablers the same budgets would have bought at a self-reliant force's share
        flows = capability.yearly_orders(budget, self.value, v.enabler_need_share)
        self.required_enablers, _ = capability.stock_from_history(
            flows, self.depreciation["enablers"], self.lag["enablers"]
        )
        spent = mil.adversary_spending_usd_bn[years][:, None, None]
        budget_r = capability.equipment_budget(spent, v.adversary_equipment_share)
        lost_r = np.where(at_war, v.adversary_war_loss_pct, 0.0)
        for name, stock_field, pipe_field, part in ADVERSARY:
            flows = capability.yearly_orders(budget_r, v.adversary_ppp_factor, getattr(v, part))
            stock, pending = capability.stock_from_history(
                flows, self.depreciation[name], self.lag[name], lost_r if name == "land" else None
            )
            getattr(state, stock_field)[:] = stock
            getattr(state, pipe_field)[:] = pending
        state.adversary_pct[:] = v.adversary_war_defence_pct

    # ------------------------------------------------------------------ a quarter
    def quarter(
        self,
        state: State,
        war: np.ndarray,
        invested: np.ndarray,
        output: np.ndarray,
        started: bool = True,
    ):
        """Orders, deliveries, wear, war losses, recruits, readiness, integration; Russia.

        Args:
            state: the batch's state after this quarter's spending.
            war: whether the war in Ukraine still goes on, ``(runs, 1)``.
            started: whether the full-scale war has begun (aid flows from then on).
            invested: what each state invests in Ukraine's industry (USD bn/yr).
            output: what that investment produces (USD bn/yr at European prices): for
                Ukraine's forces as far as they can crew it, the rest for the investors.
        """
        v = self.inputs.values
        usual, added = state.spending, 0.0
        short: np.ndarray | bool = False
        if self.extra:  # what the joint extra spending buys: the missing enablers first
            usual = state.spending - state.extra_spending
            added = capability.equipment_budget(state.extra_spending, self.equipment_share)
            short = state.enabler_coverage < 1.0
        budget = capability.equipment_budget(usual, self.equipment_share, invested)
        aid = np.where(self.is_ukraine & started, v.ukraine_aid_usd_bn, 0.0)
        from_ukraine = self._industry_deliveries(state, invested, output)
        bought = capability.orders(aid, 1.0, 1.0) + from_ukraine
        shares = self._shares(state)
        for name, pipeline, _, _, _ in CATEGORIES:
            stock, pending = getattr(state, name), getattr(state, pipeline)
            arrived = capability.delivered(pending, self.lag[name])
            new = capability.orders(budget, self.value, shares[name])
            if self.extra:
                directed = capability.directed_share(shares[name], name == "enablers", short)
                new = new + capability.orders(added, self.value, directed)
            at_once, lost = 0.0, 0.0
            if name == "land":  # aid and Ukraine's industry: equipment that comes at once
                at_once = bought
                lost = capability.losses(stock, war & self.is_ukraine, v.ukraine_war_loss_pct)
            setattr(state, pipeline, capability.next_pipeline(pending, new, arrived))
            setattr(state, name, capability.next_stock(
                stock, self.depreciation[name], arrived + at_once, lost
            ))  # fmt: skip
        combat = capability.combat_stock(state.land, state.air)
        wanted = capability.personnel_target(
            capability.crews(combat, self.equipment_per_soldier), self.personnel_start
        )
        ukraine = np.where(war, self.personnel_start, v.ukraine_postwar_personnel_k)
        wanted = np.where(self.is_ukraine, ukraine, wanted)
        state.personnel = capability.next_personnel(
            state.personnel, wanted, v.personnel_quarters, v.recruitment_pct
        )
        self.manned = capability.manning(state.personnel, combat, self.equipment_per_soldier)
        active = capability.active_stock(combat, self.manned)
        upkeep = capability.upkeep(state.spending, self.equipment_share)
        ready = capability.readiness_target(
            v.readiness, upkeep, self.upkeep_start, active, self.active_start,
            v.readiness_elasticity, 1.0,
        )  # fmt: skip
        state.readiness = capability.towards(state.readiness, ready, v.readiness_quarters)
        state.integration = capability.next_integration(
            state.integration, state.member, v.integration_rate_pct,
            v.joint_procurement_share, v.joint_procurement_weight, self.integration_base,
        )  # fmt: skip
        self._adversary(state, war)

    def _shares(self, state: State) -> dict[str, np.ndarray]:
        """The procurement shares now: more enablers as the US commitment falls."""
        v = self.inputs.values
        if not self.adapts:
            return self.share
        withdrawn = capability.us_withdrawn(state.us_commitment, v.us_commitment)
        enablers = capability.adapted_enabler_share(
            v.enabler_share, v.enabler_need_share, v.enabler_adaptation, withdrawn
        )
        combat = v.land_share + v.air_share
        return {
            "land": capability.rescaled_share(v.land_share, combat, v.enabler_share, enablers),
            "air": capability.rescaled_share(v.air_share, combat, v.enabler_share, enablers),
            "enablers": enablers,
        }

    def _industry_deliveries(self, state: State, invested, output) -> np.ndarray:
        """A quarter of Ukraine's industry output, by who receives it (USD bn per state).

        Ukraine's forces take what their soldiers can crew; the investors share the rest.
        """
        if self.ukraine is None:
            return np.zeros_like(state.spending)
        k = self.ukraine
        made = capability.orders(output, 1.0, 1.0)
        combat = capability.combat_stock(state.land[:, k : k + 1], state.air[:, k : k + 1])
        per_soldier = np.broadcast_to(self.equipment_per_soldier, state.land.shape)[:, k : k + 1]
        room = industry.ukraine_room(state.personnel[:, k : k + 1], per_soldier, combat)
        kept = industry.to_ukraine(made, room)
        shared = industry.exported(made - kept, invested)
        return np.where(self.is_ukraine, kept, shared)

    def _adversary(self, state: State, war: np.ndarray) -> None:
        """Russia's burden, orders, deliveries, wear and losses in Ukraine."""
        v = self.inputs.values
        target = adversary.burden_target(war, v.adversary_war_defence_pct,
                                         v.adversary_postwar_defence_pct)  # fmt: skip
        state.adversary_pct = capability.towards(
            state.adversary_pct, target, v.adversary_adjustment_quarters
        )
        year = self.inputs.start_year + state.step // 4
        if year in self.adversary_known:  # a hindcast: what Russia spent is known
            spent = np.full_like(state.adversary_pct, self.adversary_known[year])
        else:
            gdp = economy.scaled(self.adversary_gdp, economy.growth_factor(
                v.adversary_growth_pct, state.step).reshape(-1, 1))  # fmt: skip
            spent = adversary.spending(gdp, state.adversary_pct)
        budget = capability.equipment_budget(spent, v.adversary_equipment_share)
        for name, stock_field, pipe_field, part in ADVERSARY:
            stock, pending = getattr(state, stock_field), getattr(state, pipe_field)
            arrived = capability.delivered(pending, self.lag[name])
            new = capability.orders(budget, v.adversary_ppp_factor, getattr(v, part))
            lost = 0.0
            if name == "land":
                lost = adversary.war_losses(stock, war, v.adversary_war_loss_pct)
            setattr(state, pipe_field, capability.next_pipeline(pending, new, arrived))
            setattr(state, stock_field, capability.next_stock(
                stock, self.depreciation[name], arrived, lost
            ))  # fmt: skip

    # ------------------------------------------------------------------ the balance
    def measure(self, state: State) -> Coalition:
        """The coalition's forces now: fielded, integrated, enabled; Russia's fielded."""
        v = self.inputs.values
        combat = capability.combat_stock(state.land, state.air)
        manned = self.manned  # as the quarter left it; at the start, computed here
        if manned is None:
            manned = capability.manning(state.personnel, combat, self.equipment_per_soldier)
        fielded = capability.fielded(combat, manned, state.readiness, self.experience)
        member = state.member
        have = total(state.enablers, where=member)
        needed_for = total(capability.active_stock(combat, manned), where=member)
        us_enablers = economy.scaled(self.us_enablers, state.us_commitment)
        coverage = capability.enabler_coverage(have, 0.0, self.enabler_need, needed_for)
        coverage_us = capability.enabler_coverage(have, us_enablers, self.enabler_need, needed_for)
        enabled = capability.enabler_factor(coverage, v.enabler_floor)
        enabled_us = capability.enabler_factor(coverage_us, v.enabler_floor)
        fragmented = capability.fragmentation(
            capability.herfindahl(fielded, member), v.fragmentation_penalty
        )
        integrated = capability.integrated(fielded, state.integration, member)
        usable = capability.usable_strength(integrated, enabled, fragmented)
        us = strength.us_forces(state.us_commitment, self.us_troops_k, self.europe_per_soldier,
                                v.us_equipment_ratio)  # fmt: skip
        with_us = capability.usable_strength(integrated + us, enabled_us, fragmented)
        contribution = capability.usable_strength(
            capability.integrated_each(fielded, state.integration), enabled, fragmented
        )
        return Coalition(
            fielded=fielded,
            contribution=contribution,
            usable=usable,
            usable_with_us=with_us,
            coverage=coverage,
            integration=strength.integration_mean(state.integration, fielded, member),
        )

    def adversary_fielded(self, state: State) -> np.ndarray:
        """What Russia fields now (USD bn)."""
        return adversary.fielded(state.adversary_land, state.adversary_air,
                                 self.inputs.values.adversary_readiness)  # fmt: skip


def _collapse(array: np.ndarray) -> np.ndarray:
    """One row of ``array`` when every run's row is the same, else ``array``.

    The forces of a batch start from the same history in every run unless a run
    overrides a trait; computing them once per distinct row and broadcasting gives the
    same numbers, element by element, at a fraction of the cost.
    """
    array = np.asarray(array)
    if array.ndim < 2 or array.shape[0] < 2:
        return array
    return array[:1] if bool(np.all(array == array[:1])) else array
