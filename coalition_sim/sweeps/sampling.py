"""Samplers: full-factorial grid, Latin hypercube, and SALib's Sobol and Morris designs.

Every sampler turns a :class:`~coalition_sim.sweeps.design.SweepSpec` into a
:class:`Design`: an ordered sequence of parameter settings (sample ids 0..n-1), counted
before it is built (:func:`design_size`) and made one sample at a time. Continuous
samplers work in a numeric space: a numeric range is sampled as is (integers are
floored), a value list of ``k`` entries is sampled on ``[0, k)`` and floored to an index,
which is how categorical parameters (admission rule, protocol) and ISO3 lists enter
Latin hypercube, Sobol and Morris designs. The raw sampler matrix is kept so the
sensitivity analysis can use exactly what SALib produced.

Sobol uses ``SALib.sample.sobol`` (Saltelli's scheme; the older ``saltelli`` module is
deprecated) with first and total order only: ``N * (D + 2)`` samples.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from coalition_sim.sweeps.design import GridAxis, ParamSpec, SweepSpec, lookup


class Settings(Sequence):
    """The settings of a design as a read-only sequence, each made when asked.

    ``design.settings[i]`` and iteration keep working for callers written against a
    list, while a design of ten million samples holds no ten million dicts.
    """

    def __init__(self, design: Design):
        self._design = design

    def __len__(self) -> int:
        return len(self._design)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._design.setting(j) for j in range(*i.indices(len(self)))]
        return self._design.setting(i)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment] - mutable-looking, like a list


@dataclass(frozen=True, eq=False)
class Design:
    """The sampled settings of a sweep, counted at once and made one sample at a time.

    Attributes:
        method: grid, lhs, sobol or morris.
        names: varied parameter names, in column order.
        params: the varied parameters (their values or ranges), in column order.
        matrix: raw sampler output (one row per sample) for lhs, sobol and morris; the
            grid has none (a sample's values follow from its id).
        problem: the SALib problem definition (names and numeric bounds).

    """

    method: str
    names: list[str]
    params: tuple[ParamSpec, ...] = ()
    matrix: np.ndarray | None = None
    problem: dict[str, Any] | None = None
    axes: tuple[GridAxis, ...] = field(default=(), repr=False)

    def __len__(self) -> int:
        if self.matrix is not None:
            return int(self.matrix.shape[0])
        return math.prod(len(axis) for axis in self.axes)

    @property
    def settings(self) -> Settings:
        """Every sample's values, as a lazy sequence indexed by sample id."""
        return Settings(self)

    def setting(self, sample: int) -> dict[str, Any]:
        """The parameter values of one sample (grid order is row-major)."""
        n = len(self)
        if sample < 0:
            sample += n
        if not 0 <= sample < n:
            raise IndexError(sample)
        if self.matrix is not None:
            row = self.matrix[sample]
            return {p.name: decode(p, float(x)) for p, x in zip(self.params, row, strict=True)}
        out: dict[str, Any] = {}
        rest = sample
        for name, axis, stride in zip(self.names, self.axes, self._strides(), strict=True):
            digit, rest = divmod(rest, stride)
            out[name] = axis[digit]
        return out

    def _strides(self) -> list[int]:
        strides, size = [], 1
        for axis in reversed(self.axes):
            strides.append(size)
            size *= len(axis)
        return strides[::-1]

    def columns(
        self, start: int, stop: int, convert: Callable[[Any], Any] | None = None
    ) -> dict[str, np.ndarray]:
        """Values of samples ``start`` to ``stop - 1`` per parameter, vectorised.

        Used to write ``design.parquet`` block by block: a huge design never has all its
        values in memory at once. ``convert`` is applied to each distinct value of a
        value list (an ISO3 list becomes ``"EST,LVA"``), not to every sample.
        """
        ids = np.arange(start, min(stop, len(self)), dtype=np.int64)
        out: dict[str, np.ndarray] = {}
        if self.matrix is not None:
            for j, p in enumerate(self.params):
                out[p.name] = decode_column(p, self.matrix[ids, j], convert)
            return out
        for name, axis, stride in zip(self.names, self.axes, self._strides(), strict=True):
            out[name] = axis.take((ids // stride) % len(axis), convert)
        return out


def design_size(spec: SweepSpec) -> int:
    """Count the samples of the spec's design without building anything.

    Grid: the product of the axis lengths; lhs: N; sobol: N * (D + 2) (first and total
    order); morris: N * (D + 1). The CLI refuses a design above ``--max-runs`` with
    this count, before any memory is spent on it.
    """
    d = len(spec.params)
    if spec.sample == "grid":
        return math.prod(len(p.grid_axis()) for p in spec.params)
    n = int(spec.samples or 0)
    if spec.sample == "lhs":
        return n
    if spec.sample == "sobol":
        return n * (d + 2)
    if spec.sample == "morris":
        return n * (d + 1)
    raise ValueError(spec.sample)  # pragma: no cover - check_spec rejects it first


def salib_problem(params: tuple[ParamSpec, ...]) -> dict[str, Any]:
    """Build the SALib problem: each parameter's numeric bounds in sampler space."""
    bounds = [
        list(p.parameter.bounds(p.low, p.high)) if p.is_range else [0.0, float(len(p.values))]
        for p in params
    ]
    return {"num_vars": len(params), "names": [p.name for p in params], "bounds": bounds}


def decode_column(
    param: ParamSpec, x: np.ndarray, convert: Callable[[Any], Any] | None = None
) -> np.ndarray:
    """:func:`decode` of a column of sampler coordinates, vectorised, as a numpy array.

    Value lists give an object array of their values passed through ``convert``.
    """
    if not param.is_range:
        index = np.clip(np.floor(x), 0, len(param.values) - 1).astype(np.int64)
        return lookup(param.values, index, convert)
    return param.parameter.from_unit(np.asarray(x), param.low, param.high)


def decode(param: ParamSpec, x: float) -> Any:
    """Map one sampler coordinate to a parameter value."""
    if not param.is_range:
        index = min(max(math.floor(x), 0), len(param.values) - 1)
        return param.values[index]
    return param.parameter.from_unit(float(x), param.low, param.high)


def sampler_seed(master_seed: int) -> int:
    """Derive a 32-bit sampler seed from the master seed (separate from run seeds)."""
    sequence = np.random.SeedSequence(master_seed, spawn_key=(2**32 - 1,))
    return int(sequence.generate_state(1, np.uint32)[0])


def build_design(spec: SweepSpec) -> Design:
    """Sample the spec's parameters; deterministic for a given spec and master seed.

    A grid is only its axes (a sample's values follow from its id); the other designs
    hold SALib's matrix, ``len(design) x D`` floats, and make settings from its rows.
    """
    names = spec.param_names
    if spec.sample == "grid":
        axes = tuple(p.grid_axis() for p in spec.params)
        return Design("grid", names, tuple(spec.params), axes=axes)
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
    return Design(spec.sample, names, tuple(spec.params), np.asarray(matrix, dtype=float), problem)
