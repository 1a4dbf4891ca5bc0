"""The utility of joining (coalition_sim.rules.utility) on hand values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from coalition_sim.rules import utility


def affinity(adjacency, member, alignment, ties=0.0, ties_weight=0.0):
    """``utility.affinity`` with the member-neighbour counts taken from the matrix."""
    borders = utility.Borders.from_adjacency(adjacency)
    half = utility.half_per_neighbour(borders.degree)
    return utility.affinity(
        borders.member_neighbours(member), half, member, alignment, ties, ties_weight
    )


def test_protection_gain_is_the_contest_won_by_joining():
    # Adversary 100; the chance of holding off is F / (F + 100). Own 10, others 90: from
    # 10/110 alone to 100/200 together. Own 0, others 50: 0 to 1/3. Nobody else, or no
    # forces at all: nothing. Own 120, others 30: 120/220 to 150/250. Own 60, others 60:
    # 60/160 to 120/220.
    own = np.array([10.0, 0.0, 10.0, 0.0, 120.0, 60.0])
    others = np.array([90.0, 50.0, 0.0, 0.0, 30.0, 60.0])
    gain = utility.protection_gain(own, others, 100.0)
    expected = [0.5 - 10 / 110, 1 / 3, 0.0, 0.0, 0.6 - 120 / 220, 120 / 220 - 60 / 160]
    assert gain == pytest.approx(expected, rel=1e-12)
    # A scalar coalition strength is broadcast to every outsider.
    assert utility.protection_gain(np.array([1.0, 3.0]), 9.0, 10.0) == pytest.approx(
        [0.5 - 1 / 11, 12 / 22 - 3 / 13], rel=1e-12
    )
    # A stronger adversary makes the same coalition worth less to this small state...
    assert utility.protection_gain(10.0, 90.0, 200.0) == pytest.approx(100 / 300 - 10 / 210)
    assert utility.protection_gain(10.0, 90.0, 200.0) < utility.protection_gain(10.0, 90.0, 100.0)
    # ...but less than in proportion to its power: doubling the adversary does not halve it
    assert (
        utility.protection_gain(10.0, 90.0, 200.0) > utility.protection_gain(10.0, 90.0, 100.0) / 2
    )


@given(
    own=st.floats(0.0, 1e3), others=st.floats(0.0, 1e3), more=st.floats(0.0, 1e3),
    adversary=st.floats(1e-3, 1e3),
)  # fmt: skip
def test_protection_gain_lies_in_0_1_and_grows_with_the_coalition(own, others, more, adversary):
    gain = utility.protection_gain(own, others, adversary)
    assert -1e-12 <= gain < 1.0
    assert utility.protection_gain(own, others + more, adversary) >= gain - 1e-12


def test_burden_is_the_gap_to_the_floor_as_a_share_of_it():
    out = utility.burden(np.array([0.0, 1.75, 3.5, 5.0]), 3.5)
    assert out == pytest.approx([1.0, 0.5, 0.0, 0.0])
    assert utility.burden(np.array([0.0, 2.0]), 0.0).tolist() == [0.0, 0.0]


def test_affinity_half_member_neighbours_half_alignment_similarity():
    # States 0..3; 0 and 1 are members (alignment 1 and 0.5, mean 0.75).
    # 2 borders 0 and 3 (one member neighbour of two); 3 borders only 2; 0 borders 1, 2.
    adjacency = np.zeros((4, 4), dtype=bool)
    for a, b in ((0, 1), (0, 2), (2, 3)):
        adjacency[a, b] = adjacency[b, a] = True
    member = np.array([True, True, False, False])
    alignment = np.array([1.0, 0.5, -1.0, 0.75])
    out = affinity(adjacency, member, alignment)  # ties weigh nothing here
    expected = [
        0.5 * 1 / 2 + 0.5 * (1 - 0.25 / 2),  # neighbours 1 (member) and 2
        0.5 * 1 / 1 + 0.5 * (1 - 0.25 / 2),  # neighbour 0 (member)
        0.5 * 1 / 2 + 0.5 * (1 - 1.75 / 2),  # neighbours 0 (member) and 3
        0.5 * 0 / 1 + 0.5 * (1 - 0.0 / 2),  # neighbour 2 (outsider), same alignment
    ]
    assert out == pytest.approx(expected)
    assert np.all((out >= 0) & (out <= 1))
    # Ties to the core weigh ties_weight against 1 for each of the other two parts.
    ties = np.array([1.0, 0.0, 0.5, 0.0])
    with_ties = affinity(adjacency, member, alignment, ties, 2.0)
    assert with_ties == pytest.approx((2 * np.array(expected) + 2.0 * ties) / 4.0)


def test_affinity_without_neighbours_or_members():
    adjacency = np.zeros((2, 2), dtype=bool)
    out = affinity(adjacency, np.array([False, False]), np.array([1.0, -1.0]))
    # No members: mean alignment taken as 0; no neighbours: share 0.
    assert out == pytest.approx([0.5 * 0.5, 0.5 * 0.5])


def test_entrapment_is_larger_for_distant_states_and_does_not_move_with_the_threat():
    assert utility.entrapment(np.array([1.0, 0.5, 0.0])) == pytest.approx([0.0, 0.5, 1.0])


def test_utility_terms_are_weighted_and_signed_in_order():
    standing = utility.standing_terms(
        0.3, np.array([1.0, -1.0]), 0.6, np.array([1.0, 0.5]), 0.4, np.array([False, True])
    )
    terms = utility.utility_terms(
        1.5,
        np.array([0.5, 0.1]),
        np.array([0.8, 1.0]),
        1.0,
        np.array([0.0, 0.5]),
        0.5,
        np.array([1.0, 0.2]),
        standing,
    )
    assert utility.TERMS == (
        "threat", "cost", "affinity", "alignment", "entrapment", "neutrality"
    )  # fmt: skip
    assert terms._fields == utility.TERMS
    table = np.stack(terms, axis=1)
    assert table[0] == pytest.approx([0.6, 0.0, 0.5, 0.3, 0.0, 0.0])
    assert table[1] == pytest.approx([0.15, -0.5, 0.1, -0.3, -0.3, -0.4])
    assert terms.total == pytest.approx([1.4, -1.25])


def test_application_probability_is_a_logistic_of_the_margin():
    # at the threshold one half; one noise above it 1 / (1 + e^-1)
    p = utility.application_probability(np.array([0.2, 0.3, -10.0]), 0.2, 0.1)
    assert p == pytest.approx([0.5, 1.0 / (1.0 + math.exp(-1.0)), 0.0], abs=1e-12)


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 7), data=st.data())
def test_affinity_and_gain_stay_in_the_unit_interval(n, data):
    upper = data.draw(arrays(bool, (n, n)))
    adjacency = np.triu(upper, 1)
    adjacency = adjacency | adjacency.T
    member = data.draw(arrays(bool, n))
    alignment = data.draw(arrays(float, n, elements=st.floats(-1.0, 1.0)))
    ties = data.draw(arrays(float, n, elements=st.floats(0.0, 1.0)))
    out = affinity(adjacency, member, alignment, ties, data.draw(st.floats(0.0, 10.0)))
    assert np.all((out >= 0.0) & (out <= 1.0 + 1e-12))
    own = data.draw(arrays(float, n, elements=st.floats(0.0, 1e4)))
    others = data.draw(arrays(float, n, elements=st.floats(0.0, 1e4)))
    gain = utility.protection_gain(own, others, data.draw(st.floats(1.0, 1e4)))
    assert np.all((gain >= 0.0) & (gain <= 1.0))
    burden = utility.burden(alignment * 5 + 5, 3.5)
    assert np.all((burden >= 0.0) & (burden <= 1.0))


def test_member_neighbours_count_the_member_neighbours():
    adjacency = np.zeros((4, 4), dtype=bool)
    for a, b in ((0, 1), (0, 2), (2, 3)):
        adjacency[a, b] = adjacency[b, a] = True
    borders = utility.Borders.from_adjacency(adjacency)
    assert borders.degree.tolist() == [2, 1, 2, 1]
    member = np.array([[True, False, False, True], [False, False, False, False]])
    # run 0: 0 borders 1, 2 (no members); 1 borders 0 (member); 2 borders 0 and 3; 3 borders 2
    assert borders.member_neighbours(member).tolist() == [[0, 1, 2, 0], [0, 0, 0, 0]]


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 8), runs=st.integers(1, 4), data=st.data())
def test_updated_counts_equal_a_recount(n, runs, data):
    upper = data.draw(arrays(bool, (n, n)))
    adjacency = np.triu(upper, 1)
    adjacency = adjacency | adjacency.T
    borders = utility.Borders.from_adjacency(adjacency)
    member = data.draw(arrays(bool, (runs, n)))
    counts = borders.member_neighbours(member)
    for _ in range(data.draw(st.integers(0, 6))):
        r = data.draw(st.integers(0, runs - 1))
        i = data.draw(st.integers(0, n - 1))
        borders.update(counts, np.array([r]), np.array([i]), -1.0 if member[r, i] else 1.0)
        member[r, i] = not member[r, i]
        assert counts.tolist() == borders.member_neighbours(member).tolist()
