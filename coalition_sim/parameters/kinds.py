"""The kinds of parameter, one class each: parsing, validation, control and sampling.

As the EMA workbench declares ``RealParameter``, ``IntegerParameter``,
``CategoricalParameter`` and ``BooleanParameter``, each kind here owns what differs
between kinds, so no code elsewhere switches on the kind:

- :meth:`Parameter.parse` (a command-line string) and :meth:`Parameter.validate` (any
  Python value), with one-line errors that name the parameter and what is allowed;
- :meth:`Parameter.text` (the inverse of ``parse``: ``--set`` and the sweep's rerun
  commands) and :meth:`Parameter.toml` (a scenario file);
- :meth:`Parameter.control`: how the dashboard edits it (a slider, a select, a text
  field), as plain data the face renders;
- :meth:`Parameter.values_of` (a sweep's ``NAME=START:STOP:NUM`` or ``NAME=V1,V2``) and,
  for numbers, :meth:`NumberParameter.bounds` and :meth:`NumberParameter.from_unit` (the
  samplers: Latin hypercube, Sobol, Morris).

Every declaration is keyword-only, so a swapped help and source cannot go unnoticed.
A parameter declared as a class attribute of a :class:`ParameterSet` takes its name from
the attribute, and reading it on an instance gives the instance's value, typed by kind.
"""

from __future__ import annotations

import json
import math
import numbers
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, overload

import numpy as np

from coalition_sim.errors import InputError

#: Words that mean "no value" for an optional parameter (``us_withdrawal_step = "never"``).
NEVER = frozenset({"never", "none", ""})
#: A per-run value as the engine holds it: one number for every run, or a ``(runs, 1)`` column.
Number = float | np.ndarray
Whole = int | np.ndarray
#: An optional step that never comes ("never"), as the engine holds it: later than any step.
NEVER_STEP = np.iinfo(np.int64).max
#: Longest text shown back in an error message.
ECHO = 40


def shown(value: Any) -> str:
    """A value for a message: 3 for an integer, 0.35 rather than np.float64(0.35), short."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        text = str(int(value))
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        text = repr(float(value))
    else:
        text = repr(value)
    return text if len(text) <= ECHO else text[: ECHO - 1] + "…"


@dataclass(frozen=True, kw_only=True)
class Control:
    """How the dashboard edits a parameter: a widget and its settings, as plain data."""

    widget: str  # "slider", "select", "checkbox" or "text"
    low: float | None = None
    high: float | None = None
    step: float | None = None
    choices: tuple[str, ...] = ()
    integer: bool = False


@dataclass(frozen=True, kw_only=True)
class Parameter[T]:
    """One model parameter: what it means, its unit, its default and where it comes from.

    Attributes:
        name: the name users type (set from the attribute name in a ParameterSet).
        default: the value when nothing else is given.
        unit: the unit of its values ("-" for none).
        group: the part of the model it belongs to (tables and the dashboard group by it).
        help: one line saying what it does.
        source: where its default comes from, or why it is what it is.
        reporting_only: it changes what is reported (a displayed figure), no outcome.
    """

    #: The kind's name in tables (``docs/parameters.md``).
    kind: ClassVar[str] = ""
    # What the other kinds have, absent here: not arguments of this kind (kinds that
    # have them declare them as fields of their own).
    optional: bool = field(default=False, init=False, repr=False)
    low: float | None = field(default=None, init=False, repr=False)
    high: float | None = field(default=None, init=False, repr=False)
    choices: tuple[str, ...] = ()
    min_items = 0

    name: str = ""
    default: Any
    unit: str
    group: str
    help: str
    source: str
    reporting_only: bool = False

    def __set_name__(self, owner: type, name: str) -> None:
        if not self.name:
            object.__setattr__(self, "name", name)

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> Parameter[T]: ...
    @overload
    def __get__(self, obj: ParameterSet, owner: type | None = None) -> T: ...
    def __get__(self, obj: ParameterSet | None, owner: type | None = None) -> Any:
        if obj is None:
            return self
        return obj._values[self.name]  # as obj[name], one call fewer: the engine reads often

    # --- what differs by kind --------------------------------------------------------------
    def describe_allowed(self) -> str:
        """Which values are allowed, in a few words (errors and help)."""
        raise NotImplementedError  # pragma: no cover

    def validate(self, value: Any) -> Any:
        """``value`` normalised to this parameter's type, or an InputError naming it."""
        raise NotImplementedError  # pragma: no cover

    def parse(self, text: str) -> Any:
        """A command-line string turned into a value, then validated."""
        return self.validate(text.strip())

    def text(self, value: Any) -> str:
        """A value as ``--set NAME=VALUE`` writes it (``parse`` reads it back exactly)."""
        return str(value)

    def toml(self, value: Any) -> str:
        """A value as a scenario TOML file writes it."""
        return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)

    def control(self) -> Control:
        """How the dashboard edits it."""
        return Control(widget="text")

    def values_of(self, spec: str) -> list[Any]:
        """The values of a sweep's ``V1,V2,...`` list, validated."""
        return [self.parse(part) for part in self.split_values(spec)]

    #: How the engine holds its values, when it holds them as numbers per run.
    dtype: ClassVar[Any] = None
    #: A sweep may vary it over a range (``START:STOP:NUM``), not only over values.
    ranged: ClassVar[bool] = False
    #: Its values are whole numbers (grid points are rounded, samplers floor).
    whole: ClassVar[bool] = False
    #: A sweep file's text value for it is a sweep's value syntax (``0.5:0.9``, ``a,b``);
    #: for a choice the text is one value (a name).
    spec_text: ClassVar[bool] = True
    #: Separator of alternative values in a sweep's value list.
    separator: ClassVar[str] = ","

    def split_values(self, spec: str) -> list[str]:
        """The texts of a sweep's list of values (``V1,V2``; ``A|B`` for lists)."""
        return spec.split(self.separator)

    @property
    def numeric(self) -> bool:
        """Whether the engine holds it as a number per run (not a list or a choice)."""
        return False

    def engine_value(self, value: Any) -> Any:
        """A value as the engine holds it (an optional step's "never" is a late step)."""
        return value

    def _error(self, value: Any, problem: str) -> InputError:
        return InputError(
            f"{self.name}: {shown(value)} {problem}; allowed: {self.describe_allowed()}"
        )


@dataclass(frozen=True, kw_only=True)
class NumberParameter[T](Parameter[T]):
    """A number in a closed range ``[low, high]``; optional ones may be "never"."""

    ranged: ClassVar[bool] = True

    low: float
    high: float
    optional: bool = False
    #: For a judgement value (a figure experts disagree on, not a behaviour the data fit):
    #: the range the sources support, over which the experiments decide their verdicts.
    plausible: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if self.plausible is not None:
            low, high = self.plausible
            if not (self.low <= low <= high <= self.high):
                raise ValueError(f"plausible range {self.plausible} outside {self.low}-{self.high}")

    @property
    def numeric(self) -> bool:
        """Numbers are held per run by the engine."""
        return True

    def engine_value(self, value: Any) -> Any:
        """The value, with "never" as :data:`NEVER_STEP` (later than any run's horizon)."""
        return NEVER_STEP if value is None else value

    def _range(self) -> str:
        raise NotImplementedError  # pragma: no cover

    def describe_allowed(self) -> str:
        """``float in [0, 1]`` or ``int in [0, 400] or 'never'``."""
        return self._range() + (" or 'never'" if self.optional else "")

    def _number(self, value: Any) -> Any:
        raise NotImplementedError  # pragma: no cover

    def validate(self, value: Any) -> Any:
        """A number in range (an integer for whole numbers); None for "never" if optional."""
        if self.optional and isinstance(value, str) and value.strip().lower() in NEVER:
            value = None
        if value is None:
            if self.optional:
                return None
            raise InputError(
                f"{self.name}: a value is required; allowed: {self.describe_allowed()}"
            )
        # Python and numpy numbers alike, never booleans
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise self._error(value, "is not a number")
        return self._number(value)

    def parse(self, text: str) -> Any:
        """A number from text: ``0.35``, ``1e3``, ``never`` (optional ones)."""
        raw = text.strip()
        if self.optional and raw.lower() in NEVER:
            return None
        try:
            number = self._from_text(raw)
        except (ValueError, OverflowError):
            raise self._error(text, "is not a number") from None
        return self.validate(number)

    def _from_text(self, raw: str) -> Any:
        return float(raw)

    def text(self, value: Any) -> str:
        """``never`` for no value, every digit of a float (``repr``)."""
        if value is None:
            return "never"
        return repr(value) if isinstance(value, float) else str(value)

    def toml(self, value: Any) -> str:
        """``"never"`` for no value (TOML has no null)."""
        return '"never"' if value is None else repr(value)

    def values_of(self, spec: str) -> list[Any]:
        """``START:STOP:NUM`` gives NUM evenly spaced values; ``V1,V2`` the values listed."""
        if ":" in spec:
            return list(self.grid(*self.grid_spec(spec)))
        return super().values_of(spec)

    def grid_spec(self, spec: str) -> tuple[Any, Any, int]:
        """``START:STOP:NUM`` validated: the ends in range, NUM at least 1."""
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(f"{self.name}={spec}: write START:STOP:NUM or V1,V2,...")
        start, stop = self.parse(parts[0]), self.parse(parts[1])
        try:
            num = int(parts[2])
        except ValueError:
            raise InputError(f"{self.name}={spec}: NUM must be a whole number") from None
        if num < 1:
            raise InputError(f"{self.name}={spec}: NUM must be at least 1")
        return start, stop, num

    def grid(self, start: Any, stop: Any, num: int) -> Iterator[Any]:
        """NUM evenly spaced values from START to STOP (both included)."""
        if num == 1:
            yield start
            return
        step = (stop - start) / (num - 1)
        for i in range(num):
            yield stop if i == num - 1 else float(i) * step + start

    def bounds(self, low: Any = None, high: Any = None) -> tuple[float, float]:
        """The range a sampler draws from for ``[low, high]`` (its own range by default)."""
        low, high = self.low if low is None else low, self.high if high is None else high
        return float(low), float(high)

    def from_unit(self, x: Any, low: Any = None, high: Any = None) -> Any:
        """Values of a sampler's coordinates ``x`` (drawn within :meth:`bounds`)."""
        low, high = self.low if low is None else low, self.high if high is None else high
        if np.ndim(x) == 0:
            return float(min(max(x, low), high))
        return np.clip(np.asarray(x, dtype=float), low, high).astype(float)


@dataclass(frozen=True, kw_only=True)
class RealParameter(NumberParameter[Number]):
    """A real number in ``[low, high]``."""

    kind: ClassVar[str] = "float"
    dtype: ClassVar[Any] = float

    def _range(self) -> str:
        return f"float in [{self.low:g}, {self.high:g}]"

    def _number(self, value: Any) -> float:
        number = float(value)
        if not math.isfinite(number) or not (self.low <= number <= self.high):
            raise self._error(value, "is out of range")
        return number

    def control(self) -> Control:
        """A slider whose step can hold the default and every tenth of the range.

        Text for an optional value ("never") or a range too wide to slide.
        """
        if self.optional or self.high - self.low > 1e6:
            return Control(widget="text")
        return Control(
            widget="slider",
            low=float(self.low),
            high=float(self.high),
            step=slider_step(self.low, self.high, self.default),
        )


@dataclass(frozen=True, kw_only=True)
class IntegerParameter(NumberParameter[Whole]):
    """A whole number in ``[low, high]`` (a step, a count, a seed)."""

    kind: ClassVar[str] = "int"
    dtype: ClassVar[Any] = np.int64
    whole: ClassVar[bool] = True

    def _range(self) -> str:
        return f"int in [{int(self.low)}, {int(self.high)}]"

    def _from_text(self, raw: str) -> Any:
        # whole numbers parse exactly (63-bit seeds must survive), then as floats ("1e3")
        if raw.lstrip("+-").isdigit() and len(raw) <= 30:
            return int(raw)
        return float(raw)

    def _number(self, value: Any) -> int:
        if not isinstance(value, numbers.Integral) and (
            not math.isfinite(value) or value != int(value)
        ):
            raise self._error(value, "is not a whole number")
        whole = int(value)  # exact for integers, however large
        if not (self.low <= whole <= self.high):
            raise self._error(value, "is out of range")
        return whole

    def control(self) -> Control:
        """A slider of whole numbers, or a text field for a range too wide to slide."""
        if self.optional or self.high - self.low > 1e6:
            return Control(widget="text", integer=True)
        return Control(widget="slider", low=self.low, high=self.high, step=1, integer=True)

    def grid(self, start: Any, stop: Any, num: int) -> Iterator[Any]:
        """Evenly spaced whole numbers; every integer of the range when NUM covers it."""
        if num >= stop - start + 1:
            yield from range(int(start), int(stop) + 1)
            return
        for value in super().grid(start, stop, num):
            yield round(value)

    def bounds(self, low: Any = None, high: Any = None) -> tuple[float, float]:
        """``[low, high + 1)``: each whole number gets an equal share of the sampler's range."""
        low, high = super().bounds(low, high)
        return low, high + 1.0

    def from_unit(self, x: Any, low: Any = None, high: Any = None) -> Any:
        """The whole number below each coordinate, kept in range."""
        low, high = self.low if low is None else low, self.high if high is None else high
        if np.ndim(x) == 0:
            return int(min(max(math.floor(x), low), high))
        return np.clip(np.floor(np.asarray(x, dtype=float)), low, high).astype(np.int64)


@dataclass(frozen=True, kw_only=True)
class BooleanParameter(Parameter[bool | np.ndarray]):
    """Yes or no."""

    kind: ClassVar[str] = "bool"
    dtype: ClassVar[Any] = float
    TRUE: ClassVar[frozenset[str]] = frozenset({"true", "1", "yes", "on"})
    FALSE: ClassVar[frozenset[str]] = frozenset({"false", "0", "no", "off"})

    @property
    def numeric(self) -> bool:
        """Held per run as a number (0 or 1) by the engine."""
        return True

    def describe_allowed(self) -> str:
        """``true or false``."""
        return "true or false"

    def validate(self, value: Any) -> bool:
        """True or False (no other values, no numbers)."""
        if isinstance(value, bool | np.bool_):
            return bool(value)
        raise self._error(value, "is not a boolean")

    def parse(self, text: str) -> bool:
        """``true``/``false``, ``yes``/``no``, ``on``/``off``, ``1``/``0``."""
        lowered = text.strip().lower()
        if lowered in self.TRUE:
            return True
        if lowered in self.FALSE:
            return False
        raise self._error(text, "is not a boolean")

    def text(self, value: Any) -> str:
        """``true`` or ``false``."""
        return "true" if value else "false"

    def toml(self, value: Any) -> str:
        """``true`` or ``false``."""
        return self.text(value)

    def control(self) -> Control:
        """A checkbox."""
        return Control(widget="checkbox")


@dataclass(frozen=True, kw_only=True)
class CategoricalParameter(Parameter[str]):
    """One of a fixed set of names (a protocol, an admission rule)."""

    kind: ClassVar[str] = "choice"
    spec_text: ClassVar[bool] = False

    choices: tuple[str, ...]

    def describe_allowed(self) -> str:
        """``one of a, b, c``."""
        return "one of " + ", ".join(self.choices)

    def validate(self, value: Any) -> str:
        """One of the choices, exactly."""
        if isinstance(value, str) and value in self.choices:
            return value
        raise self._error(value, "is not allowed")

    def control(self) -> Control:
        """A select of the choices."""
        return Control(widget="select", choices=self.choices)


@dataclass(frozen=True, kw_only=True)
class StateListParameter(Parameter[tuple[str, ...]]):
    """A list of ISO3 codes (founders, the unreliable set), without repeats."""

    kind: ClassVar[str] = "iso3_list"
    #: Separator of the alternatives of a sweep's list of lists (``EST,LVA|EST``).
    separator: ClassVar[str] = "|"

    min_items: int = 0

    def describe_allowed(self) -> str:
        """``a list of ISO3 codes such as EST,LVA``."""
        return "a list of ISO3 codes such as EST,LVA"

    def validate(self, value: Any) -> tuple[str, ...]:
        """Upper-case ISO3 codes in their first order, at least ``min_items`` of them."""
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list | tuple):
            raise self._error(value, "is not a list")
        codes: list[str] = []
        for code in value:
            if not (isinstance(code, str) and len(code) == 3 and code.isalpha()):
                raise InputError(
                    f"{self.name}: {shown(code)} is not an ISO3 code; "
                    f"allowed: {self.describe_allowed()}"
                )
            if code.upper() not in codes:
                codes.append(code.upper())
        if len(codes) < self.min_items:
            raise InputError(f"{self.name}: at least {self.min_items} state(s) required")
        return tuple(codes)

    def parse(self, text: str) -> tuple[str, ...]:
        """Codes separated by commas or spaces."""
        return self.validate([c for c in text.strip().replace(" ", ",").split(",") if c])

    def text(self, value: Any) -> str:
        """Codes separated by commas."""
        return ",".join(str(v) for v in value)

    def toml(self, value: Any) -> str:
        """A TOML array of strings."""
        return "[" + ", ".join(json.dumps(v) for v in value) + "]"


def slider_step(low: float, high: float, default: Any = None) -> float:
    """A slider step that can hold the default exactly and moves in a tenth-of-range grid.

    The largest power-of-ten step (at most a hundredth of the range) that divides the
    distance from ``low`` to the default, so the control shows and applies the default
    itself, not the nearest multiple of a coarser step.
    """
    span = float(high) - float(low)
    if span <= 0:
        return 1.0
    step = 10.0 ** math.floor(math.log10(span / 100.0))
    if default is not None and isinstance(default, numbers.Real):
        offset = float(default) - float(low)
        while step > 1e-9 and abs(round(offset / step) * step - offset) > step * 1e-6:
            step /= 10.0
    return step


class ParameterSet(Mapping[str, Any]):
    """Values of the parameters declared as class attributes, read by name or attribute.

    A subclass declares its parameters; an instance holds one value per parameter (a
    Python value in a scenario, a number or a ``(runs, 1)`` array in the engine), and
    ``values.w_threat`` reads it, typed by the parameter's kind.
    """

    __slots__ = ("_values",)
    _values: dict[str, Any]
    _declared: ClassVar[dict[str, Parameter[Any]]] = {}

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        declared: dict[str, Parameter[Any]] = {}
        for base in reversed(cls.__mro__[1:]):
            declared.update(getattr(base, "_declared", {}))
        declared.update({k: v for k, v in vars(cls).items() if isinstance(v, Parameter)})
        cls._declared = declared

    def __init__(self, values: Mapping[str, Any]) -> None:
        object.__setattr__(self, "_values", dict(values))

    @classmethod
    def declared(cls) -> dict[str, Parameter[Any]]:
        """Every parameter declared on the class, in declaration order."""
        return dict(cls._declared)

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("parameter values are read-only")

    def replaced(self, changes: Mapping[str, Any]) -> ParameterSet:
        """A copy with some values replaced (no validation: the engine's own use)."""
        return type(self)({**self._values, **changes})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._values!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self._values,)
