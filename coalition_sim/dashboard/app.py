"""The Solara page of the dashboard: three named tabs around the run's controls.

Serve it with ``coalition-sim dashboard`` (which sets the scenario, the sweeps and the
server's guard, and binds to 127.0.0.1). The environment variable
``COALITION_SIM_SCENARIO`` names the preset or TOML file the page opens with;
``COALITION_SIM_SWEEPS`` and ``COALITION_SIM_SWEEPS_ROOT`` the sweeps the Sweep tab offers.

- **Run** watches one run: key figures and the map, "Why not joining?", the event log and
  the charts over time, stepped by :func:`~coalition_sim.dashboard.controller.RunController`
  (Reset, Play, Step).
- **Ensemble** runs N replications of the same controls and shows their spread.
- **Sweep** compares the outcomes of the sweeps the server offers, by name.

The page builds its own layout (title, sidebar, tabs) instead of using Mesa's
``SolaraViz``, which names its tabs "Page 0", "Page 1" and has no place for controls
shared by two pages. Each browser session gets its own run and keeps only what it shows
(the Ensemble tab keeps summaries, not runs); when a session ends, its memory is given
back (:mod:`coalition_sim.dashboard.memory`). Everything the browser loads comes from
this server (``solara-assets``), so the page works with no network.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import solara
import solara.lab

from coalition_sim.dashboard import memory
from coalition_sim.dashboard.charts import TimeSeriesCharts
from coalition_sim.dashboard.controller import RunController
from coalition_sim.dashboard.controls import Control, ControlPanel, make_run_class
from coalition_sim.dashboard.ensemble import RUNS_DEFAULT, EnsemblePage
from coalition_sim.dashboard.event_log import EventLog
from coalition_sim.dashboard.layout import grid_layout
from coalition_sim.dashboard.map import EuropeMap
from coalition_sim.dashboard.overview import RunOverview
from coalition_sim.dashboard.styles import page_css
from coalition_sim.dashboard.sweep_page import SweepCatalog, SweepExplorer
from coalition_sim.dashboard.why_not import WhyNotJoining
from coalition_sim.errors import InputError

logger = logging.getLogger(__name__)

SCENARIO_ENV = "COALITION_SIM_SCENARIO"
#: An analyst's edition of the data (``coalition-sim dashboard --states/--borders``).
STATES_ENV = "COALITION_SIM_STATES"
BORDERS_ENV = "COALITION_SIM_BORDERS"
TITLE = "coalition-sim: a European defence coalition"

#: The Run page's panels, in the order of :data:`coalition_sim.dashboard.layout.LAYOUTS`.
RUN_PANELS: tuple[Any, ...] = (RunOverview, EuropeMap, WhyNotJoining, EventLog, TimeSeriesCharts)

#: The tabs, in order.
TABS: tuple[str, ...] = ("Run", "Ensemble", "Sweep")

#: Milliseconds between steps while playing, at first.
PLAY_INTERVAL_MS = 300
PLAY_SPEC = {
    "type": "SliderInt",
    "label": "Pause between steps while playing (ms)",
    "name": "play interval",
    "value": PLAY_INTERVAL_MS,
    "min": 50,
    "max": 2000,
    "step": 50,
}


def opening_scenario(name: str | None) -> tuple[Any, str | None]:
    """The scenario the page opens with and its file, if any; the default preset if bad."""
    from coalition_sim.parameters import PRESETS, load_scenario

    default = "baseline" if "baseline" in PRESETS else next(iter(PRESETS))
    if not name:
        return PRESETS[default], None
    try:
        scenario = load_scenario(name)
    except InputError as error:
        logger.error("%s=%s: %s; opening %s instead", SCENARIO_ENV, name, error, default)
        return PRESETS[default], None
    return scenario, None if name in PRESETS else name


def keep_server_quiet() -> None:
    """Nothing leaves this machine: no usage telemetry, no "runs on Solara" banner.

    ``coalition-sim dashboard`` also sets these through the environment; this covers
    ``solara run`` on this file.
    """
    from solara.server import settings

    settings.telemetry.mixpanel_enable = False
    settings.theme.show_banner = False


def opening_dataset(states: str | None, borders: str | None) -> Any:
    """The data the runs use: the analyst's files if named (checked by the CLI), else ours."""
    from coalition_sim.datasets import load_dataset

    if not (states or borders):
        return None
    try:
        return load_dataset(states or None, borders or None)
    except InputError as error:
        logger.error("%s; opening with the packaged data instead", error)
        return None


@solara.component
def RunPage(run: solara.Reactive, version: solara.Reactive, cells: solara.Reactive) -> None:
    """The Run tab: the panels of one run on a draggable grid.

    The only component that follows the run's ``version``: a step re-renders this page
    and hands the new step to each panel.
    """
    model = run.value
    step = version.value
    solara.GridDraggable(
        items=[panel(model, step) for panel in RUN_PANELS],
        grid_layout=cells.value,
        resizable=True,
        draggable=True,
        on_grid_layout=cells.set,
    )


@solara.component
def Dashboard(run_class: Any, catalog: SweepCatalog) -> None:
    """The whole page for one browser session: title, sidebar, and the three tabs."""
    solara.Title(TITLE)
    solara.Style(page_css())
    first_run = solara.use_memo(run_class, [])  # one run per session, built once
    run = solara.use_reactive(first_run)
    version = solara.use_reactive(0)
    controls = solara.use_reactive(dict(run_class.start_controls))
    play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
    cells = solara.use_reactive(grid_layout(len(RUN_PANELS)))
    tab = solara.use_reactive(0)
    ensemble_runs = solara.use_reactive(str(RUNS_DEFAULT))
    ensemble_outcome = solara.use_reactive(None)

    def build() -> Any:
        return run_class(**controls.value)

    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column():
        with solara.Card("Run"):
            RunController(run, version, build, play_interval)
            Control(PLAY_SPEC, play_interval.value, play_interval.set)
        with solara.Card("Scenario and parameters"):
            solara.HTML(
                tag="div",
                unsafe_innerHTML=(
                    "The Run tab applies these on Reset, the Ensemble tab on Run ensemble."
                ),
                style="font-size: 12px; color: #4b5563; margin-bottom: 12px;",
            )
            ControlPanel(run_class.controls, controls, run_class.scenarios)
    with solara.lab.Tabs(value=tab, lazy=True):
        with solara.lab.Tab(TABS[0]):
            RunPage(run, version, cells)
        with solara.lab.Tab(TABS[1]):
            EnsemblePage(run_class, controls, ensemble_runs, ensemble_outcome)
        with solara.lab.Tab(TABS[2]):
            SweepExplorer(catalog)


def build_page(
    scenario_name: str | None = None, states: str | None = None, borders: str | None = None
) -> Any:
    """The page element for a scenario (preset name or TOML path), data files and sweeps."""
    from coalition_sim.parameters import PRESETS

    keep_server_quiet()
    scenario, source = opening_scenario(scenario_name)
    run_class = make_run_class(scenario, PRESETS, opening_dataset(states, borders), source)
    return Dashboard(run_class, SweepCatalog.from_environment())


memory.release_after_sessions()
page = build_page(
    os.environ.get(SCENARIO_ENV), os.environ.get(STATES_ENV), os.environ.get(BORDERS_ENV)
)
