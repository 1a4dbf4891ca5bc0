"""Hypotheses decided by declared rules, across the calibrated parameter sets."""

from __future__ import annotations

import numpy as np
import pytest

from coalition_sim import hypotheses as hy
from coalition_sim.datasets import load_dataset


def means(**per_setting):
    return {name: np.asarray(values, dtype=float) for name, values in per_setting.items()}


def test_a_contrast_rule_holds_where_the_effect_is_large_enough_in_its_direction():
    rule = hy.Rule("final_members", "b", -1, 1.0, against="a", share=0.75)
    # effects b - a per set: -2 (holds), -0.5 (too small), +1.5 (opposite), -1 (holds)
    result = hy.decide(rule, means(a=[10, 10, 10, 10], b=[8, 9.5, 11.5, 9]))
    assert result.holds.tolist() == [True, False, False, True]
    assert result.opposite.tolist() == [False, False, True, False]
    assert result.verdict == hy.NOT_SUPPORTED  # 2 of 4 < 75 %
    assert hy.decide(rule, means(a=[10] * 4, b=[8, 8, 8, 9.5])).verdict == hy.SUPPORTED
    assert hy.decide(rule, means(a=[10] * 4, b=[12, 12, 12, 10])).verdict == hy.CONTRADICTED


def test_a_level_rule_compares_each_set_with_the_level():
    rule = hy.Rule("parity_at_end", "b", -1, 0.0, level=0.5, share=0.5)
    result = hy.decide(rule, means(b=[0.2, 0.4, 0.9, 0.7]))
    assert result.holds.tolist() == [True, True, False, False]
    assert result.verdict == hy.SUPPORTED  # half the sets, as required
    above = hy.Rule("parity_at_end", "b", +1, 0.1, level=0.5, share=0.5)
    assert hy.decide(above, means(b=[0.55, 0.65, 0.7, 0.9])).holds.tolist() == [
        False, True, True, True,
    ]  # fmt: skip


def test_a_hypothesis_is_supported_only_when_every_rule_is():
    settings = {"a": hy.Setting("A"), "b": hy.Setting("B")}
    one = hy.Rule("x", "b", +1, 0.0, against="a")
    two = hy.Rule("y", "b", +1, 0.0, against="a")
    h = hy.Hypothesis("hx", "title", "statement", settings, (one, two), "reading")
    good = hy.decide(one, means(a=[0, 0], b=[1, 1]))
    mixed = hy.decide(two, means(a=[0, 0], b=[1, -1]))
    bad = hy.decide(two, means(a=[0, 0], b=[-1, -1]))
    assert hy.Evaluation(h, (good, good), {}, 2, 1).verdict == hy.SUPPORTED
    assert hy.Evaluation(h, (good, mixed), {}, 2, 1).verdict == hy.NOT_SUPPORTED
    assert hy.Evaluation(h, (good, bad), {}, 2, 1).verdict == hy.CONTRADICTED
    text = hy.verdict_text(hy.Evaluation(h, (good, mixed), {}, 2, 1))
    assert text.startswith("**Verdict: not supported** (2 parameter sets")
    assert "It holds in 1 of 2 sets (needed: 2); the opposite in 1." in text


def test_every_hypothesis_declares_rules_on_its_own_settings():
    assert [h.key for h in hy.HYPOTHESES] == ["h1", "h2", "h3", "h4", "h5"]
    for h in hy.HYPOTHESES:
        assert h.rules and h.reading
        for rule in h.rules:
            assert rule.setting in h.settings
            assert rule.against is None or rule.against in h.settings
            assert rule.direction in (-1, 1) and 0 < rule.share <= 1
            assert hy.measure(rule.metric) is not None
            assert rule.text(h.settings)


def test_the_data_without_ukraine_has_neither_its_row_nor_its_borders():
    data = load_dataset()
    without = hy.without_states(data, ["UKR"])
    assert "UKR" not in without.arrays.codes
    assert all("UKR" not in border[:2] for border in without.borders)
    assert len(without.arrays.codes) == len(data.arrays.codes) - 1


@pytest.mark.parametrize("hypothesis", hy.HYPOTHESES, ids=lambda h: h.key)
def test_each_hypothesis_evaluates_on_a_few_sets_and_repeats(hypothesis):
    sets = hy.calibrated_sets(limit=3)
    one = hy.evaluate(hypothesis, sets, reps=4, steps=24)  # past the 2030 milestone
    two = hy.evaluate(hypothesis, sets, reps=4, steps=24)
    assert one.sets == 3 and one.reps == 4
    for a, b in zip(one.rules, two.rules, strict=True):
        np.testing.assert_array_equal(a.effects, b.effects)
    for result in one.rules:
        assert result.effects.shape == (3,)
        assert np.all(np.isfinite(result.effects))
    assert one.verdict in (hy.SUPPORTED, hy.NOT_SUPPORTED, hy.CONTRADICTED)


def test_the_sets_pair_each_calibrated_set_with_a_judgement_draw():
    sets = hy.uncertainty_sets(limit=5, seed=7)
    calibrated = hy.calibrated_sets(limit=5)
    assert len(sets) == 5
    for joint, fitted in zip(sets, calibrated, strict=True):
        assert {k: joint[k] for k in fitted} == fitted  # the behaviour as calibrated
        assert set(hy.JUDGEMENT) <= set(joint)
        for name, (low, high) in hy.JUDGEMENT.items():
            assert low <= joint[name] <= high
    assert sets == hy.uncertainty_sets(limit=5, seed=7)
    assert sets != hy.uncertainty_sets(limit=5, seed=8)


def _result_with(holds, effects=None):
    rule = hy.Rule("final_parity", "b", +1, 0.0, against="a", share=0.8)
    holds = np.asarray(holds, dtype=bool)
    effects = np.where(holds, 1.0, -1.0) if effects is None else np.asarray(effects, float)
    return hy.RuleResult(rule, effects, holds, ~holds)


def test_a_judgement_value_that_decides_the_rule_is_found_where_it_flips():
    n = 100
    values = np.linspace(2.0, 4.0, n)
    sets = [{"adversary_ppp_factor": v, "readiness": 0.7} for v in values]
    result = _result_with(values < 3.0, effects=3.0 - values)  # holds below 3 only
    (flip,) = hy.flips(result, sets, ["adversary_ppp_factor", "readiness"])
    assert flip.parameter == "adversary_ppp_factor"
    assert (flip.low_share, flip.high_share) == (1.0, 0.0)
    assert 2.8 <= flip.where <= 3.2 and flip.rho == pytest.approx(-1.0)
    assert "below about" in flip.text(0.8)


def test_noise_is_not_a_flip():
    rng = np.random.default_rng(1)
    sets = [{"adversary_ppp_factor": v} for v in rng.uniform(2, 4, 60)]
    result = _result_with(rng.uniform(size=60) < 0.8)
    assert hy.flips(result, sets, ["adversary_ppp_factor"]) == []


def test_the_record_for_machines_has_every_rule_with_its_numbers():
    sets = hy.uncertainty_sets(limit=3)
    evaluation = hy.evaluate(hy.HYPOTHESES[3], sets, reps=3, steps=24)
    record = hy.verdicts_record([evaluation], sets)
    (h4,) = record["hypotheses"]
    assert h4["key"] == "h4" and h4["verdict"] == evaluation.verdict
    assert [r["metric"] for r in h4["rules"]] == ["parity_2030", "final_parity"]
    for rule, result in zip(h4["rules"], evaluation.rules, strict=True):
        assert rule["holds_in"] == int(result.holds.sum())
        assert rule["low_5pct"] <= rule["median"] <= rule["high_95pct"]
