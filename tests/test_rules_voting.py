"""Votes, vetoes and the admission rules (coalition_sim.rules.voting) on hand values."""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim.parameters import SCHEMA
from coalition_sim.rules import voting
from coalition_sim.rules.voting import NO, VETO, YES, Ballots

QMV = {"member_share": 0.55, "population_share": 0.65}


def ballot(votes, population=None):
    return Ballots.from_votes(votes, population)


def admits(rule, b, **thresholds):
    """One decision of ``rule`` on ballot ``b`` as a plain bool."""
    (decision,) = rule.admits(b, **{**QMV, **thresholds}).reshape(-1).tolist()
    return decision


def test_registry_matches_the_schema_choices():
    assert tuple(voting.ADMISSION_RULES) == ("unanimity", "qmv", "majority", "core")
    assert SCHEMA["admission_rule"].choices == tuple(voting.ADMISSION_RULES)
    for name, rule in voting.ADMISSION_RULES.items():
        assert rule.name == name
        assert rule.description


def vote_scores(weights, gain, applicant, reliability, voters, proximity, friction=0.0):
    return voting.vote_score(
        voting.applicant_part(weights, gain, reliability),
        voting.pair_part(weights, applicant, voters, proximity, friction),
    )


def test_vote_scores_on_hand_values():
    weights = voting.VoteWeights(
        gain=1.0,
        gain_scale=0.05,
        similarity=0.5,
        unreliability=0.5,
        exposure=0.5,
        threshold=0.5,
    )
    # gain 0.02 / 0.05 = 0.4; voters at alignment 1 and 0 (applicant 1); reliability 0.75.
    scores = vote_scores(weights, 0.02, 1.0, 0.75, np.array([1.0, 0.0]), np.array([1.0, 0.2]))
    # 0.4 + 0.5 * 1 - 0.5 * 0.25 + 0.5 * 1 = 1.275; 0.4 + 0.5 * 0.5 - 0.125 + 0.1 = 0.625
    assert scores == pytest.approx([1.275, 0.625])
    # The gain counts at most one full gain.
    big = vote_scores(weights, 10.0, 1.0, 1.0, np.array([1.0]), np.array([0.0]))
    assert big == pytest.approx([1.5])
    negative = vote_scores(weights, -1.0, 1.0, 1.0, np.array([1.0]), np.array([0.0]))
    assert negative == pytest.approx([0.5])


def test_veto_probability_grows_with_alignment_distance():
    out = voting.veto_probability(0.5, np.array([0.0, 1.0, -1.0]), 1.0)
    assert out == pytest.approx([0.5, 0.0, 1.0])
    assert voting.veto_probability(1.0, np.array([-1.0]), 1.0) == pytest.approx([1.0])  # capped


def test_a_veto_falls_on_applicants_more_aligned_with_ukraine_and_on_disputes():
    # Voter at 0: an applicant at 0.8 leans 0.8 further toward Ukraine; one at -0.5 does
    # not lean at all; a standing friction of 0.2 adds to either.
    voters = np.array([0.0])
    assert voting.veto_probability(0.5, voters, 0.8) == pytest.approx([0.4])
    assert voting.veto_probability(0.5, voters, -0.5) == pytest.approx([0.0])
    assert voting.veto_probability(0.5, voters, 0.8, 0.2) == pytest.approx([0.5])
    assert voting.veto_probability(0.5, voters, -0.5, 0.2) == pytest.approx([0.1])


def test_a_standing_friction_lowers_a_members_score():
    weights = voting.VoteWeights(1.0, 0.05, 0.5, 0.5, 0.5, 0.5, friction=1.0)
    args = (weights, 0.02, 1.0, 0.75, np.array([1.0]), np.array([1.0]))
    assert vote_scores(*args, friction=0.6) == pytest.approx(vote_scores(*args) - 0.6)


def test_ballot_views():
    b = ballot([YES, NO, VETO, YES])
    assert b.yes.tolist() == [[True, False, False, True]]
    assert b.veto.tolist() == [[False, False, True, False]]
    assert (b.n_voters.item(), b.n_yes.item()) == (4, 2)


# ------------------------------------------------------------------ unanimity


@pytest.mark.parametrize(
    ("votes", "admitted"),
    [([YES] * 5, True), ([YES] * 4 + [NO], False), ([YES] * 4 + [VETO], False), ([], False)],
)
def test_unanimity(votes, admitted):
    assert admits(voting.ADMISSION_RULES["unanimity"], ballot(votes)) is admitted


# ------------------------------------------------------------------ qmv at its boundaries


def test_qmv_member_share_exactly_55_percent_passes():
    # 11 of 20 members = 0.55 exactly, equal populations -> population share 0.55 too:
    # use a population clause of 0.55 to isolate the member clause.
    votes = [YES] * 11 + [NO] * 9
    rule = voting.ADMISSION_RULES["qmv"]
    assert admits(rule, ballot(votes), population_share=0.55)
    # 10 of 20 = 0.5 fails.
    votes = [YES] * 10 + [NO] * 10
    assert not admits(rule, ballot(votes), population_share=0.5)


def test_qmv_population_share_exactly_65_percent_passes():
    # 3 of 4 members (0.75) holding 65 of 100 m people: exactly 0.65.
    rule = voting.ADMISSION_RULES["qmv"]
    assert admits(rule, ballot([YES, YES, YES, NO], [30, 20, 15, 35]))
    # 64.9 of 100: just below.
    assert not admits(rule, ballot([YES, YES, YES, NO], [30, 20, 14.9, 35.1]))


def test_qmv_just_below_the_member_share_fails_whatever_the_population():
    # 54 % of members would be impossible with few members: 6 of 11 = 0.545 < 0.55,
    # although the yes voters hold 99 % of the population.
    rule = voting.ADMISSION_RULES["qmv"]
    population = [99] * 6 + [1] * 5
    votes = [YES] * 6 + [NO] * 5
    assert not admits(rule, ballot(votes, population))
    # 7 of 11 = 0.636 passes.
    votes = [YES] * 7 + [NO] * 4
    assert admits(rule, ballot(votes, population))


def test_qmv_counts_a_veto_as_a_no():
    rule = voting.ADMISSION_RULES["qmv"]
    assert admits(rule, ballot([YES, YES, VETO], [10, 10, 1]))
    assert not admits(rule, ballot([YES, VETO, VETO], [10, 10, 1]))
    assert not admits(rule, ballot([]))


def test_qmv_thresholds_are_parameters():
    rule = voting.ADMISSION_RULES["qmv"]
    b = ballot([YES, NO, NO, NO])  # 25 % of members and population
    assert not admits(rule, b)
    assert admits(rule, b, member_share=0.25, population_share=0.25)


# ------------------------------------------------------------------ majority and core


@pytest.mark.parametrize(
    ("votes", "admitted"),
    [
        ([YES, YES, NO], True),
        ([YES, NO], False),  # exactly half is not a majority
        ([YES, YES, NO, NO], False),
        ([YES, YES, YES, NO, VETO], True),
        ([YES, VETO, VETO], False),
        ([], False),
    ],
)
@pytest.mark.parametrize("rule", ["majority", "core"])
def test_simple_majority_and_core(rule, votes, admitted):
    assert admits(voting.ADMISSION_RULES[rule], ballot(votes)) is admitted


def test_core_voters_are_the_founders_others_all_members():
    member = np.array([True, True, True, False])
    founder = np.array([True, False, True, True])
    assert voting.ADMISSION_RULES["core"].voters(member, founder).tolist() == [
        True,
        False,
        True,
        False,
    ]
    for name in ("unanimity", "qmv", "majority"):
        assert voting.ADMISSION_RULES[name].voters(member, founder).tolist() == member.tolist()


def test_a_batch_of_ballots_decides_each_row_as_alone_under_its_own_rule():
    rng = np.random.default_rng(4)
    rows, n = 200, 9
    choices = rng.choice([YES, NO, VETO], size=(rows, n), p=[0.7, 0.2, 0.1])
    voters = rng.random((rows, n)) < 0.8
    population = rng.uniform(1, 80, n)
    rule_code = rng.integers(0, len(voting.RULE_ORDER), size=(rows, 1))
    batch = Ballots(voters, (choices == YES) & voters, (choices == VETO) & voters, population[None])
    decided = voting.decide(batch, rule_code, **QMV)[:, 0]
    for k in range(rows):
        alone = Ballots.from_votes(choices[k, voters[k]], population[voters[k]])
        rule = voting.RULE_ORDER[rule_code[k, 0]]
        assert decided[k] == admits(rule, alone), k
