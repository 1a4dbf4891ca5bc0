"""The notebook API: ``coalition_sim.run`` and ``coalition_sim.sweep``.

Each is checked against the command line it stands for: the same numbers for the same
scenario and seeds, the same columns, the same one-line messages for bad input.
"""

from __future__ import annotations

import doctest
import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import coalition_sim
from coalition_sim.errors import InputError
from coalition_sim.parameters import PRESETS

SHORT = 12


# --------------------------------------------------------------------------- the package
def test_import_coalition_sim_is_light_and_offers_run_and_sweep():
    code = (
        "import sys, coalition_sim; "
        "print(sorted(m for m in ('pandas', 'mesa', 'solara', 'pyarrow') if m in sys.modules)); "
        "print(callable(coalition_sim.run), callable(coalition_sim.sweep))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True True"]
    assert {"run", "sweep"} <= set(dir(coalition_sim))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        coalition_sim.nope  # noqa: B018


def test_sweep_is_callable_whatever_was_imported_first():
    import inspect

    import coalition_sim.sweeps.runner  # sets coalition_sim.sweep to the subpackage

    assert coalition_sim.sweeps.runner.SweepRunner is not None
    assert "reps" in inspect.signature(coalition_sim.sweep).parameters
    runs = coalition_sim.sweep(reps=2, steps=3)
    assert len(runs) == 2


def test_the_docstring_examples_run():
    import coalition_sim.api
    import coalition_sim.ensemble

    for module in (coalition_sim.api, coalition_sim.ensemble):
        failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert tried > 0 and failures == 0, module.__name__


# --------------------------------------------------------------------------- run
@pytest.fixture(scope="module")
def run_result():
    return coalition_sim.run("us-withdrawal", seed=7, steps=SHORT, admission_rule="qmv")


def test_a_run_gives_the_tables_of_coalition_sim_run(run_result, cli, tmp_path):
    out = tmp_path / "cli"
    code, _, err = cli(
        "run", "--scenario", "us-withdrawal", "--seed", "7", "--steps", SHORT,
        "--set", "admission_rule=qmv", "--out", out, "--quiet",
    )  # fmt: skip
    assert code == 0, err
    for name in ("steps", "states", "events"):
        expected = pd.read_parquet(out / f"{name}.parquet")
        pd.testing.assert_frame_equal(getattr(run_result, name), expected, check_dtype=False)
    meta = json.loads((out / "metadata.json").read_text())
    # the same outcomes; the file writes "never" (-1) and a milestone beyond the horizon
    # (NaN: twelve quarters end before 2030's, step 20) as null
    outcomes = run_result.outcomes
    assert math.isnan(outcomes["parity_2030"]) and not math.isnan(outcomes["parity_2027"])
    nulls = {"parity_2030"} | {
        name for name in ("first_parity_step", "gap_closed_step") if outcomes[name] == -1
    }
    assert meta["outcomes"] == {
        name: None if name in nulls else value for name, value in outcomes.items()
    }
    assert run_result.seed == 7 and run_result.scenario["admission_rule"] == "qmv"
    assert [list(pair) for pair in run_result.join_order] == [
        [row["iso3"], row["step"]] for row in meta["join_order"]
    ]


def test_a_run_reads_like_the_cli_summary_and_repeats_from_its_command(run_result, cli):
    assert str(run_result).startswith("coalition-sim run: scenario us-withdrawal, seed 7")
    assert repr(run_result).startswith("<Run 'us-withdrawal' seed 7: 12 quarters,")
    assert run_result.command == (
        "coalition-sim run --scenario us-withdrawal --seed 7 --set steps=12 "
        "--set admission_rule=qmv"
    )
    series = run_result.outcome_series()
    assert series["final_parity"] == run_result.outcomes["final_parity"]
    assert series.name == "us-withdrawal seed 7"


def test_a_run_saves_the_folder_of_coalition_sim_run(run_result, tmp_path):
    folder = run_result.save(tmp_path / "saved")
    assert {p.name for p in folder.iterdir()} == {
        "steps.parquet",
        "states.parquet",
        "events.parquet",
        "metadata.json",
    }
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["command"] == run_result.command and meta["seed"] == 7
    with pytest.raises(InputError, match="the folder exists"):
        run_result.save(folder)
    run_result.save(folder, force=True)


def test_a_states_trait_may_be_given_three_ways():
    by_states = coalition_sim.run(steps=SHORT, states={"hun": {"reliability": 0.2}})
    by_overrides = coalition_sim.run(steps=SHORT, overrides={"state.HUN.reliability": 0.2})
    by_text = coalition_sim.run(steps=SHORT, overrides={"state.HUN.reliability": "0.2"})
    from coalition_sim.simulation import states_table

    for result in (by_states, by_overrides, by_text):
        assert result.scenario.state_overrides["HUN"]["reliability"] == 0.2
        pd.testing.assert_frame_equal(result.states, by_states.states)
    traits = states_table(by_states.scenario).set_index("iso3")
    assert traits.loc["HUN", "reliability"] == 0.2  # the trait the model sees
    assert traits.loc["SVK", "reliability"] == PRESETS["baseline"]["unreliable_reliability"]


def test_text_values_are_read_as_the_command_line_reads_them():
    result = coalition_sim.run(steps=4, founders="est, lva, ukr", us_withdrawal_step="never")
    assert result.scenario["founders"] == ("EST", "LVA", "UKR")
    assert result.scenario["us_withdrawal_step"] is None
    scenario = PRESETS["fast-track"]
    assert coalition_sim.run(scenario, steps=4).scenario["admission_rule"] == "qmv"


def test_the_seed_defaults_to_the_scenarios(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("seed = 5\nsteps = 4\n")
    assert coalition_sim.run(path).seed == 5
    assert coalition_sim.run(path, seed=6).seed == 6


@pytest.mark.parametrize(
    ("setting", "kwargs"),
    [
        ("threat_intial=0.7", {"threat_intial": 0.7}),
        ("threat_initial=1.5", {"threat_initial": 1.5}),
        ("admission_rule=dictator", {"admission_rule": "dictator"}),
        ("state.HUN.reliability=2.0", {"states": {"HUN": {"reliability": 2.0}}}),
        ("state.HUN.loyalty=0.5", {"states": {"HUN": {"loyalty": 0.5}}}),
        ("state.ZZZ.reliability=0.2", {"overrides": {"state.ZZZ.reliability": 0.2}}),
        ("founders=EST,12X", {"founders": "EST,12X"}),
    ],
)
def test_bad_input_gives_the_clis_one_line_message(setting, kwargs, cli):
    code, _, err = cli("run", "--set", setting, "--steps", "2", "--out", "/nonexistent/x")
    assert code == 2
    expected = err.strip().removeprefix("coalition-sim run: error: ")
    with pytest.raises(InputError) as caught:
        coalition_sim.run(steps=2, **kwargs)
    assert str(caught.value) == expected and "\n" not in expected


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"scenario": "nope"}, "unknown scenario 'nope'"),
        ({"scenario": 3}, "scenario: 3 is not a preset name"),
        ({"seed": -1}, "seed: -1 is out of range"),
        ({"states": {"HUN": 0.2}}, "states: HUN: write {'HUN': {'reliability': 0.2}}"),
        ({"states": ["HUN"]}, "states: ['HUN'] is not a dict"),
        (
            {"threat_initial": 0.7, "overrides": {"threat_initial": 0.8}},
            "threat_initial: given twice (as a keyword and in overrides)",
        ),
        (
            {"overrides": {"state.HUN.reliability": 0.2}, "states": {"HUN": {"reliability": 0.3}}},
            "state.HUN.reliability: given twice (as overrides and in states)",
        ),
    ],
)
def test_bad_arguments_name_themselves(kwargs, message):
    with pytest.raises(InputError, match=None) as caught:
        coalition_sim.run(**kwargs)
    assert str(caught.value).startswith(message)


# --------------------------------------------------------------------------- sweep
def test_a_sweep_gives_the_runs_parquet_of_coalition_sim_sweep(cli, tmp_path):
    out = tmp_path / "cli"
    code, _, err = cli(
        "sweep", "--param", "admission_rule=unanimity,qmv", "--param", "threat_initial=0.3:0.9:2",
        "--set", "us_withdrawal_step=4", "--reps", "3", "--steps", "8", "--seed", "4",
        "--workers", "1", "--quiet", "--out", out,
    )  # fmt: skip
    assert code == 0, err
    expected = pd.read_parquet(out / "runs.parquet")
    runs = coalition_sim.sweep(
        params={"admission_rule": ["unanimity", "qmv"], "threat_initial": (0.3, 0.9, 2)},
        fixed={"us_withdrawal_step": 4},
        reps=3,
        steps=8,
        seed=4,
    )
    assert list(runs.columns) == list(expected.columns)
    assert len(runs) == 12
    same = [c for c in runs.columns if c != "wall_time_s"]
    pd.testing.assert_frame_equal(runs[same], expected[same])


def test_a_sweep_writes_the_usual_folder_when_asked(tmp_path):
    out = tmp_path / "sweep"
    runs = coalition_sim.sweep(
        params={"state.HUN.reliability": [0.1, 0.5]}, reps=2, steps=5, out=out, keep_steps=True
    )
    names = {p.name for p in out.iterdir()}
    assert {"runs.parquet", "steps.parquet", "design.parquet", "metadata.json"} <= names
    steps = pd.read_parquet(out / "steps.parquet")
    assert sorted(steps["run_id"].unique()) == runs["run_id"].tolist() == [0, 1, 2, 3]
    assert len(steps) == 4 * 6
    assert runs["state.HUN.reliability"].tolist() == [0.1, 0.1, 0.5, 0.5]
    with pytest.raises(InputError, match="exists and is not empty; pass force=True"):
        coalition_sim.sweep(reps=1, steps=2, out=out)
    again = coalition_sim.sweep(reps=1, steps=2, out=out, force=True)
    assert len(again) == 1 and len(pd.read_parquet(out / "runs.parquet")) == 1
    assert not (out / "steps.parquet").exists()


def test_sampled_designs_stay_in_their_ranges():
    runs = coalition_sim.sweep(
        params={"reliability": (0.5, 0.9), "cost_advantage": (3.0, 5.0)},
        sample="lhs",
        samples=6,
        steps=3,
    )
    assert len(runs) == 6 and runs["reliability"].between(0.5, 0.9).all()
    assert runs["cost_advantage"].between(3.0, 5.0).all()
    assert runs["reliability"].nunique() == 6


def test_values_may_be_numpy_arrays_and_lists_of_iso3_lists():
    runs = coalition_sim.sweep(
        params={
            "threat_initial": np.array([0.2, 0.4]),
            "founders": [["EST", "LVA", "UKR"], ["EST", "LVA"]],
        },
        steps=3,
    )
    assert runs["threat_initial"].tolist() == [0.2, 0.2, 0.4, 0.4]
    assert runs["founders"].tolist() == ["EST,LVA,UKR", "EST,LVA"] * 2


def test_replications_of_one_scenario_are_the_ensembles_runs():
    from coalition_sim.ensemble import run_ensemble

    runs = coalition_sim.sweep(reps=8, steps=10, seed=9)
    ensemble = run_ensemble(PRESETS["baseline"].with_values({"steps": 10}), 8, seed=9)
    assert runs["seed"].tolist() == ensemble.seeds.tolist()
    assert np.array_equal(runs["final_parity"], ensemble.series["parity"][:, -1])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"params": {"reliability": (0.5, 0.9)}}, "params['reliability']: a grid needs a number"),
        ({"params": {"reliability": 0.5}}, "params['reliability']: 0.5: give a list of values"),
        ({"params": {"reliability": (0.5, 0.9, 3, 4)}}, "params['reliability']: a range is"),
        ({"params": {"admission_rule": ("a", "b", 2)}}, "admission_rule: a range needs a numeric"),
        ({"params": {"reliability": [1.5]}}, "reliability: 1.5 is out of range"),
        ({"params": {"relaibility": [0.5]}}, "unknown parameter 'relaibility' (did you mean"),
        ({"params": ["reliability"]}, "params: ['reliability'] is not a dict"),
        ({"sample": "random"}, "sample: 'random' is not allowed"),
        ({"sample": "lhs"}, "sample='lhs': vary at least one parameter (params)"),
        (
            {"sample": "lhs", "params": {"reliability": (0.5, 0.9)}},
            "sample='lhs': give the sample size, samples=N",
        ),
        (
            {"sample": "sobol", "samples": 4, "params": {"reliability": (0.5, 0.9)}},
            "sample='sobol': vary at least two parameters",
        ),
        ({"reps": 0}, "reps: 0 is out of range"),
        ({"reps": 2.5}, "reps: 2.5 is not a whole number"),
        ({"steps": 500}, "steps: 500 is out of range"),
        ({"keep_steps": True}, "keep_steps: give out=FOLDER"),
        (
            {"params": {"reliability": [0.5]}, "fixed": {"reliability": 0.6}},
            "reliability: both varied (params) and fixed",
        ),
        ({"steps": 5, "fixed": {"steps": 6}}, "steps: given twice"),
        ({"fixed": {"founders": ["EST", "ZZZ"]}}, "founders: unknown ISO3 code ZZZ"),
        ({"scenario": "nope"}, "unknown scenario 'nope'"),
        ({"params": {"reliability": (0.0, 1.0, 10**9)}}, "the design has 1,000,000,000 runs"),
    ],
)
def test_bad_sweep_arguments_are_one_line_before_anything_runs(kwargs, message, tmp_path):
    with pytest.raises(InputError) as caught:
        coalition_sim.sweep(**{"steps": 2, **kwargs})
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
