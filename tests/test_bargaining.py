"""Alternating offers over the phase-in: cases computed by hand, and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coalition_sim.rules import bargaining, voting

# --------------------------------------------------------------- backward induction


def rubinstein_share(discount_proposer: float, discount_responder: float) -> float:
    """The first proposer's share with unbounded rounds (Rubinstein 1982): the limit."""
    denominator = 1.0 - discount_proposer * discount_responder
    return (1.0 - discount_responder) / denominator if denominator > 0 else math.nan


def phase_in_cost(cost, years, standard_years):
    """The applicant's cost term under a phase-in: the same gap spread over more years."""
    return cost * standard_years / years


def test_one_round_the_applicant_takes_the_whole_zone():
    assert bargaining.proposer_shares(1, 0.5, 0.5).tolist() == [1.0]
    deal = bargaining.bargain(
        6.0,
        10.0,
        min_years=5,
        max_years=12,
        rounds=1,
        discount_applicant=0.5,
        discount_coalition=0.5,
    )
    assert deal.agreed and deal.round == 1 and deal.proposer == "applicant"
    assert deal.phase_in_years == pytest.approx(10.0)


def test_two_rounds_by_hand():
    # Round 2: the coalition proposes and keeps everything (a_2 = 1).
    # Round 1: the applicant offers the coalition what waiting is worth to it,
    # delta_C * 1 = 0.9, and keeps a_1 = 0.1 of the zone [6, 10]: 6.4 years.
    shares = bargaining.proposer_shares(2, 0.8, 0.9)
    assert shares == pytest.approx([0.1, 1.0])
    deal = bargaining.bargain(
        6.0,
        10.0,
        min_years=5,
        max_years=12,
        rounds=2,
        discount_applicant=0.8,
        discount_coalition=0.9,
    )
    assert deal.round == 1
    assert deal.applicant_share == pytest.approx(0.1)
    assert deal.phase_in_years == pytest.approx(6.4)


def test_three_and_four_rounds_by_hand():
    # T = 3: a_3 = 1 (applicant), a_2 = 1 - 0.8 * 1 = 0.2 (coalition proposes, the
    # applicant responds), a_1 = 1 - 0.9 * 0.2 = 0.82.
    assert bargaining.proposer_shares(3, 0.8, 0.9) == pytest.approx([0.82, 0.2, 1.0])
    # T = 4: a_4 = 1 (coalition), a_3 = 1 - 0.9 = 0.1, a_2 = 1 - 0.8 * 0.1 = 0.92,
    # a_1 = 1 - 0.9 * 0.92 = 0.172.
    assert bargaining.proposer_shares(4, 0.8, 0.9) == pytest.approx([0.172, 0.92, 0.1, 1.0])
    deal = bargaining.bargain(
        5.0,
        10.0,
        min_years=5,
        max_years=10,
        rounds=4,
        discount_applicant=0.8,
        discount_coalition=0.9,
    )
    assert deal.phase_in_years == pytest.approx(5.0 + 0.172 * 5.0)


def test_many_rounds_converge_to_rubinstein():
    limit = rubinstein_share(0.8, 0.9)
    assert limit == pytest.approx(0.1 / 0.28)
    assert bargaining.applicant_share(201, 0.8, 0.9) == pytest.approx(limit, abs=1e-9)
    assert bargaining.applicant_share(200, 0.8, 0.9) == pytest.approx(limit, abs=1e-9)
    assert math.isnan(rubinstein_share(1.0, 1.0))


def test_impatient_responder_gets_nothing_patient_one_gets_everything():
    # delta_C = 0: the coalition values any later deal at nothing, so it accepts nothing.
    assert bargaining.applicant_share(5, 0.9, 0.0) == pytest.approx(1.0)
    # delta = 1 on both sides: the last proposer's advantage carries all the way back.
    assert bargaining.applicant_share(4, 1.0, 1.0) == pytest.approx(0.0)
    assert bargaining.applicant_share(5, 1.0, 1.0) == pytest.approx(1.0)


def test_invalid_inputs():
    with pytest.raises(ValueError, match="rounds"):
        bargaining.proposer_shares(0, 0.5, 0.5)
    with pytest.raises(ValueError, match="coalition"):
        bargaining.proposer_shares(2, 0.5, 1.5)


@given(
    rounds=st.integers(1, 30),
    da=st.floats(0.0, 1.0),
    dc=st.floats(0.0, 1.0),
)
def test_equilibrium_offers_leave_the_responder_indifferent(rounds, da, dc):
    shares = bargaining.proposer_shares(rounds, da, dc)
    assert ((shares >= -1e-12) & (shares <= 1 + 1e-12)).all()
    for t in range(1, rounds):  # 1-based round t, responder proposes in t + 1
        delta = dc if bargaining.proposer(t) == "applicant" else da
        assert 1.0 - shares[t - 1] == pytest.approx(delta * shares[t])


@given(rounds=st.integers(2, 20), da=st.floats(0.05, 0.95), dc=st.floats(0.05, 0.94))
def test_a_more_patient_coalition_wins_more(rounds, da, dc):
    assert (
        bargaining.applicant_share(rounds, da, dc + 0.05)
        <= bargaining.applicant_share(rounds, da, dc) + 1e-12
    )


# --------------------------------------------------------------- reservations


def test_applicant_reservation_by_hand():
    # utility 0.1 with a cost term of 0.3 (so 0.4 without it), threshold 0.2, standard
    # five years: 0.4 - 0.3 * 5 / y >= 0.2  <=>  y >= 7.5.
    low = bargaining.applicant_reservation(0.1, 0.3, 0.2, 5.0)
    assert low == pytest.approx(7.5)
    assert 0.4 - phase_in_cost(0.3, low, 5.0) == pytest.approx(0.2)
    assert bargaining.applicant_reservation(-0.2, 0.3, 0.2, 5.0) == math.inf
    assert bargaining.applicant_reservation(0.5, 0.3, 0.2, 5.0) < 5.0
    assert bargaining.applicant_reservation(0.3, 0.0, 0.2, 5.0) == 0.0


def test_coalition_reservation_by_hand():
    # margin 0.25, 0.5 points per standard phase-in of delay: 5 * (1 + 0.5) = 7.5 years.
    assert bargaining.coalition_reservation(0.25, 0.5, 5.0) == pytest.approx(7.5)
    assert bargaining.delay_penalty(7.5, 5.0, 0.5) == pytest.approx(0.25)
    assert bargaining.delay_penalty(4.0, 5.0, 0.5) == 0.0
    assert bargaining.coalition_reservation(-0.1, 0.5, 5.0) == -math.inf
    assert bargaining.coalition_reservation(0.1, 0.0, 5.0) == math.inf


def test_empty_zone_is_no_deal():
    deal = bargaining.bargain(
        8.0,
        7.0,
        min_years=5,
        max_years=10,
        rounds=3,
        discount_applicant=0.9,
        discount_coalition=0.9,
    )
    assert not deal.agreed and deal.round == 0 and math.isnan(deal.phase_in_years)
    assert "no zone" in deal.describe()
    rejected = bargaining.bargain(
        6.0,
        -math.inf,
        min_years=5,
        max_years=10,
        rounds=3,
        discount_applicant=0.9,
        discount_coalition=0.9,
    )
    assert "even on the standard terms" in rejected.describe()
    capped = bargaining.bargain(
        11.0,
        math.inf,
        min_years=5,
        max_years=10,
        rounds=3,
        discount_applicant=0.9,
        discount_coalition=0.9,
    )
    assert not capped.agreed


def test_single_point_zone_agrees_on_it():
    deal = bargaining.bargain(
        7.5,
        7.5,
        min_years=5,
        max_years=10,
        rounds=3,
        discount_applicant=0.9,
        discount_coalition=0.9,
    )
    assert deal.agreed and deal.phase_in_years == pytest.approx(7.5)
    assert "round 1" in deal.describe()


def test_zone_is_clipped_to_the_table():
    # The applicant would accept 3 years but the table starts at 5; the coalition would
    # grant 20 but the table ends at 10. One round: the applicant takes 10.
    deal = bargaining.bargain(
        3.0,
        20.0,
        min_years=5,
        max_years=10,
        rounds=1,
        discount_applicant=0.9,
        discount_coalition=0.9,
    )
    assert (deal.low, deal.high, deal.phase_in_years) == (5.0, 10.0, 10.0)


# --------------------------------------------------------------- the pivotal member

POP = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
FOUNDER = np.array([True, True, False, False, False])
MARGINS = np.array([0.3, -0.1, 0.5, 0.2, 0.1])
QMV = {"member_share": 0.55, "population_share": 0.65}


def pivot(margins, rule, population, voters=None):
    """The pivotal margin of one decision under the named rule."""
    margins = np.asarray(margins, dtype=float).reshape(1, -1)
    voters = np.ones(margins.shape, bool) if voters is None else np.asarray(voters).reshape(1, -1)
    code = np.array([[list(voting.ADMISSION_RULES).index(rule)]])
    population = np.asarray(population, dtype=float).reshape(1, -1)
    return bargaining.pivotal_margin(margins, voters, code, population, **QMV).item()


def test_pivot_under_unanimity_is_the_least_willing_member():
    assert pivot(MARGINS, "unanimity", POP) == pytest.approx(-0.1)


def test_pivot_under_majority_is_the_median_member():
    # Sorted: 0.5, 0.3, 0.2, 0.1, -0.1; three of five make a majority: 0.2.
    assert pivot(MARGINS, "majority", POP) == pytest.approx(0.2)


def test_pivot_under_qmv_completes_the_double_majority():
    # By margin: 0.5 (pop 30), 0.3 (10), 0.2 (40), 0.1 (50), -0.1 (20). Three members
    # (60 % >= 55 %) hold 80 of 150 (53 % < 65 %); four hold 130 (87 %): the pivot is 0.1.
    assert pivot(MARGINS, "qmv", POP) == pytest.approx(0.1)


def test_pivot_under_core_counts_the_founders_given():
    voters = voting.ADMISSION_RULES["core"].voters(np.ones(5, bool), FOUNDER)
    # Founders 0.3 and -0.1: a majority of two needs both, so the pivot is -0.1.
    assert pivot(MARGINS, "core", POP, voters) == pytest.approx(-0.1)
    # The margins of those who do not vote play no part.
    assert pivot([0.3, -0.1, 9.0, 9.0, 9.0], "core", POP, voters) == pytest.approx(-0.1)


def test_no_voters_no_pivot():
    assert pivot([], "majority", POP[:0]) == -math.inf
    assert pivot(MARGINS, "majority", POP, np.zeros(5, bool)) == -math.inf


def test_an_end_to_end_hand_case():
    # Applicant: utility 0.1 (cost term 0.3), threshold 0.2, standard 5 years -> lo 7.5.
    # Coalition (unanimity): least willing margin 0.3, 0.4 points per standard delay ->
    # hi = 5 * (1 + 0.75) = 8.75. Two rounds, delta_C = 0.8: the applicant keeps 0.2 of
    # the zone: 7.5 + 0.2 * 1.25 = 7.75 years, agreed in round 1.
    margin = pivot([0.6, 0.3, 0.9], "unanimity", POP[:3])
    lo = bargaining.applicant_reservation(0.1, 0.3, 0.2, 5.0)
    hi = bargaining.coalition_reservation(margin, 0.4, 5.0)
    deal = bargaining.bargain(
        lo,
        hi,
        min_years=5.0,
        max_years=10.0,
        rounds=2,
        discount_applicant=0.9,
        discount_coalition=0.8,
    )
    assert (deal.low, deal.high) == pytest.approx((7.5, 8.75))
    assert deal.round == 1
    assert deal.phase_in_years == pytest.approx(7.75)
    # At the agreed terms both sides are at least as well off as without a deal.
    assert 0.4 - phase_in_cost(0.3, deal.phase_in_years, 5.0) >= 0.2
    assert margin - bargaining.delay_penalty(deal.phase_in_years, 5.0, 0.4) >= 0


def test_many_pivots_at_once_equal_each_alone():
    rng = np.random.default_rng(11)
    rows, n = 60, 7
    margins = rng.normal(0, 0.3, (rows, n))
    voters = rng.random((rows, n)) < 0.8
    code = rng.integers(0, len(voting.RULE_ORDER), (rows, 1))
    population = rng.uniform(1, 50, (1, n))
    together = bargaining.pivotal_margin(margins, voters, code, population, **QMV)[:, 0]
    names = list(voting.ADMISSION_RULES)
    for k in range(rows):
        alone = pivot(margins[k], names[code[k, 0]], population[0], voters[k])
        assert together[k] == alone
