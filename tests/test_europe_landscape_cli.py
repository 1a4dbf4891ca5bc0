"""``coalition-sim landscape --europe``: the predicted alignment of Europe from the data."""

from __future__ import annotations

import json

import pytest

from coalition_sim import cli


@pytest.fixture(autouse=True)
def only_landscape(monkeypatch):
    monkeypatch.setattr(cli, "COMMANDS", ("landscape",))


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["landscape", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_prints_the_coalition_and_the_adversary_side(capsys):
    code, out, err = run(capsys, "--europe", "--restarts", "500")
    assert code == 0 and err == ""
    assert "RUS and BLR pinned to the adversary's side" in out
    assert "500 random restarts" in out
    first = out.split("\n\n")[1]
    assert first.startswith("1. energy")
    coalition = next(line for line in first.splitlines() if "coalition (" in line)
    adversary = next(line for line in first.splitlines() if "adversary's side (" in line)
    assert "POL" in coalition and "UKR" in coalition
    assert "RUS" in adversary and "BLR" in adversary


def test_json_has_sides_and_named_sides(capsys):
    code, out, _ = run(capsys, "--europe", "--json", "--restarts", "300", "--seed", "3")
    assert code == 0
    rows = json.loads(out)
    assert rows and sum(r["basin"] for r in rows) == pytest.approx(1.0)
    for r in rows:
        assert set(r) == {"energy", "basin", "sides", "coalition", "adversary"}
        assert r["sides"] == [r["coalition"], r["adversary"]]
        assert {"RUS", "BLR"} <= set(r["adversary"])
    assert [r["energy"] for r in rows] == sorted(r["energy"] for r in rows)


def test_scenario_weights_change_the_prediction(capsys):
    # A Hungary aligned with Russia, with alignment weighing heavily, joins Russia's side.
    _, out, _ = run(
        capsys,
        "--europe",
        "--json",
        "--restarts",
        "300",
        "--set",
        "state.HUN.alignment=-1",
        "--set",
        "landscape_alignment_weight=5",
        "--set",
        "landscape_eu_weight=0",
        "--set",
        "landscape_nato_weight=0",
        "--set",
        "landscape_border_weight=0",
    )
    best = json.loads(out)[0]
    assert "HUN" in best["adversary"]


def test_same_seed_same_output(capsys):
    one = run(capsys, "--europe", "--json", "--restarts", "200", "--seed", "5")
    two = run(capsys, "--europe", "--json", "--restarts", "200", "--seed", "5")
    assert one == two


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--europe", "--sizes", "s.csv"], "drop --sizes/--propensity"),
        (["--europe", "--propensity", "m.csv"], "drop --sizes/--propensity"),
        (["--sizes", "s.csv", "--set", "seed=1"], "go with --europe"),
        (["--scenario", "baseline"], "go with --europe"),
        ([], "give both --sizes and --propensity, or --europe"),
    ],
)
def test_modes_exclude_each_other(capsys, argv, message):
    with pytest.raises(SystemExit) as caught:
        cli.main(["landscape", *argv])
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--set", "nope=1"], "unknown parameter 'nope'"),
        (["--set", "landscape_eu_weight=x"], "landscape_eu_weight: 'x' is not a number"),
        (["--scenario", "nowhere"], "unknown scenario 'nowhere'"),
        (["--states", "missing.csv"], "missing.csv"),
    ],
)
def test_bad_europe_input_exits_2_with_one_line(capsys, argv, message):
    code, out, err = run(capsys, "--europe", *argv)
    assert code == 2 and out == ""
    assert err.startswith("coalition-sim landscape: error: ") and err.count("\n") == 1
    assert message in err
