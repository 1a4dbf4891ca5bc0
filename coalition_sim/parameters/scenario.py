"""Scenarios: validated sets of values for every parameter, presets and TOML files.

A :class:`Scenario` is a validated, immutable set of values for every parameter of
:class:`~coalition_sim.parameters.schema.ModelParameters` plus per-state overrides of
traits (for example the reliability of one ISO3 code). Presets are scenarios by name;
a TOML file is a preset with changes.
"""

from __future__ import annotations

import json
import math
import numbers
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from coalition_sim.errors import InputError
from coalition_sim.parameters.kinds import Parameter, RealParameter, shown
from coalition_sim.parameters.schema import FOUNDERS, SCHEMA, STATE_TRAITS, ModelParameters

#: Prefix of per-state override names: ``state.HUN.reliability``.
STATE_PREFIX = "state."


def _closest(name: str, candidates: Iterable[str]) -> str:
    import difflib

    match = difflib.get_close_matches(name, list(candidates), n=1)
    return f" (did you mean {match[0]}?)" if match else ""


def parse_state_key(key: str) -> tuple[str, str]:
    """Split ``state.HUN.reliability`` into ``("HUN", "reliability")`` or raise InputError."""
    parts = key.split(".")
    if len(parts) != 3 or parts[0] != "state":
        raise InputError(f"{key}: per-state overrides are written state.ISO3.TRAIT")
    iso3, trait = parts[1].upper(), parts[2]
    if not (len(iso3) == 3 and iso3.isalpha()):
        raise InputError(f"{key}: '{parts[1]}' is not an ISO3 code")
    if trait not in STATE_TRAITS:
        raise InputError(f"{key}: unknown trait '{trait}'; allowed: {', '.join(STATE_TRAITS)}")
    return iso3, trait


def _validate_state_value(iso3: str, trait: str, value: Any) -> float:
    low, high, _ = STATE_TRAITS[trait]
    name = f"state.{iso3}.{trait}"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise InputError(
            f"{name}: {value!r} is not a number; allowed: float in [{low:g}, {high:g}]"
        )
    if not (math.isfinite(value) and low <= float(value) <= high):
        raise InputError(
            f"{name}: {shown(value)} is out of range; allowed: float in [{low:g}, {high:g}]"
        )
    return float(value)


@dataclass(frozen=True)
class Scenario:
    """A validated set of values for every parameter, plus per-state trait overrides.

    Build one with :func:`load_scenario` or :meth:`with_values`; both validate, so a
    Scenario in hand is always valid.
    """

    name: str
    description: str
    values: ModelParameters
    state_overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __reduce__(self) -> tuple:
        # Read-only mapping proxies do not pickle; send plain dicts (dask needs this).
        overrides = {iso3: dict(traits) for iso3, traits in self.state_overrides.items()}
        return _rebuild_scenario, (self.name, self.description, dict(self.values), overrides)

    def with_values(self, changes: Mapping[str, Any], *, name: str | None = None) -> Scenario:
        """Return a copy with ``changes`` applied; keys may be ``state.ISO3.TRAIT``."""
        values = dict(self.values)
        overrides = {iso3: dict(traits) for iso3, traits in self.state_overrides.items()}
        for key, value in changes.items():
            if key.startswith(STATE_PREFIX):
                iso3, trait = parse_state_key(key)
                overrides.setdefault(iso3, {})[trait] = _validate_state_value(iso3, trait, value)
            elif key in SCHEMA:
                values[key] = SCHEMA[key].validate(value)
            else:
                raise InputError(f"unknown parameter '{key}'{_closest(key, SCHEMA)}")
        return Scenario(
            name or self.name,
            self.description,
            ModelParameters(values),
            MappingProxyType({k: MappingProxyType(v) for k, v in overrides.items()}),
        )

    def with_assignments(self, assignments: Iterable[str]) -> Scenario:
        """Apply ``name=value`` strings from the command line (``--set``)."""
        changes: dict[str, Any] = {}
        for text in assignments:
            key, sep, raw = text.partition("=")
            key = key.strip()
            if not sep or not key:
                raise InputError(f"--set {text!r}: write name=value")
            changes[key] = parse_value(key, raw)
        return self.with_values(changes)

    def flat(self) -> dict[str, Any]:
        """Every value as a plain dict, per-state overrides as ``state.ISO3.TRAIT`` keys."""
        out = {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.values.items()}
        for iso3, traits in sorted(self.state_overrides.items()):
            for trait, value in sorted(traits.items()):
                out[f"state.{iso3}.{trait}"] = value
        return out

    def to_toml(self) -> str:
        """Render as a scenario TOML file that :func:`load_scenario` reads back."""
        lines = [
            f"name = {json.dumps(self.name)}",
            f"description = {json.dumps(self.description)}",
            "",
        ]
        # "never" (TOML has no null) keeps an optional parameter's "no value" when its
        # default is a value (ukraine_ceasefire_step)
        lines += [f"{k} = {SCHEMA[k].toml(v)}" for k, v in self.values.items()]
        for iso3, traits in sorted(self.state_overrides.items()):
            lines += ["", f"[states.{iso3}]"] + [f"{t} = {v!r}" for t, v in traits.items()]
        return "\n".join(lines) + "\n"


def _rebuild_scenario(
    name: str, description: str, values: dict, overrides: dict[str, dict[str, float]]
) -> Scenario:
    return Scenario(
        name,
        description,
        ModelParameters(values),
        MappingProxyType({k: MappingProxyType(v) for k, v in overrides.items()}),
    )


def parameter_of(key: str) -> Parameter:
    """The parameter a name stands for: a schema parameter, or a state's trait.

    ``state.ISO3.TRAIT`` is a real number in the trait's range (:data:`STATE_TRAITS`).
    """
    if key in SCHEMA:
        return SCHEMA[key]
    if key.startswith(STATE_PREFIX):
        iso3, trait = parse_state_key(key)
        low, high, meaning = STATE_TRAITS[trait]
        return RealParameter(
            name=f"state.{iso3}.{trait}", default=None, unit="", group="states",
            help=f"{iso3}: {meaning}", source="per-state override", low=low, high=high,
        )  # fmt: skip
    raise InputError(f"unknown parameter '{key}'{_closest(key, SCHEMA)}")


def parse_value(key: str, raw: str) -> Any:
    """Parse a command-line string for parameter ``key`` (including per-state keys)."""
    if key.startswith(STATE_PREFIX):
        parse_state_key(key)
        try:
            return float(raw)
        except ValueError:
            raise InputError(f"{key}: '{raw}' is not a number") from None
    if key not in SCHEMA:
        raise InputError(f"unknown parameter '{key}'{_closest(key, SCHEMA)}")
    return SCHEMA[key].parse(raw)


def cli_value(value: object) -> str:
    """A parameter value as ``--set NAME=VALUE`` writes it (the inverse of ``parse_value``).

    Lists of ISO3 codes are comma-separated, "no value" is ``never``, booleans are
    ``true``/``false`` and floats keep every digit (``repr``), so the command repeats the
    run exactly.
    """
    if value is None:
        return "never"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return repr(value) if isinstance(value, float) else str(value)


DEFAULT = Scenario(
    "default",
    "every parameter at its default",
    ModelParameters({p.name: p.default for p in SCHEMA.values()}),
    MappingProxyType({}),
)

_PRESET_CHANGES: dict[str, tuple[str, dict[str, Any]]] = {
    "baseline": (
        "today's world: US commitment at 0.8 and no withdrawal, unanimity, no investment in "
        "Ukraine",
        {},
    ),
    "us-withdrawal": (
        "the US withdraws after step 4 (from 2027Q1) over a year, down to no commitment",
        {"us_withdrawal_step": 4, "us_commitment_after": 0.0},
    ),
    "unanimity-veto": (
        "Hungary and Slovakia inside from the start, with unanimity: every admission can be vetoed",
        {"founders": (*FOUNDERS, "HUN", "SVK"), "admission_rule": "unanimity"},
    ),
    "ukraine-investment": (
        "members invest 5 % of their defence spending in Ukraine's industry",
        {"ukraine_investment_share": 0.05},
    ),
    "fast-track": (
        "qualified majority (EU double majority) instead of unanimity",
        {"admission_rule": "qmv"},
    ),
}

PRESETS: Mapping[str, Scenario] = MappingProxyType(
    {
        name: Scenario(name, description, DEFAULT.values, MappingProxyType({})).with_values(changes)
        for name, (description, changes) in _PRESET_CHANGES.items()
    }
)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a preset by name or a scenario TOML file.

    A TOML file holds top-level ``name = value`` pairs for any parameter, an optional
    ``base`` preset they apply to (default ``baseline``), an optional ``name`` and
    ``description``, and ``[states.ISO3]`` tables of per-state trait overrides. A file
    with none of these (empty, or comments only) is refused: it is more likely a wrong
    or truncated file than a wish to run the baseline, which ``base = "baseline"`` says.
    """
    text = str(name_or_path)
    if text in PRESETS:
        return PRESETS[text]
    path = Path(text)
    if path.suffix != ".toml" and not path.exists():
        raise InputError(
            f"unknown scenario '{text}'; allowed: a TOML file or one of {', '.join(PRESETS)}"
        )
    document = read_toml(path, "scenario file")
    if not document:  # a truncated or wrong file would otherwise run the baseline
        raise InputError(
            f"{path}: the scenario file is empty (no base preset, no values); write "
            'base = "baseline" in it to run the baseline on purpose'
        )
    return scenario_from_mapping(document, origin=str(path), default_name=path.stem)


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse a TOML file; every failure is an InputError naming the file (``what`` it is)."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: malformed TOML: {error}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: malformed TOML: the file is not UTF-8 text") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None


def scenario_from_mapping(
    document: Mapping[str, Any], *, origin: str, default_name: str = "custom"
) -> Scenario:
    """Build a scenario from a parsed TOML document; errors name ``origin``."""
    document = dict(document)
    base_name = document.pop("base", "baseline")
    if base_name not in PRESETS:
        raise InputError(
            f"{origin}: base: unknown preset '{base_name}'; allowed: {', '.join(PRESETS)}"
        )
    name = document.pop("name", default_name)
    description = document.pop("description", f"{base_name} with changes from {origin}")
    states = document.pop("states", {})
    changes: dict[str, Any] = dict(document)
    if not isinstance(states, dict):
        raise InputError(f"{origin}: states: write [states.ISO3] tables")
    for iso3, traits in states.items():
        if not isinstance(traits, dict):
            raise InputError(f"{origin}: states.{iso3}: write trait = value pairs")
        for trait, value in traits.items():
            changes[f"state.{iso3}.{trait}"] = value
    try:
        scenario = PRESETS[base_name].with_values(changes, name=str(name))
    except InputError as error:
        raise InputError(f"{origin}: {error}") from None
    return Scenario(scenario.name, str(description), scenario.values, scenario.state_overrides)


def reference_markdown() -> str:
    """The parameter reference (``docs/parameters.md``): every parameter in one table."""
    lines = [
        "# Parameters",
        "",
        "Generated from the scenario schema (`coalition_sim/parameters/schema.py`) by",
        "`coalition-sim scenarios reference`; a test checks that this file is current.",
        "",
    ]
    group = None
    for p in SCHEMA.values():
        if p.group != group:
            group = p.group
            lines += [
                f"## {group}",
                "",
                "| name | default | unit | allowed | meaning | source or rationale |",
                "|---|---|---|---|---|---|",
            ]
        default = " ".join(p.default) if isinstance(p.default, tuple) else p.default
        default = "never" if default is None else default
        if isinstance(default, float):
            default = f"{default:.4g}"
        meaning = p.help + (" (reporting only: changes no outcome)" if p.reporting_only else "")
        cells = (p.name, default, p.unit, p.describe_allowed(), meaning, p.source)
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
        if (
            p.name == list(SCHEMA)[-1]
            or list(SCHEMA.values())[list(SCHEMA).index(p.name) + 1].group != group
        ):
            lines.append("")
    lines += [
        "## per-state overrides",
        "",
        "Written `state.ISO3.TRAIT = value` with `--set`, or as `[states.ISO3]` tables in a",
        "scenario file.",
        "",
        "| trait | allowed | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | [{lo:g}, {hi:g}] | {m} |" for t, (lo, hi, m) in STATE_TRAITS.items()]
    return "\n".join(lines) + "\n"
