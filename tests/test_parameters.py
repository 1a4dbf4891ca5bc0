"""The scenario schema, presets, TOML files, --set and per-state overrides."""

from __future__ import annotations

import math
import re
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from strategies import scenario_changes

from coalition_sim.errors import InputError
from coalition_sim.parameters import (
    DEFAULT,
    FOUNDERS,
    PRESETS,
    SCHEMA,
    STATE_TRAITS,
    Scenario,
    calibrated_defaults,
    load_scenario,
    parse_state_key,
    parse_value,
    scenario_from_mapping,
)

#: Names users type (scenario files, `--set`, sweeps): part of the interface.
USER_NAMES = (
    "steps", "seed", "founders", "unreliable", "reliability", "unreliable_reliability",
    "threat_initial", "us_commitment", "us_withdrawal_step", "us_commitment_after",
    "admission_rule", "protocol", "spending_floor_pct", "ukraine_investment_share",
    "cost_advantage", "adversary_ppp_factor",
)  # fmt: skip


# ------------------------------------------------------------------ the schema


def test_user_facing_names_exist():
    assert set(USER_NAMES) <= set(SCHEMA)


@pytest.mark.parametrize("name", list(SCHEMA))
def test_every_parameter_is_documented_and_its_default_allowed(name):
    p = SCHEMA[name]
    assert p.name == name
    assert p.unit.strip(), "unit"
    assert p.help.strip(), "help"
    assert p.source.strip(), "source"
    assert p.group.strip(), "group"
    assert p.describe_allowed()
    if p.kind in ("int", "float"):
        assert p.low is not None and p.high is not None
        assert p.low < p.high
        if p.default is None:
            assert p.optional
        else:
            assert p.low <= p.default <= p.high
            assert isinstance(p.default, int if p.kind == "int" else float)
    elif p.kind == "choice":
        assert p.choices
        assert p.default in p.choices
    elif p.kind == "iso3_list":
        assert isinstance(p.default, tuple)
    assert p.validate(p.default) == p.default


@pytest.mark.parametrize("name", list(SCHEMA))
def test_every_default_parses_back_from_its_command_line_text(name):
    p = SCHEMA[name]
    value = p.default
    if value is None:
        text = "never"
    elif isinstance(value, tuple):
        text = ",".join(value)
    elif isinstance(value, bool):
        text = str(value).lower()
    else:
        text = repr(value) if isinstance(value, float) else str(value)
    assert p.parse(text) == value


def test_documented_defaults():
    assert FOUNDERS == ("EST", "LVA", "LTU", "FIN", "SWE", "NOR", "DNK", "ISL", "POL", "UKR")
    d = DEFAULT
    assert d["founders"] == FOUNDERS
    assert d["unreliable"] == ("HUN", "SVK")
    # Fitted parameters default to the packaged calibration's posterior median, and say so.
    fitted = calibrated_defaults()
    assert {
        "commitment_keeping", "power_weight", "w_threat", "application_threshold",
        "veto_propensity",
    } <= set(fitted)  # fmt: skip
    for name, (value, _note) in fitted.items():
        assert d[name] == value, name
        assert SCHEMA[name].source.startswith("calibrated: posterior median of "), name
        assert SCHEMA[name].low <= value <= SCHEMA[name].high, name
    # Reliability is the chance of responding to an attack: Leeds et al.'s share, not fitted.
    assert "reliability" not in fitted
    assert d["reliability"] == 0.745
    assert SCHEMA["reliability"].source.startswith("Leeds, Long and Mitchell (2000)")
    assert d["unreliable_reliability"] == 0.35
    assert d["unreliable_commitment_keeping"] == 0.5
    assert d["proximity_scale_km"] == 600.0
    assert d["steps"] == 40
    assert d["spending_floor_pct"] == 3.5
    assert d["qmv_member_share"] == 0.55
    assert d["qmv_population_share"] == 0.65
    assert d["adversary_ppp_factor"] == 3.0
    assert d["admission_rule"] == "unanimity"
    assert d["protocol"] == "threshold"
    assert d["us_withdrawal_step"] is None


def test_ukraine_defaults_match_the_packaged_facts(real_dataset):
    facts = real_dataset.ukraine_facts
    low, high = facts["production_cost_advantage_min"], facts["production_cost_advantage_max"]
    assert (low, high) == (3, 5)
    assert DEFAULT["cost_advantage"] == 4.0
    assert low <= DEFAULT["cost_advantage"] <= high
    assert DEFAULT["ukraine_utilisation_initial"] == pytest.approx(
        facts["industry_capacity_utilisation_share"], abs=0.005
    )
    assert DEFAULT["ukraine_drones_initial_m"] * 1e6 == facts["drones_produced_2024"]
    assert DEFAULT["ukraine_capacity_usd_bn"] == facts["ukraine_defence_industrial_capacity_usd_bn"]
    # The schema's range of the cost advantage holds the article's three to five.
    p = SCHEMA["cost_advantage"]
    assert p.low <= low and high <= p.high


def test_default_founders_and_unreliable_are_european_states(real_dataset):
    actors = {r["iso3"] for r in real_dataset.actor_rows()}
    assert set(FOUNDERS) <= actors
    assert set(DEFAULT["unreliable"]) <= actors


# ------------------------------------------------------------------ presets


def test_the_five_presets():
    assert set(PRESETS) == {
        "baseline", "us-withdrawal", "unanimity-veto", "ukraine-investment", "fast-track",
    }  # fmt: skip
    for name, scenario in PRESETS.items():
        assert scenario.name == name
        assert scenario.description.strip()
        assert "\n" not in scenario.description


@pytest.mark.parametrize("name", sorted(PRESETS) if PRESETS else [])
def test_every_preset_is_valid(name, real_dataset):
    from coalition_sim.model import CoalitionModel

    scenario = PRESETS[name]
    assert set(scenario.values) == set(SCHEMA)
    for key, value in scenario.values.items():
        assert SCHEMA[key].validate(value) == value, key
    assert load_scenario(name) is scenario
    model = CoalitionModel(scenario, dataset=real_dataset, collect_states=False)
    assert int(model.member.sum()) == len(scenario["founders"])


def test_presets_say_what_they_change():
    base = PRESETS["baseline"]
    assert base.flat() == DEFAULT.flat()
    withdrawal = PRESETS["us-withdrawal"]
    assert withdrawal["us_withdrawal_step"] == 4
    assert withdrawal["us_commitment_after"] == 0.0
    veto = PRESETS["unanimity-veto"]
    assert {"HUN", "SVK"} <= set(veto["founders"])
    assert set(FOUNDERS) <= set(veto["founders"])
    assert veto["admission_rule"] == "unanimity"
    assert PRESETS["ukraine-investment"]["ukraine_investment_share"] > 0
    assert PRESETS["fast-track"]["admission_rule"] in ("qmv", "core")


def test_scenarios_are_immutable():
    scenario = PRESETS["baseline"]
    with pytest.raises(TypeError):
        scenario.values["steps"] = 3  # type: ignore[index]
    with pytest.raises(AttributeError, match="read-only"):
        scenario.values.steps = 3  # type: ignore[misc]
    assert scenario.values.steps == 40  # typed access by attribute
    changed = scenario.with_values({"steps": 3})
    assert changed["steps"] == 3
    assert scenario["steps"] == 40
    assert changed.name == "baseline"
    assert scenario.with_values({}, name="other").name == "other"


# ------------------------------------------------------------------ --set


@pytest.mark.parametrize(
    ("assignment", "key", "value"),
    [
        ("steps=12", "steps", 12),
        ("steps = 12 ", "steps", 12),
        ("steps=1e1", "steps", 10),
        ("seed=0", "seed", 0),
        ("reliability=0.5", "reliability", 0.5),
        ("admission_rule=qmv", "admission_rule", "qmv"),
        ("founders=EST,LVA", "founders", ("EST", "LVA")),
        ("founders=est lva  pol", "founders", ("EST", "LVA", "POL")),
        ("founders=EST,EST,LVA", "founders", ("EST", "LVA")),
        ("unreliable=HUN", "unreliable", ("HUN",)),
        ("us_withdrawal_step=8", "us_withdrawal_step", 8),
        ("us_withdrawal_step=never", "us_withdrawal_step", None),
        ("us_withdrawal_step=None", "us_withdrawal_step", None),
    ],
)
def test_set_parses_values(assignment, key, value):
    scenario = PRESETS["us-withdrawal"].with_assignments([assignment])
    assert scenario[key] == value
    assert type(scenario[key]) is type(value)


def test_set_per_state_overrides():
    scenario = DEFAULT.with_assignments(
        ["state.HUN.reliability=0.2", "state.hun.alignment=-0.5", "state.POL.proximity=1"]
    )
    assert dict(scenario.state_overrides["HUN"]) == {"reliability": 0.2, "alignment": -0.5}
    assert scenario.state_overrides["POL"]["proximity"] == 1.0
    flat = scenario.flat()
    assert flat["state.HUN.reliability"] == 0.2
    assert flat["state.POL.proximity"] == 1.0
    # Later assignments win.
    again = scenario.with_assignments(["state.HUN.reliability=0.9", "steps=2", "steps=3"])
    assert again.state_overrides["HUN"]["reliability"] == 0.9
    assert again["steps"] == 3


def test_parse_state_key():
    assert parse_state_key("state.hun.reliability") == ("HUN", "reliability")
    assert parse_state_key("state.hun.commitment_keeping") == ("HUN", "commitment_keeping")
    assert set(STATE_TRAITS) == {
        "alignment", "reliability", "commitment_keeping", "proximity", "defence_pct_gdp",
    }  # fmt: skip
    assert parse_value("state.HUN.alignment", "-1") == -1.0
    assert parse_value("state.HUN.commitment_keeping", "0.25") == 0.25


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("admision_rule=qmv", "unknown parameter 'admision_rule' (did you mean admission_rule?)"),
        ("colour=blue", "unknown parameter 'colour'"),
        ("reliability=2", "reliability: 2.0 is out of range; allowed: float in [0, 1]"),
        ("reliability=abc", "reliability: 'abc' is not a number; allowed: float in [0, 1]"),
        ("reliability=nan", "reliability: nan is out of range"),
        ("reliability=inf", "reliability: inf is out of range"),
        ("steps=2.5", "steps: 2.5 is not a whole number; allowed: int in [1, 400]"),
        ("steps=0", "steps: 0 is out of range"),
        ("seed=-1", "seed: -1 is out of range"),
        ("admission_rule=veto", "admission_rule: 'veto' is not allowed; allowed: one of unanimity"),
        ("protocol=auction", "protocol: 'auction' is not allowed"),
        ("founders=EST,R1S", "founders: 'R1S' is not an ISO3 code"),
        ("founders=ESTO", "founders: 'ESTO' is not an ISO3 code"),
        ("us_withdrawal_step=soon", "us_withdrawal_step: 'soon' is not a number"),
        ("us_withdrawal_step=-1", "us_withdrawal_step: -1 is out of range"),
        ("noequals", "--set 'noequals': write name=value"),
        ("=3", "--set '=3': write name=value"),
        ("state.HUN.reliablity=0.3", "state.HUN.reliablity: unknown trait 'reliablity'"),
        ("state.HUNG.reliability=0.3", "state.HUNG.reliability: 'HUNG' is not an ISO3 code"),
        ("state.HUN=0.3", "state.HUN: per-state overrides are written state.ISO3.TRAIT"),
        ("state.HUN.reliability=x", "state.HUN.reliability: 'x' is not a number"),
        ("state.HUN.reliability=1.5", "state.HUN.reliability: 1.5 is out of range"),
        ("state.HUN.alignment=nan", "state.HUN.alignment: nan is out of range"),
    ],
)
def test_set_errors_name_the_parameter_and_what_is_allowed(assignment, message):
    with pytest.raises(InputError) as info:
        DEFAULT.with_assignments([assignment])
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"steps": True}, "steps: True is not a number"),
        ({"steps": "12"}, "steps: '12' is not a number"),
        ({"founders": 3}, "founders: 3 is not a list"),
        ({"founders": ["EST", 3]}, "founders: 3 is not an ISO3 code"),
        ({"admission_rule": 1}, "admission_rule: 1 is not allowed"),
        ({"reliability": None}, "reliability: a value is required"),
        ({"state.HUN.reliability": "high"}, "state.HUN.reliability: 'high' is not a number"),
        ({"state.HUN.reliability": True}, "state.HUN.reliability: True is not a number"),
    ],
)
def test_with_values_validates_python_values(changes, message):
    with pytest.raises(InputError, match=re.escape(message)):
        DEFAULT.with_values(changes)


def test_a_string_founder_is_one_code():
    assert DEFAULT.with_values({"founders": "pol"})["founders"] == ("POL",)


@pytest.mark.parametrize("seed", [2**53 + 1, 6651666526363356749, 2**63 - 1])
def test_large_seeds_are_kept_exactly(seed):
    assert SCHEMA["seed"].validate(seed) == seed
    assert SCHEMA["seed"].parse(str(seed)) == seed


# ------------------------------------------------------------------ TOML files


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_round_trips_through_toml(name, tmp_path):
    scenario = PRESETS[name]
    text = scenario.to_toml()
    tomllib.loads(text)  # valid TOML
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    loaded = load_scenario(str(path))
    assert loaded.name == scenario.name
    assert loaded.description == scenario.description
    assert loaded.flat() == scenario.flat()
    assert loaded.values == scenario.values


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=scenario_changes())
def test_any_scenario_round_trips_through_toml(changes):
    scenario = PRESETS["baseline"].with_values(changes, name="mine")
    loaded = scenario_from_mapping(tomllib.loads(scenario.to_toml()), origin="x.toml")
    for key, value in scenario.flat().items():
        got = loaded.flat()[key]
        if isinstance(value, float):
            assert got == value or (math.isnan(got) and math.isnan(value))
        else:
            assert got == value, key
    assert loaded.flat() == scenario.flat()


def test_a_hand_written_toml_file(tmp_path):
    path = tmp_path / "my scenario.toml"
    path.write_text(
        'base = "us-withdrawal"\n'
        'description = "withdrawal with qmv"\n'
        'admission_rule = "qmv"\n'
        "steps = 12\n"
        'founders = ["EST", "lva", "POL"]\n'
        "\n[states.HUN]\nreliability = 0.1\n"
        "\n[states.svk]\nalignment = -1\n"
    )
    scenario = load_scenario(path)
    assert scenario.name == "my scenario"  # the file's stem
    assert scenario.description == "withdrawal with qmv"
    assert scenario["admission_rule"] == "qmv"
    assert scenario["us_withdrawal_step"] == 4  # from the base
    assert scenario["steps"] == 12
    assert scenario["founders"] == ("EST", "LVA", "POL")
    assert scenario.state_overrides["HUN"]["reliability"] == 0.1
    assert scenario.state_overrides["SVK"]["alignment"] == -1.0


def test_an_empty_toml_file_is_refused_and_base_baseline_is_the_baseline(tmp_path):
    # Issue 15: an empty file ran the baseline without a word; it is refused now.
    path = tmp_path / "empty.toml"
    path.write_text("")
    with pytest.raises(InputError, match="the scenario file is empty"):
        load_scenario(path)
    path.write_text('base = "baseline"\n')
    scenario = load_scenario(path)
    assert scenario.flat() == PRESETS["baseline"].flat()
    assert scenario.name == "empty"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("steps = ", "malformed TOML"),
        ("steps = 1\nsteps = 2\n", "malformed TOML"),
        ("[states.HUN\n", "malformed TOML"),
        ("stepz = 3\n", "unknown parameter 'stepz' (did you mean steps?)"),
        ("steps = 0\n", "steps: 0 is out of range; allowed: int in [1, 400]"),
        ('steps = "ten"\n', "steps: 'ten' is not a number"),
        ("steps = 2.5\n", "steps: 2.5 is not a whole number"),
        ('admission_rule = "vote"\n', "admission_rule: 'vote' is not allowed"),
        ('base = "nowhere"\n', "base: unknown preset 'nowhere'; allowed: baseline"),
        ("states = 3\n", "states: write [states.ISO3] tables"),
        ("[states]\nHUN = 0.3\n", "states.HUN: write trait = value pairs"),
        ("[states.HUN]\nloyalty = 0.3\n", "state.HUN.loyalty: unknown trait 'loyalty'"),
        ("[states.HUN]\nreliability = 3\n", "state.HUN.reliability: 3 is out of range"),
        ("[other]\nx = 1\n", "unknown parameter 'other'"),
    ],
)
def test_bad_toml_files_name_the_file_and_the_problem(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_scenario(str(path))
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_missing_scenario_file_and_unknown_scenario(tmp_path):
    with pytest.raises(InputError, match=r"nope\.toml: scenario file not found"):
        load_scenario(str(tmp_path / "nope.toml"))
    with pytest.raises(InputError) as info:
        load_scenario("basline")
    assert str(info.value) == (
        "unknown scenario 'basline'; allowed: a TOML file or one of "
        "baseline, us-withdrawal, unanimity-veto, ukraine-investment, fast-track"
    )


def test_a_folder_is_not_a_scenario(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        load_scenario(str(tmp_path))


def test_non_utf8_toml_is_reported(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(b'description = "caf\xe9"\n')
    with pytest.raises(InputError, match=r"latin\.toml"):
        load_scenario(path)


def test_toml_can_say_never(tmp_path):
    path = tmp_path / "stay.toml"
    path.write_text('base = "us-withdrawal"\nus_withdrawal_step = "never"\n')
    assert load_scenario(path)["us_withdrawal_step"] is None


def test_to_toml_escapes_newlines():
    scenario = Scenario("x", "two\nlines", DEFAULT.values)
    assert tomllib.loads(scenario.to_toml())["description"] == "two\nlines"


def test_to_toml_escapes_quotes_and_backslashes():
    scenario = Scenario('a "b"', "c:\\d", DEFAULT.values)
    document = tomllib.loads(scenario.to_toml())
    assert (document["name"], document["description"]) == ('a "b"', "c:\\d")


def test_numpy_integers_are_numbers():
    import numpy as np

    scenario = DEFAULT.with_values({"steps": np.int64(12), "reliability": np.int64(1)})
    assert scenario["steps"] == 12
    assert type(scenario["steps"]) is int
    assert scenario["reliability"] == 1.0


def test_numpy_floats_are_numbers():
    import numpy as np

    assert DEFAULT.with_values({"reliability": np.float64(0.5)})["reliability"] == 0.5


def test_founders_cannot_be_empty():
    with pytest.raises(InputError, match="founders"):
        DEFAULT.with_assignments(["founders="])
