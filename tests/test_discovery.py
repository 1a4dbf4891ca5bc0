"""Scenario discovery: PRIM recovers planted boxes; `coalition-sim discover` end to end."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from discovery_fakes import write_sweep

from coalition_sim.analysis.discovery import (
    CATEGORICAL,
    NUMERIC,
    Prim,
    choose_box,
    infer_dimensions,
    load_sweep,
    select_cases,
)
from coalition_sim.cli import main


def _limits(box):
    return {limit.name: limit for limit in box.restrictions}


def _planted(seed=0, n=5000):
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.random((n, 4)), columns=["a", "b", "c", "d"])
    inside = x.a.between(0.2, 0.6) & x.b.between(0.5, 0.9)
    return x, (inside ^ (rng.random(n) < 0.05)).to_numpy()


# --- planted boxes ----------------------------------------------------------------------


def test_a_planted_box_is_recovered():
    x, y = _planted()
    prim = Prim(x, y)
    boxes = prim.peel()
    # the planted box's own density is about 0.95; ask for 0.9 to get close to it
    index, met = choose_box(boxes, 0.9)
    box = prim.paste(boxes[index])
    limits = _limits(box)
    assert met and set(box.restricted) == {"a", "b"}
    assert limits["a"].low == pytest.approx(0.2, abs=0.05)
    assert limits["a"].high == pytest.approx(0.6, abs=0.05)
    assert limits["b"].low == pytest.approx(0.5, abs=0.05)
    assert limits["b"].high == pytest.approx(0.9, abs=0.05)
    assert box.density > 0.9 and box.coverage > 0.7


def test_at_the_default_threshold_only_the_planted_dimensions_are_restricted():
    x, y = _planted(seed=4)
    prim = Prim(x, y)
    boxes = prim.peel()
    index, met = choose_box(boxes, 0.8)
    assert met and set(boxes[index].restricted) == {"a", "b"}
    # a density of 0.8 is reached a little before the planted box is peeled free
    limits = _limits(boxes[index])
    assert limits["a"].low <= 0.2 + 0.02 and limits["a"].high >= 0.6 - 0.02


def test_a_planted_categorical_subset_is_recovered():
    rng = np.random.default_rng(3)
    n = 3000
    x = pd.DataFrame(rng.random((n, 2)), columns=["a", "c"])
    x["rule"] = rng.choice(["unanimity", "qmv", "majority"], n)
    x["flag"] = rng.random(n) < 0.5
    inside = x.a.between(0.3, 0.8) & x.rule.isin(["qmv", "majority"])
    y = (inside ^ (rng.random(n) < 0.05)).to_numpy()
    dims = {d.name: d for d in infer_dimensions(x)}
    assert dims["rule"].kind == CATEGORICAL and dims["flag"].kind == CATEGORICAL
    prim = Prim(x, y)
    boxes = prim.peel()
    box = prim.paste(boxes[choose_box(boxes, 0.9)[0]])
    limits = _limits(box)
    assert set(box.restricted) == {"a", "rule"}
    assert set(limits["rule"].values) == {"qmv", "majority"}
    assert limits["a"].low == pytest.approx(0.3, abs=0.05)
    assert limits["a"].high == pytest.approx(0.8, abs=0.05)


# --- small cases checked by hand --------------------------------------------------------

#: x = 1..10; cases at 2, 4, 5, 6, 7. With alpha 0.25 the slabs are 2, 2, 1, 1 runs.
HAND_X = pd.DataFrame({"x": np.arange(1.0, 11.0)})
HAND_Y = np.array([0, 1, 0, 1, 1, 1, 1, 0, 0, 0], dtype=bool)


def test_peeling_trajectory_by_hand():
    boxes = Prim(HAND_X, HAND_Y, alpha=0.25, min_mass=0.3).peel()
    # 0: all. 1: dropping 1-2 keeps the density at 0.5, dropping 9-10 raises it to 5/8.
    # 2: dropping 1-2 or 7-8 both give 4/6; the tie goes to the low end. 3: 4/5 either
    # way, low end again. 4: dropping 8 gives 4/4. Then density 1 cannot rise.
    expected = [
        # low, high, n, cases, coverage, density, mass
        (1, 10, 10, 5, 1.0, 0.5, 1.0),
        (1, 8, 8, 5, 1.0, 5 / 8, 0.8),
        (3, 8, 6, 4, 0.8, 4 / 6, 0.6),
        (4, 8, 5, 4, 0.8, 0.8, 0.5),
        (4, 7, 4, 4, 0.8, 1.0, 0.4),
    ]
    assert len(boxes) == len(expected)
    for box, (low, high, n, cases, coverage, density, mass) in zip(boxes, expected, strict=True):
        (limit,) = box.limits
        assert (limit.low, limit.high, box.n, box.cases) == (low, high, n, cases)
        assert box.coverage == pytest.approx(coverage)
        assert box.density == pytest.approx(density)
        assert box.mass == pytest.approx(mass)
    assert boxes[0].restricted == () and boxes[1].restricted == ("x",)


def test_min_mass_stops_the_peeling():
    boxes = Prim(HAND_X, HAND_Y, alpha=0.25, min_mass=0.45).peel()
    assert len(boxes) == 4 and boxes[-1].mass == 0.5  # box 4 would hold 0.4 of the runs


def test_pasting_by_hand():
    prim = Prim(HAND_X, HAND_Y, alpha=0.25, min_mass=0.3)
    boxes = prim.peel()
    # box 2 is [3, 8]; adding x = 2 (a case) raises its density from 4/6 to 5/7, adding
    # x = 1 or 9 then would lower it
    pasted = prim.paste(boxes[2])
    (limit,) = pasted.limits
    assert pasted.pasted and (limit.low, limit.high) == (2, 8)
    assert (pasted.n, pasted.cases, pasted.coverage) == (7, 5, 1.0)
    assert pasted.density == pytest.approx(5 / 7)
    unchanged = prim.paste(boxes[4])  # density 1 cannot rise
    assert not unchanged.pasted and unchanged.limits == boxes[4].limits


def test_quasi_p_by_hand():
    prim = Prim(HAND_X, HAND_Y, alpha=0.25, min_mass=0.3)
    box = prim.peel()[3]  # 4 cases of 5 runs; without the restriction the density is 0.5
    assert prim.quasi_p(box) == {"x": pytest.approx(6 / 32)}  # P(X >= 4), X ~ B(5, 0.5)


def test_choose_box_takes_the_first_box_dense_enough():
    boxes = Prim(HAND_X, HAND_Y, alpha=0.25, min_mass=0.3).peel()
    assert choose_box(boxes, 0.6) == (1, True)
    assert choose_box(boxes, 0.7) == (3, True)
    assert choose_box(boxes, 1.0) == (4, True)
    two = Prim(HAND_X, HAND_Y, alpha=0.25, min_mass=0.45).peel()
    assert choose_box(two, 0.9) == (3, False)  # none reaches it: the densest


def test_categorical_peeling_by_hand():
    x = pd.DataFrame({"rule": ["u", "u", "u", "u", "q", "q", "m", "m"]})
    y = np.array([0, 0, 0, 1, 1, 1, 1, 0], dtype=bool)
    boxes = Prim(x, y, min_mass=0.25).peel()
    # dropping u gives 3/4, q 2/6, m 3/6: drop u. Then dropping m gives 2/2: drop m.
    assert [b.limits[0].values for b in boxes] == [("m", "q", "u"), ("m", "q"), ("q",)]
    assert [(b.n, b.cases) for b in boxes] == [(8, 4), (4, 3), (2, 2)]
    assert [b.coverage for b in boxes] == [1.0, 0.75, 0.5]
    assert [b.density for b in boxes] == [0.5, 0.75, 1.0]


def test_the_lenient_objective_does_not_throw_away_half_the_runs_for_a_little_density():
    rng = np.random.default_rng(1)
    n = 4000
    x = pd.DataFrame({"a": rng.random(n), "rule": rng.choice(["u", "q"], n)})
    rate = np.where(x.a > 0.5, np.where(x.rule == "q", 0.95, 0.85), 0.05)
    y = rng.random(n) < rate
    original = Prim(x, y, objective="original").peel()
    lenient = Prim(x, y, objective="lenient").peel()
    assert original[1].restricted == ("rule",) and original[1].mass < 0.6
    assert lenient[1].restricted == ("a",) and lenient[1].mass > 0.9


def test_integers_and_grid_values_peel_whole_values():
    x = pd.DataFrame({"k": np.repeat([1, 2, 3, 4], 25)})
    y = np.repeat([False, True, True, False], 25)
    boxes = Prim(x, y, alpha=0.05).peel()
    limit = boxes[-1].limits[0]
    assert (limit.low, limit.high) == (2, 3) and boxes[-1].density == 1.0
    assert [b.n for b in boxes] == [100, 75, 50]


def test_dimensions_from_the_design():
    x = pd.DataFrame(
        {
            "r": [0.6, 0.7, 0.8],
            "k": [2, 3, 4],
            "rule": ["qmv", "unanimity", "qmv"],
            "step": [np.nan, 4.0, 8.0],
            "founders": ["EST,LVA", "EST,LVA,UKR", "EST,LVA"],
        }
    )
    design = [
        {"name": "r", "low": 0.5, "high": 0.9, "num": None},
        {"name": "rule", "values": ["unanimity", "qmv", "core"]},
        {"name": "step", "values": [None, 4, 8]},
        {"name": "founders", "values": [["EST", "LVA", "UKR"], ["EST", "LVA"]]},
    ]
    dims = {d.name: d for d in infer_dimensions(x, design)}
    assert (dims["r"].kind, dims["r"].low, dims["r"].high) == (NUMERIC, 0.5, 0.9)
    assert (dims["k"].kind, dims["k"].low, dims["k"].high) == (NUMERIC, 2, 4)
    assert dims["rule"].values == ("unanimity", "qmv")  # design order, values present
    assert dims["step"].kind == CATEGORICAL and dims["step"].values == ("never", 4, 8)
    assert dims["founders"].values == ("EST,LVA,UKR", "EST,LVA")


def test_bad_settings_are_input_errors():
    from coalition_sim.errors import InputError

    with pytest.raises(InputError, match="--alpha"):
        Prim(HAND_X, HAND_Y, alpha=0.6)
    with pytest.raises(InputError, match="--min-mass"):
        Prim(HAND_X, HAND_Y, min_mass=0)


# --- queries over both encodings of "never reached parity" -------------------------------


@pytest.mark.parametrize("nullable", [False, True])
def test_parity_queries_read_never_as_missing(tmp_path, nullable):
    steps = [-1, 8, -1, 12, 3]
    column = (
        pd.array([None if s < 0 else s for s in steps], dtype="Int64")
        if nullable
        else np.array(steps)
    )
    runs = pd.DataFrame({"r": [0.5, 0.6, 0.7, 0.8, 0.9], "first_parity_step": column})
    sweep = load_sweep(write_sweep(tmp_path / "s", runs, [{"name": "r", "low": 0.5, "high": 0.9}]))
    reached = [False, True, False, True, True]
    assert list(select_cases(sweep.runs, "first_parity_step.notna()")) == reached
    assert list(select_cases(sweep.runs, "first_parity_step >= 0")) == reached
    assert list(select_cases(sweep.runs, "parity_reached == 1")) == reached
    # never is not "before quarter 10"
    assert list(select_cases(sweep.runs, "first_parity_step < 10")) == [0, 1, 0, 0, 1]


# --- the command ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_sweep(tmp_path_factory):
    """A tiny sweep of the real model: 40 runs of 8 quarters."""
    out = tmp_path_factory.mktemp("disc") / "lhs"
    argv = [
        "sweep",
        "--sample",
        "lhs",
        "--samples",
        "40",
        "--param",
        "reliability=0.5:0.9",
        "--param",
        "spending_floor_pct=2:5",
        "--param",
        "admission_rule=unanimity,qmv",
        "--reps",
        "1",
        "--steps",
        "8",
        "--workers",
        "1",
        "--quiet",
        "--out",
        str(out),
    ]
    assert main(argv) == 0
    return out


#: Runs above the median parity: cases on both sides whatever the model's numbers are.
QUERY = "final_parity >= final_parity.median()"


def _apply(runs, restrictions):
    inside = pd.Series(True, index=runs.index)
    for r in restrictions:
        if "values" in r:
            inside &= runs[r["name"]].isin(r["values"])
        else:
            inside &= runs[r["name"]].between(r["low"], r["high"])
    return inside


def test_discover_end_to_end(real_sweep, tmp_path, cli):
    figure = tmp_path / "box.png"
    code, out, err = cli("discover", real_sweep, "--where", QUERY, "--plot", figure)
    assert code == 0, err
    assert "chosen box" in out and "coverage" in out and "density" in out
    saved = json.loads((real_sweep / "discovery.json").read_text())
    assert saved["query"] == QUERY and saved["peeling_alpha"] == 0.05 and saved["paste"]
    assert saved["tool"] == "coalition-sim discover" and saved["version"]
    assert [p["name"] for p in saved["parameters"]] == [
        "reliability",
        "spending_floor_pct",
        "admission_rule",
    ]
    boxes = saved["boxes"]
    assert [b["index"] for b in boxes] == list(range(len(boxes)))
    assert (boxes[0]["coverage"], boxes[0]["mass"], boxes[0]["restrictions"]) == (1.0, 1.0, [])
    densities = [b["density"] for b in boxes]
    assert densities == sorted(densities)  # every peel raises the density
    # the boxes' statistics hold when their restrictions are applied to runs.parquet
    runs = pd.read_parquet(real_sweep / "runs.parquet")
    cases = runs["final_parity"] >= runs["final_parity"].median()
    outcome = saved["outcome"]
    assert (outcome["runs"], outcome["cases"]) == (len(runs), int(cases.sum()))
    for box in [*boxes, saved["chosen"]]:
        inside = _apply(runs, box["restrictions"])
        assert box["n"] == int(inside.sum())
        assert box["cases"] == int((inside & cases).sum())
        assert box["coverage"] == pytest.approx(box["cases"] / outcome["cases"])
    # the first box dense enough, or, when the model's numbers give none, the densest
    dense = [b["index"] for b in boxes if b["density"] >= saved["threshold"]]
    if dense:
        assert saved["chosen"]["index"] == dense[0]
        assert saved["choice"] == "first box with density >= threshold" and saved["threshold_met"]
    else:
        assert saved["chosen"]["index"] == max(boxes, key=lambda b: b["density"])["index"]
        assert saved["choice"] == "densest box (none reaches the threshold)"
        assert not saved["threshold_met"]
    assert figure.read_bytes()[:4] == b"\x89PNG" and figure.stat().st_size < 150_000


def test_discover_box_and_no_paste(real_sweep, cli):
    # the trajectory's length depends on the model's numbers: ask for a box it has
    # that the default choice (the first dense enough) does not pick
    code, _, err = cli("discover", real_sweep, "--where", QUERY, "--no-paste")
    assert code == 0, err
    default = json.loads((real_sweep / "discovery.json").read_text())
    last = len(default["boxes"]) - 1
    assert last >= 2, "too few boxes for this test to mean much"
    box = last if default["chosen"]["index"] != last else last - 1
    code, out, _ = cli("discover", real_sweep, "--where", QUERY, "--box", box, "--no-paste")
    assert code == 0 and f"chosen box {box}, as asked" in out
    saved = json.loads((real_sweep / "discovery.json").read_text())
    assert saved["chosen"]["index"] == box and not saved["paste"] and saved["choice"] == "--box"
    assert saved["chosen"]["n"] == saved["boxes"][box]["n"]
    assert saved["boxes"] == default["boxes"]  # the same trajectory, another choice in it
    code, _, err = cli("discover", real_sweep, "--where", QUERY, "--box", last + 1)
    assert code == 2 and f"the trajectory has boxes 0 to {last}" in err


def test_discover_falls_back_to_the_densest_box(tmp_path, cli):
    rng = np.random.default_rng(5)
    runs = pd.DataFrame({"r": rng.random(200), "final_parity": rng.random(200)})
    folder = write_sweep(tmp_path / "noise", runs, [{"name": "r", "low": 0.0, "high": 1.0}])
    argv = ["--where", "final_parity > 0.5", "--threshold", "0.95", "--min-mass", "0.3"]
    code, out, _ = cli("discover", folder, *argv, "--no-paste")
    saved = json.loads((folder / "discovery.json").read_text())
    densest = max(saved["boxes"], key=lambda b: (b["density"], b["n"]))
    assert code == 0 and "no box reaches density 0.95" in out and not saved["threshold_met"]
    assert saved["choice"].startswith("densest box")
    assert saved["chosen"]["index"] == densest["index"]


@pytest.mark.parametrize(
    ("where", "fragments"),
    [
        ("final_parity >", ["'final_parity >'", "not a valid pandas query", "invalid syntax"]),
        ("colour > 1", ["'colour > 1'", "not a valid pandas query", "colour"]),
        ("final_parity", ["does not say yes or no"]),
        ("final_parity > 99", ["selects none of the 40 successful runs"]),
        ("final_parity > -1", ["selects all 40 successful runs"]),
        ("first_parity_step == -1", ["selects none", "use .isna()"]),
    ],
)
def test_discover_bad_queries(real_sweep, cli, where, fragments):
    (real_sweep / "discovery.json").unlink(missing_ok=True)
    code, out, err = cli("discover", real_sweep, "--where", where)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("coalition-sim discover: error: --where")
    for fragment in fragments:
        assert fragment in err
    assert not (real_sweep / "discovery.json").exists()


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--box", "999"], "--box 999: the trajectory has boxes 0 to"),
        (["--plot", "x.jpg"], "write a .png file name"),
        (["--threshold", "1.5"], "--threshold 1.5"),
        (["--alpha", "0.7"], "--alpha 0.7"),
    ],
)
def test_discover_bad_options(real_sweep, tmp_path, cli, extra, fragment):
    (real_sweep / "discovery.json").unlink(missing_ok=True)
    code, _, err = cli("discover", real_sweep, "--where", QUERY, *extra)
    assert code == 2 and fragment in err and err.count("\n") == 1
    assert not (real_sweep / "discovery.json").exists()


def test_discover_needs_a_sweep_with_varied_parameters(tmp_path, cli):
    code, _, err = cli("discover", tmp_path / "nowhere", "--where", QUERY)
    assert code == 2 and "no such folder" in err
    code, _, err = cli("discover", tmp_path, "--where", QUERY)
    assert code == 2 and "not a sweep folder (no runs.parquet)" in err
    runs = pd.DataFrame({"final_parity": [0.2, 0.8]})
    folder = write_sweep(tmp_path / "flat", runs, [])
    code, _, err = cli("discover", folder, "--where", QUERY)
    assert code == 2 and "varied no parameter" in err
    assert not (folder / "discovery.json").exists()


def test_failed_runs_are_left_out(tmp_path, cli):
    rng = np.random.default_rng(0)
    r = rng.random(200)
    runs = pd.DataFrame({"r": r, "final_parity": np.where(r > 0.7, 1.2, 0.4)})
    runs["status"] = np.where(np.arange(200) < 20, "error", "ok")
    runs.loc[:19, "final_parity"] = np.nan
    folder = write_sweep(tmp_path / "f", runs, [{"name": "r", "low": 0.0, "high": 1.0}])
    code, out, _ = cli("discover", folder, "--where", "final_parity >= 1", "--threshold", "1")
    assert code == 0 and "of 180 successful runs" in out and "20 failed runs left out" in out
    chosen = json.loads((folder / "discovery.json").read_text())["chosen"]
    (limit,) = chosen["restrictions"]
    assert limit["low"] == pytest.approx(0.7, abs=0.02) and chosen["density"] == 1.0


def test_iso3_lists_are_shown_as_changes_to_the_base(tmp_path):
    import sweep_fakes

    from coalition_sim.analysis.discovery import value_labels

    base = "EST,LVA,LTU,FIN,SWE,NOR,DNK,ISL,POL,UKR"
    out = tmp_path / "f"
    argv = ["sweep", "--param", f"founders={base}|{base},HUN|{base[:-4]}", "--steps", "3"]
    assert sweep_fakes.main([*argv, "--workers", "1", "--quiet", "--out", str(out)]) == 0
    sweep = load_sweep(out)
    (dimension,) = sweep.dimensions()
    assert dimension.kind == CATEGORICAL and base in dimension.values
    shown = value_labels(sweep, [dimension])["founders"]
    assert shown == {base: "as base", f"{base},HUN": "+HUN", base[:-4]: "-UKR"}
