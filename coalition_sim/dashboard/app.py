"""The Solara page of the dashboard.

Run it with ``coalition-sim dashboard`` (which sets the scenario and binds to 127.0.0.1),
or directly with ``solara run coalition_sim/dashboard/app.py``. The environment variable
``COALITION_SIM_SCENARIO`` names the preset or TOML file the page opens with, and
``COALITION_SIM_SWEEP_DIR`` a sweep folder for the sweep page.

Page 0 watches one run: key figures and the map, "Why not joining?", the event log and
the charts over time. Page 1 compares the outcomes of a sweep. Everything the browser loads
comes from this server (``solara-assets``), so the page works with no network.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from mesa.visualization import SolaraViz

from coalition_sim.dashboard import layout
from coalition_sim.dashboard.charts import TimeSeriesCharts
from coalition_sim.dashboard.controls import make_run_class
from coalition_sim.dashboard.event_log import EventLog
from coalition_sim.dashboard.map import EuropeMap
from coalition_sim.dashboard.overview import RunOverview
from coalition_sim.dashboard.sweep_page import SweepExplorer
from coalition_sim.dashboard.why_not import WhyNotJoining
from coalition_sim.errors import InputError

logger = logging.getLogger(__name__)

SCENARIO_ENV = "COALITION_SIM_SCENARIO"
#: An analyst's edition of the data (``coalition-sim dashboard --states/--borders``).
STATES_ENV = "COALITION_SIM_STATES"
BORDERS_ENV = "COALITION_SIM_BORDERS"
TITLE = "coalition-sim: a European defence coalition"

#: Panels as (component, page): SolaraViz draws each page as a tab.
COMPONENTS: list[tuple[Any, int]] = [
    (RunOverview, 0),
    (EuropeMap, 0),
    (WhyNotJoining, 0),
    (EventLog, 0),
    (TimeSeriesCharts, 0),
    (SweepExplorer, 1),
]


def opening_scenario(name: str | None) -> Any:
    """The scenario the page opens with; the default preset if ``name`` is empty or bad."""
    from coalition_sim.parameters import PRESETS, load_scenario

    default = "baseline" if "baseline" in PRESETS else next(iter(PRESETS))
    if not name:
        return PRESETS[default]
    try:
        return load_scenario(name)
    except InputError as error:
        logger.error("%s=%s: %s; opening %s instead", SCENARIO_ENV, name, error, default)
        return PRESETS[default]


def keep_server_quiet() -> None:
    """Nothing leaves this machine: no usage telemetry, no "runs on Solara" banner.

    ``coalition-sim dashboard`` also sets these through the environment and turns off
    Solara's version check; this covers ``solara run`` on this file.
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


def build_page(
    scenario_name: str | None = None, states: str | None = None, borders: str | None = None
) -> Any:
    """The SolaraViz element for a scenario (preset name or TOML path) and data files."""
    from coalition_sim.parameters import PRESETS

    layout.install()
    keep_server_quiet()
    scenario = opening_scenario(scenario_name)
    run_class = make_run_class(scenario, PRESETS, opening_dataset(states, borders))
    return SolaraViz(
        run_class(),
        components=COMPONENTS,
        model_params=dict(run_class.controls),
        name=TITLE,
        play_interval=300,
        render_interval=1,
    )


page = build_page(
    os.environ.get(SCENARIO_ENV), os.environ.get(STATES_ENV), os.environ.get(BORDERS_ENV)
)
