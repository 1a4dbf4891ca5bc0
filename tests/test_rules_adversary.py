"""Russia's path (coalition_sim.rules.adversary): the war window, its burden, its forces."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coalition_sim.rules import adversary, capability, economy
from coalition_sim.rules.threat import NEVER


@pytest.mark.parametrize(
    ("step", "expected"),
    [(0, False), (31, False), (32, True), (40, True), (43, True), (44, False), (100, False)],
)
def test_the_war_goes_on_from_its_start_to_the_ceasefire(step, expected):
    # a hindcast from 2014: the war from step 32 (2022), a ceasefire at step 44
    assert adversary.at_war(step, 32, 44) == expected


def test_the_war_window_per_run_and_without_a_ceasefire():
    # a run starting during the war (start 0), ceasefires at 12 and never
    ceasefire = np.array([[12], [NEVER]])
    assert adversary.at_war(0, 0, ceasefire).tolist() == [[True], [True]]
    assert adversary.at_war(11, 0, ceasefire).tolist() == [[True], [True]]
    assert adversary.at_war(12, 0, ceasefire).tolist() == [[False], [True]]
    assert adversary.at_war(400, 0, ceasefire).tolist() == [[False], [True]]
    # a ceasefire at step 0: no war in the run
    assert not adversary.at_war(1, 0, 0)


def test_the_burden_moves_toward_its_wartime_then_its_postwar_level():
    war = np.array([[True], [False]])
    assert adversary.burden_target(war, 7.3, 5.0).tolist() == [[7.3], [5.0]]
    # from 7.3 % toward 5 % over 8 quarters: an eighth of the gap a quarter
    assert capability.towards(7.3, 5.0, 8.0) == pytest.approx(7.3 - 2.3 / 8)


def test_spending_and_gdp_are_one_identity():
    # USD 186 bn at 7.3 % of GDP: a GDP of 2,548 bn; at 5 % of it, 127.4 bn
    gdp = adversary.gdp(186.0, 7.3)
    assert gdp == pytest.approx(186 / 0.073)
    assert adversary.spending(gdp, 7.3) == pytest.approx(186.0)
    assert adversary.spending(gdp, 5.0) == pytest.approx(186 / 0.073 * 0.05)
    # two years of 2 % growth: 1.02 ** 2 more at the same burden
    grown = economy.scaled(gdp, economy.growth_factor(2.0, 8))
    assert adversary.spending(grown, 7.3) == pytest.approx(186 * 1.0404)


@given(spent=st.floats(0.1, 1e4), pct=st.floats(0.1, 30.0), other=st.floats(0.0, 30.0))
def test_spending_over_gdp_is_the_burden(spent, pct, other):
    gdp = adversary.gdp(spent, pct)
    assert adversary.spending(gdp, pct) == pytest.approx(spent, rel=1e-12)
    assert adversary.spending(gdp, other) / gdp == pytest.approx(other / 100, rel=1e-12)


def test_war_losses_only_in_war():
    # 15 % of 800 a year of land equipment: 30 a quarter
    assert adversary.war_losses(800.0, True, 15.0) == pytest.approx(30.0)
    assert adversary.war_losses(800.0, False, 15.0) == 0.0
    war = np.array([[True], [False]])
    assert adversary.war_losses(np.array([[800.0], [800.0]]), war, 15.0).tolist() == [
        [30.0],
        [0.0],
    ]


def test_what_russia_fields():
    assert adversary.fielded(600.0, 300.0, 0.75) == pytest.approx(675.0)


def test_a_year_of_war_then_a_year_of_peace_by_hand():
    # Land stock 400 and pipeline 40, a lag of 8 quarters, 8 % wear; 20 a quarter
    # ordered; 15 % losses a year in war. The quarters written out:
    stock, pipeline = 400.0, 40.0
    by_hand = []
    for quarter in range(8):
        war = quarter < 4
        arrived = pipeline / 8
        lost = stock * 0.15 / 4 if war else 0.0
        stock = max(stock * (1 - 0.08 / 4) + arrived - lost, 0.0)
        pipeline = pipeline + 20.0 - arrived
        by_hand.append(stock)
    stock, pipeline = 400.0, 40.0
    rules = []
    for quarter in range(8):
        war = quarter < 4
        arrived = capability.delivered(pipeline, 8.0)
        lost = adversary.war_losses(stock, war, 15.0)
        pipeline = capability.next_pipeline(pipeline, 20.0, arrived)
        stock = capability.next_stock(stock, 8.0, arrived, lost)
        rules.append(stock)
    assert rules == pytest.approx(by_hand, rel=1e-12)
    # losses outrun deliveries in war; the stock grows back in peace
    assert by_hand[3] < 400.0 and by_hand[7] > by_hand[3]
