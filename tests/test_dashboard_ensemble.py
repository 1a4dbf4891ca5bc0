"""The Ensemble tab without a browser: what it reads from the controls and what it draws.

Components are rendered with ``solara.render``; the end-to-end check in Chromium is in
tests/browser/test_dashboard_browser.py.
"""

from __future__ import annotations

import re
import shlex

import numpy as np
import pandas as pd
import pytest

from coalition_sim.dashboard.ensemble import (
    EnsembleOutcome,
    bands_html,
    histogram_html,
    map_html,
    next_outcome,
    run_from_controls,
    summary_text,
    sweep_command,
)
from coalition_sim.ensemble import ensemble_seeds
from coalition_sim.parameters import PRESETS

pytestmark = pytest.mark.filterwarnings("ignore:Failed to validate hooks:UserWarning")


@pytest.fixture(scope="module")
def run_class():
    from coalition_sim.dashboard.controls import make_run_class

    return make_run_class(PRESETS["baseline"], PRESETS)


@pytest.fixture(scope="module")
def start(run_class):
    return {name: spec["value"] for name, spec in run_class.controls.items()}


@pytest.fixture(scope="module")
def outcome(run_class, start):
    return run_from_controls(run_class, start, "30")


def test_the_ensemble_uses_the_scenario_the_run_page_builds(run_class):
    from coalition_sim.dashboard.controls import control_values
    from coalition_sim.dashboard.ensemble import ensemble_from_controls

    shown = control_values(run_class.controls, PRESETS["us-withdrawal"])
    controls = {**shown, "threat_initial": 0.9, "seed": "7"}
    result = run_from_controls(run_class, controls, 12)
    assert result.error is None
    run = run_class(**controls)  # what Reset builds on the Run page
    assert dict(result.summary.scenario.values) == dict(run.sim.config.values)
    assert result.summary.master_seed == 7 == run.seed
    ensemble, name, changes, problems = ensemble_from_controls(run_class, controls, 12)
    assert ensemble.seeds.tolist() == ensemble_seeds(7, 12).tolist()
    assert name == result.scenario_name == "us-withdrawal" and not problems
    assert changes == result.changes == {"threat_initial": 0.9}


def test_a_refused_control_is_named_and_the_others_still_apply(run_class, start):
    controls = {**start, "founders": "EST, LVA, ZZZ", "admission_rule": "qmv"}
    result = run_from_controls(run_class, controls, 5)
    assert result.error.startswith("founders:") and "ZZZ" in result.error
    assert result.summary is not None and result.changes == {"admission_rule": "qmv"}
    assert result.summary.scenario["admission_rule"] == "qmv"
    assert result.summary.scenario["founders"] == PRESETS["baseline"]["founders"]


def test_a_bad_number_of_runs_runs_nothing_and_keeps_the_last_ensemble(run_class, start, outcome):
    bad = run_from_controls(run_class, start, "0")
    assert bad.summary is None and bad.error.startswith("runs: 0 is out of range")
    shown = next_outcome(replace_number(outcome, 3), bad)
    assert shown.summary is outcome.summary and shown.previous
    assert shown.error == bad.error and shown.number == 4
    first = next_outcome(None, bad)
    assert first.summary is None and first.number == 1 and not first.previous


@pytest.mark.parametrize(
    ("runs", "expected"),
    [
        ("²", "runs: '²' is not a whole number"),
        ("9" * 5000, "runs: a number of 5,000 digits is out of range"),
        ("x" * 100_000, "(100,000 characters)' is not a whole number"),
        ("1e3", "runs: '1e3' is not a whole number"),
        ("-5", "runs: '-5' is not a whole number"),
    ],
)
def test_inputs_that_escaped_are_refused_in_one_short_line(run_class, start, runs, expected):
    bad = run_from_controls(run_class, start, runs)
    assert bad.summary is None and expected in bad.error
    assert len(bad.error) < 200 and "Traceback" not in bad.error and "int(" not in bad.error


def replace_number(outcome: EnsembleOutcome, number: int) -> EnsembleOutcome:
    from dataclasses import replace

    return replace(outcome, number=number)


def test_the_drawings_show_bands_shares_and_first_parity(outcome):
    ensemble = outcome.summary
    bands = bands_html(ensemble)
    for metric in ("parity", "members", "credibility"):
        assert f"id='ensemble-band-{metric}'" in bands
    assert bands.count("data-band='90'") == 3 and bands.count("data-series='median'") == 3
    drawn = map_html(ensemble)
    for code in PRESETS["baseline"]["founders"]:
        assert f"data-iso3='{code}' data-share='1.0000'" in drawn
    assert "a member at the end in 30 of 30 runs (100%) · a founder" in drawn
    assert drawn.count("data-status='adversary'") == 2
    histogram = histogram_html(ensemble)
    counts = [int(c) for c in re.findall(r"data-count='(\d+)'", histogram)]
    never = int(re.search(r"data-never='(\d+)'", histogram).group(1))
    assert sum(counts) + never == 30 and never == ensemble.first_parity.never
    assert re.match(r"30 runs in \d+\.\d\d s · 40 quarters each", summary_text(ensemble))


def test_the_sweep_command_makes_the_same_runs(cli, run_class, start, tmp_path):
    from coalition_sim.ensemble import QUANTILES

    controls = {**start, "admission_rule": "qmv", "seed": "11"}
    result = run_from_controls(run_class, controls, 6)
    command = sweep_command(result, run_class.sources)
    assert command == (
        "coalition-sim sweep --scenario baseline --set admission_rule=qmv --reps 6 --seed 11"
    )
    out = tmp_path / "same"
    code, _, err = cli(*shlex.split(command)[1:], "--workers", "1", "--quiet", "--out", out)
    assert code == 0, err
    runs = pd.read_parquet(out / "runs.parquet")
    summary = result.summary
    for metric, column in (("parity", "final_parity"), ("members", "final_members")):
        bands = summary.bands[metric]
        last = [
            bands.low90[-1],
            bands.low50[-1],
            bands.median[-1],
            bands.high50[-1],
            bands.high90[-1],
        ]
        assert np.array_equal(np.quantile(runs[column].astype(float), QUANTILES), last), metric
    first = runs["first_parity_step"].dropna().astype(int)
    assert first.value_counts().to_dict() == {
        int(step): int(n)
        for step, n in zip(
            summary.first_parity.edges[:-1], summary.first_parity.counts, strict=True
        )
        if n
    }


def _html(rc) -> dict:
    from solara.widgets import HTML

    return {w.attributes.get("id"): w for w in rc.find(HTML).widgets if w.attributes.get("id")}


def test_the_page_runs_on_a_click_and_says_when_the_controls_changed(run_class, start):
    import ipyvuetify as v
    import solara

    from coalition_sim.dashboard.ensemble import EnsemblePage

    controls = solara.reactive(dict(start))
    runs = solara.reactive("20")
    outcome = solara.reactive(None)
    _, rc = solara.render(EnsemblePage(run_class, controls, runs, outcome), handle_error=False)
    try:
        assert "ensemble-summary" not in _html(rc)
        rc.find(v.Btn, children=["Run ensemble"]).widget.click()
        panels = _html(rc)
        assert panels["ensemble-summary"].unsafe_innerHTML.startswith("20 runs in")
        for name in ("ensemble-summary", "ensemble-bands", "ensemble-map", "ensemble-histogram"):
            assert panels[name].attributes["data-runs"] == "20"
            assert panels[name].attributes["data-number"] == "1"
        assert not rc.find(v.Alert).widgets
        controls.set({**controls.value, "threat_initial": 0.9})
        alerts = rc.find(v.Alert).widgets
        assert alerts and "controls have changed" in str(alerts[0].children)
        runs.set("many")
        rc.find(v.Btn, children=["Run ensemble"]).widget.click()
        texts = " ".join(str(a.children) for a in rc.find(v.Alert).widgets)
        assert "runs: 'many' is not a whole number" in texts
        assert _html(rc)["ensemble-summary"].attributes["data-number"] == "2"  # kept, numbered
    finally:
        rc.close()


def _render_page():
    """The app's page inside Solara's app layout (so the sidebar is drawn), rendered."""
    import solara

    from coalition_sim.dashboard import app

    return solara.render(solara.AppLayout(children=[app.page]), handle_error=False)[1]


def test_the_page_has_three_named_tabs_and_mesas_controller_in_the_sidebar():
    import ipyvuetify as v

    from coalition_sim.dashboard import app

    rc = _render_page()
    try:
        tabs = [w.children[0] for w in rc.find(v.Tab).widgets]
        assert tabs == ["Run", "Ensemble", "Sweep"] == list(app.TABS)
        for name in ("Reset", "Step"):
            assert rc.find(v.Btn, children=[name]).widgets
        assert rc.find(v.Btn, children=["▶"]).widgets
    finally:
        rc.close()


def test_each_session_gets_its_own_run():
    import ipyvuetify as v

    first, second = _render_page(), _render_page()
    try:
        first.find(v.Btn, children=["Step"]).widget.click()
        steps = [_html(rc)["run-figures"].attributes["data-step"] for rc in (first, second)]
        assert steps == ["1", "0"]
    finally:
        first.close()
        second.close()


def test_the_control_panel_shows_slider_values_and_writes_the_shared_controls(run_class, start):
    import ipyvuetify as v
    import solara
    from solara.widgets import HTML

    from coalition_sim.dashboard.controls import ControlPanel

    values = solara.reactive(dict(start))
    _, rc = solara.render(ControlPanel(run_class.controls, values), handle_error=False)

    def shown(name: str) -> str:
        for widget in rc.find(HTML).widgets:
            match = re.search(rf"data-control='{name}'>([^<]*)<", widget.unsafe_innerHTML)
            if match:
                return match.group(1)
        raise AssertionError(name)

    try:
        assert shown("threat_initial") == "0.60" and shown("spending_floor_pct") == "3.5"
        sliders = rc.find(v.Slider).widgets
        threat = next(s for s in sliders if s.max == 1.0 and s.v_model == 0.6)
        threat.v_model = 0.75
        assert values.value["threat_initial"] == 0.75 and shown("threat_initial") == "0.75"
        rule = next(s for s in rc.find(v.Select).widgets if "unanimity" in s.items)
        rule.v_model = "qmv"
        assert values.value["admission_rule"] == "qmv"
        assert {s.hint for s in rc.find(v.Select).widgets} >= {"preset", "admission_rule"}
    finally:
        rc.close()
