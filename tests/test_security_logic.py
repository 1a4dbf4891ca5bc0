"""The security logic of the model, run on the packaged data (the validity issue, part 1).

The US guarantee deters, more threat draws states in, a state without forces does not
gatekeep, exits happen at plausible settings, Ukraine's spending and GDP follow a path.
"""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim import streams
from coalition_sim.datasets import load_dataset
from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.parameters import DEFAULT, FOUNDERS
from coalition_sim.rules import adversary, spending, strength


@pytest.fixture(scope="module")
def data():
    return load_dataset()


def engine(data, reps=64, seed=5, keep_events=False, **changes):
    scenario = DEFAULT.with_values(changes)
    seeds = streams.run_seeds(seed, np.zeros(reps, dtype=int), np.arange(reps))
    return Engine(
        build(data, [scenario], seeds, np.zeros(reps, dtype=int)),
        keep_steps=True,
        keep_events=keep_events,
    )


def test_credibility_counts_the_us_umbrella_without_a_nuclear_member():
    # No French or British member: the nuclear cover is the US commitment itself.
    full = strength.credibility(1.0, 1.0, 1.0, 0.8)
    none = strength.credibility(1.0, 1.0, 0.0, 0.8)
    assert none == pytest.approx(0.8 * full)


def test_more_threat_raises_every_outsiders_utility_of_joining(data):
    # The threat term grows with T; entrapment does not: dU/dT >= 0 for every outsider.
    utilities = []
    for threat in (0.2, 0.9):
        e = engine(
            data, reps=1, threat_initial=threat, threat_mean=threat, threat_volatility=0.0,
            threat_reversion=0.0, deterrence_effect=0.0, base_aggression=0.0,
        )  # fmt: skip
        batch = e.groups[0].batch
        batch.step()  # the utility is the outlook of step 1, with the founders inside
        outsider = ~np.broadcast_to(batch.inputs.traits.founder, batch.state.member.shape)[0]
        utilities.append(batch.state.utility[0][outsider])
    low, high = utilities
    assert np.all(high >= low - 1e-12)
    assert np.mean(high - low) > 0


def test_iceland_has_no_forces_and_never_votes(data):
    e = engine(data, reps=32, keep_events=True).run()
    events = e.events_frame()
    voters = set(events.loc[events["kind"] == "vote", "actor"])
    assert voters and "ISL" not in voters
    assert {"EST", "POL"} <= voters


def test_exits_happen_at_the_defaults_in_some_runs(data):
    e = engine(data, reps=200).run()
    exits = e.outcomes()["exits"]
    assert 0 < np.mean(exits > 0) < 0.9, "some members leave in some runs, not in all"


def test_ukraines_burden_follows_the_war_economy_path():
    # 40 % now, war level 27.2 % until the ceasefire at step 12, then 8 %, closing a
    # quarter of the gap each quarter.
    pct = 40.0
    path = []
    for step in range(1, 41):
        pct = spending.war_economy_pct(adversary.at_war(step, 0, 12), pct, 27.2, 8.0, 4.0)
        path.append(pct)
    assert path[0] == pytest.approx(40 + (27.2 - 40) / 4)
    assert path[10] == pytest.approx(27.2, abs=1.0)  # step 11: near the war level
    assert path[11] < path[10]  # from the ceasefire on, toward 8 %
    assert path[-1] == pytest.approx(8.0, abs=0.01)
    never = adversary.at_war(100, 0, np.iinfo(np.int64).max)
    assert spending.war_economy_pct(never, 30.0, 27.2, 8.0, 4.0) == pytest.approx(
        30.0 + (27.2 - 30.0) / 4
    )
    # a hindcast from 2014: the war begins at step 32 (2022Q1)
    assert not adversary.at_war(31, 32, 10**9) and adversary.at_war(32, 32, 10**9)


def test_ukraine_in_a_run_spends_on_its_war_path_and_grows(data):
    e = engine(data, reps=1, keep_events=False).run()
    batch = e.groups[0].batch
    ukr = data.arrays.index["UKR"]
    # after the ceasefire (step 12) and 28 more quarters of adjustment: near 8 %
    postwar = DEFAULT["ukraine_postwar_defence_pct"]
    assert batch.state.pct[0, ukr] == pytest.approx(postwar, abs=0.01)
    growth = (1 + DEFAULT["ukraine_gdp_growth_pct"] / 100) ** (40 / 4)
    assert batch.gdp[0, ukr] == pytest.approx(data.arrays.gdp[ukr] * growth)
    others = np.arange(len(data.arrays.codes)) != ukr
    # the rest of Europe grows at europe_gdp_growth_pct
    europe = (1 + DEFAULT["europe_gdp_growth_pct"] / 100) ** (40 / 4)
    assert batch.gdp[0, others] == pytest.approx(data.arrays.gdp[others] * europe, rel=1e-9)


def test_us_withdrawal_lowers_deterrence_not_just_raises_perception(data):
    stay = engine(data, reps=100, us_withdrawal_step=None).run().outcomes()
    leave = (
        engine(
            data, reps=100, us_withdrawal_step=2, us_commitment_after=0.0, us_withdrawal_quarters=1
        )
        .run()
        .outcomes()
    )
    assert np.mean(leave["final_parity_with_us"] - stay["final_parity_with_us"]) < 0


def test_the_founders_are_the_baltic_and_nordic_states_poland_and_ukraine():
    assert set(FOUNDERS) == {"EST", "LVA", "LTU", "FIN", "SWE", "NOR", "DNK", "ISL", "POL", "UKR"}
