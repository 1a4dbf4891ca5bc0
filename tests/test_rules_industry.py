"""Ukraine's industry (coalition_sim.rules.industry) on hand values."""

from __future__ import annotations

import pytest

from coalition_sim.rules import industry


def test_absorbed_investment_is_capped_by_idle_capacity():
    # Capacity 35 at one third in use: 35 * 2/3 = 23.33 idle.
    assert industry.absorbed_investment(10.0, 35.0, 1 / 3) == pytest.approx(10.0)
    assert industry.absorbed_investment(50.0, 35.0, 1 / 3) == pytest.approx(35 * 2 / 3)
    assert industry.absorbed_investment(-1.0, 35.0, 1 / 3) == 0.0
    assert industry.absorbed_investment(5.0, 35.0, 1.0) == 0.0


def test_target_and_next_utilisation():
    # 1/3 + 7/35 = 0.5333; capped at 1.
    assert industry.target_utilisation(7.0, 35.0, 1 / 3) == pytest.approx(1 / 3 + 0.2)
    assert industry.target_utilisation(100.0, 35.0, 1 / 3) == 1.0
    # Time constant 4 quarters: a quarter of the gap closes each quarter.
    assert industry.next_utilisation(0.3, 0.7, 4.0) == pytest.approx(0.4)
    assert industry.next_utilisation(0.5, 0.5, 4.0) == 0.5
    assert industry.next_utilisation(0.2, 1.0, 1.0) == 1.0


def test_investment_output_counts_only_the_utilisation_above_the_start():
    # (0.5 - 1/3) * 35 * 4 = 23.33 USD bn a year of European-equivalent output.
    assert industry.investment_output(0.5, 35.0, 1 / 3, 4.0) == pytest.approx(35 * 4 / 6)
    assert industry.investment_output(1 / 3, 35.0, 1 / 3, 4.0) == 0.0
    assert industry.investment_output(0.2, 35.0, 1 / 3, 4.0) == 0.0


def test_drone_output_scales_with_utilisation():
    assert industry.drone_output(1 / 3, 1 / 3, 1.5) == pytest.approx(1.5)
    assert industry.drone_output(2 / 3, 1 / 3, 1.5) == pytest.approx(3.0)
    assert industry.drone_output(1.0, 1 / 3, 1.5) == pytest.approx(4.5)
    assert industry.drone_output(0.5, 0.0, 1.5) == 1.5
