"""The sweep specification: what to vary, how to sample it, how often to repeat it.

A sweep is written either on the command line (``--param NAME=START:STOP:NUM`` or
``--param NAME=V1,V2,...``) or in a sweep TOML file; both become one :class:`SweepSpec`.
Every value is checked against the scenario schema with the same rules and messages as
``coalition-sim run --set``, before anything runs or is written.

Sweep file layout::

    name = "h1-us-withdrawal"
    description = "Parity falls without the US unless the coalition grows"
    scenario = "baseline"          # preset name or scenario TOML (relative to this file)
    sample = "grid"                # grid | lhs | sobol | morris
    samples = 64                   # N for lhs, sobol and morris
    reps = 20                      # replications per sample
    steps = 40
    seed = 1                       # master seed
    keep_steps = true
    keep_events = false

    [set]                          # fixed changes to the base scenario
    us_withdrawal_step = 4

    [params]                       # what varies
    us_commitment_after = [0.0, 0.4, 0.8]                # a value list
    "state.HUN.reliability" = { start = 0.1, stop = 0.9, num = 5 }   # a range
    admission_rule = ["unanimity", "qmv"]
    founders = [["EST", "LVA"], ["EST", "LVA", "UKR"]]   # lists of lists for ISO3 lists
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from coalition_sim.errors import InputError
from coalition_sim.parameters import (
    SCHEMA,
    STATE_PREFIX,
    Parameter,
    Scenario,
    load_scenario,
    parameter_of,
    parse_state_key,
    parse_value,
    read_toml,
)

SampleMethod = Literal["grid", "lhs", "sobol", "morris"]
SAMPLE_METHODS: tuple[str, ...] = ("grid", "lhs", "sobol", "morris")

#: Parameters a sweep may not vary: the seed comes from the master seed and replications.
NOT_SWEEPABLE = {"seed": "seeds come from --seed (master seed) and --reps"}


def _check_name(name: str) -> str:
    name = name.strip()
    if name.startswith(STATE_PREFIX):
        iso3, trait = parse_state_key(name)
        return f"state.{iso3}.{trait}"
    if name in NOT_SWEEPABLE:
        raise InputError(f"{name}: cannot be swept; {NOT_SWEEPABLE[name]}")
    if name not in SCHEMA:
        parse_value(name, "")  # raises the same "unknown parameter" message as run
    return name


def _normalise(name: str, value: Any, base: Scenario) -> Any:
    """Validate one value of ``name`` exactly as ``run`` does; return it in plain form."""
    if isinstance(value, str):
        value = parameter_of(name).parse(value)
    scenario = base.with_values({name: value})
    if name.startswith(STATE_PREFIX):
        iso3, trait = parse_state_key(name)
        return scenario.state_overrides[iso3][trait]
    checked = scenario.values[name]
    return list(checked) if isinstance(checked, tuple) else checked


@dataclass(frozen=True)
class ParamSpec:
    """One varied parameter: either a list of values or a numeric range.

    Attributes:
        name: schema name or per-state override ``state.ISO3.TRAIT``.
        values: the values to take (categorical, boolean, lists, or chosen numbers).
        low: lower end of a numeric range (with ``high``), inclusive.
        high: upper end of a numeric range, inclusive.
        num: number of evenly spaced grid points over the range (grid designs only).

    """

    name: str
    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    num: int | None = None

    @property
    def is_range(self) -> bool:
        """True for ``START:STOP[:NUM]``, False for a value list."""
        return self.values is None

    @property
    def parameter(self) -> Parameter:
        """The parameter varied (a state's trait is a real number in its range)."""
        return parameter_of(self.name)

    def grid_values(self) -> list[Any]:
        """Return the values a full-factorial grid takes for this parameter (a list).

        Only for axes known to be small; the sampler uses :meth:`grid_axis`, which
        never builds the list.
        """
        return list(self.grid_axis())

    def grid_axis(self) -> GridAxis:
        """The grid's values for this parameter as a lazy sequence (counted, not built).

        ``reliability=0:1:1000000000`` is an axis of a billion points; building it as a
        list took 24 GB. Its length is known at once, and a point is computed when asked.
        """
        if self.values is not None:
            return GridAxis(values=tuple(self.values))
        if self.num is None:
            raise InputError(
                f"--param {self.name}: a grid needs a number of points: {self.name}=START:STOP:NUM"
            )
        return GridAxis(low=self.low, high=self.high, num=self.num, integer=self.parameter.whole)

    def to_dict(self) -> dict[str, Any]:
        """Plain form for metadata.json and for rebuilding the spec on --resume."""
        if self.values is not None:
            return {"name": self.name, "values": list(self.values)}
        return {"name": self.name, "low": self.low, "high": self.high, "num": self.num}


@dataclass(frozen=True)
class GridAxis(Sequence):
    """The values of one grid axis, computed on demand: a value list or ``linspace``.

    A numeric range gives exactly what ``np.linspace(low, high, num)`` gives (point
    ``i`` is ``low + i * step``, the last point is ``high``); an integer range rounds the
    points and drops repeats, which leaves every integer of the range when there are
    more points than integers, and ``num`` distinct values otherwise (the points are
    then more than one apart).
    """

    values: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    num: int = 0
    integer: bool = False

    def __len__(self) -> int:
        if self.values is not None:
            return len(self.values)
        if self.integer:
            return min(self.num, int(self.high) - int(self.low) + 1)
        return self.num

    def _point(self, i: int) -> float:
        if self.num == 1:
            return float(self.low)
        if i == self.num - 1:
            return float(self.high)
        step = (self.high - self.low) / (self.num - 1)
        return float(i) * step + self.low

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        if self.values is not None:
            return self.values[i]
        if self.integer:
            if self.num >= n and n == int(self.high) - int(self.low) + 1:
                return int(self.low) + i  # every integer of the range
            return round(self._point(i))
        return self._point(i)

    def take(self, index: np.ndarray, convert: Callable[[Any], Any] | None = None) -> Any:
        """The values at an array of positions, vectorised (a design is written in blocks).

        Returns a numpy array: floats for a numeric range, otherwise an object array of
        the axis's values passed through ``convert`` (once per distinct value, not once
        per sample).
        """
        if self.values is None and not self.integer:
            if self.num == 1:
                return np.full(len(index), float(self.low))
            step = (self.high - self.low) / (self.num - 1)
            points = index.astype(float) * step + self.low
            points[index == self.num - 1] = self.high
            return points
        return lookup([self[i] for i in range(len(self))], index, convert)


def lookup(values: Sequence[Any], index: np.ndarray, convert: Callable | None = None) -> Any:
    """``values[index]`` as an object array; list values stay whole (not 2-D)."""
    table = np.empty(len(values), dtype=object)
    for i, value in enumerate(values):
        table[i] = convert(value) if convert else value
    return table[index]


def parse_param(text: str, base: Scenario) -> ParamSpec:
    """Parse one ``--param`` argument, validated against the schema.

    Forms: ``NAME=START:STOP:NUM`` (``NUM`` may be left out for lhs, sobol and morris),
    ``NAME=V1,V2,...``, and for ISO3-list parameters ``NAME=EST,LVA|EST,LVA,UKR``.
    """
    name, sep, raw = text.partition("=")
    if not sep or not name.strip() or not raw.strip():
        raise InputError(f"--param {text!r}: write NAME=START:STOP:NUM or NAME=V1,V2,...")
    name = _check_name(name)
    raw = raw.strip()
    parameter = parameter_of(name)
    if parameter.ranged and ":" in raw:
        parts = raw.split(":")
        if len(parts) not in (2, 3):
            raise InputError(f"--param {text!r}: a range is {name}=START:STOP:NUM")
        low = parse_value(name, parts[0])
        high = parse_value(name, parts[1])
        num = None
        if len(parts) == 3:
            try:
                num = int(parts[2])
            except ValueError:
                raise InputError(
                    f"--param {text!r}: NUM '{parts[2]}' is not a whole number"
                ) from None
        return make_range(name, low, high, num, base)
    texts = parameter.split_values(raw)
    values = [parse_value(name, piece) for piece in texts]
    return make_values(name, values, base)


def make_range(name: str, low: Any, high: Any, num: Any, base: Scenario) -> ParamSpec:
    """Build and validate a numeric range; ``num`` may be None outside grids."""
    name = _check_name(name)
    if not parameter_of(name).ranged:
        raise InputError(f"{name}: a range needs a numeric parameter; give a list of values")
    low, high = _normalise(name, low, base), _normalise(name, high, base)
    if low is None or high is None:
        raise InputError(f"{name}: a range needs numbers at both ends")
    if not low < high:
        raise InputError(f"{name}: range start {low!r} must be below its stop {high!r}")
    if num is not None and (isinstance(num, bool) or not isinstance(num, int) or num < 1):
        raise InputError(f"{name}: number of points {num!r} must be a whole number >= 1")
    return ParamSpec(name, None, low, high, num)


def make_values(name: str, values: Sequence[Any], base: Scenario) -> ParamSpec:
    """Build and validate a list of values (duplicates removed, order kept)."""
    name = _check_name(name)
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or not values:
        raise InputError(f"{name}: give a non-empty list of values")
    out: list[Any] = []
    for value in values:
        checked = _normalise(name, value, base)
        if checked not in out:
            out.append(checked)
    return ParamSpec(name, tuple(out))


@dataclass(frozen=True)
class SweepSpec:
    """Everything that defines a sweep's runs (not where or how fast they run).

    Two sweeps with the same spec produce the same runs.parquet on any backend.
    """

    scenario: str = "baseline"
    params: tuple[ParamSpec, ...] = ()
    sample: str = "grid"
    samples: int | None = None
    reps: int = 1
    seed: int = 1
    fixed: Mapping[str, Any] = field(default_factory=dict)
    keep_steps: bool = False
    keep_events: bool = False
    morris_levels: int = 4
    name: str = "sweep"
    description: str = ""
    states_path: str | None = None
    borders_path: str | None = None

    def base_scenario(self) -> Scenario:
        """Return the base scenario with the fixed changes applied (validated)."""
        return load_scenario(self.scenario).with_values(dict(self.fixed))

    @property
    def param_names(self) -> list[str]:
        """Names of the varied parameters, in design order."""
        return [p.name for p in self.params]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form (inverse: :func:`spec_from_dict`)."""
        out = asdict(self)
        out["params"] = [p.to_dict() for p in self.params]
        out["fixed"] = dict(self.fixed)
        return out

    def defining(self) -> dict[str, Any]:
        """The fields that define the runs (not the name or the description)."""
        return {k: v for k, v in self.to_dict().items() if k in DEFINING}

    def fingerprint(self) -> str:
        """Hash of what defines the runs; --resume refuses a folder of another sweep."""
        text = json.dumps(self.defining(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def differences(self, other: SweepSpec) -> list[str]:
        """Names of the defining fields that differ from ``other``."""
        mine, theirs = self.defining(), other.defining()
        return [
            k
            for k in DEFINING
            if json.dumps(mine[k], default=str) != json.dumps(theirs[k], default=str)
        ]


#: Fields of a spec that change its runs.
DEFINING = (
    "scenario",
    "params",
    "sample",
    "samples",
    "reps",
    "seed",
    "fixed",
    "keep_steps",
    "keep_events",
    "morris_levels",
    "states_path",
    "borders_path",
)


def spec_from_dict(data: Mapping[str, Any]) -> SweepSpec:
    """Rebuild a spec saved by :meth:`SweepSpec.to_dict` (no re-validation needed)."""
    data = dict(data)
    params = []
    for p in data.pop("params", []):
        values = p.get("values")
        params.append(
            ParamSpec(
                p["name"],
                tuple(tuple(v) if isinstance(v, list) else v for v in values)
                if values is not None
                else None,
                p.get("low"),
                p.get("high"),
                p.get("num"),
            )
        )
    known = set(SweepSpec.__dataclass_fields__)
    spec = SweepSpec(**{k: v for k, v in data.items() if k in known})
    # values of ISO3-list parameters are kept as lists, like the validated form
    params = [
        replace(p, values=tuple(list(v) if isinstance(v, tuple) else v for v in p.values))
        if p.values is not None
        else p
        for p in params
    ]
    return replace(spec, params=tuple(params))


def _check_int(origin: str, key: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InputError(f"{origin}: {key}: {value!r} must be a whole number >= {minimum}")
    return value


_FILE_KEYS = {
    "name",
    "description",
    "scenario",
    "sample",
    "samples",
    "reps",
    "steps",
    "seed",
    "keep_steps",
    "keep_events",
    "morris_levels",
    "set",
    "params",
}


def load_sweep_file(path: str | Path) -> tuple[SweepSpec, int | None]:
    """Read a sweep TOML file; return the spec and its ``steps`` (None when absent).

    Errors name the file and the field. A relative ``scenario`` path is resolved from the
    sweep file's folder.
    """
    path = Path(path)
    origin = str(path)
    document = read_toml(path, "sweep file")
    if not document:  # a truncated or wrong file would otherwise run the baseline once
        raise InputError(
            f"{origin}: the sweep file is empty; give at least [params] (what varies) or "
            'scenario = "baseline" with reps = N'
        )
    unknown = sorted(set(document) - _FILE_KEYS)
    if unknown:
        raise InputError(
            f"{origin}: unknown key '{unknown[0]}'; allowed: {', '.join(sorted(_FILE_KEYS))}"
        )
    try:
        scenario = str(document.get("scenario", "baseline"))
        if scenario.endswith(".toml") and not Path(scenario).is_absolute():
            candidate = path.parent / scenario
            scenario = str(candidate) if candidate.exists() else scenario
        fixed = document.get("set", {})
        if not isinstance(fixed, dict):
            raise InputError("set: write a [set] table of name = value")
        steps = document.get("steps")
        if steps is not None:
            fixed = {**fixed, "steps": steps}
        base = load_scenario(scenario).with_values(fixed)
        raw_params = document.get("params", {})
        if not isinstance(raw_params, dict):
            raise InputError("params: write a [params] table")
        params = [_param_from_toml(name, value, base) for name, value in raw_params.items()]
        for param in params:
            if param.name in fixed:
                where = "steps" if param.name == "steps" and "steps" in document else "[set]"
                raise InputError(
                    f"{param.name}: both fixed ({where}) and varied ([params]); keep one"
                )
        sample = document.get("sample", "grid")
        if sample not in SAMPLE_METHODS:
            raise InputError(
                f"sample: {sample!r} is not allowed; allowed: {', '.join(SAMPLE_METHODS)}"
            )
        samples = document.get("samples")
        if samples is not None:
            samples = _check_int(origin, "samples", samples, 1)
        keep_steps = document.get("keep_steps", False)
        keep_events = document.get("keep_events", False)
        for key, flag in (("keep_steps", keep_steps), ("keep_events", keep_events)):
            if not isinstance(flag, bool):
                raise InputError(f"{key}: {flag!r} is not a boolean; allowed: true or false")
        spec = SweepSpec(
            scenario=scenario,
            params=tuple(params),
            sample=sample,
            samples=samples,
            reps=_check_int(origin, "reps", document.get("reps", 1), 1),
            seed=_check_int(origin, "seed", document.get("seed", 1), 0),
            fixed=_plain(base, fixed),
            keep_steps=keep_steps,
            keep_events=keep_events,
            morris_levels=_check_int(origin, "morris_levels", document.get("morris_levels", 4), 2),
            name=check_name(str(document.get("name", path.stem))),
            description=str(document.get("description", "")),
        )
    except InputError as error:
        message = str(error)
        raise InputError(
            message if message.startswith(origin) else f"{origin}: {message}"
        ) from None
    return spec, steps


def _plain(base: Scenario, fixed: Mapping[str, Any]) -> dict[str, Any]:
    """Validate fixed changes; return them in plain JSON-able form."""
    return {name: _normalise(name, value, base) for name, value in fixed.items()}


def _param_from_toml(name: str, value: Any, base: Scenario) -> ParamSpec:
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"start", "stop", "num"})
        if unknown or "start" not in value or "stop" not in value:
            raise InputError(f"params.{name}: write {{ start = A, stop = B, num = N }}")
        return make_range(name, value["start"], value["stop"], value.get("num"), base)
    if isinstance(value, str) and parameter_of(name.strip()).spec_text:
        return parse_param(f"{name}={value}", base)
    if isinstance(value, list):
        return make_values(name, value, base)
    return make_values(name, [value], base)


def build_spec(
    *,
    sweep_file: str | None = None,
    scenario: str | None = None,
    params: Iterable[str] = (),
    assignments: Iterable[str] = (),
    sample: str | None = None,
    samples: int | None = None,
    reps: int | None = None,
    steps: int | None = None,
    seed: int | None = None,
    keep_steps: bool | None = None,
    keep_events: bool | None = None,
    states_path: str | None = None,
    borders_path: str | None = None,
) -> SweepSpec:
    """Combine a sweep file (optional) with command-line options; options win.

    ``params`` are ``--param`` texts (they replace a file's parameter of the same name),
    ``assignments`` are ``--set name=value`` texts (fixed changes).
    """
    if sweep_file is not None:
        spec, _ = load_sweep_file(sweep_file)
    else:
        spec = SweepSpec()
    if scenario is not None:
        spec = replace(spec, scenario=scenario)
    fixed = dict(spec.fixed)
    given: dict[str, str] = {}  # name -> the option that fixed it on the command line
    for text in assignments:
        key, sep, raw = text.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--set {text!r}: write name=value")
        fixed[key.strip()] = parse_value(key.strip(), raw)
        given[_canonical(key)] = "--set"
    if steps is not None:
        fixed["steps"] = parse_value("steps", str(steps))
        given["steps"] = "--steps"
    base = load_scenario(spec.scenario).with_values(fixed)
    fixed = _plain(base, fixed)
    # The command line wins over the file: a name fixed here is no longer varied, and a
    # name varied here is no longer fixed; but one name both fixed and varied on the
    # command line, or varied twice, is a mistake to report, not to settle silently.
    by_name = {p.name: p for p in spec.params if p.name not in given}
    varied_here: set[str] = set()
    for text in params:
        parsed = parse_param(text, base)
        if parsed.name in varied_here:
            raise InputError(
                f"--param {parsed.name}: given twice; give one --param per parameter with "
                f"all its values ({parsed.name}=V1,V2,... or START:STOP:NUM)"
            )
        if parsed.name in given:
            option = given[parsed.name]
            raise InputError(f"{parsed.name}: both fixed ({option}) and varied (--param); keep one")
        varied_here.add(parsed.name)
        by_name.pop(parsed.name, None)
        fixed.pop(parsed.name, None)
        by_name[parsed.name] = parsed
    spec = replace(spec, params=tuple(by_name.values()), fixed=fixed)
    if sample is not None:
        if sample not in SAMPLE_METHODS:
            raise InputError(
                field="sample",
                problem=f"{sample!r} is not allowed; allowed: {', '.join(SAMPLE_METHODS)}",
            )
        spec = replace(spec, sample=sample)
    if samples is not None:
        if samples < 1:
            raise InputError(field="samples", problem=f"{samples} must be >= 1")
        spec = replace(spec, samples=samples)
    if reps is not None:
        if reps < 1:
            raise InputError(field="reps", problem=f"{reps} must be >= 1")
        spec = replace(spec, reps=reps)
    if seed is not None:
        if seed < 0:
            raise InputError(field="seed", problem=f"{seed} must be >= 0")
        spec = replace(spec, seed=seed)
    if keep_steps:
        spec = replace(spec, keep_steps=True)
    if keep_events:
        spec = replace(spec, keep_events=True)
    spec = replace(spec, states_path=states_path, borders_path=borders_path)
    check_spec(spec)
    return spec


def _canonical(key: str) -> str:
    """The name a --set key stands for (``state.hun.reliability`` -> ``state.HUN...``)."""
    key = key.strip()
    if key.startswith(STATE_PREFIX):
        iso3, trait = parse_state_key(key)
        return f"state.{iso3}.{trait}"
    return key


def check_name(name: str) -> str:
    """Return a sweep's name when it is a plain folder name, or raise InputError.

    The name becomes the folder ``results/NAME``; ``../x`` or ``a/b`` would write
    somewhere else than the analyst expects, so only a plain name is accepted.
    """
    bad = (
        not name.strip()
        or name in {".", ".."}
        or "/" in name
        or "\\" in name
        or ".." in name
        or name.startswith(".")
        or any(ord(c) < 32 for c in name)
    )
    if bad:
        raise InputError(
            f"name: {name!r} is not a plain folder name; write letters, digits, '-' or '_' "
            "(the sweep is written to results/NAME; use --out for another place)"
        )
    return name


def horizon_warnings(withdrawal_steps: Iterable[Any], horizons: Iterable[int]) -> list[str]:
    """Warn when ``us_withdrawal_step`` lies at or beyond the horizon of some runs.

    The US commitment changes from step ``us_withdrawal_step + 1`` on, so a withdrawal
    step at or after the last step never happens: the runs are the baseline, which is
    rarely what the analyst meant.
    """
    shortest = min(horizons)
    late = sorted({int(w) for w in withdrawal_steps if w is not None and int(w) >= shortest})
    if not late:
        return []
    values = ", ".join(str(w) for w in late)
    return [
        f"us_withdrawal_step: {values} is at or beyond the horizon of {shortest} steps; "
        f"the US withdrawal never happens within {shortest} steps (raise --steps or lower "
        "us_withdrawal_step)"
    ]


#: Below this base sample size, Sobol indices are mostly noise (Saltelli et al. 2010
#: use N in the hundreds; SALib's examples start at 1024).
SOBOL_MIN_SAMPLES = 64
#: Fewer Morris trajectories than this rarely rank parameters reliably (Campolongo et
#: al. 2007 suggest 10 to 50).
MORRIS_MIN_TRAJECTORIES = 10


def spec_warnings(spec: SweepSpec) -> list[str]:
    """One-line warnings about a spec that is valid but probably not what was meant."""
    out: list[str] = []
    varied = {p.name: p for p in spec.params}
    base = spec.base_scenario()

    def values_of(name: str) -> list[Any]:
        if name not in varied:
            return [base[name]]
        p = varied[name]
        if p.values is not None:
            return list(p.values)
        return [p.low, p.high]

    out += horizon_warnings(values_of("us_withdrawal_step"), values_of("steps"))
    if spec.sample == "sobol" and (spec.samples or 0) < SOBOL_MIN_SAMPLES:
        out.append(
            f"--samples {spec.samples}: too few for Sobol indices (they can pass 1 and their "
            f"intervals span everything); use --samples {SOBOL_MIN_SAMPLES} or more, a power "
            "of two"
        )
    if spec.sample == "morris" and (spec.samples or 0) < MORRIS_MIN_TRAJECTORIES:
        out.append(
            f"--samples {spec.samples}: few Morris trajectories; use "
            f"--samples {MORRIS_MIN_TRAJECTORIES} or more to rank parameters reliably"
        )
    return out


def check_spec(spec: SweepSpec) -> None:
    """Raise InputError when the design cannot be sampled as asked."""
    names = spec.param_names
    if spec.sample == "grid":
        for p in spec.params:
            p.grid_axis()  # a range without NUM raises
        return
    if not names:
        raise InputError(
            field="sample",
            subject=spec.sample,
            problem="vary at least one parameter ({params})",
            names=("params",),
        )
    if spec.samples is None:
        raise InputError(
            field="sample",
            subject=spec.sample,
            problem="give the sample size, {samples}=N",
            names=("samples",),
        )
    if spec.sample == "sobol" and len(names) < 2:
        raise InputError(field="sample", subject="sobol", problem="vary at least two parameters")
