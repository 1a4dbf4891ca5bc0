"""Samplers: full-factorial grid, Latin hypercube, and SALib's Sobol and Morris designs.

Every sampler turns a :class:`~coalition_sim.sweep.design.SweepSpec` into a
:class:`Design`: an ordered list of parameter settings (sample ids 0..n-1). Continuous
samplers work in a numeric space: a numeric range is sampled as is (integers are
floored), a value list of ``k`` entries is sampled on ``[0, k)`` and floored to an index,
which is how categorical parameters (admission rule, protocol) and ISO3 lists enter
Latin hypercube, Sobol and Morris designs. The raw sampler matrix is kept so the
sensitivity analysis can use exactly what SALib produced.

Sobol uses ``SALib.sample.sobol`` (Saltelli's scheme; the older ``saltelli`` module is
deprecated) with first and total order only: ``N * (D + 2)`` samples.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from coalition_sim.sweep.design import ParamSpec, SweepSpec


@dataclass(frozen=True)
class Design:
    """The sampled settings of a sweep.

    Attributes:
        method: grid, lhs, sobol or morris.
        names: varied parameter names, in column order.
        settings: one mapping of parameter values per sample id.
        matrix: raw sampler output (one row per sample) for lhs, sobol and morris.
        problem: the SALib problem definition (names and numeric bounds).

    """

    method: str
    names: list[str]
    settings: list[dict[str, Any]]
    matrix: np.ndarray | None = None
    problem: dict[str, Any] | None = None

    def __len__(self) -> int:
        return len(self.settings)


def salib_problem(params: tuple[ParamSpec, ...]) -> dict[str, Any]:
    """Build the SALib problem: each parameter's numeric bounds in sampler space."""
    bounds = []
    for p in params:
        if not p.is_range:
            bounds.append([0.0, float(len(p.values))])
        elif p.kind == "int":
            bounds.append([float(p.low), float(p.high) + 1.0])
        else:
            bounds.append([float(p.low), float(p.high)])
    return {"num_vars": len(params), "names": [p.name for p in params], "bounds": bounds}


def decode(param: ParamSpec, x: float) -> Any:
    """Map one sampler coordinate to a parameter value."""
    if not param.is_range:
        index = min(max(math.floor(x), 0), len(param.values) - 1)
        return param.values[index]
    if param.kind == "int":
        return int(min(max(math.floor(x), param.low), param.high))
    return float(min(max(x, param.low), param.high))


def sampler_seed(master_seed: int) -> int:
    """Derive a 32-bit sampler seed from the master seed (separate from run seeds)."""
    sequence = np.random.SeedSequence(master_seed, spawn_key=(2**32 - 1,))
    return int(sequence.generate_state(1, np.uint32)[0])


def build_design(spec: SweepSpec) -> Design:
    """Sample the spec's parameters; deterministic for a given spec and master seed."""
    names = spec.param_names
    if spec.sample == "grid":
        axes = [p.grid_values() for p in spec.params]
        settings = [dict(zip(names, combo, strict=True)) for combo in itertools.product(*axes)]
        return Design("grid", names, settings)
    problem = salib_problem(spec.params)
    seed = sampler_seed(spec.seed)
    if spec.sample == "lhs":
        from SALib.sample import latin

        matrix = latin.sample(problem, spec.samples, seed=seed)
    elif spec.sample == "sobol":
        import warnings

        from SALib.sample import sobol

        with warnings.catch_warnings():
            # SALib warns when N is not a power of two; the design is still valid.
            warnings.simplefilter("ignore", UserWarning)
            matrix = sobol.sample(problem, spec.samples, calc_second_order=False, seed=seed)
    elif spec.sample == "morris":
        from SALib.sample import morris

        matrix = morris.sample(problem, spec.samples, num_levels=spec.morris_levels, seed=seed)
    else:  # pragma: no cover - check_spec rejects it first
        raise ValueError(spec.sample)
    settings = [
        {p.name: decode(p, float(x)) for p, x in zip(spec.params, row, strict=True)}
        for row in matrix
    ]
    return Design(spec.sample, names, settings, np.asarray(matrix, dtype=float), problem)
