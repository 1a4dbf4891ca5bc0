"""Every preset through the dashboard's controls and back, unchanged; names, never paths.

The browser rounds a slider's value to the slider's grid and sends the rounded value
back (Vuetify 2's ``VSlider.roundValue``); :func:`browser_round` does the same here, so
a preset whose value a slider cannot hold would come back changed, as the baseline's
Ukraine investment share of 0.003 did on a grid of 0.005.
"""

from __future__ import annotations

import math
import shlex

import pytest

from coalition_sim.dashboard.controls import (
    PRESET_CONTROL,
    control_values,
    fitting_step,
    make_run_class,
    on_grid,
)
from coalition_sim.dashboard.ensemble import run_from_controls, sweep_command
from coalition_sim.dashboard.sweep_page import SweepCatalog, open_sweep
from coalition_sim.errors import InputError
from coalition_sim.parameters import PRESETS

pytestmark = pytest.mark.filterwarnings("ignore:Failed to validate hooks:UserWarning")


def browser_round(value: float, spec: dict) -> float:
    """What Vuetify 2's slider sends back for ``value`` (``roundValue``, in Python)."""
    step = spec["step"]
    text = repr(float(step)) if not float(step).is_integer() else str(int(step))
    decimals = len(text) - text.index(".") - 1 if "." in text else 0
    offset = math.fmod(spec["min"], step)
    rounded = math.floor((value - offset) / step + 0.5) * step + offset
    return float(f"{min(rounded, spec['max']):.{decimals}f}")


@pytest.fixture(scope="module")
def run_class():
    return make_run_class(PRESETS["baseline"], PRESETS)


def through_the_browser(run_class, preset: str) -> dict:
    """The controls showing ``preset``, as the browser sends them back."""
    values = control_values(run_class.controls, PRESETS[preset])
    for name, spec in run_class.controls.items():
        if spec["type"] in ("SliderFloat", "SliderInt"):
            values[name] = browser_round(values[name], spec)
    return values


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_goes_through_the_controls_and_back_unchanged(run_class, preset):
    values = through_the_browser(run_class, preset)
    assert values[PRESET_CONTROL] == preset
    for name, spec in run_class.controls.items():
        if spec["type"].startswith("Slider"):
            assert values[name] == PRESETS[preset][name], name  # shown exactly
    run = run_class(**values)  # Reset
    assert run.error is None and run.changes == {}
    assert dict(run.sim.config.values) == dict(PRESETS[preset].values)


@pytest.mark.parametrize("preset", list(PRESETS))
def test_the_ensembles_command_is_the_presets(run_class, preset, cli, tmp_path):
    outcome = run_from_controls(run_class, through_the_browser(run_class, preset), 3)
    assert outcome.error is None and outcome.changes == {}
    assert dict(outcome.summary.scenario.values) == dict(PRESETS[preset].values)
    command = sweep_command(outcome, run_class.sources)
    seed = PRESETS[preset]["seed"]
    assert command == f"coalition-sim sweep --scenario {preset} --reps 3 --seed {seed}"
    out = tmp_path / "same"
    code, _, err = cli(*shlex.split(command)[1:], "--workers", "1", "--quiet", "--out", out)
    assert code == 0, err
    import json

    stored = json.loads((out / "metadata.json").read_text())["base_scenario"]["values"]
    for name, value in PRESETS[preset].values.items():
        expected = list(value) if isinstance(value, tuple) else value
        assert stored[name] == expected, name


def test_the_ukraine_investment_slider_holds_the_baseline_and_the_preset(run_class):
    spec = run_class.controls["ukraine_investment_share"]
    assert spec["step"] == 0.001  # 0.005 (a hundred positions) cannot hold 0.003
    assert browser_round(0.003, spec) == 0.003 and browser_round(0.05, spec) == 0.05
    assert browser_round(0.003, {**spec, "step": 0.005}) == 0.005  # the defect, reproduced


@pytest.mark.parametrize(
    ("low", "high", "values", "step"),
    [
        (0, 0.5, [0.003, 0.05], 0.001),
        (0, 1, [0.6, 0.25], 0.01),
        (0, 1, [0.6, 0.25, 0.125], 0.005),
        (0, 10, [3.5], 0.1),
        (0, 1, [math.pi / 10], None),  # no round grid holds it: a text field instead
    ],
)
def test_the_slider_step_is_the_coarsest_round_grid_holding_every_value(low, high, values, step):
    found = fitting_step(low, high, values)
    assert found == step
    if found is not None:
        assert all(on_grid(v, low, found) for v in values)


def test_a_value_no_grid_holds_gets_a_text_field(tmp_path):
    path = tmp_path / "odd.toml"
    path.write_text("ukraine_investment_share = 0.0031415926\n")
    from coalition_sim.parameters import load_scenario

    odd = load_scenario(str(path))
    run_class = make_run_class(odd, PRESETS, source=str(path))
    assert run_class.controls["ukraine_investment_share"]["type"] == "InputText"
    run = run_class(**control_values(run_class.controls, odd))
    assert run.error is None and run.changes == {}
    assert run.sim.config["ukraine_investment_share"] == 0.0031415926


@pytest.mark.parametrize(
    "value",
    ["/etc/passwd", "../../secret.toml", "~/x.toml", "baseline.toml", "x" * 100_000, 7],
)
def test_the_preset_control_takes_names_only_and_opens_no_file(run_class, value, tmp_path):
    secret = tmp_path / "secret.toml"
    secret.write_text('seed = "s3cr3t-value"\n')
    run = run_class(**{**run_class.start_controls, PRESET_CONTROL: value})
    assert run.error.startswith("preset: '") and "is not offered; allowed: baseline" in run.error
    assert "s3cr3t" not in run.error and len(run.error) < 400
    assert run.scenario_name == "baseline" and run.sim is not None
    run = run_class(**{**run_class.start_controls, PRESET_CONTROL: str(secret)})
    assert "s3cr3t" not in run.error and "not offered" in run.error


@pytest.mark.parametrize(
    ("control", "value"),
    [("founders", "EST, " + "X" * 100_000), ("seed", "9" * 5000), ("seed", "²")],
)
def test_long_or_strange_text_is_refused_without_being_echoed_whole(run_class, control, value):
    run = run_class(**{**run_class.start_controls, control: value})
    assert run.error.startswith(f"{control}:") and len(run.error) < 400
    assert run.sim is not None


def test_sweeps_are_offered_by_name_and_nothing_else_is_opened(tmp_path):
    import pandas as pd

    root = tmp_path / "sweeps"
    meta = '{"design": {"parameters": [{"name": "admission_rule"}]}}'
    for name in ("alpha", "beta"):
        (root / name).mkdir(parents=True)
        frame = {"status": ["ok"] * 2, "admission_rule": ["qmv", "unanimity"]}
        frame["final_members"] = [10, 12]
        pd.DataFrame(frame).to_parquet(root / name / "runs.parquet")
        (root / name / "metadata.json").write_text(meta)
    (root / "unfinished").mkdir()
    named = tmp_path / "given"
    named.mkdir()
    pd.DataFrame({"status": ["ok"], "final_members": [9]}).to_parquet(named / "runs.parquet")
    catalog = SweepCatalog({"given": named}, root)
    assert catalog.names() == ["given", "alpha", "beta"]
    assert open_sweep(catalog, "alpha").runs["final_members"].tolist() == [10, 12]
    for probe in ("../given", str(named), "/etc", "~", "/proc/self", "unfinished", "x" * 5000):
        with pytest.raises(InputError, match="not offered by this server") as error:
            open_sweep(catalog, probe)
        assert len(str(error.value)) < 200
    (root / "gamma").mkdir()  # a sweep finished while the server runs
    (root / "alpha" / "runs.parquet").rename(root / "gamma" / "runs.parquet")
    (root / "gamma" / "metadata.json").write_text(meta)
    assert "gamma" in catalog.names() and "alpha" not in catalog.names()
    (root / "beta" / "runs.parquet").write_text('seed = "s3cr3t"')  # not a parquet file
    with pytest.raises(InputError) as error:
        open_sweep(catalog, "beta")
    assert "sweep 'beta'" in str(error.value) and "s3cr3t" not in str(error.value)
    assert str(root) not in str(error.value)
