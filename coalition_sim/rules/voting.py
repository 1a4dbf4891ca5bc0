"""Members' votes on applicants, vetoes by unreliable members, and admission rules.

A batch of decisions is held as :class:`Ballots`: one row per decision (an applicant in
one run), one column per state, with masks of who votes, who votes yes and who vetoes.
Admission rules are small classes with a ``name`` and a ``description`` kept in the
:data:`ADMISSION_RULES` registry (the CLI, the dashboard and the scenario schema list
them); each decides every row of a batch at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, ClassVar, override

import numpy as np

from coalition_sim.rules.sums import count, total

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.parameters import ModelParameters
    from coalition_sim.parameters.kinds import Number

YES, NO, VETO = "yes", "no", "veto"
#: Tolerance of the qmv shares, so that 55 % of 20 members is met by 11 of them.
SHARE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class VoteWeights:
    """Weights of a member's vote score (``vote_*`` parameters of the schema)."""

    gain: Number
    gain_scale: Number
    similarity: Number
    unreliability: Number
    exposure: Number
    threshold: Number
    friction: Number = 0.0

    @classmethod
    def of(cls, values: ModelParameters) -> VoteWeights:
        """The weights of a scenario or of every run of a batch (``vote_*`` parameters)."""
        return cls(
            gain=values.vote_gain_weight,
            gain_scale=values.vote_gain_scale,
            similarity=values.vote_similarity_weight,
            unreliability=values.vote_unreliability_weight,
            exposure=values.vote_exposure_weight,
            threshold=values.vote_threshold,
            friction=values.vote_friction_weight,
        )


def vote_score(applicant, pair):
    """Score of each voting member for an applicant; a member votes yes above the threshold.

    A member weighs what the applicant brings (its gain to parity, capped at one full
    gain) less its unreliability (:func:`applicant_part`), and how close they are and
    what the member itself risks (:func:`pair_part`: the similarity of their alignments
    less any standing friction, and the member's own exposure to Russia). The engine may
    compute the pair part once for a batch that shares it, with the same bits.
    """
    return applicant + pair


def parity_gain(applicant_usable, coalition_usable, adversary_strength, power):
    """What an applicant adds to the coalition's chance of holding off the adversary.

    The chance is a ratio-form contest, ``S / (S + A)`` (as in the utility of joining,
    :func:`coalition_sim.rules.utility.protection_gain`); the gain is that chance with the
    applicant's usable forces added, less without, times ``power``, how much Russia's
    power scales the threat (:func:`coalition_sim.rules.threat.power_factor`): members
    value a new member's forces more against a stronger Russia. Its reliability is
    weighed apart (:func:`applicant_part`): whether it would respond to an attack is not
    a discount of the forces it brings.
    """
    before = coalition_usable + adversary_strength
    after = before + applicant_usable
    chance_before = coalition_usable / np.where(before > 0, before, 1.0)
    chance_after = (coalition_usable + applicant_usable) / np.where(after > 0, after, 1.0)
    return (chance_after - chance_before) * power


def applicant_part(weights: VoteWeights, parity_gain, applicant_reliability):
    """What depends on the applicant alone: its gain to parity, less its unreliability."""
    gain = np.minimum(1.0, np.maximum(0.0, parity_gain / weights.gain_scale))
    return weights.gain * gain - weights.unreliability * (1.0 - applicant_reliability)


def pair_part(
    weights: VoteWeights, applicant_alignment, voter_alignment, voter_proximity, friction
):
    """What depends on the voter and the applicant: similarity, exposure, friction."""
    similarity = 1.0 - np.abs(voter_alignment - applicant_alignment) / 2.0
    return (
        weights.similarity * similarity
        + weights.exposure * voter_proximity
        - weights.friction * friction
    )


def veto_probability(propensity, voter_alignment, applicant_alignment, friction=0.0):
    """Chance that an unreliable member vetoes an applicant: ``p * (max(0, a_i - a_j) + f)``.

    An unreliable member blocks what it opposes: an applicant more aligned with Ukraine
    than itself (``a_i - a_j`` above 0), and one it has a standing dispute with
    (friction ``f``); it has no reason to veto one less aligned than itself. Capped at 1.
    """
    lean = np.maximum(0.0, applicant_alignment - voter_alignment)
    return np.minimum(propensity * (lean + friction), 1.0)


@dataclass(frozen=True, eq=False)
class Ballots:
    """The votes of a batch of decisions, one row each, one column per state.

    Attributes:
        voters: who votes on the row's decision.
        yes: who votes yes (a subset of ``voters``).
        veto: who vetoes (a subset of ``voters``, never in ``yes``).
        population: each state's population (for qmv), broadcastable to the rows.
    """

    voters: np.ndarray
    yes: np.ndarray
    veto: np.ndarray
    population: np.ndarray

    @classmethod
    def from_votes(cls, votes: Sequence[str], population=None) -> Ballots:
        """One decision from a list of ``yes``/``no``/``veto`` votes (one per voter)."""
        ballot = np.asarray(votes, dtype=object).reshape(1, -1)
        n = ballot.shape[1]
        weights = np.ones(n) if population is None else np.asarray(population, dtype=float)
        return cls(
            voters=np.ones((1, n), dtype=bool),
            yes=np.asarray(ballot == YES),
            veto=np.asarray(ballot == VETO),
            population=weights.reshape(1, n),
        )

    @property
    def n_voters(self) -> np.ndarray:
        """Number of voters of each decision, ``(decisions, 1)``."""
        return count(self.voters)

    @property
    def n_yes(self) -> np.ndarray:
        """Number of yes votes of each decision, ``(decisions, 1)``."""
        return count(self.yes)

    def with_yes(self, yes: np.ndarray) -> Ballots:
        """The same voters with other yes votes and no vetoes (for pivotal voters)."""
        return Ballots(self.voters, yes & self.voters, np.zeros_like(yes), self.population)


class AdmissionRule:
    """How members' votes turn into a decision. Subclasses set ``name`` and ``description``."""

    name: ClassVar[str]
    description: ClassVar[str]
    #: Whether one veto blocks the decision; otherwise a veto counts as a no.
    veto_blocks: ClassVar[bool] = False

    def voters(self, member: np.ndarray, founder: np.ndarray) -> np.ndarray:
        """Mask of the states that vote: every member with a say by default."""
        return member

    def admits(self, ballots: Ballots, member_share, population_share) -> np.ndarray:
        """Whether each decision admits its applicant, ``(decisions, 1)`` booleans."""
        raise NotImplementedError  # pragma: no cover


class Unanimity(AdmissionRule):
    """Every member must vote yes; one no or one veto blocks (EU and NATO accession)."""

    name = "unanimity"
    description = "every member votes yes; one no or veto blocks"
    veto_blocks = True

    @override
    def admits(self, ballots: Ballots, member_share, population_share) -> np.ndarray:
        voters = ballots.n_voters
        return (voters > 0) & (ballots.n_yes == voters)


class QualifiedMajority(AdmissionRule):
    """EU double majority (TEU art. 16(4)): 55 % of members holding 65 % of their population."""

    name = "qmv"
    description = "double majority: 55 % of members holding 65 % of the members' population"

    @override
    def admits(self, ballots: Ballots, member_share, population_share) -> np.ndarray:
        voters, yes = ballots.n_voters, ballots.n_yes
        held = total(ballots.population, where=ballots.yes)
        everyone = total(ballots.population, where=ballots.voters)
        share = yes / np.where(voters > 0, voters, 1)
        population = held / np.where(everyone > 0, everyone, 1.0)
        return (
            (yes > 0)
            & (share >= member_share - SHARE_TOLERANCE)
            & (population >= population_share - SHARE_TOLERANCE)
        )


class SimpleMajority(AdmissionRule):
    """More than half of the members vote yes."""

    name = "majority"
    description = "more than half of the members vote yes"

    @override
    def admits(self, ballots: Ballots, member_share, population_share) -> np.ndarray:
        voters = ballots.n_voters
        return (voters > 0) & (2 * ballots.n_yes > voters)


class CoreDecides(SimpleMajority):
    """The founders alone vote, by simple majority; later members have no say."""

    name = "core"
    description = "the founders still in the coalition decide by simple majority"

    @override
    def voters(self, member: np.ndarray, founder: np.ndarray) -> np.ndarray:
        return member & founder


ADMISSION_RULES = MappingProxyType(
    {rule.name: rule() for rule in (Unanimity, QualifiedMajority, SimpleMajority, CoreDecides)}
)
#: The rules in registry order; a run's rule is stored as its index in this tuple.
RULE_ORDER: tuple[AdmissionRule, ...] = tuple(ADMISSION_RULES.values())


def voters(rule_code, member: np.ndarray, founder: np.ndarray) -> np.ndarray:
    """Who votes in each run, under its own admission rule.

    ``rule_code`` indexes :data:`RULE_ORDER` (a number or a ``(runs, 1)`` column);
    ``member`` holds the members with a say (those without armed forces abstain).
    """
    codes = np.unique(rule_code)
    if codes.size == 1:
        return RULE_ORDER[int(codes[0])].voters(member, founder)
    out = np.zeros(member.shape, dtype=bool)
    for code in codes:
        out |= (rule_code == code) & RULE_ORDER[int(code)].voters(member, founder)
    return out


def veto_blocks(rule_code) -> np.ndarray:
    """Whether a veto blocks under each decision's rule (``rule_code`` as :func:`decide`)."""
    blocks = np.array([rule.veto_blocks for rule in RULE_ORDER])
    return blocks[np.asarray(rule_code)]


def decide(ballots: Ballots, rule_code: np.ndarray, member_share, population_share) -> np.ndarray:
    """Apply each decision's own admission rule (``rule_code`` indexes :data:`RULE_ORDER`)."""
    admitted = np.zeros((*ballots.yes.shape[:-1], 1), dtype=bool)
    for code in np.unique(rule_code):
        rows = rule_code == code
        admitted |= rows & RULE_ORDER[int(code)].admits(ballots, member_share, population_share)
    return admitted
