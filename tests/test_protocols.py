"""Negotiation protocols: the registry, a contract every protocol passes, and each one's rules.

:class:`ProtocolContract` holds the tests every protocol must pass; each protocol's test
class inherits it and sets ``protocol``. A protocol added to the registry without a test
class here fails :func:`test_every_protocol_has_a_contract_test`.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from coalition_sim import streams
from coalition_sim.events import EVENT_KINDS
from coalition_sim.model import CoalitionModel
from coalition_sim.parameters import SCHEMA, load_scenario
from coalition_sim.protocols import PROTOCOLS, Protocol
from coalition_sim.simulation import europe_landscape, simulate

SCENARIOS = ("baseline", "us-withdrawal", "unanimity-veto")
SEEDS = (1, 7)
STEPS = 24
#: Overrides that make members leave often and reapply soon, to exercise exits.
CHURN = {
    "exit_threshold": 0.6,
    "exit_patience": 1,
    "reapply_delay": 0,
    "landscape_alignment_weight": 0.0,
    "landscape_eu_weight": 2.0,
    "landscape_border_weight": -2.0,
    "threat_volatility": 0.3,
}


def test_schema_choices_match_the_registry():
    assert SCHEMA["protocol"].choices == tuple(PROTOCOLS)
    assert SCHEMA["protocol"].default in PROTOCOLS


def test_every_protocol_has_a_contract_test():
    tested = {cls.protocol for cls in ProtocolContract.__subclasses__()}
    assert tested == set(PROTOCOLS)


def test_unknown_protocol_is_refused_naming_the_field():
    from coalition_sim.errors import InputError

    with pytest.raises(InputError, match="protocol"):
        load_scenario("baseline").with_values({"protocol": "haggle"})


def run_model(scenario: str, protocol: str, seed: int, steps: int = STEPS, **overrides):
    """Step a model and keep, per step, who was a member and the events of that step."""
    model = CoalitionModel(scenario, rng=seed, protocol=protocol, **overrides)
    history = [model.member.copy()]
    for _ in range(steps):
        model.step()
        history.append(model.member.copy())
    return model, history


def capture_negotiations(model):
    """Keep every negotiation decision the model's engine applies: ``(step, Negotiation)``."""
    seen = []
    recorder = model.engine.groups[0].batch.recorder
    original = recorder.negotiation

    def spy(batch, decision):
        seen.append((batch.state.step, decision))
        original(batch, decision)

    recorder.negotiation = spy
    return seen


def deals(seen):
    """Every bargain of captured negotiations: ``(step, state index, Agreement)``."""
    out = []
    for step, decision in seen:
        if decision.bargains is None:
            continue
        agreement = decision.bargains.agreement
        for k, row in enumerate(decision.bargains.pairs.tolist()):
            out.append((step, int(decision.applicants[row]), agreement.at(k)))
    return out


class ProtocolContract:
    """What every protocol guarantees. Subclasses set ``protocol``."""

    protocol: ClassVar[str]

    def test_registered_with_metadata(self):
        cls = PROTOCOLS[self.protocol]
        assert issubclass(cls, Protocol)
        assert cls.name == self.protocol
        assert cls.description and cls.reference and cls.__doc__
        assert cls.parameters, "a protocol lists the schema parameters it reads"
        unknown = [p for p in cls.parameters if p not in SCHEMA]
        assert not unknown, f"parameters not in the schema: {unknown}"

    @pytest.mark.parametrize("scenario", SCENARIOS[:2])
    def test_deterministic_under_a_seed(self, scenario):
        base = load_scenario(scenario).with_values({"protocol": self.protocol})
        one = simulate(base, seed=3, steps=STEPS)
        two = simulate(base, seed=3, steps=STEPS)
        pd.testing.assert_frame_equal(one.steps, two.steps)
        pd.testing.assert_frame_equal(one.events, two.events)
        assert one.join_order == two.join_order
        assert one.outcomes == two.outcomes

    @pytest.mark.parametrize("scenario", SCENARIOS)
    def test_founders_are_members_at_step_0_and_stay(self, scenario):
        model, history = run_model(scenario, self.protocol, seed=1)
        assert np.array_equal(history[0], model.founder)
        assert all(members[model.founder].all() for members in history)
        assert model.datacollector.get_model_vars_dataframe()["members"].iloc[0] == len(
            model.config["founders"]
        )

    @pytest.mark.parametrize("seed", SEEDS)
    @pytest.mark.parametrize("scenario", [*SCENARIOS, "churn"])
    def test_events_are_consistent_with_membership(self, scenario, seed):
        if scenario == "churn":  # members leave easily and come back soon
            model, history = run_model("us-withdrawal", self.protocol, seed=seed, **CHURN)
            assert model.events.of_kind("exit")
        else:
            model, history = run_model(scenario, self.protocol, seed=seed)
        events = model.events.events
        assert {e.kind for e in events} <= set(EVENT_KINDS)
        by_step: dict[int, list] = {}
        for e in events:
            by_step.setdefault(e.step, []).append(e)
        steps = model.datacollector.get_model_vars_dataframe()
        for t in range(STEPS):
            before, after = history[t], history[t + 1]
            happened = by_step.get(t + 1, [])  # Mesa counts steps from 1
            admitted = [e.target for e in happened if e.kind == "admission"]
            exited = [e.actor for e in happened if e.kind == "exit"]
            applied = {e.actor for e in happened if e.kind == "application"}
            joined = {model.codes[i] for i in np.flatnonzero(after & ~before)}
            left = {model.codes[i] for i in np.flatnonzero(before & ~after)}
            assert len(admitted) - len(exited) == after.sum() - before.sum()
            assert set(admitted) - set(exited) == joined - left
            assert set(exited) - set(admitted) == left - joined
            assert set(admitted) <= applied, "admitted without applying that step"
            for code in admitted:
                assert not before[model.index[code]], f"{code} admitted while a member"
            for code in exited:
                assert not model.founder[model.index[code]], f"founder {code} left"
            row = steps.iloc[t + 1]
            assert row["admissions"] == len(admitted) and row["exits"] == len(exited)
            assert row["applicants"] == len(applied)
            assert row["members"] == after.sum()

    @pytest.mark.parametrize("scenario", SCENARIOS[:2])
    def test_never_admitted_twice_without_an_exit(self, scenario):
        model, _ = run_model(scenario, self.protocol, seed=2, steps=40, reapply_delay=1)
        inside = {model.codes[i] for i in np.flatnonzero(model.founder)}
        for e in model.events.events:
            if e.kind == "admission":
                assert e.target not in inside, f"{e.target} admitted twice at step {e.step}"
                inside.add(e.target)
            elif e.kind == "exit":
                assert e.actor in inside
                inside.discard(e.actor)
        assert inside == {model.codes[i] for i in np.flatnonzero(model.member)}
        assert Counter(code for code, _ in model.join_order) == Counter(
            list(model.config["founders"])
            + [e.target for e in model.events.events if e.kind == "admission"]
        )


# --------------------------------------------------------------------------- threshold


class TestThreshold(ProtocolContract):
    protocol = "threshold"

    def test_with_little_noise_only_states_clearing_the_threshold_apply(self):
        model = CoalitionModel(
            "us-withdrawal", protocol="threshold", application_noise=1e-3, reapply_delay=0
        )
        threshold = model.config["application_threshold"]
        for _ in range(12):
            outsiders = [c for i, c in enumerate(model.codes) if not model.member[i]]
            model.step()
            applied = {e.actor for e in model.events.since(model.steps) if e.kind == "application"}
            clearing = {c for c in outsiders if model.utility_terms(c)["total"] > threshold + 0.02}
            short = {c for c in outsiders if model.utility_terms(c)["total"] < threshold - 0.02}
            assert clearing <= applied and not (short & applied), model.steps
        assert not model.events.of_kind("bargain") and not model.events.of_kind("breach")

    def test_applications_follow_the_logistic_chance_of_the_utility(self):
        # Every outsider applies with chance 1 / (1 + exp(-(U - threshold) / noise)):
        # over 30 runs of 6 quarters the count of applications matches the sum of the
        # chances (a z-score within 4), above and below the threshold alike.
        observed = {"above": 0, "below": 0}
        expected = {"above": 0.0, "below": 0.0}
        variance = 0.0
        for seed in range(30):
            model = CoalitionModel("baseline", rng=seed, protocol="threshold", reapply_delay=0)
            threshold = model.config["application_threshold"]
            noise = model.config["application_noise"]
            for _ in range(6):
                outsiders = [c for i, c in enumerate(model.codes) if not model.member[i]]
                model.step()
                applied = {
                    e.actor for e in model.events.since(model.steps) if e.kind == "application"
                }
                for code in outsiders:
                    u = model.utility_terms(code)["total"]
                    p = 1.0 / (1.0 + math.exp(-(u - threshold) / noise))
                    side = "above" if u > threshold else "below"
                    expected[side] += p
                    observed[side] += code in applied
                    variance += p * (1 - p)
        assert observed["below"] > 0, "the noise should let some states below apply"
        total_z = (sum(observed.values()) - sum(expected.values())) / math.sqrt(variance)
        assert abs(total_z) < 4, (observed, expected)


# --------------------------------------------------------------------------- bargaining


class TestBargaining(ProtocolContract):
    protocol = "bargaining"

    def test_deals_bind_the_agreed_phase_in(self):
        model = CoalitionModel("baseline", rng=1, protocol="bargaining")
        seen = capture_negotiations(model)
        for _ in range(20):
            model.step()
        agreed = [(t, i, d) for t, i, d in deals(seen) if d.agreed]
        assert agreed, "the baseline has states short only because of the floor"
        standard = model.config["phase_in_years"]
        longest = model.config["bargaining_max_phase_in_years"]
        for t, i, deal in agreed:
            assert deal.round == 1
            assert standard <= deal.phase_in_years <= longest
            if model.member[i] and model.joined_step[i] == t:
                assert model.phase_in_quarters[i] == pytest.approx(4 * deal.phase_in_years)
        bargains = model.events.of_kind("bargain")
        admitted = {(e.step, e.target) for e in model.events.of_kind("admission")}
        agreed_events = {(e.step, e.actor) for e in bargains if not math.isnan(e.value)}
        assert agreed_events == {(t, model.codes[i]) for t, i, _ in agreed}
        conditional = {
            (e.step, e.actor)
            for e in model.events.of_kind("application")
            if e.detail.startswith("conditional")
        }
        assert {(e.step, e.actor) for e in bargains} == conditional
        # Conditional applicants are admitted only with a deal.
        assert {k for k in admitted if k in conditional} <= agreed_events

    def test_conditional_applicants_fall_short_only_because_of_the_floor(self):
        # With little noise in applications, the conditional ones are exactly those the
        # spending floor's cost alone keeps below the threshold.
        model = CoalitionModel("baseline", protocol="bargaining", application_noise=1e-3)
        threshold = model.config["application_threshold"]
        checked = 0
        for _ in range(6):
            model.step()
            # The utility terms are this step's outlook, on which the state applied.
            for e in model.events.since(model.steps):
                if e.kind == "application" and e.detail.startswith("conditional"):
                    terms = model.utility_terms(e.actor)
                    assert e.value == pytest.approx(terms["total"]) and e.value <= threshold
                    assert terms["total"] - terms["cost"] > threshold
                    checked += 1
        assert checked

    def test_no_room_to_bargain_no_conditional_admission(self):
        # The longest phase-in on the table is the standard one: the applicant's
        # reservation is longer than the standard, so no conditional applicant agrees
        # unless its reservation is exactly the standard.
        model, _ = run_model(
            "baseline", "bargaining", seed=1, steps=12, bargaining_max_phase_in_years=5.0
        )
        for e in model.events.of_kind("bargain"):
            assert math.isnan(e.value) or e.value == pytest.approx(5.0)

    def test_deals_are_worse_for_the_applicant_with_a_patient_coalition(self):
        def zones(dc):
            model = CoalitionModel(
                "baseline",
                rng=1,
                protocol="bargaining",
                bargaining_rounds=2,
                bargaining_discount_coalition=dc,
            )
            seen = capture_negotiations(model)
            for _ in range(4):
                model.step()
            years = [e.value for e in model.events.of_kind("bargain") if not math.isnan(e.value)]
            return years, [d for _, _, d in deals(seen) if d.agreed]

        impatient, agreed = zones(0.0)  # the applicant keeps the whole zone: its top
        assert impatient and all(d.phase_in_years == pytest.approx(d.high) for d in agreed)
        patient, agreed = zones(1.0)  # two rounds, delta_C = 1: the bottom of the zone
        assert patient and all(d.phase_in_years == pytest.approx(d.low) for d in agreed)

    def test_breaches_are_recorded_once_and_lower_cohesion(self):
        model = CoalitionModel(
            "baseline",
            protocol="bargaining",
            breach_penalty_decay=0.5,
            breach_cohesion_penalty=0.1,
        )
        while not model.state.negotiated[0].any():
            model.step()
        # From now on the states with a deal never honour it: they fall behind their
        # path and stay behind.
        bound = np.flatnonzero(model.state.negotiated[0])
        never = [model.codes[i] for i in bound]
        model.traits.reliability[0, bound] = 0.0
        batch = model.engine.groups[0].batch
        batch.honour_limit = streams.threshold(model.traits.reliability)  # as set at the start
        penalties = []
        for _ in range(30):
            model.step()
            penalties.append(model.cohesion_penalty)
        breaches = model.events.of_kind("breach")
        assert breaches, "members never honouring must break their negotiated paths"
        counts = Counter(e.actor for e in breaches)
        assert all(counts[code] <= 1 for code in never), "one breach per episode"
        assert all(e.value > model.config["breach_tolerance_pct"] for e in breaches)
        assert {e.actor for e in breaches} <= set(never) | {
            model.codes[i] for i in np.flatnonzero(model.state.negotiated[0])
        }
        start = model.steps - len(penalties)  # penalties[k] is after step start + k + 1
        last = max(e.step for e in breaches)
        assert penalties[last - start - 1] >= 0.1
        # After the last breach the penalty halves every quarter.
        tail = penalties[last - start - 1 :]
        for previous, current in itertools.pairwise(tail):
            assert current == pytest.approx(previous * 0.5)

    def test_cohesion_penalty_enters_cohesion(self):
        model = CoalitionModel("baseline", protocol="bargaining")
        model.step()
        raw = model.cohesion
        model.state.cohesion_penalty[:] = 0.2
        model.engine.groups[0].batch._measure()
        assert float(model.state.cohesion[0, 0]) == pytest.approx(max(0.0, raw - 0.2))

    def test_no_breach_events_without_deals(self):
        model = CoalitionModel(
            "baseline", rng=1, protocol="bargaining", bargaining_max_phase_in_years=0.25
        )
        seen = capture_negotiations(model)
        for _ in range(12):
            model.step()
        assert all(d.phase_in_years == pytest.approx(5.0) for _, _, d in deals(seen) if d.agreed)
        assert not model.events.of_kind("breach")


# --------------------------------------------------------------------------- landscape


class TestLandscape(ProtocolContract):
    protocol = "landscape"

    def test_applicants_lower_their_frustration_by_joining(self):
        model = CoalitionModel("baseline", protocol="landscape")
        batch = model.engine.groups[0].batch
        applied = 0
        for _ in range(6):
            # The sides and sizes now are those the next step's applications see.
            gains = model.protocol.gains(batch.situation())[0]
            model.step()
            for e in model.events.since(model.steps):
                if e.kind == "application":
                    assert e.detail.startswith("landscape")
                    assert gains[model.index[e.actor]] > 0
                    applied += 1
        assert applied

    def test_gains_match_the_landscape_frustrations(self):
        from coalition_sim import landscape

        model = CoalitionModel("baseline", protocol="landscape")
        model.step()
        view = europe_landscape(model.config, model.dataset)
        n = len(model.codes)
        gains = model.protocol.gains(model.engine.groups[0].batch.situation())[0]
        sides = np.concatenate([np.where(model.member, 0, 1), np.ones(view.sizes.size - n)])
        sizes = view.sizes.copy()
        # A state weighs what its forces add to the coalition's usable strength: its
        # fielded forces at its integration, under the coalition's enablers and frictions.
        sizes[:n] = np.maximum(model.state.usable[0], 0.01)
        spending = model.dataset.arrays.adversary_spending
        sizes[n:] = spending / spending.sum() * model.adversary_strength
        now = landscape.frustration(sizes, view.propensity, sides)
        for i in (model.index["DEU"], model.index["HUN"], model.index["POL"]):
            switched = sides.copy()
            switched[i] = 1 - switched[i]
            after = landscape.frustration(sizes, view.propensity, switched)
            assert gains[i] == pytest.approx(now[i] - after[i])

    def test_members_leave_when_the_other_side_is_less_frustrating(self):
        # Hungary made hostile to everyone but Russia, admitted by hand, leaves at once.
        model = CoalitionModel(
            "baseline",
            protocol="landscape",
            exit_patience=1,
            landscape_alignment_weight=10.0,
            **{"state.HUN.alignment": -1.0},
        )
        hun = model.index["HUN"]
        batch = model.engine.groups[0].batch
        batch.admit(0, np.array([0]), np.array([hun]), np.array([20.0]), np.array([False]))
        model.step()
        exits = model.events.of_kind("exit")
        assert [e.actor for e in exits] == ["HUN"]
        assert exits[0].detail.startswith("landscape")
        assert not model.member[hun]

    def test_admission_rule_still_applies(self):
        # Unanimity with Hungary and Slovakia inside: vetoes block landscape applicants too.
        model, _ = run_model("unanimity-veto", "landscape", seed=1, steps=12)
        assert model.events.of_kind("veto")
        assert model.events.of_kind("rejection")


# --------------------------------------------------------------- a bargain by hand


HAND_ROWS = [
    ("AAA", 4.0),  # founders, on the border with Russia
    ("BBB", 4.0),
    ("CCC", 1.75),  # the outsider: half-way to the 3.5 % floor
]

# The utility of CCC is its alignment term and its cost term only:
#   U = w_align * 1 - w_cost * (3.5 - 1.75) / 3.5 = 0.5 - 0.1 * 0.5 = 0.45,
# short of the threshold 0.46 only because of the floor (0.5 without the cost term).
# Its reservation: 0.5 - 0.05 * 5 / y >= 0.46  <=>  y >= 6.25 years.
# Each founder scores vote_exposure_weight * proximity = 0.5 * 1 against a threshold of
# 0.25: margin 0.25, so the coalition grants up to 5 * (1 + 0.25 / 0.5) = 7.5 years.
# Two rounds, delta_C = 0.8: the applicant keeps 1 - 0.8 = 0.2 of the zone [6.25, 7.5]:
# 6.25 + 0.2 * 1.25 = 6.5 years, agreed in round 1 of step 1; the vote on those terms
# scores 0.5 - 0.5 * (6.5 - 5) / 5 = 0.35 > 0.25: admitted, committed over 26 quarters.
HAND = {
    "founders": ["AAA", "BBB"],
    "unreliable": [],
    "reliability": 1.0,
    "commitment_keeping": 1.0,
    "w_threat": 0.0,
    "w_affinity": 0.0,
    "w_entrap": 0.0,
    "w_align": 0.5,
    "w_cost": 0.1,
    "application_threshold": 0.46,
    "application_noise": 0.001,  # the calibrated default may move: applications all but sure
    "vote_gain_weight": 0.0,
    "vote_similarity_weight": 0.0,
    "vote_unreliability_weight": 0.0,
    "vote_exposure_weight": 0.5,
    "vote_threshold": 0.25,
    "bargaining_rounds": 2,
    "bargaining_discount_applicant": 0.9,
    "bargaining_discount_coalition": 0.8,
    "bargaining_delay_weight": 0.5,
    "bargaining_max_phase_in_years": 10.0,
    "base_aggression": 0.0,
    "protocol": "bargaining",
}


@pytest.fixture
def hand_world(tmp_path):
    from strategies import load_world, state_row

    rows = [
        state_row(
            code,
            defence_pct_gdp_2024=pct,
            defence_spend_usd_bn_2024=pct,
            km_capital_to_russia_or_belarus=0,
        )
        for code, pct in HAND_ROWS
    ]
    return load_world(tmp_path, rows, [("AAA", "BBB")])


def test_a_bargain_computed_by_hand(hand_world):
    model = CoalitionModel("baseline", dataset=hand_world, **HAND)
    ccc = model.index["CCC"]
    model.step()
    assert model.utility[ccc] == pytest.approx(0.45)
    (bargain,) = model.events.of_kind("bargain")
    assert (bargain.step, bargain.actor) == (1, "CCC")
    assert bargain.value == pytest.approx(6.5)
    assert "round 1" in bargain.detail and "zone 6.25-7.50" in bargain.detail
    assert model.member[ccc] and model.joined_step[ccc] == 1
    assert model.phase_in_quarters[ccc] == pytest.approx(26.0)
    votes = [e for e in model.events.of_kind("vote") if e.target == "CCC"]
    assert [e.detail for e in votes] == ["yes", "yes"]


def test_a_breach_computed_by_hand(hand_world):
    # CCC never keeps its path (commitment keeping 0) and stays at 1.75 % of GDP. Its
    # path rises by (3.5 - 1.75) / 26 = 0.0673 points a quarter from step 1, so it is
    # more than 0.25 points behind from step 5 (4 * 0.0673 = 0.269): one breach, at step 5.
    never = {"state.CCC.commitment_keeping": 0.0}
    model = CoalitionModel("baseline", dataset=hand_world, **HAND, **never)
    penalties = []
    for _ in range(9):
        model.step()
        penalties.append(model.cohesion_penalty)
    (breach,) = model.events.of_kind("breach")
    assert (breach.step, breach.actor) == (5, "CCC")
    assert breach.value == pytest.approx(4 * 1.75 / 26)
    assert penalties[:4] == [0.0] * 4
    assert penalties[4:] == pytest.approx([0.05 * 0.8**k for k in range(5)])
