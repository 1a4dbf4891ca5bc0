"""Growth over quarters: the one compounding rule of the model.

Numbers or arrays over runs (``(runs, 1)`` columns).
"""

from __future__ import annotations

import numpy as np


def growth_factor(growth_pct, step):
    """``(1 + g / 100) ** (step / 4)``: a yearly real growth rate compounded over quarters.

    Always numpy's array power, even for one number: its scalar power may round
    differently, and a run must give the same figure alone and in a batch.
    """
    base = np.atleast_1d(1.0 + np.asarray(growth_pct, dtype=float) / 100.0)
    return np.power(base, np.full(base.shape, step / 4.0))


def scaled(per_gdp, gdp_factor):
    """A quantity proportional to GDP, scaled by each state's GDP relative to 2024."""
    return per_gdp * gdp_factor


def gdp_factor(growth, others, grows):
    """Each state's GDP relative to 2024: ``growth`` (per run) where ``grows``, else ``others``.

    ``grows`` marks Ukraine, whose economy grows at its own rate; ``others`` is the
    growth factor of the rest of Europe.
    """
    return np.where(grows, growth.reshape(-1, 1), others.reshape(-1, 1))


def years(quarters_):
    """Quarters as years."""
    return quarters_ / 4.0


def quarters(years):
    """Years as quarters, the model's step."""
    return 4.0 * years
