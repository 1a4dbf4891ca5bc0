"""One step of the model over a batch of runs that share a protocol and a horizon.

Each method of :class:`Batch` is one process of ``docs/odd.md``, *Process overview and
scheduling*, in the order of the step: threat, outlook (perceived threat and utility),
applications, negotiation, spending and commitments, exits, Ukraine's industry, forces,
strength. The arithmetic is in :mod:`coalition_sim.rules`; here the rules are applied to
arrays over runs, random numbers are drawn by counter (:mod:`coalition_sim.streams`),
protocols are asked for decisions, and the decisions are applied.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coalition_sim import streams
from coalition_sim.engine import state as st
from coalition_sim.engine.forces import WAR_YEAR, Forces
from coalition_sim.engine.inputs import RunInputs
from coalition_sim.engine.records import Recorder
from coalition_sim.events import constant, formatted
from coalition_sim.protocols import Protocol
from coalition_sim.protocols.contract import Situation, per_run, positions, shared_pair_table
from coalition_sim.rules import (
    adversary,
    economy,
    industry,
    spending,
    strength,
    threat,
    utility,
    voting,
)
from coalition_sim.rules.sums import count, total
from coalition_sim.streams import Purpose

#: Steps whose parity a run keeps: the end of 2027 and of 2030 (2035 is the horizon's).
MILESTONES = {8: "parity_2027", 20: "parity_2030"}


class Batch:
    """Runs advanced together: one protocol, one horizon, any parameters.

    Args:
        inputs: the runs' parameters, traits and keys.
        protocol: the protocol every run of the batch uses.
        recorder: what to keep beyond the outcomes (per-step metrics, states, events).
    """

    def __init__(self, inputs: RunInputs, protocol: Protocol, recorder: Recorder) -> None:
        self.inputs = inputs
        self.protocol = protocol
        self.recorder = recorder
        self.context = protocol.prepare(inputs)
        v, tr = inputs.values, inputs.traits
        runs, states = len(inputs), len(inputs.data)
        self.horizon = int(inputs.steps.max(initial=0))
        self.state = st.initial(
            runs,
            states,
            threat=v.threat_initial,
            us_commitment=v.us_commitment,
            founder=tr.founder,
            pct=tr.defence_pct_gdp,
            spending=spending.spending_usd(tr.defence_pct_gdp, inputs.data.gdp),
            utilisation=v.ukraine_utilisation_initial,
            drones=v.ukraine_drones_initial_m,
        )
        s = self.state
        if inputs.threat_path is not None:
            s.threat[:] = inputs.threat_path[:, :1]
        s.phase_in_quarters[:] = economy.quarters(v.phase_in_years)
        founders = np.nonzero(s.member)
        self._set_path(founders, s.phase_in_quarters[founders])
        s.member_neighbours = inputs.borders.member_neighbours(s.member)
        self.ukraine = inputs.data.index.get("UKR")
        self.is_ukraine = np.arange(states) == (-1 if self.ukraine is None else self.ukraine)
        self._constants(inputs)
        self.forces = Forces(inputs, s, self.ukraine)
        s.ukraine_capacity_usd_bn[:] = v.ukraine_capacity_usd_bn
        self.own_funded = industry.own_funded(
            v.ukraine_capacity_usd_bn, v.ukraine_utilisation_initial
        )
        self._measure()  # strength first: the outlook measures protection against it
        self._outlook()
        s.initial_parity = s.parity.copy()
        s.strength_with_us_before = s.coalition_strength_with_us.copy()
        s.first_parity_step = np.where(strength.at_parity(s.parity), 0, -1).astype(np.int64)
        recorder.start(self)

    # ------------------------------------------------------------------ views
    @property
    def step_number(self) -> int:
        """Steps done so far."""
        return self.state.step

    @property
    def spending(self) -> np.ndarray:
        """Defence spending of every state, USD bn per year."""
        return self.state.spending

    def _constants(self, inputs: RunInputs) -> None:
        """What the rules need every quarter that does not change during a run."""
        v, tr, data = inputs.values, inputs.traits, inputs.data
        borders = inputs.borders
        self.half_per_neighbour = utility.half_per_neighbour(borders.degree)
        self.nato_shield = threat.us_shield(v.us_guarantee_weight, data.nato)
        self.nuclear = np.flatnonzero(data.nuclear)
        self.standing_terms = utility.standing_terms(
            v.w_align, tr.alignment, v.w_entrap, tr.proximity,
            v.w_neutral, data.neutral[None, :],
        )  # fmt: skip
        self.ties = data.ties[None, :]
        self.voting_forces = data.has_forces[None, :]  # members without forces abstain
        self.vote_pairs = shared_pair_table(v, tr, data)
        self._grow(0)
        self.honour_limit = streams.threshold(tr.keeping)  # draws below honour
        self.response_limit = streams.threshold(tr.reliability)  # draws below respond
        #: the step of the full-scale invasion (February 2022): 0 unless a hindcast
        self.war_start = economy.quarters(max(0, WAR_YEAR - inputs.start_year))
        self.extra_spending = bool(np.any(v.extra_spending_usd_bn))  # skip the sums if none
        self._exposure_us: np.ndarray | None = None  # u_t at which `exposure` was computed
        self._eligible_step = -1  # step at which `self._eligible` was computed

    def _grow(self, t: int) -> None:
        """GDP now: Ukraine's grows at its rate, the rest of Europe's at Europe's.

        Spending and the burdens it is measured against scale with it.
        """
        v, data = self.inputs.values, self.inputs.data
        ukraine = economy.growth_factor(v.ukraine_gdp_growth_pct, t)
        europe = economy.growth_factor(v.europe_gdp_growth_pct, t)
        self.gdp_factor = economy.gdp_factor(ukraine, europe, self.is_ukraine)
        self.gdp = economy.scaled(data.gdp, self.gdp_factor)

    def situation(self, **extra: Any) -> Situation:
        """A frozen view of the batch now, for the protocol."""
        s, inputs = self.state, self.inputs
        if "eligible" not in extra:
            if self._eligible_step != s.step:  # who may apply: fixed at the start of a step
                self._eligible, self._eligible_step = s.eligible_from <= s.step, s.step
            extra["eligible"] = self._eligible
        return Situation(
            step=s.step,
            data=inputs.data,
            values=inputs.values,
            traits=inputs.traits,
            keys=inputs.keys,
            rule=inputs.rule,
            member=s.member,
            utility=s.utility,
            terms=s.terms,
            own_strength=s.usable,
            coalition_strength=s.coalition_strength,
            power=s.power,
            pct=s.pct,
            adversary_strength=s.adversary_strength,
            negotiated=s.negotiated,
            context=self.context,
            vote_pairs=self.vote_pairs,
            **extra,
        )

    # ------------------------------------------------------------------ the step
    def step(self) -> None:
        """One quarter, in the order of the design."""
        s = self.state
        s.step += 1
        t = s.step
        s.reset_counters()
        self._grow(t)
        # "applicant" marks the step a state applied; a veto stays until it applies again.
        s.label[s.label == st.APPLICANT] = st.OUTSIDER
        self._threat(t)
        self._outlook()
        applications = self.protocol.applications(self.situation())
        self._apply_applications(t, applications)
        if applications.any.any():
            self._negotiate(t, applications)
        war = adversary.at_war(t, self.war_start, self.inputs.values.ukraine_ceasefire_step)
        committed = self._spend(t, war)
        self._commitments(t, committed)
        self._exits(t)
        invested, output = self._industry(war)
        self.forces.quarter(s, war, invested, output, started=t >= self.war_start)
        self._measure()
        totals, counters = s.totals, s.counters
        for name in ("admissions", "rejections", "exits", "aggression_events", "vetoes"):
            totals[name] += counters[name]
        reached = (s.first_parity_step < 0) & strength.at_parity(s.parity)
        s.first_parity_step[reached] = t
        # what the coalition fielded with the US until its withdrawal began: the gap
        before = t <= self.inputs.values.us_withdrawal_step
        s.strength_with_us_before = np.where(
            before, s.coalition_strength_with_us, s.strength_with_us_before
        )
        closed = (s.gap_closed_step < 0) & (s.coalition_strength >= s.strength_with_us_before)
        s.gap_closed_step[closed] = t
        if t in MILESTONES:
            getattr(s, MILESTONES[t])[:] = s.parity
        self.recorder.step(self)

    def _threat(self, t: int) -> None:
        """The US commitment, aggression events and the threat's next value."""
        s, v, keys = self.state, self.inputs.values, self.inputs.keys
        s.us_commitment = threat.us_commitment(
            t,
            v.us_commitment,
            v.us_withdrawal_step,
            v.us_commitment_after,
            v.us_withdrawal_quarters,
        ) + np.zeros_like(s.threat)
        chance = threat.aggression_probability(v.base_aggression, s.threat, s.credibility)
        s.aggression_chance = chance + np.zeros_like(s.threat)
        strikes = streams.uniform(keys, t, Purpose.AGGRESSION, 0) < chance
        shock = np.zeros_like(s.threat)
        if strikes.any():
            self._aggression(t, np.flatnonzero(strikes[:, 0]), shock)
        noise = streams.normal(keys, t, Purpose.THREAT_NOISE)
        s.threat = threat.next_threat(
            s.threat,
            v.threat_mean,
            v.threat_reversion,
            v.threat_volatility,
            v.deterrence_effect,
            s.credibility,
            shock,
            noise,
        )
        if self.inputs.threat_path is not None:  # a hindcast: the threat history is given
            s.threat = self.inputs.threat_path[:, min(t, self.inputs.threat_path.shape[1] - 1)][
                :, None
            ] + np.zeros_like(s.threat)

    def _aggression(self, t: int, runs: np.ndarray, shock: np.ndarray) -> None:
        """Strike one exposed state in each of ``runs``; members hit test the coalition."""
        s, v, tr, keys = self.state, self.inputs.values, self.inputs.traits, self.inputs.keys
        member = s.member[runs]
        protection = threat.protection(
            member,
            s.credibility[runs],
            s.us_commitment[runs],
            per_run(v.us_guarantee_weight, runs),
            self.inputs.data.nato,
        )
        weights = threat.target_weights(per_run(tr.proximity, runs), protection)
        target = threat.draw_target(weights, streams.uniform(keys[runs], t, Purpose.TARGET, 0))
        hit = target >= 0
        runs, target, member = runs[hit], target[hit], member[hit]
        if not runs.size:
            return
        shock[runs] += per_run(v.aggression_threat_jump, runs)
        s.counters["aggression_events"][runs] = 1
        self.recorder.events.add(
            "aggression", t, "threat", runs, actor=-2, target=target,
            value=threat.jumped(s.threat[runs], shock[runs]),
        )  # fmt: skip
        on_member = member[np.arange(len(runs)), target]
        runs, target, member = runs[on_member], target[on_member], member[on_member]
        others = member.copy()
        others[np.arange(len(runs)), target] = False
        has_others = others.any(axis=1)
        runs, target, others = runs[has_others], target[has_others], others[has_others]
        if not runs.size:
            return
        states = np.arange(others.shape[1])
        limit = per_run(self.response_limit, runs)
        responded = others & streams.below(keys[runs], t, Purpose.RESPONSE, states, limit)
        share = threat.response_share(responded, others)
        s.response_share[runs] = share
        self.recorder.events.add(
            "response", t, "threat", runs, target=target, value=share,
            render=_responders, responded=responded,
        )  # fmt: skip
        failed = threat.response_failed(share[:, 0])
        shock[runs[failed]] += per_run(v.failed_response_jump, runs[failed])

    def _outlook(self) -> None:
        """Perceived threat and utility terms of every state, given membership now.

        Computed once a step, after the threat moves: applications and exits both read
        it, so a member weighs staying on the same outlook as an outsider weighs joining.
        """
        s, v, tr = self.state, self.inputs.values, self.inputs.traits
        if self._exposure_us is None or not np.array_equal(self._exposure_us, s.us_commitment):
            # changes only when the US commitment does
            self.exposure = threat.exposure(tr.proximity, s.us_commitment, self.nato_shield)
            self._exposure_us = s.us_commitment.copy()
        s.advantage = threat.advantage(s.adversary_strength, total(s.own_strength))
        s.power = threat.power_factor(s.advantage, v.power_weight)
        s.perceived = threat.perceived_threat(s.threat, self.exposure, s.power)
        # what each state's forces field, and the coalition's usable strength without it:
        # the balance the last quarter ended with (forces change at the end of a step)
        own = s.usable  # what its forces would add, integrated and enabled as the others'
        others = strength.without_own(s.coalition_strength, s.usable, s.member)
        s.terms = utility.utility_terms(
            v.w_threat,
            s.perceived,
            utility.protection_gain(own, others, s.adversary_strength),
            v.w_cost,
            utility.burden(s.pct, v.spending_floor_pct),
            v.w_affinity,
            utility.affinity(
                s.member_neighbours,
                self.half_per_neighbour,
                s.member,
                tr.alignment,
                self.ties,
                v.affinity_ties_weight,
            ),
            self.standing_terms,
        )
        s.utility = s.terms.total

    def _apply_applications(self, t: int, applications) -> None:
        """Label, count and log this step's applicants."""
        s = self.state
        applying = applications.any
        s.label[applying] = st.APPLICANT
        s.counters["applicants"][:] = count(applying)
        events = self.recorder.events
        if not events.enabled:
            return
        runs, states = positions(applications.standard)
        note = applications.note
        render = None
        extra: dict[str, Any] = {}
        if applications.note_values is not None:
            render = formatted(note)
            extra["number"] = applications.note_values[runs, states]
        elif note:
            render = constant(note)
        events.add(
            "application", t, "applications", runs, actor=states,
            value=s.utility[runs, states], render=render, **extra,
        )  # fmt: skip
        if applications.conditional is not None:
            runs, states = positions(applications.conditional)
            events.add(
                "application", t, "applications", runs, actor=states,
                value=s.utility[runs, states], render=constant(applications.conditional_note),
            )  # fmt: skip

    def _negotiate(self, t: int, applications) -> None:
        """Ask the protocol who is admitted; admit them after all votes, as a council does."""
        s, v, tr = self.state, self.inputs.values, self.inputs.traits
        # a member without armed forces abstains (EU constructive abstention)
        voters = voting.voters(self.inputs.rule, s.member & self.voting_forces, tr.founder)
        decision = self.protocol.negotiate(self.situation(voters=voters), applications)
        runs, applicants = decision.runs, decision.applicants
        self.recorder.negotiation(self, decision)
        votes = decision.votes
        if votes is not None and len(votes.runs):
            np.add.at(s.counters["vetoes"][:, 0], votes.runs, count(votes.ballots.veto)[:, 0])
        if decision.bargains is not None:
            np.add.at(s.totals["bargains"][:, 0], runs[decision.bargains.pairs], 1)
        admitted = decision.admitted
        self.admit(
            t,
            runs[admitted],
            applicants[admitted],
            decision.phase_in_quarters[admitted],
            decision.negotiated[admitted],
        )
        waiting = ~admitted  # rejected, or no deal: it may apply again after the delay
        wr, wi = runs[waiting], applicants[waiting]
        s.eligible_from[wr, wi] = t + 1 + per_run(v.reapply_delay, wr)[:, 0]
        rejected = waiting & decision.voted
        np.add.at(s.counters["rejections"][:, 0], runs[rejected], 1)
        vetoed = np.zeros(len(runs), dtype=bool)
        if votes is not None and len(votes.runs):
            vetoed[np.flatnonzero(decision.voted)] = votes.ballots.veto.any(axis=1)
        s.label[runs[rejected], applicants[rejected]] = np.where(
            vetoed[rejected], st.VETOED, st.APPLICANT
        )

    def admit(self, t, runs, states, phase_in_quarters, negotiated) -> None:
        """Make ``states`` members of ``runs`` from step ``t`` on the given terms.

        The one place membership begins: it fixes the commitment path (from the burden
        at joining to the floor over ``phase_in_quarters``), clears discontent and breach
        records, counts the admission and keeps the neighbour counts and join order.
        """
        s = self.state
        s.member[runs, states] = True
        s.joined_step[runs, states] = t
        s.phase_in_quarters[runs, states] = phase_in_quarters
        self._set_path((runs, states), phase_in_quarters)
        s.negotiated[runs, states] = negotiated
        s.in_breach[runs, states] = False
        s.discontent[runs, states] = 0
        np.add.at(s.counters["admissions"][:, 0], runs, 1)
        self.inputs.borders.update(s.member_neighbours, runs, states, 1.0)
        self.recorder.joined(t, runs, states)

    def _set_path(self, where, phase_in_quarters) -> None:
        """Fix the committed path of the states at ``where`` from their burden now."""
        s = self.state
        start = s.pct[where]
        floor = per_run(self.inputs.values.spending_floor_pct, where[0])[:, 0]
        end, slope = spending.commitment_path(start, floor, phase_in_quarters)
        s.path_start[where], s.path_end[where], s.path_slope[where] = start, end, slope

    def leave(self, t, runs, states) -> None:
        """Members ``states`` of ``runs`` leave at step ``t``; they may reapply after the delay."""
        s, v = self.state, self.inputs.values
        s.member[runs, states] = False
        s.path_start[runs, states] = s.path_end[runs, states] = -np.inf
        s.path_slope[runs, states] = 0.0
        self.inputs.borders.update(s.member_neighbours, runs, states, -1.0)
        s.discontent[runs, states] = 0
        s.label[runs, states] = st.OUTSIDER
        s.eligible_from[runs, states] = t + 1 + per_run(v.reapply_delay, runs)[:, 0]
        s.negotiated[runs, states] = False
        s.in_breach[runs, states] = False
        np.add.at(s.counters["exits"][:, 0], runs, 1)

    def _spend(self, t: int, war: np.ndarray) -> np.ndarray:
        """Every state moves toward its desired burden; members honour their commitments."""
        s, v, tr = self.state, self.inputs.values, self.inputs.traits
        desired = spending.desired_pct(
            tr.defence_pct_gdp, s.perceived, v.threat_response, v.max_defence_pct
        )
        committed = spending.committed_pct(t, s.joined_step, s.path_start, s.path_slope, s.path_end)
        target = spending.target_pct(desired, committed)
        states = np.arange(s.member.shape[1])
        honours = streams.below(self.inputs.keys, t, Purpose.HONOUR, states, self.honour_limit)
        s.totals["commitments"] += count(s.member)  # a member's commitment, called on
        s.totals["honoured"] += count(s.member & honours)
        before = s.pct
        s.pct = spending.ramp(s.pct, target, v.ramp_rate, ~s.member | honours)
        if self.ukraine is not None:  # Ukraine's burden follows the war, not the rule above
            k = self.ukraine
            s.pct[:, k : k + 1] = spending.war_economy_pct(
                war,
                before[:, k : k + 1],
                v.ukraine_war_defence_pct,
                v.ukraine_postwar_defence_pct,
                v.ukraine_adjustment_quarters,
            )
        s.spending = spending.spending_usd(s.pct, self.gdp)
        if self.extra_spending:
            s.extra_spending = spending.extra_spending(v.extra_spending_usd_bn, self.gdp, s.member)
            s.spending = s.spending + s.extra_spending
        return committed

    def _commitments(self, t: int, committed: np.ndarray) -> None:
        """Breaches of negotiated commitments: recorded once an episode, felt in cohesion."""
        s, v = self.state, self.inputs.values
        breaching = self.protocol.commitments(self.situation(committed=committed))
        new = None if breaching is None else breaching & ~s.in_breach
        if new is not None and not new.any():
            new = None
        s.cohesion_penalty = strength.breach_penalty(
            s.cohesion_penalty,
            v.breach_penalty_decay,
            None if new is None else count(new),
            v.breach_cohesion_penalty,
        )
        if breaching is None:
            return
        if new is not None:
            s.totals["breaches"] += count(new)
            runs, states = positions(new)
            self.recorder.events.add(
                "breach", t, "commitments", runs, actor=states,
                value=spending.shortfall(committed, s.pct)[runs, states], render=_breach,
                years=economy.years(s.phase_in_quarters[runs, states]),
            )  # fmt: skip
        s.in_breach = breaching

    def _exits(self, t: int) -> None:
        """Members unhappy for ``exit_patience`` quarters in a row leave (founders never)."""
        s, v = self.state, self.inputs.values
        exits = self.protocol.exits(self.situation())
        unhappy = exits.unhappy
        if not unhappy.any():
            s.discontent[:] = 0
            return
        s.discontent = np.where(unhappy, s.discontent + 1, 0).astype(np.int16)
        leaving = unhappy & (s.discontent >= v.exit_patience)
        if not leaving.any():
            return
        runs, states = positions(leaving)
        self.leave(t, runs, states)
        render, extra = None, {}
        if exits.note_values is not None:
            render, extra = formatted(exits.note), {"number": exits.note_values[runs, states]}
        elif exits.note:
            render = constant(exits.note)
        self.recorder.events.add(
            "exit", t, "exits", runs, actor=states, value=s.utility[runs, states],
            render=render, **extra,
        )  # fmt: skip

    def _industry(self, war: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Members' investment in Ukraine's industry: capacity, utilisation, output.

        Returns what each state invests (USD bn/yr) and what the investment produces for
        Ukraine's forces (USD bn/yr at European prices, in Ukraine's column).
        """
        s, v = self.state, self.inputs.values
        if self.ukraine is None:
            investors = np.zeros_like(s.member)
        else:
            ukraine = self.ukraine
            investors = s.member & s.member[:, ukraine : ukraine + 1]
            investors[:, ukraine] = False  # investment goes to Ukraine only inside the coalition
        offered = industry.offered_investment(v.ukraine_investment_share, self.spending, investors)
        capacity = s.ukraine_capacity_usd_bn
        absorbed = industry.absorbed_investment(offered, capacity, self.own_funded)
        s.ukraine_investment_usd_bn = offered + np.zeros_like(s.threat)
        s.absorbed_share = industry.absorbed_share(offered, absorbed)
        s.investors = investors
        target = industry.target_utilisation(self.own_funded, absorbed, capacity)
        s.ukraine_utilisation = industry.next_utilisation(
            s.ukraine_utilisation, target, v.ukraine_absorption_quarters
        )
        s.ukraine_capacity_usd_bn = industry.next_capacity(
            capacity, offered, absorbed, v.ukraine_capacity_growth, war, v.ukraine_strike_loss_pct
        )
        s.ukraine_industry_output_usd_bn = industry.investment_output(
            s.ukraine_utilisation, s.ukraine_capacity_usd_bn, self.own_funded,
            v.cost_advantage, v.ukraine_marginal_cost,
        )  # fmt: skip
        s.ukraine_drone_output_m = industry.drone_output(
            s.ukraine_utilisation, s.ukraine_capacity_usd_bn, self.own_funded,
            v.ukraine_drones_initial_m,
        )  # fmt: skip
        invested = industry.investment(v.ukraine_investment_share, s.spending, investors)
        return invested, s.ukraine_industry_output_usd_bn

    def _measure(self) -> None:
        """Usable strength, parity, cohesion and credibility from the forces now."""
        s, v, tr = self.state, self.inputs.values, self.inputs.traits
        coalition = self.forces.measure(s)
        s.own_strength = coalition.fielded
        s.usable = coalition.contribution
        s.adversary_strength = self.forces.adversary_fielded(s)
        s.coalition_strength = coalition.usable
        s.coalition_strength_with_us = coalition.usable_with_us
        s.enabler_coverage = coalition.coverage
        s.integration_mean = coalition.integration
        s.parity = strength.parity(s.coalition_strength, s.adversary_strength)
        s.parity_with_us = strength.parity(s.coalition_strength_with_us, s.adversary_strength)
        friction = self.forces.friction
        s.cohesion = strength.cohesion(
            coalition.integration,
            strength.friction_load(coalition.fielded, s.member, *friction),
            strength.alignment_spread(tr.alignment, coalition.fielded, s.member),
            v.cohesion_friction_weight,
            v.cohesion_alignment_weight,
            s.cohesion_penalty,
        )
        cover = strength.nuclear_cover(
            s.us_commitment, v.european_nuclear_cover,
            strength.arsenal_share(self.forces.warheads, s.member),
        )  # fmt: skip
        s.credibility = strength.credibility(
            s.parity_with_us, s.cohesion, cover, v.nuclear_discount
        )
        s.coalition_spending_usd_bn = total(s.spending, where=s.member)
        gdp = total(self.gdp, where=s.member)
        s.coalition_spending_pct_gdp = spending.burden_pct(s.coalition_spending_usd_bn, gdp)


def _responders(block, codes) -> list[str]:
    out = []
    for row in block.extra["responded"]:
        names = " ".join(codes[j] for j in np.flatnonzero(row))
        out.append(f"responded: {names or 'none'}")
    return out


def _breach(block, codes) -> list[str]:
    return [
        f"{shortfall:.2f} % of GDP below its path to the floor "
        f"(negotiated phase-in {years:.2f} years)"
        for shortfall, years in zip(
            block.value.tolist(), block.extra["years"].tolist(), strict=True
        )
    ]
