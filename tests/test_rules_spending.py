"""Spending rules (coalition_sim.rules.spending) on hand values."""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim.rules import spending


def test_desired_pct_rises_with_perceived_threat_up_to_the_ceiling():
    # 2 + 3 * 0.5 = 3.5; 9 + 3 * 1 = 12 -> capped at 10; Ukraine at 34.5 keeps its level.
    out = spending.desired_pct(
        np.array([2.0, 9.0, 34.5]), np.array([0.5, 1.0, 1.0]), response=3.0, ceiling=10.0
    )
    assert out == pytest.approx([3.5, 10.0, 34.5])


def test_committed_pct_is_a_linear_path_to_the_floor():
    joined = np.array([0, 0, 4, -1])
    at_joining = np.array([1.5, 5.0, 2.0, 1.0])
    # 20-quarter phase-in, floor 3.5, at step 10:
    #   joined at 0 from 1.5: half way, 1.5 + 2 * 0.5 = 2.5
    #   already above the floor: stays at 5
    #   joined at 4 from 2: 6/20 of the way, 2 + 1.5 * 0.3 = 2.45
    end, slope = spending.commitment_path(at_joining, 3.5, 20.0)
    assert end.tolist() == [3.5, 5.0, 3.5, 3.5] and slope[1] == 0.0
    out = spending.committed_pct(10, joined, at_joining, slope, end)
    assert out[:3] == pytest.approx([2.5, 5.0, 2.45])
    # After the phase-in the floor is reached, and it stays there.
    assert spending.committed_pct(40, joined, at_joining, slope, end)[0] == pytest.approx(3.5)
    # At the joining step nothing is owed yet.
    assert spending.committed_pct(4, joined, at_joining, slope, end)[2] == pytest.approx(2.0)
    # Outside the coalition a path never binds.
    never = spending.committed_pct(
        10, np.array([-1]), np.array([-np.inf]), np.zeros(1), np.array([-np.inf])
    )
    assert never.tolist() == [-np.inf]


def test_committed_pct_with_per_member_phase_in():
    start = np.array([1.0, 1.0])
    end, slope = spending.commitment_path(start, 3.0, np.array([4.0, 1.0]))
    out = spending.committed_pct(2, np.array([0, 0]), start, slope, end)
    assert out == pytest.approx([2.0, 3.0])


def test_ramp_moves_by_at_most_the_rate_where_it_moves():
    current = np.array([2.0, 2.0, 2.0, 5.0])
    target = np.array([3.0, 2.1, 3.0, 4.0])
    moves = np.array([True, True, False, True])
    out = spending.ramp(current, target, 0.25, moves)
    assert out == pytest.approx([2.25, 2.1, 2.0, 4.75])
