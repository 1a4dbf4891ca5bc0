"""What a protocol reads, and the decisions it returns.

A protocol never changes the model. At each of its points in the step it gets a
:class:`Situation` (a frozen view of the batch: members, founders, who may apply, the
utility and its terms by name, capabilities, parameters, traits) and returns a decision
as arrays over runs: who applies (:class:`Applications`), who is admitted and on what
terms (:class:`Negotiation`), which commitments are breached (a mask), who is unhappy
enough to count toward leaving (:class:`Exits`). The engine applies decisions and keeps
eligibility, patience, labels and counters.

Votes are the one service a situation offers: :meth:`Situation.vote` holds the ballots
of a set of applicants under each run's admission rule and returns them, changing
nothing; the random vetoes it draws are a pure function of the run, step, applicant and
voter, so a protocol may hold a vote or not without shifting any other draw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from coalition_sim import streams
from coalition_sim.datasets import StateData
from coalition_sim.parameters import ModelParameters
from coalition_sim.rules import voting
from coalition_sim.rules.traits import Traits
from coalition_sim.rules.utility import Terms


def shared_pair_table(values: ModelParameters, traits: Traits, data: StateData):
    """The pair part of the vote score as a ``[applicant, voter]`` table, or None.

    Only when every run of a batch has the same vote weights, alignments and proximities
    (a single run, or a sweep that varies other things); the table holds exactly the
    numbers :func:`voting.pair_part` gives each pair.
    """
    weights = voting.VoteWeights.of(values)
    if any(isinstance(w, np.ndarray) for w in (weights.similarity, weights.exposure,
                                               weights.friction)):  # fmt: skip
        return None
    if traits.alignment.shape[0] != 1 or traits.proximity.shape[0] != 1:
        return None
    alignment = traits.alignment[0]
    return voting.pair_part(
        weights, alignment[:, None], alignment[None, :], traits.proximity[0][None, :], data.friction
    )


def positions(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, columns)`` of the True elements of a 2-D mask, in row-major order.

    As ``np.nonzero``, which is several times slower on ``(runs, states)`` masks.
    """
    flat = np.flatnonzero(mask)
    return np.divmod(flat, mask.shape[1])


def per_run(array: Any, runs: np.ndarray) -> np.ndarray:
    """The rows ``runs`` of a per-run value, as an array (a shared value is repeated)."""
    if not isinstance(array, np.ndarray):
        return np.full((len(runs), 1), array)
    return array[runs] if array.shape[0] > 1 else np.repeat(array, len(runs), axis=0)


def rows(array: Any, runs: np.ndarray) -> Any:
    """The rows ``runs`` of a per-run value, or the shared value itself (to broadcast)."""
    if not isinstance(array, np.ndarray) or array.shape[0] == 1:
        return array
    return array[runs]


def at(array: np.ndarray, runs: np.ndarray, states: np.ndarray) -> np.ndarray:
    """Elements ``(runs[k], states[k])`` of a per-run, per-state array, as a column."""
    rows = runs if array.shape[0] > 1 else np.zeros_like(runs)
    return array[rows, states].reshape(-1, 1)


@dataclass(frozen=True, eq=False)
class Votes:
    """The ballots on a set of applicants, one row per applicant and run.

    Attributes:
        runs: the run of each ballot.
        applicants: the applicant of each ballot (state index).
        ballots: who voted, who voted yes, who vetoed.
        admitted: whether the admission rule admits, ``(ballots, 1)``.
        rule: the run's admission rule (index into ``voting.RULE_ORDER``), ``(ballots, 1)``.
    """

    runs: np.ndarray
    applicants: np.ndarray
    ballots: voting.Ballots
    admitted: np.ndarray
    rule: np.ndarray

    @property
    def blocking(self) -> np.ndarray:
        """Whether a veto blocked the decision: rejected under a rule where one veto blocks."""
        return ~self.admitted & voting.veto_blocks(self.rule)


@dataclass(frozen=True, eq=False)
class Situation:
    """A frozen view of a batch at one point of a step (see the module docstring).

    Arrays are ``(runs, states)`` or ``(runs, 1)``; those shared by every run of the
    batch are single rows. ``voters`` is the mask of members who vote on this step's
    applicants (the members at the start of the negotiation, filtered by each run's
    admission rule); ``committed`` the committed spending path this quarter (set at the
    commitments check). ``context`` is what the protocol prepared for these runs.
    """

    step: int
    data: StateData
    values: ModelParameters
    traits: Traits
    keys: np.ndarray
    rule: np.ndarray
    member: np.ndarray
    eligible: np.ndarray
    utility: np.ndarray
    terms: Terms
    own_strength: np.ndarray  # what each state's forces add to the coalition's usable strength
    pct: np.ndarray
    adversary_strength: np.ndarray
    negotiated: np.ndarray
    voters: np.ndarray | None = None
    committed: np.ndarray | None = None
    context: Any = None
    vote_pairs: np.ndarray | None = None  # the batch's pair table, when it has one
    coalition_strength: np.ndarray | None = None  # the members' usable strength, (runs, 1)
    power: np.ndarray | None = None  # how Russia's power scales the threat, (runs, 1)

    @property
    def founder(self) -> np.ndarray:
        """Founding members (they never leave)."""
        return self.traits.founder

    @property
    def outsider(self) -> np.ndarray:
        """States outside the coalition."""
        return ~self.member

    def uniform(self, purpose: streams.Purpose) -> np.ndarray:
        """One uniform draw per run and state for ``purpose`` this step, ``(runs, states)``.

        A pure function of each run's key, the step, the purpose and the state: the same
        in any batch, and drawn or not without shifting any other draw.
        """
        return streams.uniform(self.keys, self.step, purpose, np.arange(len(self.data)))

    def uniform_at(self, purpose: streams.Purpose, runs: np.ndarray, states: np.ndarray):
        """The draws of :meth:`uniform` at ``(runs[k], states[k])`` only: the same numbers."""
        return streams.uniform(self.keys[runs, 0], self.step, purpose, states)

    def weights(self) -> voting.VoteWeights:
        """The members' vote weights (``vote_*`` parameters) of every run."""
        return voting.VoteWeights.of(self.values)

    def scores(self, runs: np.ndarray, applicants: np.ndarray) -> np.ndarray:
        """Every state's vote score for each (run, applicant) pair, before any veto.

        ``(pairs, states)``; only the voters' scores count. When every run of the batch
        shares the pair part of the score (:func:`shared_pair_table`), it is gathered
        from the batch's table by applicant: the same numbers, far less work.
        """
        tr = self.traits
        reliability = at(tr.reliability, runs, applicants)
        parity_gain = voting.parity_gain(
            at(self.own_strength, runs, applicants),
            per_run(self.coalition_strength, runs),
            per_run(self.adversary_strength, runs),
            per_run(self.power, runs),
        )
        weights = voting.VoteWeights(
            *(
                rows(getattr(self.weights(), f), runs)
                for f in voting.VoteWeights.__dataclass_fields__
            )
        )
        applicant = voting.applicant_part(weights, parity_gain, reliability)
        if self.vote_pairs is not None:
            return voting.vote_score(applicant, self.vote_pairs[applicants])
        return voting.vote_score(
            applicant,
            voting.pair_part(
                weights,
                at(tr.alignment, runs, applicants),
                rows(tr.alignment, runs),
                rows(tr.proximity, runs),
                self.data.friction[applicants],
            ),
        )

    def _unreliable_voters(self, voters: np.ndarray, runs: np.ndarray):
        """``(ballot, state)`` of every unreliable voter (the only ones who may veto)."""
        unreliable = self.traits.unreliable
        if unreliable.shape[0] == 1:  # one unreliable set for the batch: look at its columns
            columns = np.flatnonzero(unreliable[0])
            pair, k = positions(voters[:, columns])
            return pair, columns[k]
        return positions(voters & unreliable[runs])

    def vote(
        self, runs: np.ndarray, applicants: np.ndarray, penalty: np.ndarray | None = None
    ) -> Votes:
        """Hold the ballots on each (run, applicant) pair under the run's admission rule.

        A member votes yes when its score, less ``penalty`` (points taken off for
        negotiated terms, ``(pairs, 1)``), is above the vote threshold. An unreliable
        voter may veto, with a probability that grows with its distance in alignment from
        the applicant; under unanimity a veto blocks, under other rules it counts as a no.
        """
        runs = np.asarray(runs, dtype=np.int64)
        applicants = np.asarray(applicants, dtype=np.int64)
        v, tr = self.values, self.traits
        scores = self.scores(runs, applicants)
        if penalty is not None:
            scores = scores - penalty
        voters = per_run(self.voters, runs)
        yes = voters & (scores > rows(v.vote_threshold, runs))
        veto = np.zeros_like(yes)
        pair, voter = self._unreliable_voters(voters, runs)
        if pair.size:
            alignment = tr.alignment
            row = runs[pair] if alignment.shape[0] > 1 else 0
            chance = voting.veto_probability(
                per_run(v.veto_propensity, runs[pair])[:, 0],
                alignment[row, voter],
                alignment[row, applicants[pair]],
                self.data.friction[voter, applicants[pair]],
            )
            index = streams.pair_index(applicants[pair], voter)
            draws = streams.uniform(
                self.keys[runs[pair], 0], self.step, streams.Purpose.VETO, index
            )
            vetoing = draws < chance
            veto[pair[vetoing], voter[vetoing]] = True
        ballots = voting.Ballots(
            voters=voters,
            yes=yes & ~veto,
            veto=veto,
            population=self.data.population[None, :],
        )
        rule = per_run(self.rule, runs)
        admitted = voting.decide(
            ballots,
            rule,
            rows(v.qmv_member_share, runs),
            rows(v.qmv_population_share, runs),
        )
        return Votes(runs, applicants, ballots, admitted, rule)


@dataclass(frozen=True, eq=False)
class Applications:
    """Who applies this step: ``(runs, states)`` masks.

    ``standard`` applicants take the standard terms; ``conditional`` ones (bargaining)
    apply only if the terms can be negotiated. ``note`` is the detail of a standard
    application in the event log, a format string for ``note_values`` when given.
    """

    standard: np.ndarray
    conditional: np.ndarray | None = None
    note: str = ""
    note_values: np.ndarray | None = None
    conditional_note: str = ""

    @property
    def any(self) -> np.ndarray:
        """Every applicant, standard or conditional."""
        return self.standard if self.conditional is None else self.standard | self.conditional


@dataclass(frozen=True, eq=False)
class Bargains:
    """The negotiations held this step: which pairs of :class:`Negotiation`, and their deals."""

    pairs: np.ndarray  # rows of the negotiation's pairs that bargained
    agreement: Any  # coalition_sim.rules.bargaining.Agreement over those pairs


@dataclass(frozen=True, eq=False)
class Negotiation:
    """Who is admitted, on what terms, over this step's applicant pairs.

    Attributes:
        runs: the run of each pair.
        applicants: the applicant of each pair.
        admitted: whether it is admitted, ``(pairs,)``.
        phase_in_quarters: quarters it has to reach the spending floor, ``(pairs,)``.
        negotiated: whether the terms were negotiated (a binding commitment path).
        votes: the ballots held, over the pairs where ``voted`` holds.
        voted: which pairs went to a vote, ``(pairs,)``.
        bargains: the negotiations, when any.
    """

    runs: np.ndarray
    applicants: np.ndarray
    admitted: np.ndarray
    phase_in_quarters: np.ndarray
    negotiated: np.ndarray
    votes: Votes | None
    voted: np.ndarray
    bargains: Bargains | None = None


@dataclass(frozen=True, eq=False)
class Exits:
    """Members unhappy this quarter (``(runs, states)``); patience decides who leaves.

    ``note`` is the detail of an exit in the event log, a format string for
    ``note_values`` when given.
    """

    unhappy: np.ndarray
    note: str = ""
    note_values: np.ndarray | None = None
