"""``coalition-sim scenarios``: list the presets, show every value of one."""

from __future__ import annotations

import re
import tomllib

import pytest

from coalition_sim.parameters import DEFAULT, PRESETS, SCHEMA, load_scenario


def test_list_shows_all_five_presets_with_a_description(cli):
    code, out, err = cli("scenarios")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert len(lines) == 5
    names = [line.split()[0] for line in lines]
    assert names == [
        "baseline", "us-withdrawal", "unanimity-veto", "ukraine-investment", "fast-track",
    ]  # fmt: skip
    for line, name in zip(lines, names, strict=True):
        assert line.split(None, 1)[1] == PRESETS[name].description
    code, again, _ = cli("scenarios", "list")
    assert code == 0
    assert again == out


@pytest.mark.parametrize("name", list(PRESETS))
def test_show_prints_every_parameter(cli, name):
    code, out, err = cli("scenarios", "show", name)
    assert code == 0, err
    scenario = PRESETS[name]
    assert out.startswith(f"{name}: {scenario.description}\n")
    for parameter in SCHEMA.values():
        value = scenario[parameter.name]
        if isinstance(value, tuple):
            value = " ".join(value)
        elif value is None:
            value = "never"
        line = re.search(rf"^ ([ *]){parameter.name}\s+(.*)$", out, re.M)
        assert line, parameter.name
        assert line.group(2).startswith(str(value)), parameter.name
        assert parameter.unit in line.group(2)
        differs = scenario[parameter.name] != parameter.default
        assert (line.group(1) == "*") == differs, parameter.name
    for group in {p.group for p in SCHEMA.values()}:
        assert f"[{group}]" in out
    for iso3, traits in scenario.state_overrides.items():
        for trait in traits:
            assert f"*state.{iso3}.{trait}" in out


def test_show_marks_what_a_preset_changes(cli):
    code, out, _ = cli("scenarios", "show", "us-withdrawal")
    assert code == 0
    assert re.search(r"^ \*us_withdrawal_step\s+4\s", out, re.M)
    reliability = re.escape(str(DEFAULT["reliability"]))
    assert re.search(rf"^  reliability\s+{reliability}\s", out, re.M)
    code, out, _ = cli("scenarios", "show", "baseline")
    assert code == 0
    assert "*" not in "".join(line[:2] for line in out.splitlines()[2:] if line.startswith(" "))


def test_show_prints_range_and_source(cli):
    code, out, _ = cli("scenarios", "show", "baseline")
    assert code == 0
    for parameter in SCHEMA.values():
        lines = re.search(rf"^ [ *]{parameter.name}\s+(.*)\n(.*)$", out, re.M)
        detail = lines.group(2)
        assert f"allowed: {parameter.describe_allowed()}" in detail, parameter.name
        assert f"source: {parameter.source}" in detail, parameter.name


@pytest.mark.parametrize("name", list(PRESETS))
def test_show_toml_is_a_scenario_file(cli, tmp_path, name):
    code, out, err = cli("scenarios", "show", name, "--toml")
    assert code == 0, err
    tomllib.loads(out)
    path = tmp_path / "copy.toml"
    path.write_text(out)
    assert load_scenario(path).flat() == PRESETS[name].flat()
    # And the file shows like the preset.
    code, shown, _ = cli("scenarios", "show", path)
    assert code == 0
    assert shown.startswith(f"{name}: ")


def test_show_a_toml_file_with_overrides(cli, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('admission_rule = "core"\n[states.HUN]\nreliability = 0.05\n')
    code, out, err = cli("scenarios", "show", path)
    assert code == 0, err
    assert re.search(r"^ \*admission_rule\s+core\s", out, re.M)
    assert re.search(r"^ \*state\.HUN\.reliability\s+0\.05", out, re.M)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show"], "name a scenario; allowed: baseline, us-withdrawal"),
        (["show", "nowhere"], "unknown scenario 'nowhere'; allowed: a TOML file or one of"),
        (["show", "nowhere.toml"], "nowhere.toml: scenario file not found"),
    ],
)
def test_show_bad_input(cli, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("scenarios", *args)
    assert code == 2
    assert out == ""
    assert err.startswith("coalition-sim scenarios: error: ")
    assert len(err.strip().splitlines()) == 1
    assert message in err


def test_show_malformed_toml(cli, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("admission_rule = \n")
    code, out, err = cli("scenarios", "show", path)
    assert code == 2
    assert out == ""
    assert f"{path}: malformed TOML" in err
    assert len(err.strip().splitlines()) == 1


# --- issue 15: an empty scenario or sweep file is not the baseline ---------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# my scenario, to be written\n"])
def test_an_empty_scenario_file_is_refused_not_run_as_the_baseline(cli, tmp_path, text):
    path = tmp_path / "mine.toml"
    path.write_text(text)
    for argv in (["run", "--steps", "1", "--out", tmp_path / "r"], ["states"]):
        code, out, err = cli(*argv, "--scenario", path)
        assert (code, out) == (2, "")
        assert err.strip() == (
            f"coalition-sim {argv[0]}: error: {path}: the scenario file is empty (no base "
            'preset, no values); write base = "baseline" in it to run the baseline on purpose'
        )
    assert not (tmp_path / "r").exists()
    path.write_text('base = "baseline"\n')  # said on purpose: it runs
    assert load_scenario(str(path)).values == PRESETS["baseline"].values


def test_an_empty_sweep_file_is_refused(cli, tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text("# to do\n")
    code, out, err = cli("sweep", path, "--dry-run")
    assert (code, out) == (2, "")
    assert f"{path}: the sweep file is empty; give at least [params]" in err
    path.write_text('scenario = "baseline"\nreps = 2\n')
    code, out, err = cli("sweep", path, "--dry-run")
    assert code == 0 and out.startswith("2 runs: 1 samples x 2 replications"), err
