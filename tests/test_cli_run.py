"""``coalition-sim run`` end to end on the real data."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from coalition_sim import __version__
from coalition_sim.agents import STATE_REPORTERS
from coalition_sim.events import COLUMNS as EVENT_COLUMNS
from coalition_sim.model import METRICS
from coalition_sim.parameters import PRESETS, SCHEMA
from coalition_sim.rules.utility import TERMS

FILES = ["events.parquet", "metadata.json", "states.parquet", "steps.parquet"]
DATA = Path(__file__).resolve().parents[1] / "coalition_sim" / "data"


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def one_error_line(err: str, command: str = "run") -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"coalition-sim {command}: error: "), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def veto_run(tmp_path_factory):
    """One run of the unanimity-veto preset (vetoes happen), its output and folder."""
    from coalition_sim.cli import main

    out = tmp_path_factory.mktemp("veto") / "run"
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(
            [
                "run",
                "--scenario",
                "unanimity-veto",
                "--steps",
                "16",
                "--seed",
                "2",
                "--out",
                str(out),
            ]
        )
    return code, stdout.getvalue(), stderr.getvalue(), out


def test_run_writes_the_promised_files(veto_run):
    code, _out, err, folder = veto_run
    assert code == 0
    assert err == ""
    assert listing(folder) == FILES
    steps = pd.read_parquet(folder / "steps.parquet")
    assert list(steps.columns) == ["step", *METRICS]
    assert steps["step"].tolist() == list(range(17))
    states = pd.read_parquet(folder / "states.parquet")
    assert list(states.columns) == [
        "step", "iso3", *[c for c in STATE_REPORTERS if c != "iso3"], *(f"u_{t}" for t in TERMS)
    ]  # fmt: skip
    assert len(states) == 17 * 41
    events = pd.read_parquet(folder / "events.parquet")
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert set(events["kind"]) >= {"application", "vote", "veto", "rejection"}
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["version"] == __version__
    assert meta["seed"] == 2
    assert meta["steps"] == 16
    assert meta["scenario"]["name"] == "unanimity-veto"
    assert set(meta["parameters"]) >= set(SCHEMA)
    assert meta["parameters"]["founders"][-2:] == ["HUN", "SVK"]
    assert meta["parameters"]["admission_rule"] == "unanimity"
    assert meta["data"] == {"states": "european_states.csv", "borders": "borders.csv"}
    assert {"build_s", "run_s"} <= set(meta["timings_s"])
    # No staging folder left beside the results.
    assert listing(folder.parent) == ["run"]


def test_run_prints_a_summary_that_matches_the_files(veto_run):
    _code, out, _err, folder = veto_run
    steps = pd.read_parquet(folder / "steps.parquet")
    events = pd.read_parquet(folder / "events.parquet")
    meta = json.loads((folder / "metadata.json").read_text())
    assert out.startswith("coalition-sim run: scenario unanimity-veto, seed 2, 16 quarters\n")
    # Members in join order, founders first, then each admission at its step.
    founders = " ".join(PRESETS["unanimity-veto"]["founders"])
    assert re.search(rf"^\s+founders\s+{founders}$", out, re.M)
    joined = [(j["iso3"], j["step"]) for j in meta["join_order"]]
    order = [code for code, _ in joined]
    printed = (
        " ".join(
            line.split(maxsplit=3)[-1]
            if line.strip().startswith("step")
            else line.split(None, 1)[1]
            for line in out.splitlines()
            if re.match(r"^\s+(founders|step\s+\d+)", line)
        )
        .replace("*", "")
        .split()
    )
    assert printed == order
    for code_, step in joined[len(PRESETS["unanimity-veto"]["founders"]) :]:
        assert re.search(rf"^\s+step\s+{step} \(\d{{4}}Q[1-4]\)\s.*\b{code_}\b", out, re.M)
    assert f"members in join order ({steps['members'].iloc[-1]} at the end)" in out
    # Start and end of parity, cohesion, credibility.
    for name in ("parity", "cohesion", "credibility", "threat"):
        first, last = steps[name].iloc[0], steps[name].iloc[-1]
        assert re.search(rf"^{name}\s+{first:.3f}\s+{last:.3f}$", out, re.M), name
    # First parity step, or never.
    reached = steps.loc[steps["parity"] >= 1, "step"]
    expected = "never" if reached.empty else str(reached.iloc[0])
    assert f"first step with parity >= 1: {expected}" in out
    # Vetoes by whom.
    vetoes = events[events["kind"] == "veto"]
    assert len(vetoes) > 0
    assert f"vetoes: {len(vetoes)}: " in out
    for actor, n in vetoes.groupby("actor").size().items():
        assert re.search(rf"\b{actor} {n} \(against ", out), actor
    assert f"results: {folder}/" in out


def test_run_summary_without_vetoes_and_quiet(cli, tmp_path):
    code, out, err = cli("run", "--steps", "3", "--out", tmp_path / "r", "--quiet")
    assert code == 0, err
    assert out.strip() == str(tmp_path / "r")
    code, out, _err = cli("run", "--steps", "2", "--set", "unreliable=", "--out", tmp_path / "s")
    assert code == 0
    assert "vetoes: none" in out


def test_summary_when_parity_is_reached(cli, tmp_path):
    # Russia's roubles at European prices: the founders start below parity, and the
    # coalition passes it as states join
    out = tmp_path / "r"
    code, stdout, err = cli(
        "run", "--set", "adversary_ppp_factor=1", "--steps", "12", "--out", out
    )  # fmt: skip
    assert code == 0, err
    steps = pd.read_parquet(out / "steps.parquet")
    first = int(steps.loc[steps["parity"] >= 1, "step"].iloc[0])
    assert first > 0, "the run should start below parity for this test to mean much"
    year, quarter = 2026 + (first - 1) // 4, (first - 1) % 4 + 1
    assert f"first step with parity >= 1: {first} ({year}Q{quarter})" in stdout
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["outcomes"]["first_parity_step"] == first


def test_summary_when_parity_holds_from_the_start(cli, tmp_path):
    out = tmp_path / "r"
    code, stdout, err = cli(
        "run", "--set", "adversary_ppp_factor=1", "--set", "adversary_readiness=0.1",
        "--steps", "4", "--out", out,
    )  # fmt: skip
    assert code == 0, err
    steps = pd.read_parquet(out / "steps.parquet")
    assert steps["parity"].iloc[0] >= 1
    assert "first step with parity >= 1: 0 (start)" in stdout


def test_summary_marks_members_that_left(cli, tmp_path):
    out = tmp_path / "r"
    code, stdout, err = cli(
        "run", "--scenario", "fast-track", "--set", "exit_threshold=5",
        "--set", "exit_patience=2", "--steps", "6", "--out", out,
    )  # fmt: skip
    assert code == 0, err
    events = pd.read_parquet(out / "events.parquet")
    left = sorted(set(events.loc[events["kind"] == "exit", "actor"]))
    assert left
    assert f"* left later: {' '.join(left)}" in stdout
    for code_ in left:
        assert re.search(rf"\b{code_}\*", stdout)
    steps = pd.read_parquet(out / "steps.parquet")
    assert f"members in join order ({steps['members'].iloc[-1]} at the end)" in stdout
    assert f"exits: {len(events[events['kind'] == 'exit'])}," in stdout


def test_default_out_is_a_new_folder_under_results(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = cli("run", "--steps", "2", "--seed", "9", "--quiet")
    assert code == 0, err
    (folder,) = (tmp_path / "results").iterdir()
    assert folder.name.startswith("baseline-seed9-")
    assert out.strip() == str(Path("results") / folder.name)
    assert listing(folder) == FILES
    code, out, _err = cli("run", "--steps", "2", "--seed", "9", "--quiet")
    assert code == 0
    assert len(list((tmp_path / "results").iterdir())) == 2  # never the same folder


# ------------------------------------------------------------------ seeds


def test_same_seed_identical_files_different_seed_different_run(cli, tmp_path):
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        code, _, _ = cli(
            "run",
            "--scenario",
            "fast-track",
            "--steps",
            "10",
            "--seed",
            seed,
            "--out",
            tmp_path / name,
            "--quiet",
        )
        assert code == 0
    for table in ("steps", "states", "events"):
        a = pd.read_parquet(tmp_path / "a" / f"{table}.parquet")
        b = pd.read_parquet(tmp_path / "b" / f"{table}.parquet")
        pd.testing.assert_frame_equal(a, b)
        assert (tmp_path / "a" / f"{table}.parquet").read_bytes() == (
            tmp_path / "b" / f"{table}.parquet"
        ).read_bytes()
    a = pd.read_parquet(tmp_path / "a" / "steps.parquet")
    c = pd.read_parquet(tmp_path / "c" / "steps.parquet")
    assert not a["threat"].equals(c["threat"])
    meta_a = json.loads((tmp_path / "a" / "metadata.json").read_text())
    meta_c = json.loads((tmp_path / "c" / "metadata.json").read_text())
    assert (meta_a["seed"], meta_c["seed"]) == (5, 6)
    assert (
        meta_a["outcomes"] == json.loads((tmp_path / "b" / "metadata.json").read_text())["outcomes"]
    )


def test_scenario_file_set_steps_and_seed(cli, tmp_path):
    scenario = tmp_path / "mine.toml"
    scenario.write_text('base = "us-withdrawal"\nsteps = 3\n[states.HUN]\nreliability = 0.1\n')
    code, out, err = cli(
        "run",
        "--scenario",
        scenario,
        "--set",
        "admission_rule=core",
        "--seed",
        "8",
        "--out",
        tmp_path / "r",
    )
    assert code == 0, err
    meta = json.loads((tmp_path / "r" / "metadata.json").read_text())
    assert meta["scenario"]["name"] == "mine"
    assert meta["steps"] == 3
    assert meta["seed"] == 8
    assert meta["parameters"]["admission_rule"] == "core"
    assert meta["parameters"]["us_withdrawal_step"] == 4
    assert meta["parameters"]["state.HUN.reliability"] == 0.1
    assert "scenario mine, seed 8, 3 quarters" in out


# ------------------------------------------------------------------ --out and --force


def test_existing_out_is_refused_without_force(cli, tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    code, stdout, err = cli("run", "--steps", "2", "--out", out)
    assert code == 2
    assert stdout == ""
    line = one_error_line(err)
    assert str(out) in line and "--force" in line
    assert listing(out) == ["notes.txt"]
    assert listing(tmp_path) == ["r"]


def test_force_replaces_the_folder(cli, tmp_path):
    out = tmp_path / "r"
    code, _, err = cli("run", "--steps", "2", "--out", out, "--seed", "1")
    assert code == 0, err
    code, _, err = cli("run", "--steps", "3", "--out", out, "--force")
    assert code == 0, err
    assert listing(out) == FILES
    assert json.loads((out / "metadata.json").read_text())["steps"] == 3
    assert listing(tmp_path) == ["r"]


def test_force_keeps_a_folder_holding_other_files(cli, tmp_path):
    """Issue case 3: ``run --force`` deleted an unrelated notes.txt; now it refuses."""
    out = tmp_path / "r"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    code, stdout, err = cli("run", "--steps", "2", "--out", out, "--force")
    assert code == 2 and stdout == ""
    line = one_error_line(err)
    assert str(out) in line and "notes.txt" in line and "--force replaces" in line
    assert listing(out) == ["notes.txt"] and (out / "notes.txt").read_text() == "mine"
    assert listing(tmp_path) == ["r"]


# ------------------------------------------------------------------ bad input


def _modified_states(tmp_path, old, new):
    text = (DATA / "european_states.csv").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "states.csv"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


BAD = {
    "wrong parameter name": (
        ["--set", "admision_rule=qmv"],
        "unknown parameter 'admision_rule' (did you mean admission_rule?)",
    ),
    "wrong value": (
        ["--set", "reliability=1.5"],
        "reliability: 1.5 is out of range; allowed: float in [0, 1]",
    ),
    "wrong choice": (
        ["--set", "admission_rule=dictator"],
        "admission_rule: 'dictator' is not allowed; allowed: one of unanimity",
    ),
    "not a number": (["--set", "steps=ten"], "steps: 'ten' is not a number"),
    "no equals sign": (["--set", "steps"], "--set 'steps': write name=value"),
    "bad state override": (
        ["--set", "state.HUN.loyalty=1"],
        "state.HUN.loyalty: unknown trait 'loyalty'",
    ),
    "steps out of range": (["--steps", "0"], "steps: 0 is out of range"),
    "negative seed": (["--seed", "-1"], "seed: -1 is out of range"),
    "unknown scenario": (
        ["--scenario", "basline"],
        "unknown scenario 'basline'; allowed: a TOML file or one of baseline",
    ),
    "unknown ISO3 in founders": (
        ["--set", "founders=EST,ZZZ"],
        "founders: unknown ISO3 code ZZZ (not in european_states.csv)",
    ),
    "adversary as founder": (
        ["--set", "founders=EST,RUS"],
        "founders: RUS is the adversary or external, not a European state",
    ),
    "unknown ISO3 in a state override": (
        ["--set", "state.ZZZ.reliability=0.5"],
        "state.ZZZ: unknown ISO3 code",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_exit_2_one_line_nothing_written(cli, tmp_path, monkeypatch, case):
    monkeypatch.chdir(tmp_path)
    args, message = BAD[case]
    code, out, err = cli("run", *args, "--out", tmp_path / "r")
    assert code == 2
    assert out == ""
    assert message in one_error_line(err)
    assert listing(tmp_path) == []


def _bad_files(tmp_path):
    good = (DATA / "european_states.csv").read_text(encoding="utf-8")
    malformed = tmp_path / "malformed.toml"
    malformed.write_text("steps = = 3\n")
    missing_toml = tmp_path / "missing.toml"
    corrupt = tmp_path / "corrupt.csv"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    bad_value = tmp_path / "bad_value.csv"
    bad_value.write_text(good.replace("POL,Poland,Central,true", "POL,Poland,Central,maybe", 1))
    no_russia = tmp_path / "no_russia.csv"
    no_russia.write_text(
        "\n".join(line for line in good.splitlines() if not line.startswith("RUS,")) + "\n"
    )
    bad_border = tmp_path / "bad_borders.csv"
    bad_border.write_text("a,b,kind\nPOL,ZZZ,land\n")
    return {
        "malformed TOML": (
            ["--scenario", malformed], f"{malformed}: malformed TOML"),
        "missing TOML": (["--scenario", missing_toml], f"{missing_toml}: scenario file not found"),
        "missing states file": (
            ["--states", tmp_path / "nope.csv"], f"{tmp_path / 'nope.csv'}: data file not found"),
        "missing borders file": (
            ["--borders", tmp_path / "nope.csv"], f"{tmp_path / 'nope.csv'}: data file not found"),
        "corrupt states file": (["--states", corrupt], f"{corrupt}: cannot read the file"),
        "bad value in states file": (
            ["--states", bad_value], "bad_value.csv, row 14, column nato_member: 'maybe'"),
        "no Russia": (["--states", no_russia], "the adversary row RUS is missing"),
        "unknown code in borders": (
            ["--borders", bad_border], "row 2, column b: unknown ISO3 code ZZZ"),
    }  # fmt: skip


@pytest.mark.parametrize(
    "case",
    [
        "malformed TOML",
        "missing TOML",
        "missing states file",
        "missing borders file",
        "corrupt states file",
        "bad value in states file",
        "no Russia",
        "unknown code in borders",
    ],
)
def test_bad_files_exit_2_one_line_nothing_written(cli, tmp_path, case):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    args, message = _bad_files(inputs)[case]
    code, out, err = cli("run", *args, "--out", tmp_path / "r")
    assert code == 2
    assert out == ""
    assert message in one_error_line(err)
    assert listing(tmp_path) == ["inputs"]


def test_defence_pct_gdp_override_runs(cli, tmp_path):
    code, _, err = cli(
        "run", "--steps", "2", "--set", "state.POL.defence_pct_gdp=5", "--out", tmp_path / "r"
    )
    assert code == 0, err


def test_non_utf8_scenario_file_is_bad_input(cli, tmp_path):
    path = tmp_path / "latin1.toml"
    path.write_bytes(b'description = "d\xe9fense"\n')
    code, _, err = cli("run", "--scenario", path, "--out", tmp_path / "r")
    assert code == 2
    one_error_line(err)


def test_modified_states_file_changes_the_run(cli, tmp_path):
    # Germany's capital moved next to Russia: it becomes exposed and applies earlier.
    states = _modified_states(
        tmp_path, "Berlin,52.52,13.40,false,461", "Berlin,52.52,13.40,false,5"
    )
    code, _, err = cli(
        "run", "--steps", "4", "--states", states, "--out", tmp_path / "mine", "--quiet"
    )
    assert code == 0, err
    code, _, err = cli("run", "--steps", "4", "--out", tmp_path / "packaged", "--quiet")
    assert code == 0, err
    mine = pd.read_parquet(tmp_path / "mine" / "states.parquet")
    packaged = pd.read_parquet(tmp_path / "packaged" / "states.parquet")
    deu = (mine["iso3"] == "DEU") & (mine["step"] == 1)
    assert mine.loc[deu, "perceived_threat"].iloc[0] > packaged.loc[deu, "perceived_threat"].iloc[0]
    meta = json.loads((tmp_path / "mine" / "metadata.json").read_text())
    assert meta["data"]["states"] == str(states)


def test_metadata_records_the_command_that_was_run(cli, tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["notebook", "--some-flag"])
    out = tmp_path / "r"
    code, _, err = cli("run", "--steps", "2", "--out", out)
    assert code == 0, err
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["command"] == f"coalition-sim run --steps 2 --out {out}"


# ------------------------------------------------------------------ the installed command


def test_the_installed_command_runs_and_fails_cleanly(tmp_path):
    exe = Path(sys.executable).with_name("coalition-sim")
    assert exe.exists()
    done = subprocess.run(
        [exe, "run", "--steps", "3", "--seed", "4", "--out", tmp_path / "r"],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "coalition-sim run: scenario baseline, seed 4, 3 quarters" in done.stdout
    assert listing(tmp_path / "r") == FILES
    meta = json.loads((tmp_path / "r" / "metadata.json").read_text())
    assert meta["command"] == f"coalition-sim run --steps 3 --seed 4 --out {tmp_path / 'r'}"
    # The same run in this process (another hash seed) gives the same tables.
    from coalition_sim.simulation import simulate

    here = simulate(PRESETS["baseline"], seed=4, steps=3, collect_states=True)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "r" / "steps.parquet"), here.steps)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "r" / "events.parquet"), here.events)
    bad = subprocess.run(
        [exe, "run", "--set", "reliabilty=0.5", "--out", tmp_path / "s"],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert "did you mean reliability?" in one_error_line(bad.stderr)
    assert listing(tmp_path) == ["r"]
