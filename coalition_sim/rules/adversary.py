"""Russia (with Belarus) over time: its burden, its equipment, its losses in Ukraine.

The adversary is not an agent: its strength follows a path. While the war in Ukraine
goes on it spends its wartime burden and loses land equipment; after a ceasefire the
losses stop, its burden moves to a post-war level and what it buys rebuilds its land
forces (IISS 2025: back to February-2022 holdings within a few years of a ceasefire).
Its equipment is counted like Europe's (a perpetual inventory, :mod:`capability`), at
its purchasing power: a rouble buys more equipment than a euro. Per-run numbers or
``(runs, 1)`` columns.
"""

from __future__ import annotations

import numpy as np


def at_war(step, start_step, ceasefire_step):
    """Whether the war in Ukraine goes on at ``step``: from its start to the ceasefire.

    ``start_step`` is the step of February 2022 (0 in a run that starts during the war,
    later in a hindcast); ``ceasefire_step`` is ``NEVER`` for no ceasefire.
    """
    return (step >= start_step) & (step < ceasefire_step)


def burden_target(war, war_pct, postwar_pct):
    """The defence burden Russia moves toward: its wartime level, then its post-war one."""
    return np.where(war, war_pct, postwar_pct)


def gdp(spending_usd_bn, pct):
    """Russia's GDP implied by its spending and burden (USD bn at 2024 prices)."""
    return spending_usd_bn * 100.0 / pct


def spending(gdp, pct):
    """Russia's defence spending (USD bn a year at 2024 prices)."""
    return gdp * pct / 100.0


def war_losses(land_stock, war, loss_pct):
    """Land equipment lost in a quarter of war (none in peace)."""
    return land_stock * loss_pct / 400.0 * war


def fielded(land, air, readiness):
    """What Russia can field: its land and air equipment at its readiness."""
    return (land + air) * readiness
