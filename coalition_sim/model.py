"""The Mesa model: European states negotiating a defence coalition, one quarter a step.

:class:`CoalitionModel` holds the states' numbers in arrays and applies the rules of
``DESIGN.md`` in order each step (threat, perceived threat, applications, negotiation,
spending, exits, Ukraine's industry, strength). The arithmetic lives in
:mod:`coalition_sim.rules`; this module only orchestrates, draws the random numbers,
records events and collects data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mesa
import numpy as np

from coalition_sim.agents import STATE_REPORTERS, StateAgent
from coalition_sim.datasets import ADVERSARY, Dataset, load_dataset
from coalition_sim.errors import InputError
from coalition_sim.events import EventLog
from coalition_sim.parameters import Scenario, load_scenario
from coalition_sim.protocols import PROTOCOLS
from coalition_sim.rules import (
    bargaining,
    industry,
    spending,
    strength,
    threat,
    traits,
    utility,
    voting,
)
from coalition_sim.rules.utility import TERMS

#: Model-level metrics collected at every step, in column order.
METRICS = (
    "members",
    "applicants",
    "admissions",
    "rejections",
    "vetoes",
    "exits",
    "parity",
    "parity_with_us",
    "cohesion",
    "credibility",
    "threat",
    "us_commitment",
    "coalition_strength",
    "adversary_strength",
    "coalition_spending_usd_bn",
    "coalition_spending_pct_gdp",
    "ukraine_investment_usd_bn",
    "ukraine_utilisation",
    "ukraine_industry_output_usd_bn",
    "ukraine_drone_output_m",
    "aggression_events",
    "response_share",
)


@dataclass(frozen=True)
class Decision:
    """The outcome of one vote on one applicant."""

    applicant: str
    admitted: bool
    ballot: voting.Ballot


class CoalitionModel(mesa.Model):
    """European states negotiating a defence coalition without relying on the US.

    Args:
        base: a :class:`Scenario`, or the name of a preset or a scenario TOML file.
        rng: seed or generator; defaults to the scenario's ``seed``.
        dataset: the states and borders (the packaged data by default).
        collect_states: record one row per state per step (off in sweeps, for speed).
        collect_steps: record the model-level metrics every step (a sweep that keeps
            only outcomes turns it off; the running totals below are kept anyway).
        **overrides: any schema parameter (or ``state.ISO3.TRAIT``), applied on top of
            ``base`` and validated; a Mesa ``scenario`` passed by SolaraViz is ignored.
    """

    def __init__(
        self,
        base: Scenario | str = "baseline",
        *,
        rng: Any = None,
        dataset: Dataset | None = None,
        collect_states: bool = True,
        collect_steps: bool = True,
        **overrides: Any,
    ) -> None:
        overrides.pop("scenario", None)  # SolaraViz passes Mesa's own scenario object
        config = load_scenario(base) if isinstance(base, str) else base
        self.config: Scenario = config.with_values(overrides) if overrides else config
        self._p = dict(self.config.values)  # plain dict: read many times a step
        super().__init__(rng=self.config["seed"] if rng is None else rng)
        self.dataset = dataset or load_dataset()
        self.events = EventLog()
        self._setup_states()
        self._setup_world()
        self.protocol.setup(self)
        self._roster_changed()
        self._seat_voters()
        reporters = dict(STATE_REPORTERS)
        for column, term in enumerate(TERMS):
            reporters[f"u_{term}"] = lambda agent, c=column: float(
                agent.model.terms[agent.index, c]
            )
        self.datacollector = mesa.DataCollector(
            model_reporters={name: name for name in METRICS},
            agent_reporters=reporters if collect_states else None,
        )
        self._collect = collect_steps or collect_states
        self._update_outlook()
        self._measure()
        #: Running totals over the run, for the per-run outcomes without any table.
        self.totals = dict.fromkeys(("admissions", "rejections", "exits", "aggression_events"), 0)
        self.initial_parity = self.parity
        self.first_parity_step = 0 if self.parity >= 1.0 else -1
        if self._collect:
            self.datacollector.collect(self)

    # ------------------------------------------------------------------ set-up
    def _setup_states(self) -> None:
        cfg, data = self.config, self.dataset
        rows = data.actor_rows()
        self.codes: tuple[str, ...] = tuple(r["iso3"] for r in rows)
        index = {code: i for i, code in enumerate(self.codes)}
        known = set(data.codes)
        for field in ("founders", "unreliable"):
            for code in cfg[field]:
                if code not in known:
                    raise InputError(
                        f"{field}: unknown ISO3 code {code} (not in {data.states_source})"
                    )
                if code not in index:
                    raise InputError(
                        f"{field}: {code} is the adversary or external, not a European state"
                    )
        for code in cfg.state_overrides:
            if code not in index:
                raise InputError(
                    f"state.{code}: unknown ISO3 code "
                    f"(not a European state in {data.states_source})"
                )
        self.index = index
        self.names = tuple(r["name"] for r in rows)
        self.gdp = data.column("gdp_usd_bn_2024", rows)
        self.population = data.column("population_m_2024", rows)
        self.pct0 = data.column("defence_pct_gdp_2024", rows)
        self.nato = data.column("nato_member", rows)
        self.eu = data.column("eu_member", rows)
        self.nuclear = data.column("nuclear_weapons", rows)
        self.proximity = traits.proximity(
            data.column("km_capital_to_russia_or_belarus", rows), cfg["proximity_scale_km"]
        )
        self.alignment = traits.alignment(
            [(r["unga_es11_1_vote"], r["unga_es11_7_2025_vote"]) for r in rows]
        )
        self.reliability = traits.reliability(
            self.codes, cfg["unreliable"], cfg["reliability"], cfg["unreliable_reliability"]
        )
        self.industry = traits.industry_index(
            data.column("arms_industry_revenue_usd_bn_2023", rows)
        )
        for code, overrides in cfg.state_overrides.items():
            i = index[code]
            for trait, value in overrides.items():
                target = self.pct0 if trait == "defence_pct_gdp" else getattr(self, trait)
                target[i] = value
        self.unreliable = frozenset(cfg["unreliable"])
        self.is_unreliable = np.array([c in self.unreliable for c in self.codes])
        self.experience = np.ones(len(rows))
        if "UKR" in index:
            self.experience[index["UKR"]] = cfg["ukraine_experience_multiplier"]
        self.adjacency = data.adjacency(self.codes)
        self._adjacency_f = self.adjacency.astype(float)
        # Capability and strength are linear in the defence burden: precompute the slopes.
        self._capability_per_pct = traits.capability(
            self.gdp / 100.0, self.industry, cfg["industry_weight"]
        )
        self._contribution_per_pct = (
            self.reliability * self.experience * cfg["readiness"] * self._capability_per_pct
        )
        n = len(rows)
        self.founder = np.array([c in set(cfg["founders"]) for c in self.codes])
        self.member = self.founder.copy()
        self.joined_step = np.where(self.founder, 0, -1)
        self.pct = self.pct0.copy()
        self.pct_at_joining = self.pct0.copy()
        self.phase_in_quarters = np.full(n, cfg["phase_in_years"] * 4.0)
        self.eligible_from = np.zeros(n, dtype=int)
        self.discontent = np.zeros(n, dtype=int)
        self.label = np.full(n, "outsider", dtype=object)
        self._applied: list[int] = []  # states labelled "applicant" this step
        self.agent_list = [
            StateAgent(self, i, code, name)
            for i, (code, name) in enumerate(zip(self.codes, self.names, strict=True))
        ]
        self.join_order: list[tuple[str, int]] = [(c, 0) for c in cfg["founders"]]
        self._terms_offered: dict[int, float] = {}

    def _setup_world(self) -> None:
        cfg, data = self.config, self.dataset
        self.adversary = ADVERSARY
        self.adversary_spending = sum(data.row(c)["defence_spend_usd_bn_2024"] for c in ADVERSARY)
        us_rows = [r for r in data.states if r["iso3"] == "USA"]
        self.us_spending = us_rows[0]["defence_spend_usd_bn_2024"] if us_rows else 0.0
        self.rule = voting.ADMISSION_RULES[cfg["admission_rule"]]
        self.protocol = PROTOCOLS[cfg["protocol"]]()  # one instance per model: it may hold state
        self.vote_weights = voting.VoteWeights(
            gain=cfg["vote_gain_weight"],
            gain_scale=cfg["vote_gain_scale"],
            similarity=cfg["vote_similarity_weight"],
            unreliability=cfg["vote_unreliability_weight"],
            exposure=cfg["vote_exposure_weight"],
            threshold=cfg["vote_threshold"],
        )
        self.utility_weights = utility.UtilityWeights(
            threat=cfg["w_threat"],
            cost=cfg["w_cost"],
            affinity=cfg["w_affinity"],
            alignment=cfg["w_align"],
            entrapment=cfg["w_entrap"],
        )
        self.threat = cfg["threat_initial"]
        self.us_commitment = cfg["us_commitment"]
        self.ukraine_utilisation = cfg["ukraine_utilisation_initial"]
        self.ukraine_investment_usd_bn = 0.0
        self.ukraine_industry_output_usd_bn = 0.0
        self.ukraine_drone_output_m = cfg["ukraine_drones_initial_m"]
        self.credibility = 0.0
        self.cohesion_penalty = 0.0
        self._reset_counters()

    def _reset_counters(self) -> None:
        self.applicants = self.admissions = self.rejections = 0
        self.vetoes = self.exits = self.aggression_events = 0
        self.response_share = float("nan")

    # ------------------------------------------------------------------ views
    @property
    def spending(self) -> np.ndarray:
        """Defence spending of every state, USD bn per year."""
        return self.pct / 100.0 * self.gdp

    def status_of(self, i: int) -> str:
        """founder, member, applicant, vetoed or outsider."""
        if self.member[i]:
            return "founder" if self.founder[i] else "member"
        return self.label[i]

    def state_status(self) -> dict[str, str]:
        """Status of every state by ISO3 code."""
        return {code: self.status_of(i) for i, code in enumerate(self.codes)}

    def agent(self, iso3: str) -> StateAgent:
        """The agent of one state."""
        if iso3 not in self.index:
            raise InputError(f"unknown ISO3 code '{iso3}'; allowed: {', '.join(self.codes)}")
        return self.agent_list[self.index[iso3]]

    def utility_terms(self, iso3: str) -> dict[str, float]:
        """The terms of one state's utility, their total and its threshold."""
        return self.agent(iso3).utility_terms()

    def state_traits(self, iso3: str) -> dict[str, Any]:
        """Derived and current traits of one state, for tables and tooltips."""
        i = self.agent(iso3).index
        return {
            "iso3": iso3,
            "name": self.names[i],
            "status": self.status_of(i),
            "proximity": float(self.proximity[i]),
            "alignment": float(self.alignment[i]),
            "reliability": float(self.reliability[i]),
            "industry": float(self.industry[i]),
            "nato": bool(self.nato[i]),
            "eu": bool(self.eu[i]),
            "nuclear": bool(self.nuclear[i]),
            "unreliable": bool(self.is_unreliable[i]),
            "defence_pct_gdp": float(self.pct[i]),
            "spending_usd_bn": float(self.spending[i]),
            "perceived_threat": float(self.perceived[i]),
            "utility": float(self.utility[i]),
        }

    # ------------------------------------------------------------------ the step
    def step(self) -> None:
        """One quarter, in the order of the design."""
        self._reset_counters()
        t = self.steps
        # "applicant" marks the step a state applied; a veto stays on record until it
        # applies again.
        for i in self._applied:
            if self.label[i] == "applicant":
                self.label[i] = "outsider"
        self._applied = []
        self._threat_step(t)
        self._update_outlook()
        applicants = self.protocol.applications(self, t)
        self._negotiate(t, applicants)
        self._spend(t)
        self.protocol.exits(self, t)
        self._industry()
        self._measure()
        totals = self.totals
        totals["admissions"] += self.admissions
        totals["rejections"] += self.rejections
        totals["exits"] += self.exits
        totals["aggression_events"] += self.aggression_events
        if self.first_parity_step < 0 and self.parity >= 1.0:
            self.first_parity_step = t
        if self._collect:
            self.datacollector.collect(self)
        self.running = self.steps < self._p["steps"]  # `while model.running` stops at the horizon

    def _threat_step(self, t: int) -> None:
        cfg = self._p
        self.us_commitment = threat.us_commitment(
            t,
            cfg["us_commitment"],
            cfg["us_withdrawal_step"],
            cfg["us_commitment_after"],
            cfg["us_withdrawal_quarters"],
        )
        shock = 0.0
        chance = threat.aggression_probability(
            cfg["base_aggression"], self.threat, self.credibility
        )
        if self.rng.random() < chance:
            protection = np.where(
                self.member,
                self.credibility,
                self.us_commitment * cfg["us_guarantee_weight"] * self.nato,
            )
            weights = threat.target_weights(self.proximity, protection)
            if weights.sum() > 0:
                target = int(self.rng.choice(len(weights), p=weights / weights.sum()))
                shock += cfg["aggression_threat_jump"]
                self.aggression_events += 1
                self.events.record(
                    t,
                    "aggression",
                    "RUS",
                    self.codes[target],
                    min(1.0, self.threat + shock),
                )
                if self.member[target]:
                    others = np.flatnonzero(self.member)
                    others = others[others != target]
                    if others.size:
                        responded = self.rng.random(others.size) < self.reliability[others]
                        self.response_share = float(responded.mean())
                        responders = " ".join(self.codes[j] for j in others[responded])
                        self.events.record(
                            t,
                            "response",
                            "",
                            self.codes[target],
                            self.response_share,
                            f"responded: {responders or 'none'}",
                        )
                        if self.response_share < 0.5:
                            shock += cfg["failed_response_jump"]
        self.threat = threat.next_threat(
            self.threat,
            cfg["threat_mean"],
            cfg["threat_reversion"],
            cfg["threat_volatility"],
            cfg["deterrence_effect"],
            self.credibility,
            shock,
            self.rng.standard_normal(),
        )

    def _roster_changed(self) -> None:
        """Recompute what depends on membership alone; called whenever it changes."""
        self._affinity = utility.affinity(self._adjacency_f, self.member, self.alignment)
        self._has_nuclear = bool((self.nuclear & self.member).any())
        self._members_gdp = float(self.gdp @ self.member)
        self._outsider = ~self.member
        self._may_leave = self.member & ~self.founder
        self.members = int(self.member.sum())
        self._seats: dict[str, Any] | None = None  # voters are seated again when needed

    def _update_outlook(self) -> None:
        """Perceived threat and utility terms of every state, given membership now.

        Computed once a step, after the threat moves: applications and exits both read
        it, so a member weighs staying on the same outlook as an outsider weighs joining.
        """
        cfg = self._p
        self.perceived = threat.perceived_threat(
            self.threat, self.proximity, self.nato, self.us_commitment, cfg["us_guarantee_weight"]
        )
        self.capability = self.pct * self._capability_per_pct
        contribution = self.pct * self._contribution_per_pct
        total = contribution @ self.member
        others = np.where(self.member, total - contribution, total)
        self.terms = utility.utility_terms(
            self.utility_weights,
            self.perceived,
            utility.protection_gain(self.capability, others),
            utility.burden(self.pct, cfg["spending_floor_pct"]),
            self._affinity,
            self.alignment,
            utility.entrapment(self.proximity, self.threat),
        )
        self.utility = self.terms.sum(axis=1)

    def _applications(self, t: int) -> list[int]:
        """Outsiders free to apply whose utility of joining clears the threshold apply."""
        wants = self._outsider & (self.eligible_from <= t)
        wants &= self.utility > self._p["application_threshold"]
        applicants = [int(i) for i in np.flatnonzero(wants)]
        for i in applicants:
            self.record_application(i, t)
        return applicants

    def record_application(self, i: int, t: int, detail: str = "") -> None:
        """State ``i`` applies at step ``t``: label it, count it and log it."""
        self.label[i] = "applicant"
        self._applied.append(i)
        self.applicants += 1
        self.events.record(t, "application", self.codes[i], "", self.utility[i], detail)

    def _negotiate(self, t: int, applicants: list[int]) -> None:
        if not applicants:
            return
        order = [applicants[k] for k in self.rng.permutation(len(applicants))]
        self._seat_voters()
        admitted = set(self.protocol.negotiate(self, order))
        for i in order:
            if i in admitted:
                self.admit(i, t)
            else:
                self.eligible_from[i] = t + 1 + self._p["reapply_delay"]

    def hold_vote(self, i: int, *, phase_in_quarters: float | None = None) -> Decision:
        """Members vote on applicant ``i`` under the admission rule; record votes and result.

        Voters are the members at the start of this step's negotiation. An unreliable
        voter may veto, with a probability that grows with its distance in alignment
        from the applicant; under unanimity a veto blocks, under other rules it counts
        as a no.
        """
        t, cfg = self.steps, self._p
        _, scores = self.vote_scores(i)
        if phase_in_quarters is not None:  # members weigh negotiated terms: delay costs
            scores = scores - bargaining.delay_penalty(
                phase_in_quarters / 4.0, cfg["phase_in_years"], cfg["bargaining_delay_weight"]
            )
        votes = [voting.YES if y else voting.NO for y in (scores > cfg["vote_threshold"]).tolist()]
        seats = self._seats
        if seats["unreliable"].size:
            chance = voting.veto_probability(
                cfg["veto_propensity"], seats["unreliable_alignment"], self.alignment[i]
            )
            draws = self.rng.random(seats["unreliable"].size) < chance
            for k in seats["unreliable"][draws].tolist():
                votes[k] = voting.VETO
        ballot = voting.Ballot(seats["codes"], tuple(votes), seats["population"], seats["founder"])
        admitted = self.rule.admits(
            ballot,
            qmv_member_share=cfg["qmv_member_share"],
            qmv_population_share=cfg["qmv_population_share"],
        )
        applicant = self.codes[i]
        self.events.record_votes(t, applicant, ballot.voters, ballot.votes)
        blocking = (not admitted) and self.rule.name == "unanimity"
        for voter in ballot.vetoes:
            self.vetoes += 1
            self.events.record(t, "veto", voter, applicant, 1.0 if blocking else 0.0)
        yes = int(ballot.yes.sum())
        tally = f"{yes} yes of {len(ballot.voters)} ({self.rule.name})"
        if ballot.vetoes:
            tally += f"; vetoed by {' '.join(ballot.vetoes)}"
        if admitted:
            self.events.record(t, "admission", "", applicant, yes, tally)
        else:
            self.rejections += 1
            self.label[i] = "vetoed" if ballot.vetoes else "applicant"
            self.events.record(t, "rejection", "", applicant, yes, tally)
        if admitted and phase_in_quarters is not None:
            self._terms_offered[i] = phase_in_quarters
        return Decision(applicant, admitted, ballot)

    def _seat_voters(self) -> None:
        """Fix this step's voters (the members now, filtered by the rule) and their data.

        Kept until membership changes (see :meth:`_roster_changed`).
        """
        if self._seats is not None:
            return
        members = np.flatnonzero(self.member)
        self._voting_members = members
        voters = members[self.rule.voters(self.founder[members])]
        unreliable = np.flatnonzero(self.is_unreliable[voters])
        self._seats = {
            "voters": voters,
            "codes": tuple(self.codes[j] for j in voters.tolist()),
            "alignment": self.alignment[voters],
            "proximity": self.proximity[voters],
            "population": self.population[voters],
            "founder": self.founder[voters],
            "unreliable": unreliable,
            "unreliable_alignment": self.alignment[voters[unreliable]],
        }

    def vote_scores(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        """Indices of the members voting on applicant ``i`` and their scores (no vetoes)."""
        seats = self._seats
        parity_gain = (
            self.reliability[i] * self.capability[i] * self.experience[i] * self._p["readiness"]
        ) / self.adversary_strength
        scores = voting.vote_scores(
            self.vote_weights,
            parity_gain,
            self.alignment[i],
            self.reliability[i],
            seats["alignment"],
            seats["proximity"],
        )
        return seats["voters"], scores

    def admit(self, i: int, t: int) -> None:
        """Make state ``i`` a member from step ``t``, committed to the spending floor."""
        self.member[i] = True
        self._roster_changed()
        self.joined_step[i] = t
        self.pct_at_joining[i] = self.pct[i]
        self.phase_in_quarters[i] = self._terms_offered.pop(i, self._p["phase_in_years"] * 4.0)
        self.discontent[i] = 0
        self.admissions += 1
        self.join_order.append((self.codes[i], t))

    def _spend(self, t: int) -> None:
        cfg = self._p
        desired = spending.desired_pct(
            self.pct0, self.perceived, cfg["threat_response"], cfg["max_defence_pct"]
        )
        committed = spending.committed_pct(
            t,
            self.joined_step,
            self.pct_at_joining,
            cfg["spending_floor_pct"],
            self.phase_in_quarters,
        )
        target = np.where(self.member, np.maximum(desired, committed), desired)
        honours = self.rng.random(len(self.codes)) < self.reliability
        self.pct = spending.ramp(self.pct, target, cfg["ramp_rate"], ~self.member | honours)
        self.protocol.commitments(self, t, committed)

    def _exits(self, t: int) -> None:
        """Members whose utility of staying is below the threshold long enough leave."""
        unhappy = self._may_leave & (self.utility < self._p["exit_threshold"])
        if not unhappy.any():
            self.discontent[:] = 0
            return
        self.discontent = np.where(unhappy, self.discontent + 1, 0)
        for i in np.flatnonzero(self.discontent >= self._p["exit_patience"]):
            self.leave(int(i), t)

    def leave(self, i: int, t: int, detail: str = "") -> None:
        """Member ``i`` leaves the coalition at step ``t`` and may reapply after the delay."""
        self.member[i] = False
        self._roster_changed()
        self.discontent[i] = 0
        self.label[i] = "outsider"
        self.eligible_from[i] = t + 1 + self._p["reapply_delay"]
        self.exits += 1
        self.events.record(t, "exit", self.codes[i], "", self.utility[i], detail)

    def _industry(self) -> None:
        cfg = self._p
        ukraine = self.index.get("UKR")
        investors = self.member.copy()
        if ukraine is None or not self.member[ukraine]:
            investors[:] = False  # investment goes to Ukraine's industry only inside the coalition
        else:
            investors[ukraine] = False
        offered = cfg["ukraine_investment_share"] * float(self.spending[investors].sum())
        absorbed = industry.absorbed_investment(
            offered, cfg["ukraine_capacity_usd_bn"], cfg["ukraine_utilisation_initial"]
        )
        self.ukraine_investment_usd_bn = absorbed
        self._absorbed_share = absorbed / offered if offered > 0 else 0.0
        self._investors = investors
        target = industry.target_utilisation(
            absorbed, cfg["ukraine_capacity_usd_bn"], cfg["ukraine_utilisation_initial"]
        )
        self.ukraine_utilisation = industry.next_utilisation(
            self.ukraine_utilisation, target, cfg["ukraine_absorption_quarters"]
        )
        self.ukraine_industry_output_usd_bn = industry.investment_output(
            self.ukraine_utilisation,
            cfg["ukraine_capacity_usd_bn"],
            cfg["ukraine_utilisation_initial"],
            cfg["cost_advantage"],
        )
        self.ukraine_drone_output_m = industry.drone_output(
            self.ukraine_utilisation,
            cfg["ukraine_utilisation_initial"],
            cfg["ukraine_drones_initial_m"],
        )

    def _measure(self) -> None:
        """Strength, parity, cohesion and credibility from membership and spending now."""
        cfg = self._p
        capability = self.pct * self._capability_per_pct  # traits.capability, precomputed slope
        share = cfg["ukraine_investment_share"] * getattr(self, "_absorbed_share", 0.0)
        if share > 0:  # what members invest in Ukraine's industry is not spent at home
            at_home = np.where(self._investors, capability * (1.0 - share), capability)
        else:
            at_home = capability
        self.capability = capability
        self.adversary_strength = strength.adversary_strength(
            self.adversary_spending,
            cfg["adversary_ppp_factor"],
            cfg["adversary_growth_pct"],
            self.steps,
        )
        self.coalition_strength = strength.coalition_strength(
            at_home,
            self.reliability,
            self.member,
            cfg["readiness"],
            self.experience,
            self.ukraine_industry_output_usd_bn,
        )
        self.parity = self.coalition_strength / self.adversary_strength
        us = self.us_commitment * cfg["us_europe_share"] * self.us_spending * cfg["readiness"]
        self.parity_with_us = (self.coalition_strength + us) / self.adversary_strength
        self.cohesion = max(
            0.0,
            strength.cohesion(capability, self.reliability, self.member) - self.cohesion_penalty,
        )
        self.credibility = strength.credibility(
            self.parity, self.cohesion, self._has_nuclear, cfg["nuclear_discount"]
        )
        self.coalition_spending_usd_bn = float(self.spending @ self.member)
        gdp = self._members_gdp
        self.coalition_spending_pct_gdp = (
            100.0 * self.coalition_spending_usd_bn / gdp if gdp else 0.0
        )
