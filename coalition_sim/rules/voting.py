"""Members' votes on an applicant, vetoes by unreliable members, and admission rules.

Admission rules are small classes with a ``name`` and a ``description`` kept in the
:data:`ADMISSION_RULES` registry, so the CLI and the dashboard can list them and the
scenario schema can check a rule's name against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import MappingProxyType
from typing import ClassVar, override

import numpy as np

YES, NO, VETO = "yes", "no", "veto"


@dataclass(frozen=True)
class VoteWeights:
    """Weights of a member's vote score (``vote_*`` parameters of the schema)."""

    gain: float
    gain_scale: float
    similarity: float
    unreliability: float
    exposure: float
    threshold: float


def vote_scores(
    weights: VoteWeights,
    parity_gain: float,
    applicant_alignment: float,
    applicant_reliability: float,
    voter_alignment: np.ndarray,
    voter_proximity: np.ndarray,
) -> np.ndarray:
    """Score of each voting member for one applicant; a member votes yes above the threshold.

    A member weighs the applicant's gain to parity (capped at one full gain), how
    similar their alignments are, the applicant's unreliability, and its own exposure
    to Russia (an exposed member wants allies).
    """
    gain = min(1.0, max(0.0, parity_gain / weights.gain_scale))
    similarity = 1.0 - np.abs(voter_alignment - applicant_alignment) / 2.0
    return (
        weights.gain * gain
        + weights.similarity * similarity
        - weights.unreliability * (1.0 - applicant_reliability)
        + weights.exposure * voter_proximity
    )


def veto_probability(propensity: float, voter_alignment: np.ndarray, applicant_alignment: float):
    """Chance that an unreliable member vetoes: grows with their distance in alignment.

    ``propensity * |a_j - a_i|``, capped at 1: Hungary (alignment 0) vetoes a fully
    Ukraine-aligned applicant with probability ``propensity``.
    """
    return np.minimum(propensity * np.abs(voter_alignment - applicant_alignment), 1.0)


@dataclass(frozen=True)
class Ballot:
    """The votes of one decision: who voted, how, and what they hold."""

    voters: tuple[str, ...]
    votes: tuple[str, ...]
    population: np.ndarray
    founder: np.ndarray

    @cached_property
    def yes(self) -> np.ndarray:
        """Boolean mask of yes votes."""
        return np.array([v == YES for v in self.votes], dtype=bool)

    @cached_property
    def vetoes(self) -> tuple[str, ...]:
        """Voters who vetoed."""
        return tuple(c for c, v in zip(self.voters, self.votes, strict=True) if v == VETO)


class AdmissionRule:
    """How members' votes turn into a decision. Subclasses set ``name`` and ``description``."""

    name: ClassVar[str]
    description: ClassVar[str]

    def voters(self, founder: np.ndarray) -> np.ndarray:
        """Mask over the current members of those who vote (all by default)."""
        return np.ones(len(founder), dtype=bool)

    def admits(self, ballot: Ballot, **thresholds: float) -> bool:  # pragma: no cover
        """Whether the applicant is admitted."""
        raise NotImplementedError


class Unanimity(AdmissionRule):
    """Every member must vote yes; one no or one veto blocks (EU and NATO accession)."""

    name = "unanimity"
    description = "every member votes yes; one no or veto blocks"

    @override
    def admits(self, ballot: Ballot, **thresholds: float) -> bool:
        return bool(ballot.votes) and all(v == YES for v in ballot.votes)


class QualifiedMajority(AdmissionRule):
    """EU double majority (TEU art. 16(4)): 55 % of members holding 65 % of their population."""

    name = "qmv"
    description = "double majority: 55 % of members holding 65 % of the members' population"

    @override
    def admits(self, ballot: Ballot, **thresholds: float) -> bool:
        yes = ballot.yes
        if not yes.size:
            return False
        member_share = yes.mean()
        population_share = ballot.population[yes].sum() / ballot.population.sum()
        return bool(
            member_share >= thresholds["qmv_member_share"] - 1e-12
            and population_share >= thresholds["qmv_population_share"] - 1e-12
        )


class SimpleMajority(AdmissionRule):
    """More than half of the members vote yes."""

    name = "majority"
    description = "more than half of the members vote yes"

    @override
    def admits(self, ballot: Ballot, **thresholds: float) -> bool:
        yes = ballot.yes
        return bool(yes.size) and bool(yes.sum() * 2 > yes.size)


class CoreDecides(AdmissionRule):
    """The founders alone vote, by simple majority; later members have no say."""

    name = "core"
    description = "the founders still in the coalition decide by simple majority"

    @override
    def voters(self, founder: np.ndarray) -> np.ndarray:
        return np.asarray(founder, dtype=bool)

    @override
    def admits(self, ballot: Ballot, **thresholds: float) -> bool:
        yes = ballot.yes
        return bool(yes.size) and bool(yes.sum() * 2 > yes.size)


ADMISSION_RULES = MappingProxyType(
    {rule.name: rule() for rule in (Unanimity, QualifiedMajority, SimpleMajority, CoreDecides)}
)
