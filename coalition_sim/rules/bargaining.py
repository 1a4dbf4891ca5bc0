"""Bargaining over the phase-in of the spending floor: alternating offers, solved exactly.

An applicant whose utility of joining falls short of the application threshold only
because of the spending floor (it would clear the threshold if its cost term were
smaller) negotiates with the coalition over the *phase-in*: the years it gets to reach
the floor. A longer phase-in spreads the same gap over more years, so the applicant's
cost term shrinks as ``cost * standard / years``; the members, for their part, value a
new member less the longer it takes to pull its weight.

The two reservation values bound the zone of agreement ``[lo, hi]`` (in years):

- the applicant accepts any phase-in of at least ``lo``, the shortest at which its
  utility clears the threshold: ``lo = standard * cost / (utility + cost - threshold)``;
- the coalition grants any phase-in of at most ``hi``, the longest at which its pivotal
  member (the member whose vote decides under the admission rule) still votes yes:
  ``hi = standard * (1 + margin / delay_weight)``, where ``margin`` is that member's vote
  score minus the vote threshold on the standard terms, and each standard phase-in of
  extra delay costs ``delay_weight`` points of score; ``hi`` is capped at the longest
  phase-in on the table.

Within the zone the two sides alternate offers (Stahl 1972; Rubinstein 1982,
"Perfect Equilibrium in a Bargaining Model", Econometrica 50(1)): the applicant proposes
in round 1, the coalition in round 2, and so on for at most ``rounds`` rounds; a side's
payoff is the share of the zone it wins (the applicant's share is
``(years - lo) / (hi - lo)``), discounted by its own factor for each round of delay;
after the last round there is no deal (both get 0). By backward induction the proposer of
round ``t`` keeps

    a_T = 1,    a_t = 1 - delta_R(t) * a_{t+1}

where ``delta_R(t)`` is the discount factor of the side responding in round ``t`` (the
proposer of round ``t + 1``): the responder accepts exactly what it would get by waiting.
The subgame-perfect equilibrium agrees in round 1 on the applicant's share ``a_1``; with
unbounded rounds ``a_1`` tends to Rubinstein's ``(1 - delta_C) / (1 - delta_A * delta_C)``.
With two rounds, for instance, the applicant offers the coalition ``delta_C`` of the zone
and keeps ``1 - delta_C``.

Pure arithmetic (numpy and the admission rules), no Mesa.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coalition_sim.rules import voting

APPLICANT, COALITION = "applicant", "coalition"


@dataclass(frozen=True)
class Agreement:
    """The outcome of one negotiation over the phase-in.

    Attributes:
        agreed: whether the sides agree (the zone of agreement is not empty).
        round: round in which the offer is accepted (1 in equilibrium), 0 without a deal.
        phase_in_years: the agreed phase-in, NaN without a deal.
        applicant_share: share of the zone the applicant wins, NaN without a deal.
        low: the applicant's reservation (shortest phase-in it accepts), years.
        high: the coalition's reservation (longest phase-in it grants), capped, years.
        proposer: who makes the accepted offer, "" without a deal.
    """

    agreed: bool
    round: int
    phase_in_years: float
    applicant_share: float
    low: float
    high: float
    proposer: str

    def describe(self) -> str:
        """One line for the event log."""
        if not self.agreed:
            if not math.isfinite(self.high):
                grants = "the members reject it even on the standard terms"
            else:
                grants = f"the coalition grants at most {self.high:.2f}"
            return f"no zone of agreement: the applicant needs {self.low:.2f} years, {grants}"
        return (
            f"agreed in round {self.round} on the {self.proposer}'s offer: "
            f"{self.phase_in_years:.2f} years (zone {self.low:.2f}-{self.high:.2f}, "
            f"applicant's share {self.applicant_share:.3f})"
        )


def proposer(round_number: int) -> str:
    """Who proposes in a round: the applicant in odd rounds, the coalition in even ones."""
    return APPLICANT if round_number % 2 == 1 else COALITION


def proposer_shares(rounds: int, discount_applicant: float, discount_coalition: float):
    """Share of the zone that the proposer of each round keeps, by backward induction.

    Entry ``t - 1`` is ``a_t``, the share the proposer of round ``t`` would keep if the
    game reached round ``t``: ``a_T = 1`` and ``a_t = 1 - delta_R * a_{t+1}``.

    Args:
        rounds: the largest number of rounds (at least 1).
        discount_applicant: the applicant's discount factor per round, in [0, 1].
        discount_coalition: the coalition's discount factor per round, in [0, 1].

    Returns:
        A float array of length ``rounds``.
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1")
    for name, delta in (("applicant", discount_applicant), ("coalition", discount_coalition)):
        if not 0.0 <= delta <= 1.0:
            raise ValueError(f"the {name}'s discount factor must be in [0, 1], got {delta}")
    shares = np.empty(rounds)
    shares[-1] = 1.0
    for t in range(rounds - 1, 0, -1):  # round t (1-based) from round t + 1
        responder = discount_coalition if proposer(t) == APPLICANT else discount_applicant
        shares[t - 1] = 1.0 - responder * shares[t]
    return shares


def applicant_share(rounds: int, discount_applicant: float, discount_coalition: float) -> float:
    """The applicant's share of the zone in equilibrium (it proposes first): ``a_1``."""
    return float(proposer_shares(rounds, discount_applicant, discount_coalition)[0])


def rubinstein_share(discount_proposer: float, discount_responder: float) -> float:
    """The first proposer's share with unbounded rounds: ``(1 - d_R) / (1 - d_P d_R)``.

    Rubinstein (1982); undefined (NaN) when both sides are perfectly patient.
    """
    denominator = 1.0 - discount_proposer * discount_responder
    return (1.0 - discount_responder) / denominator if denominator > 0 else math.nan


def phase_in_cost(cost: float, years: float, standard_years: float) -> float:
    """The applicant's cost term under a phase-in: ``cost * standard / years``.

    ``cost`` is the (positive) weight of the burden term on the standard terms: the same
    gap to the floor spread over more years weighs less each year.
    """
    return cost * standard_years / years


def applicant_reservation(
    utility: float, cost: float, threshold: float, standard_years: float
) -> float:
    """Shortest phase-in (years) at which the applicant's utility clears the threshold.

    ``utility`` includes the cost term on the standard terms (``-cost``). Infinite when no
    phase-in is enough (its utility would fall short even at no cost); at most
    ``standard_years`` when the standard terms already suffice.
    """
    without_cost = utility + cost
    if without_cost <= threshold:
        return math.inf
    if cost <= 0:
        return 0.0
    return standard_years * cost / (without_cost - threshold)


def delay_penalty(years: float, standard_years: float, weight: float) -> float:
    """Points of vote score a member subtracts for a phase-in longer than the standard.

    ``weight * (years - standard) / standard``, never negative.
    """
    return weight * max(0.0, years - standard_years) / standard_years


def coalition_reservation(margin: float, delay_weight: float, standard_years: float) -> float:
    """Longest phase-in (years) the pivotal member accepts: ``standard * (1 + m / w)``.

    ``margin`` is the pivotal member's score minus the vote threshold on the standard
    terms. Negative margin: not even the standard terms pass (``-inf``); no delay cost:
    any phase-in passes (``inf``).
    """
    if margin < 0:
        return -math.inf
    if delay_weight <= 0:
        return math.inf
    return standard_years * (1.0 + margin / delay_weight)


def pivotal_margin(
    margins: Sequence[float] | np.ndarray,
    rule: voting.AdmissionRule,
    population: np.ndarray,
    founder: np.ndarray,
    **thresholds: float,
) -> float:
    """The coalition's valuation of an applicant under the admission rule.

    The largest ``c`` such that the members whose margin (score minus vote threshold) is
    at least ``c`` would admit the applicant under ``rule``: lowering every score by less
    than ``c`` keeps a winning set of yes votes. Under unanimity it is the smallest
    margin, under majority the median voter's, under qmv the margin of the member who
    completes the double majority. ``-inf`` when no set of voters can admit. Vetoes are
    not anticipated: the deal still goes to a vote.

    Args:
        margins: margin of each voter.
        rule: the admission rule (its ``admits`` decides which sets win).
        population: population of each voter (for qmv).
        founder: whether each voter is a founder.
        **thresholds: ``qmv_member_share`` and ``qmv_population_share``.
    """
    margins = np.asarray(margins, dtype=float)
    if margins.size == 0:
        return -math.inf
    order = np.argsort(-margins, kind="stable")
    voters = tuple(str(k) for k in range(margins.size))
    for count in range(1, margins.size + 1):
        yes = np.zeros(margins.size, dtype=bool)
        yes[order[:count]] = True
        votes = tuple(voting.YES if y else voting.NO for y in yes)
        ballot = voting.Ballot(voters, votes, np.asarray(population), np.asarray(founder))
        if rule.admits(ballot, **thresholds):
            return float(margins[order[count - 1]])
    return -math.inf


def bargain(
    low: float,
    high: float,
    *,
    min_years: float,
    max_years: float,
    rounds: int,
    discount_applicant: float,
    discount_coalition: float,
) -> Agreement:
    """Negotiate the phase-in between the applicant's and the coalition's reservations.

    The zone is ``[max(low, min_years), min(high, max_years)]``; an empty zone means no
    deal. Otherwise the applicant proposes first and the equilibrium agrees in round 1 on
    ``lo + a_1 * (hi - lo)`` years (see the module docstring).

    Args:
        low: the applicant's reservation (:func:`applicant_reservation`).
        high: the coalition's reservation (:func:`coalition_reservation`).
        min_years: the shortest phase-in on the table (the standard terms).
        max_years: the longest phase-in on the table.
        rounds: the largest number of rounds.
        discount_applicant: the applicant's discount factor per round.
        discount_coalition: the coalition's discount factor per round.
    """
    lo, hi = max(low, min_years), min(high, max_years)
    if not lo <= hi:
        return Agreement(False, 0, math.nan, math.nan, lo, hi, "")
    share = applicant_share(rounds, discount_applicant, discount_coalition)
    years = lo + share * (hi - lo)
    return Agreement(True, 1, years, share, lo, hi, APPLICANT)
