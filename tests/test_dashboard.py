"""The dashboard without a browser: pure SVG builders, controls, and components rendered
with ``solara.render`` (fast; the end-to-end browser test is test_browser_dashboard.py)."""

from __future__ import annotations

import io
import itertools
import json
import math
import re
import subprocess
import sys
import zipfile

import pandas as pd
import pytest

from coalition_sim.dashboard import svgplot
from coalition_sim.dashboard.geometry import (
    LAT_MAX,
    LON_MIN,
    MAP_WIDTH,
    build_layout,
    europe_layout,
    project,
    read_capitals,
)
from coalition_sim.dashboard.map import map_svg
from coalition_sim.dashboard.palette import STATUS_COLOURS
from coalition_sim.errors import InputError
from coalition_sim.parameters import PRESETS, SCHEMA

# Solara cannot read the source of components defined inside a test to check their hooks.
pytestmark = pytest.mark.filterwarnings("ignore:Failed to validate hooks:UserWarning")


@pytest.fixture(scope="module")
def run_class():
    from coalition_sim.dashboard.controls import make_run_class

    return make_run_class(PRESETS["baseline"], PRESETS)


@pytest.fixture
def run(run_class):
    return run_class()


# --------------------------------------------------------------------------- geometry
def test_layout_has_every_packaged_state_and_malta_as_a_point():
    layout = europe_layout()
    codes = {shape.iso3 for shape in layout.shapes}
    assert len(codes) == 43  # 42 outlines + Malta
    assert {"RUS", "BLR", "UKR", "ISL", "CYP", "MLT"} <= codes
    malta = layout.by_iso3["MLT"]
    assert malta.is_point and malta.path == ""
    assert malta.point == pytest.approx(project(14.51, 35.90))
    assert all(
        shape.path.startswith("M") and shape.path.endswith("Z")
        for shape in layout.shapes
        if not shape.is_point
    )


def test_layout_is_computed_once():
    assert europe_layout() is europe_layout()


def test_projection_orients_the_map():
    assert project(LON_MIN, LAT_MAX) == pytest.approx((0.0, 0.0))
    east, _ = project(30.0, 50.0)
    west, _ = project(-5.0, 50.0)
    _, north = project(10.0, 70.0)
    _, south = project(10.0, 36.0)
    assert west < east and north < south
    layout = europe_layout()
    for shape in layout.shapes:
        numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", shape.path)]
        xs, ys = numbers[0::2], numbers[1::2]
        assert all(-1 <= x <= MAP_WIDTH + 1 for x in xs), shape.iso3
        assert all(-1 <= y <= layout.height + 1 for y in ys), shape.iso3


def test_build_layout_handles_holes_multipolygons_and_missing_outlines():
    square = [[0, 50], [10, 50], [10, 60], [0, 60], [0, 50]]
    hole = [[2, 52], [4, 52], [4, 54], [2, 54], [2, 52]]
    features = [
        {
            "properties": {"iso3": "AAA"},
            "geometry": {"type": "Polygon", "coordinates": [square, hole]},
        },
        {
            "properties": {"iso3": "BBB"},
            "geometry": {"type": "MultiPolygon", "coordinates": [[square], [hole]]},
        },
    ]
    capitals = {"AAA": ("A", 55.0, 5.0), "CCC": ("C", 40.0, 20.0), "FAR": ("F", 10.0, 100.0)}
    layout = build_layout(features, capitals)
    shapes = layout.by_iso3
    assert shapes["AAA"].path.count("M") == 2 and shapes["BBB"].path.count("M") == 2
    assert shapes["CCC"].is_point  # inside the window, no outline: a dot
    assert "FAR" not in shapes  # outside the window: left out
    with pytest.raises(ValueError, match="LineString"):
        build_layout(
            [{"properties": {"iso3": "X"}, "geometry": {"type": "LineString", "coordinates": []}}],
            {},
        )


def test_capitals_are_read_with_quoted_names():
    capitals = read_capitals()
    assert capitals["USA"][0] == "United States"
    assert capitals["MLT"][1:] == (35.90, 14.51)


# --------------------------------------------------------------------------- map
def test_map_colours_every_status_and_marks_unreliable_and_selected():
    statuses = {
        "DEU": "member",
        "EST": "founder",
        "SVK": "applicant",
        "UKR": "vetoed",
        "FRA": "outsider",
        "MLT": "member",
    }
    svg = map_svg(
        statuses,
        adversary=("RUS", "BLR"),
        unreliable=("HUN", "SVK"),
        tooltips={"DEU": "Germany <b>&"},
        selected="FRA",
    )
    for iso3, status in statuses.items():
        assert re.search(
            rf"data-iso3='{iso3}' data-status='{status}' fill='{STATUS_COLOURS[status]}'", svg
        )
    assert "data-iso3='RUS' data-status='adversary'" in svg
    assert "data-iso3='BLR' data-status='adversary'" in svg
    assert svg.count("fill='url(#cs-hatch)' stroke='#111827' stroke-width='1.6'") == 2
    assert "data-selected='FRA'" in svg
    assert "<title>Germany &lt;b&gt;&amp;</title>" in svg  # tooltips are escaped
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<circle" in svg  # Malta


def test_model_map_has_tooltips_with_traits_and_utility_terms(run):
    from coalition_sim.dashboard.map import model_map_svg, state_tooltip

    tip = state_tooltip(run.sim, "HUN", "Hungary", "outsider")
    assert tip.startswith("Hungary (HUN): outsider · unreliable")
    assert "reliability 0.35" in tip and "utility: threat" in tip and "against threshold" in tip
    svg = model_map_svg(run.sim, selected="DEU")
    assert svg.count("<title>") >= 43
    assert "data-iso3='UKR' data-status='founder'" in svg


def test_share_map_shades_states_on_the_sequential_scale():
    from coalition_sim.dashboard.map import share_map_svg
    from coalition_sim.dashboard.palette import SEQUENTIAL_STOPS, UNKNOWN_COLOUR

    svg = share_map_svg(
        {"EST": 1.0, "FRA": 0.0, "DEU": 0.5},
        adversary=("RUS", "BLR"),
        tooltips={"DEU": "Germany <50%>"},
        legend_title="member at the end",
    )
    assert f"data-iso3='EST' data-share='1.0000' fill='{SEQUENTIAL_STOPS[-1]}'" in svg
    assert f"data-iso3='FRA' data-share='0.0000' fill='{SEQUENTIAL_STOPS[0]}'" in svg
    assert f"data-iso3='DEU' data-share='0.5000' fill='{SEQUENTIAL_STOPS[4]}'" in svg
    assert f"data-iso3='ITA' fill='{UNKNOWN_COLOUR}'" in svg  # no share: neutral
    assert svg.count("data-status='adversary'") == 2
    assert (
        "<title>Germany &lt;50%&gt;</title>" in svg and "<title>Estonia (EST): 100%</title>" in svg
    )
    assert "linearGradient id='cs-share'" in svg and "member at the end" in svg
    assert ">0%<" in svg and ">100%<" in svg


def test_sequential_colours_darken_steadily_and_clip():
    from coalition_sim.dashboard.palette import UNKNOWN_COLOUR, sequential_colour

    def lightness(colour: str) -> float:  # relative luminance, roughly
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    shades = [lightness(sequential_colour(k / 20)) for k in range(21)]
    assert all(a > b for a, b in itertools.pairwise(shades))
    assert sequential_colour(-0.5) == sequential_colour(0.0)
    assert sequential_colour(7) == sequential_colour(1.0)
    assert sequential_colour(math.nan) == UNKNOWN_COLOUR


# --------------------------------------------------------------------------- svg charts
@pytest.mark.parametrize(("low", "high"), [(0, 1), (0.13, 0.91), (-3, 47), (5, 5), (0, 1e6)])
def test_nice_ticks_cover_the_range_with_round_steps(low, high):
    ticks = svgplot.nice_ticks(low, high)
    assert ticks[0] <= low and ticks[-1] >= high
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1
    assert 2 <= len(ticks) <= 12


def test_nice_ticks_survive_nan():
    assert svgplot.nice_ticks(math.nan, 1.0) == [0.0, 1.0]


def test_line_chart_breaks_lines_at_missing_values_and_keeps_the_horizon():
    svg = svgplot.line_chart(
        {"a": [0.1, 0.2, None, 0.4], "b": [1, 2, 3, float("nan")]},
        title="T & U",
        x_max=40,
        reference=1.0,
        reference_label="parity",
    )
    paths = re.findall(r"<path d='([^']*)'", svg)
    assert paths[0].count("M") == 2  # gap at the None
    assert "T &amp; U" in svg and "parity" in svg
    assert ">40<" in svg  # the x axis reaches the horizon


def test_bar_chart_draws_terms_total_and_threshold():
    svg = svgplot.bar_chart(
        {"threat": 0.3, "cost": -0.5}, title="x", total=-0.2, threshold=0.1, css_id="b"
    )
    assert "id='b'" in svg
    assert svg.count("<rect") == 3
    assert "threshold +0.10" in svg
    assert "threat: +0.300" in svg and "cost: -0.500" in svg


def test_box_plot_draws_one_box_per_group():
    groups = [
        svgplot.BoxStats("a", 3, 0, 1, 2, 3, 4, 2.0),
        svgplot.BoxStats("b", 2, 1, 1, 1, 1, 1, 1.0),
    ]
    svg = svgplot.box_plot(groups, title="t", x_label="p", y_label="o")
    assert svg.count("<g><title>") == 2 and "n=3" in svg


def test_band_chart_draws_both_bands_around_the_median():
    svg = svgplot.band_chart(
        [0.5, 0.6, 0.7],
        ([0.4, 0.5, 0.6], [0.6, 0.7, 0.8]),
        ([0.2, 0.3, 0.4], [0.8, 0.9, 1.2]),
        title="Parity",
        reference=1.0,
        reference_label="parity = 1",
        css_id="b",
    )
    assert "id='b'" in svg and svg.count("data-band=") == 2
    outer = re.search(r"<path d='([^']*)'[^>]*data-band='90'", svg).group(1)
    assert outer.startswith("M") and outer.endswith("Z") and outer.count("L") == 5  # 3 up, 3 back
    assert "data-series='median'" in svg and "median 0.7" in svg
    assert ">1.2<" in svg or ">1.25<" in svg  # the y axis reaches the top of the outer band
    assert "parity = 1" in svg


def test_histogram_draws_one_bar_per_bin_and_the_note():
    svg = svgplot.histogram_chart(
        [0, 1, 2, 3], [2, 0, 5], title="First parity", note="40 % never", css_id="h"
    )
    bars = re.findall(r"data-bin='(\d+-\d+)' data-count='(\d+)'", svg)
    assert bars == [("0-0", "2"), ("1-1", "0"), ("2-2", "5")]
    assert "step 2: 5 runs" in svg and "40 % never" in svg
    heights = [float(h) for h in re.findall(r"height='([\d.]+)' fill='[^']*' data-bin", svg)]
    assert heights[2] == pytest.approx(heights[0] * 2.5, rel=0.02) and heights[1] == 0
    wide = svgplot.histogram_chart([0, 3, 6], [1, 1], title="t")
    assert "steps 0–2: 1 run<" in wide
    with pytest.raises(ValueError, match="one more edge"):
        svgplot.histogram_chart([0, 1], [1, 2], title="t")


# --------------------------------------------------------------------------- controls
def test_controls_come_from_the_schema(run_class):
    from coalition_sim.dashboard.controls import MAIN_PARAMETERS

    controls = run_class.controls
    assert next(iter(controls)) == "preset" and list(controls)[-1] == "seed"
    assert set(MAIN_PARAMETERS) <= set(controls)
    assert controls["preset"]["values"][0] == "baseline"
    assert set(controls["preset"]["values"]) == set(PRESETS)
    spec = controls["threat_initial"]
    assert spec["type"] == "SliderFloat"
    assert (spec["min"], spec["max"], spec["value"]) == (
        SCHEMA["threat_initial"].low,
        SCHEMA["threat_initial"].high,
        0.6,
    )
    assert controls["admission_rule"]["values"] == list(SCHEMA["admission_rule"].choices)
    assert controls["us_withdrawal_step"] == {
        "type": "InputText",
        "value": "never",
        "label": "Step at which the US starts withdrawing (step, or never)",
        "name": "us_withdrawal_step",
    }
    assert controls["founders"]["value"].startswith("EST, LVA")
    assert all(spec["name"] == name for name, spec in controls.items())


def test_controls_are_labelled_in_words_with_their_unit():
    from coalition_sim.dashboard.controls import control_label, model_params

    assert (
        control_label(SCHEMA["threat_initial"])
        == "Level of the Russian threat at step 0 (index 0-1)"
    )
    assert control_label(SCHEMA["spending_floor_pct"]).endswith("(% of GDP)")
    # asides in brackets and after a semicolon are for the reference, not the label
    assert control_label(SCHEMA["us_commitment"]) == (
        "US commitment to European defence at step 0 (share 0-1)"
    )
    assert control_label(SCHEMA["seed"]) == "Seed of the random number generator"
    assert control_label(SCHEMA["admission_rule"]) == "Rule by which members decide on an applicant"
    founders = control_label(SCHEMA["founders"])
    assert (
        founders
        == "States that are members at step 0 and never leave (ISO3 codes, comma-separated)"
    )
    labels = [spec["label"] for spec in model_params(PRESETS["baseline"], PRESETS).values()]
    assert all(label[0].isupper() and "_" not in label for label in labels)


@pytest.mark.parametrize(
    ("value", "step", "text"),
    [(0.6, 0.01, "0.60"), (0.35, 0.005, "0.350"), (3.5, 0.1, "3.5"), (7, 1, "7")],
)
def test_slider_values_are_shown_with_the_steps_decimals(value, step, text):
    from coalition_sim.dashboard.controls import number_text

    assert number_text(value, step) == text


@pytest.mark.parametrize(
    ("low", "high", "step"), [(0, 1, 0.01), (0, 10, 0.1), (0, 0.5, 0.005), (1, 6, 0.05)]
)
def test_slider_step(low, high, step):
    from coalition_sim.dashboard.controls import slider_step

    assert slider_step(low, high) == pytest.approx(step)


def test_default_run_is_the_opening_scenario(run):
    assert run.error is None and run.changes == {}
    assert run.scenario_name == "baseline" and run.seed == PRESETS["baseline"]["seed"]
    assert run.sim.steps == 0 and run.running
    assert run.horizon == PRESETS["baseline"]["steps"]


def test_controls_showing_a_preset_build_exactly_that_preset(run_class):
    from coalition_sim.dashboard.controls import control_values

    shown = control_values(run_class.controls, PRESETS["us-withdrawal"])
    assert shown["us_withdrawal_step"] == str(PRESETS["us-withdrawal"]["us_withdrawal_step"])
    run = run_class(**shown)
    assert run.error is None and run.changes == {}
    assert dict(run.sim.config.values) == dict(PRESETS["us-withdrawal"].values)


def test_changed_controls_override_the_preset(run_class):
    start = dict(run_class.start_controls)
    start.update(
        threat_initial=0.9,
        admission_rule="qmv",
        founders="est lva ukr",
        us_withdrawal_step="8",
        seed="7",
    )
    run = run_class(**start)
    assert run.error is None
    config = run.sim.config
    assert config["threat_initial"] == 0.9 and config["admission_rule"] == "qmv"
    assert config["founders"] == ("EST", "LVA", "UKR") and config["us_withdrawal_step"] == 8
    assert run.seed == 7 and config["seed"] == 7
    assert set(run.changes) == {
        "threat_initial",
        "admission_rule",
        "founders",
        "us_withdrawal_step",
    }


@pytest.mark.parametrize(
    ("control", "value", "field"),
    [
        ("founders", "EST, 12X", "founders"),
        ("seed", "abc", "seed"),
        ("seed", "-1", "seed"),
        ("us_withdrawal_step", "soon", "us_withdrawal_step"),
        ("threat_initial", 1.5, "threat_initial"),
        ("admission_rule", "dictator", "admission_rule"),
        ("preset", "no-such-preset", "no-such-preset"),
    ],
)
def test_a_wrong_value_names_the_field_and_never_raises(run_class, control, value, field):
    run = run_class(**{control: value})
    assert run.error and field in run.error
    assert run.changes == {}
    assert run.sim is not None and run.sim.steps == 0  # the preset without the changes
    run.step()
    assert run.sim.steps == 1


def test_a_refused_control_leaves_the_others_applied(run_class):
    run = run_class(founders="EST, 1ZZ", threat_initial=0.9, seed="x")
    assert "founders: '1ZZ'" in run.error and "seed: 'x'" in run.error
    assert run.changes == {"threat_initial": 0.9}
    assert run.sim.config["threat_initial"] == 0.9 and run.seed == PRESETS["baseline"]["seed"]


def test_a_code_the_model_does_not_know_is_dropped_and_named(run_class):
    run = run_class(founders="EST, ZZZ", admission_rule="qmv")
    assert run.error.startswith("founders:") and "ZZZ" in run.error
    assert run.changes == {"admission_rule": "qmv"}
    assert run.sim.config["founders"] == PRESETS["baseline"]["founders"]


def test_mesas_scenario_argument_is_ignored(run_class):
    from mesa.experimental.scenarios import Scenario

    assert run_class(scenario=Scenario(rng=3)).error is None


def test_run_stops_at_the_horizon(run_class):
    run = run_class(**run_class.start_controls)
    run.sim.config = run.sim.config.with_values({"steps": 2})
    run.step()
    assert run.running
    run.step()
    assert not run.running and run.sim.steps == 2
    for _ in range(5):  # clicks that arrive late change nothing
        run.step()
    assert run.sim.steps == 2 and not run.running


def test_a_failing_step_is_reported_not_raised(run, monkeypatch):
    def broken() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(run.sim, "step", broken)
    run.step()
    assert not run.running and "step 1 failed: RuntimeError: boom" in run.error


# --------------------------------------------------------------------------- event log
def test_every_event_kind_reads_as_a_sentence():
    from coalition_sim.dashboard.event_log import describe
    from coalition_sim.events import EVENT_KINDS

    examples = {
        "application": ("SRB", "", 0.41, "", "SRB applies to join (utility +0.41)"),
        "vote": ("POL", "UKR", 1.0, "yes", "POL votes yes on UKR"),
        "veto": ("HUN", "UKR", 1.0, "", "HUN vetoes UKR and blocks the decision"),
        "admission": (
            "",
            "DEU",
            12,
            "12 yes of 12 (unanimity)",
            "DEU admitted (12 yes of 12 (unanimity))",
        ),
        "rejection": ("", "GEO", 9, "9 yes of 12", "GEO rejected (9 yes of 12)"),
        "exit": ("ITA", "", -0.3, "", "ITA leaves the coalition (utility of staying -0.30)"),
        "bargain": (
            "ROU",
            "",
            2.5,
            "deal",
            "ROU bargains over its phase-in: 2.5 years agreed (deal)",
        ),
        "breach": ("GRC", "", 0.4, "", "GRC falls behind its committed spending path"),
        "aggression": ("", "EST", 0.72, "", "aggression against EST; threat now 0.72"),
        "response": (
            "",
            "EST",
            0.8,
            "",
            "coalition response to the attack on EST: 80% of members respond",
        ),
    }
    assert set(EVENT_KINDS) <= set(examples)
    for kind, (actor, target, value, detail, expected) in examples.items():
        assert describe(kind, actor, target, value, detail) == expected


def test_event_log_sums_votes_and_shows_the_latest_steps_newest_first(run):
    from coalition_sim.dashboard.event_log import event_lines, event_log_html

    for _ in range(8):
        run.step()
    lines = event_lines(run.sim, steps_shown=3)
    assert lines, "eight quarters of the baseline produce events"
    steps = [line.step for line in lines]
    assert steps == sorted(steps, reverse=True) and min(steps) >= run.sim.steps - 2
    votes = [line for line in lines if line.kind == "vote"]
    assert all(re.fullmatch(r"votes on [A-Z]{3}: .*\d+ (yes|no|veto).*", v.text) for v in votes)
    html = event_log_html(lines)
    assert html.count("<tr data-kind") == len(lines)


# --------------------------------------------------------------------------- why not
def test_why_not_joining_shows_terms_against_the_threshold(run):
    from coalition_sim.dashboard.why_not import verdict, why_not_svg

    svg, sentence = why_not_svg(run.sim, "HUN")
    terms = run.sim.utility_terms("HUN")
    assert "threshold" in svg and f"{terms['threshold']:+.2f}" in svg
    for name in terms:
        if name not in ("total", "threshold"):
            assert f"{name}: " in svg
    assert sentence
    assert (
        verdict("outsider", 0.1, 0.3)
        == "Its utility falls 0.20 short of the threshold, so it stays out."
    )
    assert verdict("founder", 1, 0) == "It is a founder of the coalition: founders never leave."
    assert verdict("member", 0.5, -0.2).startswith("It is a member; its utility of staying is 0.70")
    assert "below the exit threshold" in verdict("member", -0.5, -0.2)
    assert verdict("applicant", 0.5, 0.2) == "It has applied and awaits the members' decision."


# --------------------------------------------------------------------------- download
def test_download_zip_holds_the_run_files_at_the_current_step(run):
    from coalition_sim.dashboard.download import run_zip_bytes

    for _ in range(3):
        run.step()
    archive = zipfile.ZipFile(io.BytesIO(run_zip_bytes(run.sim)))
    names = set(archive.namelist())
    expected = {
        "steps.parquet",
        "states.parquet",
        "events.parquet",
        "metadata.json",
        "steps.csv",
        "states.csv",
        "events.csv",
    }
    assert names == {f"run-step-003/{name}" for name in expected}
    steps = pd.read_parquet(io.BytesIO(archive.read("run-step-003/steps.parquet")))
    assert list(steps["step"]) == [0, 1, 2, 3]
    meta = json.loads(archive.read("run-step-003/metadata.json"))
    assert meta["parameters"]["threat_initial"] == 0.6 and meta["seed"] == run.seed
    assert meta["command"] == "coalition-sim dashboard"


# --------------------------------------------------------------------------- sweep page
@pytest.fixture
def sweep_folder(tmp_path):
    runs = pd.DataFrame(
        {
            "run_id": range(12),
            "sample_id": [i // 3 for i in range(12)],
            "replication": [i % 3 for i in range(12)],
            "seed": range(100, 112),
            "status": ["ok"] * 11 + ["error"],
            "admission_rule": ["unanimity", "qmv"] * 6,
            "us_commitment_after": [0.0, 0.0, 0.4, 0.4, 0.8, 0.8] * 2,
            "final_members": [14, 20, 15, 21, 16, 22, 13, 19, 15, 20, 17, None],
            "final_parity": [0.7, 0.9, 0.72, 0.95, 0.8, 1.0, 0.68, 0.92, 0.71, 0.93, 0.79, None],
            "first_parity_step": [-1, 30, -1, 25, -1, 20, -1, 31, -1, 26, -1, -1],
            "error": [""] * 11 + ["boom"],
        }
    )
    runs.to_parquet(tmp_path / "runs.parquet")
    meta = {"design": {"parameters": [{"name": "admission_rule"}, {"name": "us_commitment_after"}]}}
    (tmp_path / "metadata.json").write_text(json.dumps(meta))
    return tmp_path


def test_sweep_results_are_read_with_the_compare_module(sweep_folder):
    from coalition_sim.dashboard.sweep_page import box_stats, load_sweep, summary_html, summary_rows

    results = load_sweep(sweep_folder)
    assert results.parameters == ("admission_rule", "us_commitment_after")
    assert results.outcomes[:3] == ("final_members", "final_parity", "parity_reached")
    assert results.failed == 1
    stats = box_stats(results.runs, "admission_rule", "final_members")
    assert [(s.label, s.count) for s in stats] == [("unanimity", 6), ("qmv", 5)]
    assert stats[0].median == pytest.approx(15.0)
    table = summary_rows(results.runs, "admission_rule", "final_members")
    assert list(table["failed"]) == [0, 1]
    assert "95 % interval" in summary_html(table, "admission_rule")


def test_varied_founders_are_labelled_as_changes_to_the_base(tmp_path):
    from coalition_sim.dashboard.sweep_page import box_stats, load_sweep

    base = ["EST", "LVA", "UKR"]
    pd.DataFrame(
        {
            "run_id": range(4),
            "status": ["ok"] * 4,
            "founders": ["EST,LVA,UKR", "EST,LVA,UKR,HUN", "EST,LVA", "EST,LVA,UKR,HUN"],
            "final_members": [10, 12, 9, 13],
        }
    ).to_parquet(tmp_path / "runs.parquet")
    meta = {
        "design": {"parameters": [{"name": "founders"}]},
        "base_scenario": {"values": {"founders": base}},
    }
    (tmp_path / "metadata.json").write_text(json.dumps(meta))
    results = load_sweep(tmp_path)
    labels = [s.label for s in box_stats(results.runs, "founders", "final_members")]
    assert labels == ["as base", "+HUN", "-UKR"]


def test_many_values_of_a_sampled_parameter_are_binned():
    from coalition_sim.dashboard.sweep_page import MAX_GROUPS, group_column

    keys, labels = group_column(pd.Series([i / 100 for i in range(100)]))
    assert len(labels) == MAX_GROUPS and set(keys) == set(labels)


def test_a_folder_without_runs_is_refused_by_name(tmp_path):
    from coalition_sim.dashboard.sweep_page import load_sweep

    with pytest.raises(InputError, match=str(tmp_path)):
        load_sweep(tmp_path)
    with pytest.raises(InputError, match="not a folder"):
        load_sweep(tmp_path / "missing")


# --------------------------------------------------------------------------- components
def _panels(rc) -> dict:
    """Widgets with an ``id`` attribute (HTML panels, the charts' grid, the map), by id."""
    import ipyvuetify
    from solara.widgets import HTML

    from coalition_sim.dashboard.map import EuropeMapWidget

    widgets = [
        *rc.find(HTML).widgets,
        *rc.find(EuropeMapWidget).widgets,
        *rc.find(ipyvuetify.Html, class_="cs-charts").widgets,
    ]
    return {w.attributes["id"]: w for w in widgets if (w.attributes or {}).get("id")}


def _chart_markup(rc) -> str:
    """Every layer of the time-series charts, as one string."""
    from solara.widgets import HTML

    return "".join(
        w.unsafe_innerHTML
        for w in rc.find(HTML).widgets
        if "cs-layer" in (w.attributes or {}).get("class", "")
    )


def test_clicking_a_state_on_the_map_explains_it(run):
    import solara

    from coalition_sim.dashboard.common import selected_state
    from coalition_sim.dashboard.map import EuropeMap, EuropeMapWidget
    from coalition_sim.dashboard.why_not import WhyNotJoining

    @solara.component
    def Page():
        EuropeMap(run)
        WhyNotJoining(run)

    _, rc = solara.render(Page(), handle_error=False)
    try:
        widget = rc.find(EuropeMapWidget).widget
        widget.selected = "POL"  # what a click in the browser sets
        assert selected_state.value == "POL"
        assert _panels(rc)["why-not"].attributes["data-iso3"] == "POL"
        assert rc.find(EuropeMapWidget).widget.selected == "POL"
        widget.selected = "<img src=x>"  # anything but a code of the map is dropped
        assert selected_state.value == "POL"
    finally:
        selected_state.set("DEU")
        rc.close()


def test_the_map_sends_colours_per_step_and_a_tooltip_on_hover(run):
    import solara

    from coalition_sim.dashboard.map import EuropeMap, EuropeMapWidget

    step = solara.reactive(0)

    @solara.component
    def Page():
        EuropeMap(run, step.value)

    _, rc = solara.render(Page(), handle_error=False)
    try:
        widget = rc.find(EuropeMapWidget).widget
        assert len(widget.paths) + len(widget.points) == 43
        assert widget.statuses["RUS"] == widget.statuses["BLR"] == "adversary"
        assert widget.statuses["UKR"] == "founder" and widget.tip == ""
        assert "HUN" in widget.unreliable
        widget.hovered = "HUN"
        widget = rc.find(EuropeMapWidget).widget
        assert widget.tip.startswith("Hungary (HUN): outsider · unreliable")
        assert "utility: threat" in widget.tip and widget.tip_iso3 == "HUN"
        changed = []
        widget.observe(lambda change: changed.append(change["name"]), names=["paths", "fills"])
        tip_before = widget.tip
        for _ in range(4):
            run.step()
        step.set(4)
        widget = rc.find(EuropeMapWidget).widget
        assert widget.attributes["data-step"] == "4"
        assert "paths" not in changed  # the outlines are sent once
        assert widget.tip != tip_before  # the hovered state's tooltip follows the run
    finally:
        rc.close()


def test_the_run_page_renders_once_per_step_and_panels_follow_it(run_class):
    import ipyvuetify as v
    import reacton.core
    import solara

    from coalition_sim.dashboard import app
    from coalition_sim.dashboard.sweep_page import SweepCatalog

    page = app.Dashboard(run_class, SweepCatalog())
    _, rc = solara.render(solara.AppLayout(children=[page]), handle_error=False)
    passes = []
    render = reacton.core._RenderContext.render
    try:
        step = rc.find(v.Btn, children=["Step"]).widget
        reacton.core._RenderContext.render = lambda self, *a, **k: (
            passes.append(1),
            render(self, *a, **k),
        )[1]
        for _ in range(3):
            step.click()
        reacton.core._RenderContext.render = render
        assert len(passes) == 3  # one render of the page per Step, whatever the panels
        ids = _panels(rc)
        for name in (
            "coalition-map",
            "coalition-events",
            "coalition-charts",
            "run-figures",
            "why-not",
        ):
            assert ids[name].attributes["data-step"] == "3", name
        assert "3 · 2026Q3" in ids["run-figures"].unsafe_innerHTML
        charts = _chart_markup(rc)
        assert all(
            f"id='chart-{key}'" in charts and f"id='chart-{key}-data'" in charts
            for key in ("members", "strength", "threat", "ukraine")
        )
        assert "parity 1" in charts or "parity 0" in charts  # the legend's current values
        assert "<style" not in "".join(
            w.unsafe_innerHTML for w in ids.values() if hasattr(w, "unsafe_innerHTML")
        )
    finally:
        reacton.core._RenderContext.render = render
        rc.close()


def test_overview_shows_a_refused_control_naming_the_field(run_class):
    import ipyvuetify as v
    import solara

    from coalition_sim.dashboard.overview import RunOverview

    bad = run_class(founders="EST, 12X")
    _, rc = solara.render(RunOverview(bad), handle_error=False)
    try:
        alerts = rc.find(v.Alert).widgets
        assert alerts and "founders" in str(alerts[0].children)
    finally:
        rc.close()


def test_sweep_explorer_renders_an_offered_sweep_labelled_in_words(sweep_folder):
    import solara
    from solara.widgets import HTML

    from coalition_sim.dashboard.sweep_page import SweepCatalog, SweepExplorer

    catalog = SweepCatalog({"rules": sweep_folder})
    _, rc = solara.render(SweepExplorer(catalog), handle_error=False)
    try:
        html = {w.attributes.get("id"): w.unsafe_innerHTML for w in rc.find(HTML).widgets}
        plot = html["sweep-plot"]
        assert "members at the end (states)" in plot and "unanimity" in plot
        assert ">final_members<" not in plot  # the axis is labelled in words, not the column
        for key in ("median", "middle 50 % of runs", "lowest to highest", "mean"):
            assert f"data-legend='{key}'" in plot
        assert "qmv" in html["sweep-table"]
        assert str(sweep_folder) not in " ".join(html.values())  # the page says the name
    finally:
        rc.close()


def test_the_page_renders_every_panel():
    import solara

    from coalition_sim.dashboard import app

    _, rc = solara.render(app.page, handle_error=False)
    try:
        ids = set(_panels(rc))
        assert {
            "run-figures",
            "coalition-map",
            "why-not",
            "coalition-events",
            "coalition-charts",
        } <= ids
    finally:
        rc.close()


def test_step_play_and_reset_drive_the_run_and_stop_at_the_horizon(run_class):
    import time

    import ipyvuetify as v
    import solara
    from solara.widgets import HTML

    from coalition_sim.dashboard.controller import RunController

    run = solara.reactive(run_class())
    version = solara.reactive(0)
    controls = solara.reactive({**run_class.start_controls, "threat_initial": 0.9})
    interval = solara.reactive(10)
    controller = RunController(run, version, lambda: run_class(**controls.value), interval)
    _, rc = solara.render(controller, handle_error=False)

    def button(label):
        return rc.find(v.Btn, children=[label]).widget

    try:
        for _ in range(2):
            button("Step").click()
        assert run.value.sim.steps == 2 and version.value == 2
        button("Reset").click()
        assert run.value.sim.steps == 0 and run.value.changes == {"threat_initial": 0.9}
        for _ in range(50):  # fifty quick clicks: the horizon is 40
            button("Step").click()
        assert run.value.sim.steps == 40 and not run.value.running
        assert button("Step").disabled and button("▶").disabled
        status = next(w for w in rc.find(HTML).widgets if w.attributes.get("id") == "run-status")
        assert "Step 40 of 40 (2035Q4): the run has reached its horizon" in status.unsafe_innerHTML
        button("Reset").click()
        run.value.sim.config = run.value.sim.config.with_values({"steps": 5})
        run.value.running = True
        button("▶").click()  # Play to the horizon
        deadline = time.monotonic() + 30
        while run.value.running and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)
        assert run.value.sim.steps == 5
        play = rc.find(v.Btn, children=["▶"]).widget  # not left showing pause
        assert play.disabled and button("Step").disabled and not button("Reset").disabled
        controls.value = {**controls.value, "founders": "EST, 12X"}
        button("Reset").click()  # refused, not raised
        assert "founders" in run.value.error
        assert not button("Step").disabled
    finally:
        rc.close()


# --------------------------------------------------------------------------- CLI
def test_cli_module_does_not_import_mesa_or_solara():
    code = (
        "import argparse, sys; from coalition_sim.cli import dashboard; "
        "dashboard.register(argparse.ArgumentParser().add_subparsers()); "
        "print(sorted(m for m in ('mesa', 'solara', 'pandas') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_scenario_file_opens_the_page_and_joins_the_picker(tmp_path, cli, monkeypatch):
    from coalition_sim.cli import dashboard
    from coalition_sim.dashboard import server
    from coalition_sim.dashboard.app import opening_scenario
    from coalition_sim.dashboard.controls import make_run_class

    path = tmp_path / "late-exit.toml"
    path.write_text('base = "us-withdrawal"\nthreat_initial = 0.7\n')
    scenario, source = opening_scenario(str(path))
    assert scenario.name == "late-exit" and scenario["threat_initial"] == 0.7
    assert source == str(path)
    run_class = make_run_class(scenario, PRESETS, source=source)
    assert run_class.controls["preset"]["values"][0] == "late-exit"
    assert run_class.sources["late-exit"] == str(path)
    run = run_class()
    assert run.error is None and run.scenario_name == "late-exit"
    assert run.sim.config["us_withdrawal_step"] == PRESETS["us-withdrawal"]["us_withdrawal_step"]
    assert opening_scenario(str(tmp_path / "missing.toml"))[0].name == "baseline"

    seen = {}
    monkeypatch.setattr(server, "serve", lambda options: seen.update(options=options))
    monkeypatch.setattr(dashboard.os, "environ", {})
    monkeypatch.chdir(tmp_path)
    code, _, _ = cli("dashboard", "--scenario", "late-exit.toml", "--port", "0")
    assert code == 0
    assert dashboard.os.environ["COALITION_SIM_SCENARIO"] == str(path)


def test_cli_refuses_bad_options_before_serving(cli, tmp_path):
    code, _, err = cli("dashboard", "--scenario", "nope")
    assert code == 2 and "unknown scenario 'nope'" in err
    code, _, err = cli("dashboard", "--port", "70000")
    assert code == 2 and "--port 70000" in err
    code, _, err = cli("dashboard", "--sweep", str(tmp_path))
    assert code == 2 and "--sweep" in err and "runs.parquet" in err
    code, _, err = cli("dashboard", "--sweeps-root", str(tmp_path / "missing"))
    assert code == 2 and "--sweeps-root" in err
    code, _, err = cli("dashboard", "--session-timeout", "0")
    assert code == 2 and "--session-timeout" in err
    code, _, err = cli("dashboard", "--allow-origin", "sim.example.org")
    assert code == 2 and "--allow-origin" in err and "https://" in err
    code, _, err = cli("dashboard", "--allow-host", "sim.example.org:443")
    assert code == 2 and "--allow-host" in err


def test_cli_serves_on_loopback_with_the_guard_and_sweeps_by_name(cli, monkeypatch, tmp_path):
    import json as json_module

    from coalition_sim.cli import dashboard
    from coalition_sim.dashboard import server

    for name in ("a/run1", "b/run1", "other"):
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "runs.parquet").write_bytes(b"")
    seen = {}
    monkeypatch.setattr(server, "serve", lambda options: seen.update(options=options))
    monkeypatch.setattr(dashboard.os, "environ", {})
    code, out, _ = cli(
        "dashboard",
        "--port",
        "0",
        "--scenario",
        "fast-track",
        "--sweep",
        tmp_path / "a/run1",
        "--sweep",
        tmp_path / "b/run1",
        "--sweep",
        tmp_path / "other",
        "--allow-host",
        "sim.example.org",
        "--session-timeout",
        "30",
    )
    assert code == 0 and "listening on http://127.0.0.1:" in out
    options = seen["options"]
    assert options.host == "127.0.0.1" and options.port > 0
    assert options.allow_hosts == ("sim.example.org",) and options.session_timeout_s == 30
    assert options.app == dashboard.app_path()
    env = dashboard.os.environ
    assert env["COALITION_SIM_SCENARIO"] == "fast-track"
    assert json_module.loads(env["COALITION_SIM_SWEEPS"]) == {
        "a/run1": str(tmp_path / "a/run1"),
        "b/run1": str(tmp_path / "b/run1"),
        "other": str(tmp_path / "other"),
    }
    assert server.solara_environment(options)["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert server.solara_environment(options)["SOLARA_KERNEL_CULL_TIMEOUT"] == "30s"
