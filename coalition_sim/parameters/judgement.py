"""Judgement values: the parameters of the military balance set from sources, not fitted.

A parameter with a ``plausible`` range in the schema (the PPP factor, readiness, lags,
depreciation, enabler and integration factors, Russia's growth, the US forces, ...) is
a judgement: its default is a central reading of the sources, its plausible range what
the sources allow. Verdicts and checks are decided over these ranges as well as over the
calibrated behaviour; :func:`judgement_design` draws them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from coalition_sim.parameters.kinds import NumberParameter
from coalition_sim.parameters.schema import SCHEMA

#: The judgement parameters and their plausible ranges, in schema order.
JUDGEMENT: Mapping[str, tuple[float, float]] = {
    name: parameter.plausible
    for name, parameter in SCHEMA.items()
    if isinstance(parameter, NumberParameter) and parameter.plausible is not None
}


def judgement_design(samples: int, seed: int) -> list[dict[str, float]]:
    """``samples`` sets of judgement values: a Latin hypercube over the plausible ranges.

    Every range is cut into ``samples`` equal strata and each stratum is used once, so a
    small design still covers each range; a pure function of the seed.
    """
    names = list(JUDGEMENT)
    if samples < 1:
        return []
    rng = np.random.default_rng(seed)
    strata = np.stack([rng.permutation(samples) for _ in names], axis=1)
    unit = (strata + rng.uniform(size=strata.shape)) / samples
    low = np.array([JUDGEMENT[n][0] for n in names])
    high = np.array([JUDGEMENT[n][1] for n in names])
    values = low + unit * (high - low)
    out = []
    for row in values:
        chosen = {}
        for name, value in zip(names, row.tolist(), strict=True):
            parameter = SCHEMA[name]
            chosen[name] = round(value) if parameter.kind == "int" else float(value)
        out.append(chosen)
    return out
