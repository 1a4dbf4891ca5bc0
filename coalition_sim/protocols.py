"""Negotiation protocols: who applies, how the coalition decides, who leaves.

A protocol is a class with a ``name``, a ``description``, the schema parameters it reads
and the work it comes from, kept in the explicit :data:`PROTOCOLS` registry; the
scenario parameter ``protocol`` picks one by name. As a strategy in Axelrod's library
reads the history and returns a move, a protocol reads a frozen
:class:`~coalition_sim.engine.situation.Situation` of a whole batch of runs and returns
decisions as arrays over runs; the engine applies them. It is called at four points of
the step, and the base class gives the standard behaviour of each, so a protocol
overrides only what it changes:

- :meth:`Protocol.applications`: who applies (default: the outsiders free to apply whose
  utility of joining clears the application threshold);
- :meth:`Protocol.negotiate`: who is admitted and on what terms; votes are held by
  :meth:`Situation.vote` under each run's admission rule (default: a vote on every
  applicant on the standard terms);
- :meth:`Protocol.commitments`: which members breach a commitment this quarter (default:
  none is checked);
- :meth:`Protocol.exits`: which members are unhappy this quarter (default: those whose
  utility of staying is below the exit threshold); the engine makes a member leave once
  it has been unhappy ``exit_patience`` quarters in a row.

:meth:`Protocol.prepare` computes, once per batch, what a protocol needs besides the
situation (the landscape's propensities); protocols keep no state of their own.
The arithmetic lives in pure modules: :mod:`coalition_sim.rules.bargaining` and
:mod:`coalition_sim.landscape` with :mod:`coalition_sim.europe_landscape`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, override

import numpy as np

from coalition_sim import europe_landscape
from coalition_sim.engine.situation import (
    Applications,
    Bargains,
    Exits,
    Negotiation,
    Situation,
    at,
    per_run,
    positions,
)
from coalition_sim.engine.streams import Purpose
from coalition_sim.rules import bargaining, economy, spending
from coalition_sim.rules import utility as utility_rules

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.engine.inputs import RunInputs

#: Detail of a conditional application in the event log.
CONDITIONAL = "conditional: short of the threshold only because of the spending floor"


def _mask(shape: tuple[int, ...], runs: np.ndarray, states: np.ndarray) -> np.ndarray:
    """A ``(runs, states)`` mask, True at the given positions."""
    mask = np.zeros(shape, dtype=bool)
    mask[runs, states] = True
    return mask


def _per_entry(value, runs: np.ndarray):
    """A per-run value at each of ``runs`` (a shared value as it is)."""
    if isinstance(value, np.ndarray) and value.shape[0] > 1:
        return value[runs, 0]
    return value if not isinstance(value, np.ndarray) else value.reshape(-1)[0]


class Protocol:
    """Base class: the standard applications, negotiation, commitments and exits."""

    name: ClassVar[str]
    description: ClassVar[str]
    parameters: ClassVar[tuple[str, ...]] = ()
    reference: ClassVar[str] = ""

    def prepare(self, inputs: RunInputs) -> Any:
        """What the protocol needs for these runs besides the situation (default: nothing)."""
        return None

    def applications(self, s: Situation) -> Applications:
        """Who applies: outsiders free to apply, each with the chance its utility gives.

        An outsider applies with probability ``1 / (1 + exp(-(U - threshold) / noise))``
        (a random-utility choice, McFadden 1974): above the threshold it most likely
        applies, below it most likely not, and the knife edge of a sharp threshold is
        gone.
        """
        runs, states = positions(s.outsider & s.eligible)
        willing = s.uniform_at(Purpose.APPLY, runs, states)
        wants = willing < self.chance(s, s.utility[runs, states], runs)
        return Applications(standard=_mask(s.member.shape, runs[wants], states[wants]))

    @staticmethod
    def chance(s: Situation, utility: np.ndarray, runs: np.ndarray) -> np.ndarray:
        """The probability of applying at a utility of joining ``utility`` (one per run)."""
        v = s.values
        return utility_rules.application_probability(
            utility,
            _per_entry(v.application_threshold, runs),
            _per_entry(v.application_noise, runs),
        )

    def negotiate(self, s: Situation, applications: Applications) -> Negotiation:
        """Members vote on every applicant on the standard terms."""
        runs, applicants = positions(applications.any)
        votes = s.vote(runs, applicants)
        return Negotiation(
            runs=runs,
            applicants=applicants,
            admitted=votes.admitted[:, 0],
            phase_in_quarters=economy.quarters(per_run(s.values.phase_in_years, runs)[:, 0]),
            negotiated=np.zeros(len(runs), dtype=bool),
            votes=votes,
            voted=np.ones(len(runs), dtype=bool),
        )

    def commitments(self, s: Situation) -> np.ndarray | None:
        """Members breaching a commitment this quarter, ``(runs, states)``; None: unchecked."""
        return None

    def exits(self, s: Situation) -> Exits:
        """Members (not founders) whose utility of staying is below the exit threshold."""
        unhappy = s.member & ~s.founder & (s.utility < s.values.exit_threshold)
        return Exits(unhappy)


class ThresholdProtocol(Protocol):
    """Members vote on each applicant as it is, under the admission rule.

    The applicant accepts the standard terms: reach the spending floor within
    ``phase_in_years``.
    """

    name = "threshold"
    description = "members vote on each applicant as it is, on the standard terms"
    parameters = (
        "application_threshold",
        "admission_rule",
        "vote_threshold",
        "veto_propensity",
        "phase_in_years",
    )
    reference = "the accession practice of the EU (TEU art. 49) and NATO (art. 10)"


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


class LandscapeProtocol(Protocol):
    """Outsiders join and members leave by Axelrod and Bennett's switching rule.

    The actors are the European states with Russia and Belarus (pinned to the other
    side); the two sides are the coalition (the members) and everyone else. Sizes are
    the strength the states' own forces field now (the adversary's its strength) and
    propensities come from the data (:mod:`coalition_sim.europe_landscape`). Each
    quarter every outsider free to apply whose frustration would fall on the coalition
    side applies, and the members vote on it under the admission rule; a member (not a
    founder) whose frustration would fall on the other side for ``exit_patience``
    consecutive quarters leaves. Switches are evaluated for all states at once each
    quarter, against the sides at the start of the step (applications) and after the
    admissions (exits). The utility of joining plays no part in who applies or leaves.
    """

    name = "landscape"
    description = (
        "outsiders apply and members leave when that lowers their frustration "
        "(Axelrod-Bennett switching rule); the admission rule still applies"
    )
    parameters = (
        "admission_rule",
        "vote_threshold",
        "veto_propensity",
        "exit_patience",
        "landscape_exposure_weight",
        "landscape_alignment_weight",
        "landscape_border_weight",
        "landscape_eu_weight",
        "landscape_nato_weight",
    )
    reference = (
        "Axelrod and Bennett (1993), A Landscape Theory of Aggregation, "
        "British Journal of Political Science 23(2)"
    )

    @override
    def prepare(self, inputs: RunInputs) -> europe_landscape.Propensities:
        return europe_landscape.propensities(inputs)

    def gains(self, s: Situation) -> np.ndarray:
        """How much each European state's frustration falls if it switches side now.

        ``F_i(now) - F_i(switched) = -sigma_i * sum_j s_j p_ij sigma_j`` with ``sigma`` +1
        on the coalition side and -1 on the other (Axelrod and Bennett 1993).
        """
        return europe_landscape.switch_gains(s.context, s.own_strength, s.member, s)

    @override
    def applications(self, s: Situation) -> Applications:
        gains = self.gains(s)
        wants = s.outsider & s.eligible & (gains > s.context.tolerance)
        return Applications(
            wants,
            note="landscape: its frustration falls by {:.4g} in the coalition",
            note_values=gains,
        )

    @override
    def exits(self, s: Situation) -> Exits:
        gains = self.gains(s)
        unhappy = s.member & ~s.founder & (gains > s.context.tolerance)
        return Exits(unhappy, "landscape: its frustration falls by {:.4g} outside", gains)


PROTOCOLS: Mapping[str, type[Protocol]] = MappingProxyType(
    {
        protocol.name: protocol
        for protocol in (ThresholdProtocol, BargainingProtocol, LandscapeProtocol)
    }
)
"""Every protocol by name; the schema's ``protocol`` choices list the same names."""
