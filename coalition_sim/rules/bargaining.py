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

Pure arithmetic (numpy and the admission rules), no Mesa. The functions take numbers or
arrays over a batch of negotiations (one per applicant and run) and work element by
element.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from coalition_sim.rules import voting

APPLICANT, COALITION = "applicant", "coalition"


@dataclass(frozen=True)
class Agreement:
    """The outcome of negotiations over the phase-in: numbers, or arrays over a batch.

    Attributes:
        agreed: whether the sides agree (the zone of agreement is not empty).
        round: round in which the offer is accepted (1 in equilibrium), 0 without a deal.
        phase_in_years: the agreed phase-in, NaN without a deal.
        applicant_share: share of the zone the applicant wins, NaN without a deal.
        low: the applicant's reservation (shortest phase-in it accepts), years.
        high: the coalition's reservation (longest phase-in it grants), capped, years.
    """

    agreed: Any
    round: Any
    phase_in_years: Any
    applicant_share: Any
    low: Any
    high: Any

    @property
    def proposer(self) -> str:
        """Who makes the accepted offer: the applicant (round 1), "" without a deal."""
        return APPLICANT if bool(self.agreed) else ""

    def at(self, k: int) -> Agreement:
        """The ``k``-th negotiation of a batch, as numbers."""
        return Agreement(
            *(np.asarray(getattr(self, f)).reshape(-1)[k].item() for f in _AGREEMENT_FIELDS)
        )

    def describe(self) -> str:
        """One line for the event log (a single negotiation)."""
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


_AGREEMENT_FIELDS = ("agreed", "round", "phase_in_years", "applicant_share", "low", "high")


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


def applicant_share(rounds, discount_applicant, discount_coalition):
    """The applicant's share of the zone in equilibrium (it proposes first): ``a_1``.

    Numbers or arrays: each distinct (rounds, discounts) triple is solved once by
    :func:`proposer_shares`.
    """
    triples = np.broadcast_arrays(
        np.asarray(rounds), np.asarray(discount_applicant), np.asarray(discount_coalition)
    )
    if triples[0].ndim == 0:
        return float(
            proposer_shares(int(rounds), float(discount_applicant), float(discount_coalition))[0]
        )
    keys = np.stack([t.reshape(-1).astype(float) for t in triples], axis=1)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    solved = np.array([proposer_shares(int(r), a, c)[0] for r, a, c in unique])
    return solved[inverse.reshape(-1)].reshape(triples[0].shape)


def applicant_reservation(utility, cost, threshold, standard_years):
    """Shortest phase-in (years) at which the applicant's utility clears the threshold.

    ``utility`` includes the cost term on the standard terms (``-cost``). Infinite when no
    phase-in is enough (its utility would fall short even at no cost); at most
    ``standard_years`` when the standard terms already suffice.
    """
    without_cost = np.asarray(utility + cost, dtype=float)
    room = without_cost - threshold
    safe = np.where(room > 0, room, 1.0)
    years = np.where(cost <= 0, 0.0, standard_years * cost / safe)
    return np.where(without_cost <= threshold, math.inf, years)[()]


def delay_penalty(years, standard_years, weight):
    """Points of vote score a member subtracts for a phase-in longer than the standard.

    ``weight * (years - standard) / standard``, never negative.
    """
    return weight * np.maximum(0.0, years - standard_years) / standard_years


def coalition_reservation(margin, delay_weight, standard_years):
    """Longest phase-in (years) the pivotal member accepts: ``standard * (1 + m / w)``.

    ``margin`` is the pivotal member's score minus the vote threshold on the standard
    terms. Negative margin: not even the standard terms pass (``-inf``); no delay cost:
    any phase-in passes (``inf``).
    """
    margin = np.asarray(margin, dtype=float)
    weight = np.asarray(delay_weight, dtype=float)
    safe = np.where(weight > 0, weight, 1.0)
    years = np.where(weight <= 0, math.inf, standard_years * (1.0 + margin / safe))
    return np.where(margin < 0, -math.inf, years)[()]


def pivotal_margin(margins, voters, rule_code, population, **thresholds):
    """The coalition's valuation of each applicant under its admission rule.

    The largest ``c`` such that the voters whose margin (score minus vote threshold) is
    at least ``c`` would admit the applicant: lowering every score by less than ``c``
    keeps a winning set of yes votes. Under unanimity it is the smallest margin, under
    majority the median voter's, under qmv the margin of the member who completes the
    double majority. ``-inf`` when no set of voters can admit. Vetoes are not
    anticipated: the deal still goes to a vote.

    Args:
        margins: ``(decisions, states)`` margin of each state (ignored for non-voters).
        voters: ``(decisions, states)`` mask of the voters.
        rule_code: ``(decisions, 1)`` index of each decision's rule in ``voting.RULE_ORDER``.
        population: each state's population (for qmv), broadcastable to ``margins``.
        **thresholds: ``member_share`` and ``population_share`` of qmv.
    """
    margins = np.where(voters, np.asarray(margins, dtype=float), -math.inf)
    voters = np.asarray(voters, dtype=bool)
    order = np.argsort(-margins, axis=-1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(margins.shape[-1])[None, :], axis=-1)
    ranked = np.take_along_axis(margins, order, axis=-1)
    pivot = np.full((*margins.shape[:-1], 1), -math.inf)
    found = np.zeros(pivot.shape, dtype=bool)
    empty = np.zeros_like(voters)
    ballots = voting.Ballots(voters, empty, empty, np.broadcast_to(population, margins.shape))
    for k in range(1, int(voters.sum(axis=-1).max(initial=0)) + 1):
        yes = voters & (rank < k)
        admits = voting.decide(ballots.with_yes(yes), rule_code, **thresholds) & ~found
        pivot = np.where(admits, ranked[..., k - 1 : k], pivot)
        found |= admits
    return pivot


def longest_phase_in(standard_years, max_years):
    """The longest phase-in on the table: the maximum, never shorter than the standard."""
    return np.maximum(standard_years, max_years)


def bargain(
    low,
    high,
    *,
    min_years,
    max_years,
    rounds,
    discount_applicant,
    discount_coalition,
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
    lo, hi = np.maximum(low, min_years), np.minimum(high, max_years)
    agreed = lo <= hi
    share = applicant_share(rounds, discount_applicant, discount_coalition)
    years = np.where(agreed, lo + share * np.where(agreed, hi - lo, 0.0), math.nan)
    return Agreement(
        agreed=agreed[()],
        round=np.where(agreed, 1, 0)[()],
        phase_in_years=years[()],
        applicant_share=np.where(agreed, share, math.nan)[()],
        low=lo[()] if isinstance(lo, np.ndarray) else lo,
        high=hi[()] if isinstance(hi, np.ndarray) else hi,
    )
