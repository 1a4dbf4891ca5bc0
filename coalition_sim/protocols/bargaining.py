"""``bargaining``: alternating offers over the phase-in of the spending floor.

The arithmetic of the game is in :mod:`coalition_sim.rules.bargaining`; here the
protocol asks who bargains, solves each negotiation against the current members and
holds the vote on the deals.
"""

from __future__ import annotations

from typing import override

import numpy as np

from coalition_sim.protocols.contract import (
    Applications,
    Bargains,
    Negotiation,
    Situation,
    at,
    per_run,
    positions,
)
from coalition_sim.protocols.standard import Protocol, ThresholdProtocol, _mask
from coalition_sim.rules import bargaining, economy, spending
from coalition_sim.streams import Purpose

#: Detail of a conditional application in the event log.
CONDITIONAL = "conditional: short of the threshold only because of the spending floor"


class BargainingProtocol(Protocol):
    """Alternating offers over the phase-in of the spending floor, then a vote on the deal.

    An outsider whose utility of joining falls short of the application threshold only
    because of the spending floor (without its cost term it would clear the threshold)
    applies conditionally and bargains with the coalition over the phase-in (Stahl 1972;
    Rubinstein 1982): see :mod:`coalition_sim.rules.bargaining` for the game and its
    solution. The coalition's side is its pivotal member under the admission rule. A
    deal goes to a vote on the negotiated terms (a longer phase-in lowers every member's
    score by the delay cost) and, if admitted, binds the new member to a linear path from
    its burden at joining to the floor over the agreed phase-in. Applicants who clear
    the threshold take the standard terms, as under ``threshold``.

    Each quarter a member honours its commitment with its reliability (the spending
    step). A member bound by a negotiated path that falls below it by more than
    ``breach_tolerance_pct`` points of GDP breaks its commitment: a ``breach`` event,
    recorded once per episode (again only after it is back on its path), and a drop of
    ``breach_cohesion_penalty`` in cohesion that fades by ``breach_penalty_decay`` a
    quarter.
    """

    name = "bargaining"
    description = (
        "applicants short only because of the spending floor bargain over its phase-in "
        "(alternating offers); deals bind a commitment path, breaches lower cohesion"
    )
    parameters = (
        *ThresholdProtocol.parameters,
        "bargaining_rounds",
        "bargaining_discount_applicant",
        "bargaining_discount_coalition",
        "bargaining_max_phase_in_years",
        "bargaining_delay_weight",
        "breach_tolerance_pct",
        "breach_cohesion_penalty",
        "breach_penalty_decay",
    )
    reference = (
        "Rubinstein (1982), Perfect Equilibrium in a Bargaining Model, Econometrica 50(1); "
        "Stahl (1972), Bargaining Theory"
    )

    @override
    def applications(self, s: Situation) -> Applications:
        # The same random part as the standard application: an outsider willing to join
        # without the spending floor's cost, but not with it, applies conditionally.
        runs, states = positions(s.outsider & s.eligible)
        willing = s.uniform_at(Purpose.APPLY, runs, states)
        utility = s.utility[runs, states]
        standard = willing < self.chance(s, utility, runs)
        without_cost = utility - s.terms.cost[runs, states]
        short = ~standard & (willing < self.chance(s, without_cost, runs))
        shape = s.member.shape
        return Applications(
            _mask(shape, runs[standard], states[standard]),
            conditional=_mask(shape, runs[short], states[short]),
            conditional_note=CONDITIONAL,
        )

    def agreements(self, s: Situation, runs: np.ndarray, applicants: np.ndarray):
        """Solve the negotiation of each (run, applicant) pair against the current members."""
        v = s.values
        col = lambda value: per_run(value, runs)  # noqa: E731
        margins = s.scores(runs, applicants) - col(v.vote_threshold)
        margin = bargaining.pivotal_margin(
            margins,
            per_run(s.voters, runs),
            per_run(s.rule, runs),
            s.data.population[None, :],
            member_share=col(v.qmv_member_share),
            population_share=col(v.qmv_population_share),
        )
        standard = col(v.phase_in_years)
        low = bargaining.applicant_reservation(
            at(s.utility, runs, applicants),
            -at(s.terms.cost, runs, applicants),
            col(v.application_threshold),
            standard,
        )
        high = bargaining.coalition_reservation(margin, col(v.bargaining_delay_weight), standard)
        return bargaining.bargain(
            low,
            high,
            min_years=standard,
            max_years=bargaining.longest_phase_in(standard, col(v.bargaining_max_phase_in_years)),
            rounds=col(v.bargaining_rounds),
            discount_applicant=col(v.bargaining_discount_applicant),
            discount_coalition=col(v.bargaining_discount_coalition),
        )

    @override
    def negotiate(self, s: Situation, applications: Applications) -> Negotiation:
        runs, applicants = positions(applications.any)
        assert applications.conditional is not None  # this protocol's applications have them
        conditional = applications.conditional[runs, applicants]
        rows = np.flatnonzero(conditional)
        standard_years = per_run(s.values.phase_in_years, runs)[:, 0]
        years = standard_years.copy()
        voted = ~conditional
        bargains = None
        if rows.size:
            deal = self.agreements(s, runs[rows], applicants[rows])
            agreed = np.asarray(deal.agreed).reshape(-1)
            years[rows[agreed]] = np.asarray(deal.phase_in_years).reshape(-1)[agreed]
            voted[rows[agreed]] = True
            bargains = Bargains(rows, deal)
        penalty = bargaining.delay_penalty(
            years, standard_years, per_run(s.values.bargaining_delay_weight, runs)[:, 0]
        )
        chosen = np.flatnonzero(voted)
        votes = s.vote(runs[chosen], applicants[chosen], penalty[chosen, None])
        admitted = np.zeros(len(runs), dtype=bool)
        admitted[chosen] = votes.admitted[:, 0]
        return Negotiation(
            runs=runs,
            applicants=applicants,
            admitted=admitted,
            phase_in_quarters=economy.quarters(years),
            negotiated=conditional & admitted,
            votes=votes,
            voted=voted,
            bargains=bargains,
        )

    @override
    def commitments(self, s: Situation) -> np.ndarray | None:
        shortfall = spending.shortfall(s.committed, s.pct)
        return s.negotiated & s.member & (shortfall > s.values.breach_tolerance_pct)
