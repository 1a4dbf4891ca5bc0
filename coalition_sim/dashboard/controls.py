"""The dashboard's controls, generated from the scenario schema, and the run they build.

``model_params(scenario, presets)`` turns :data:`coalition_sim.parameters.SCHEMA` into
control specs (sliders for bounded numbers, selects for choices, text fields for ISO3
lists, optional steps and the seed), and :func:`control_values` gives the values that
show a scenario. Picking a preset in the sidebar loads its values into every control, so
the controls always show what the run will use. Each control is labelled in words with
its unit and shows the parameter's name under it, the name error messages use; a slider
shows its value as a number.

A slider holds only the values on its grid (the browser rounds anything else and sends
the rounded value back), so a slider's step is the coarsest round step that puts the
value of every preset on the grid (:func:`fitting_step`): the baseline's Ukraine
investment share of 0.003 needs a step of 0.001, where a hundred positions alone would
have given 0.005 and a run the page did not show.

The Run page's Reset builds a :class:`DashboardRun` from the controls: the chosen preset
(by name only: a page cannot make the server open a file), with the controls whose values
differ from that preset's applied on top. It never raises on bad input: a wrong value (a
bad ISO3 code, a malformed seed, text too long) is left out and its message, which names
the field (from :class:`~coalition_sim.errors.InputError`) and repeats at most a few
dozen characters of the input, is kept in ``run.error``; the other controls still apply.
The Ensemble page reads the same controls the same way (:meth:`DashboardRun.choose` and
:func:`build_with`), so both pages always agree on what the controls mean.
"""

from __future__ import annotations

import logging
import math
import re
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any, ClassVar

import mesa
import solara

from coalition_sim.dashboard.common import ECHO_CHARS, clip
from coalition_sim.errors import InputError

logger = logging.getLogger(__name__)

#: The parameters the sidebar offers, in display order (the analyst's main levers).
MAIN_PARAMETERS: tuple[str, ...] = (
    "us_commitment",
    "us_withdrawal_step",
    "us_commitment_after",
    "threat_initial",
    "admission_rule",
    "protocol",
    "spending_floor_pct",
    "ukraine_investment_share",
    "unreliable_reliability",
    "founders",
)

PRESET_CONTROL = "preset"
SEED_CONTROL = "seed"


def slider_step(low: float, high: float) -> float:
    """A round slider step giving about a hundred positions between ``low`` and ``high``."""
    raw = (high - low) / 100 or 0.01
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw * 0.999)


#: The finest slider grid tried: this many positions between the ends.
MAX_SLIDER_POSITIONS = 100_000
#: The longest text a control takes; longer input is refused without being repeated.
MAX_TEXT_CHARS = 1000


def on_grid(value: float, low: float, step: float) -> bool:
    """Whether ``value`` is a position of the slider from ``low`` in steps of ``step``."""
    positions = (value - low) / step
    return abs(positions - round(positions)) < 1e-6


def fitting_step(low: float, high: float, values: Iterable[float]) -> float | None:
    """The coarsest round step (1, 2 or 5 times a power of ten) that holds every value.

    Starts at :func:`slider_step` (about a hundred positions) and refines; None when no
    step up to :data:`MAX_SLIDER_POSITIONS` positions holds them all (the control is then
    a text field, which holds any value). Steps are built from their decimal text, so the
    browser's rounding to the step's decimals gives the value back exactly.
    """
    values = [float(v) for v in values]
    coarsest = slider_step(low, high)
    exponent = math.floor(math.log10(coarsest)) + 1
    for power in range(exponent, exponent - 8, -1):
        for mantissa in (5, 2, 1):
            step = float(f"{mantissa}e{power}")
            if step > coarsest * 1.0001 or (high - low) / step > MAX_SLIDER_POSITIONS:
                continue
            if all(on_grid(v, low, step) for v in values):
                return step
    return None


def as_text(value: Any) -> str:
    """A value as written in a text control: ISO3 lists comma-separated, None as never."""
    if value is None:
        return "never"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def is_text_control(parameter: Any) -> bool:
    """Whether a parameter is edited as text (lists, optional or unbounded numbers)."""
    return parameter.control().widget == "text"


def words(parameter: Any) -> str:
    """What a parameter means, in words, for a label: its help without asides.

    The schema's help is a phrase ("level of the Russian threat at step 0"); brackets and
    anything after a semicolon are details for the reference, not for a label.
    """
    text = re.sub(r"\s*\([^)]*\)", "", parameter.help.split(";")[0]).strip()
    return text[:1].upper() + text[1:]


def control_label(parameter: Any) -> str:
    """Label of a control: the parameter in words and its unit."""
    unit = parameter.unit if parameter.unit not in ("", "-") else ""
    if parameter.kind == "iso3_list":
        unit = "ISO3 codes, comma-separated"
    elif parameter.optional:
        unit = f"{unit}, or never" if unit else "or never"
    return f"{words(parameter)} ({unit})" if unit else words(parameter)


def control_spec(parameter: Any, value: Any, held: Iterable[Any] = ()) -> dict[str, Any]:
    """Control spec of one schema parameter, starting at ``value``.

    The keys are those of Mesa's ``UserInputs`` specs (``type``, ``value``, ``label``,
    ``min``, ``max``, ``step``, ``values``) plus ``name``, shown under the control.

    Args:
        parameter: The schema parameter.
        value: The value the control starts at.
        held: Other values a slider must be able to hold exactly (the presets').
    """
    label = control_label(parameter)
    common = {"label": label, "name": parameter.name}
    control = parameter.control()  # the kind decides the widget; the page, the presets' grid
    if control.widget == "slider" and not control.integer:
        step = fitting_step(control.low, control.high, [value, *held])
        if step is None:  # no grid holds every value exactly: type it
            return {"type": "InputText", "value": as_text(value), **common}
        return {"type": "SliderFloat", "value": float(value), "min": control.low,
                "max": control.high, "step": step, **common}  # fmt: skip
    if control.widget == "slider":
        return {"type": "SliderInt", "value": int(value), "min": int(control.low),
                "max": int(control.high), "step": 1, **common}  # fmt: skip
    if control.widget == "select":
        return {"type": "Select", "value": value, "values": list(control.choices), **common}
    if control.widget == "checkbox":
        return {"type": "Checkbox", "value": bool(value), **common}
    return {"type": "InputText", "value": as_text(value), **common}


def model_params(
    scenario: Any,
    presets: Mapping[str, Any] | Iterable[str],
    names: Iterable[str] = MAIN_PARAMETERS,
) -> dict[str, dict[str, Any]]:
    """Control specs for the preset picker, the main parameters and the seed.

    Args:
        scenario: The scenario whose values the controls start at.
        presets: The presets the picker offers (by name; with their scenarios, the
            sliders' grids hold each preset's value exactly).
        names: Schema parameters to offer; names missing from the schema are skipped.
    """
    from coalition_sim.parameters import SCHEMA

    scenarios = dict(presets) if isinstance(presets, Mapping) else {}
    choices = list(dict.fromkeys([scenario.name, *presets]))
    params: dict[str, dict[str, Any]] = {
        PRESET_CONTROL: {
            "type": "Select",
            "value": scenario.name,
            "values": choices,
            "label": "Scenario preset",
            "name": PRESET_CONTROL,
        }
    }
    for name in names:
        if name not in SCHEMA:
            logger.warning("dashboard control %r is not in the schema; left out", name)
            continue
        held = [other.values[name] for other in scenarios.values() if name in other.values]
        params[name] = control_spec(SCHEMA[name], scenario.values[name], held)
    seed = scenario.values.get("seed", 1) if "seed" in SCHEMA else 1
    label = control_label(SCHEMA["seed"]) if "seed" in SCHEMA else "Seed"
    params[SEED_CONTROL] = {"type": "InputText", "value": str(seed), "label": label, "name": "seed"}
    return params


def control_value(spec: Mapping[str, Any], value: Any) -> Any:
    """What a control of ``spec`` shows for a parameter's ``value``."""
    if spec["type"] == "InputText":
        return as_text(value)
    if spec["type"] == "SliderInt":
        return int(value)
    if spec["type"] == "SliderFloat":
        return float(value)
    if spec["type"] == "Checkbox":
        return bool(value)
    return value


def control_values(specs: Mapping[str, Mapping[str, Any]], scenario: Any) -> dict[str, Any]:
    """The values of every control that show ``scenario`` (picking it as a preset)."""
    values: dict[str, Any] = {}
    for name, spec in specs.items():
        if name == PRESET_CONTROL:
            values[name] = scenario.name
        elif name == SEED_CONTROL:
            values[name] = str(scenario.values.get("seed", spec["value"]))
        elif name in scenario.values:
            values[name] = control_value(spec, scenario.values[name])
        else:
            values[name] = spec["value"]
    return values


def same_value(a: Any, b: Any) -> bool:
    """Whether a control's parsed value is the preset's (floats within rounding)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def parse_control(name: str, value: Any) -> Any:
    """A control's value as the schema wants it; text is parsed and validated.

    Raises:
        InputError: naming ``name`` when the value is not allowed.
    """
    from coalition_sim.parameters import SCHEMA

    if name not in SCHEMA:
        raise InputError(f"unknown parameter '{name}'")
    parameter = SCHEMA[name]
    if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
        raise InputError(
            f"{name}: {len(value):,} characters is too long; at most {MAX_TEXT_CHARS:,}"
        )
    try:
        if isinstance(value, str) and parameter.kind != "choice":
            return parameter.parse(value)
        return parameter.validate(value)
    except InputError as error:
        message = str(error)
        if isinstance(value, str) and len(value) > ECHO_CHARS:
            message = message.replace(value, clip(value))
        raise InputError(clip(message, 300)) from None


@dataclass
class Choice:
    """What the controls ask for, before anything is built.

    Attributes:
        scenario_name: The chosen preset or scenario file (the opening one if unknown).
        base: That scenario.
        changes: The controls moved from their starting values, parsed; bad ones left out.
        seed: The seed control, or the preset's seed.
        problems: Why some controls were refused, one message each (naming the field).
    """

    scenario_name: str
    base: Any
    changes: dict[str, Any]
    seed: int
    problems: list[str] = field(default_factory=list)


def build_with[T](
    base: Any,
    changes: dict[str, Any],
    seed: int,
    build: Callable[[Any], T],
    problems: list[str],
) -> tuple[T, dict[str, Any]]:
    """``build(scenario)`` with as many of the changes as it accepts, and those changes.

    When the build refuses a change (an ISO3 code the data does not hold, a combination
    of values), the field its message names is dropped and the build retried; a refusal
    that names no changed field, or an unexpected error, drops every change. Each refusal
    is appended to ``problems``.

    Raises:
        RuntimeError: when even the preset without any change cannot be built.
    """
    changes = dict(changes)
    while True:
        try:
            return build(base.with_values({**changes, "seed": seed})), changes
        except InputError as error:
            problems.append(str(error))
            name = str(error).split(":", 1)[0].strip()
            if name in changes:
                del changes[name]
                continue
        except Exception as error:  # a model bug must not take the server down
            logger.error("could not build:\n%s", traceback.format_exc())
            problems.append(f"could not build the model: {type(error).__name__}: {error}")
        if not changes:
            raise RuntimeError("the preset itself cannot be built: " + "; ".join(problems))
        changes = {}


class DashboardRun(mesa.Model):
    """The run behind the page: a ``CoalitionModel`` built from the controls, in ``.sim``.

    Subclasses made by :func:`make_run_class` fix which scenarios the preset picker knows
    (by name: nothing else is ever loaded), the control specs (``controls``) and the
    values they started at. A control whose value is the chosen preset's takes it exactly;
    a changed control overrides it.

    Attributes:
        sim: The ``CoalitionModel`` being shown.
        scenario_name: Name of the preset or file the run was built from.
        changes: The parameters the user's controls changed, as applied.
        error: Why some controls were refused (each message names its field), or ``None``.
    """

    scenarios: ClassVar[Mapping[str, Any]] = {}
    #: How ``coalition-sim`` names each scenario: the preset's name, or the TOML file.
    sources: ClassVar[Mapping[str, str]] = {}
    dataset: ClassVar[Any] = None  # the packaged data unless --states/--borders
    controls: ClassVar[Mapping[str, Any]] = {}
    start_controls: ClassVar[Mapping[str, Any]] = {}
    default_scenario: ClassVar[str] = "baseline"

    def __init__(self, **controls: Any) -> None:
        """Build the run; never raises on bad input (see the class docstring).

        Args:
            **controls: Control values by name: ``preset``, ``seed`` and schema parameters.
                A ``scenario`` keyword (Mesa passes one) is ignored.
        """
        controls.pop("scenario", None)
        super().__init__(rng=0)
        choice = self.choose(controls)
        self.scenario_name, self.seed = choice.scenario_name, choice.seed
        problems = choice.problems
        self.sim, self.changes = build_with(
            choice.base, choice.changes, self.seed, lambda s: self._build(s, self.seed), problems
        )
        self.error: str | None = "; ".join(problems) or None
        self.running = self._still_running()

    @property
    def horizon(self) -> int | None:
        """The number of quarters the scenario asks for (``steps``), if known."""
        config = getattr(self.sim, "config", None)
        steps = config.values.get("steps") if config is not None else None
        return int(steps) if isinstance(steps, int) else None

    def _still_running(self) -> bool:
        """False once the simulation stopped itself or reached the scenario's horizon."""
        if not getattr(self.sim, "running", True):
            return False
        horizon = self.horizon
        return horizon is None or self.sim.steps < horizon

    @classmethod
    def choose(cls, controls: Mapping[str, Any]) -> Choice:
        """Read the controls: the preset, the changed parameters and the seed.

        A control showing the chosen preset's value takes it exactly; a control with
        another value overrides it. Nothing is built and nothing raises: a bad value is
        left out and its message kept in ``problems``.
        """
        problems: list[str] = []
        name, base = cls._preset(controls, problems)
        changes, seed = cls._changes(controls, base, problems)
        return Choice(name, base, changes, seed, problems)

    @classmethod
    def _preset(cls, controls: Mapping[str, Any], problems: list[str]) -> tuple[str, Any]:
        """The chosen preset, by name only; the opening one if the name is not offered."""
        name = controls.get(PRESET_CONTROL) or cls.default_scenario
        if isinstance(name, str) and name in cls.scenarios:
            return name, cls.scenarios[name]
        offered = ", ".join(cls.scenarios)
        problems.append(f"preset: '{clip(str(name))}' is not offered; allowed: {offered}")
        return cls.default_scenario, cls.scenarios[cls.default_scenario]

    @classmethod
    def _changes(
        cls, controls: Mapping[str, Any], base: Any, problems: list[str]
    ) -> tuple[dict[str, Any], int]:
        """The controls whose values differ from the preset's, parsed; bad ones left out."""
        changes = {}
        for key, value in controls.items():
            if key in (PRESET_CONTROL, SEED_CONTROL, "scenario"):
                continue
            try:
                parsed = parse_control(key, value)
            except InputError as error:
                problems.append(str(error))
                continue
            if key in base.values and same_value(parsed, base.values[key]):
                continue
            changes[key] = parsed
        seed = int(base.values.get("seed", 1))
        seed_text = controls.get(SEED_CONTROL)
        if seed_text is not None:
            try:
                seed = int(parse_control("seed", seed_text))
            except InputError as error:
                problems.append(str(error))
        return changes, seed

    @classmethod
    def _build(cls, scenario: Any, seed: int) -> Any:
        from coalition_sim.model import CoalitionModel

        return CoalitionModel(scenario, rng=seed, dataset=cls.dataset)

    def step(self) -> None:
        """Advance the simulation one step; an error stops the run and is shown.

        Nothing happens once the run has stopped (its horizon, or a failed step): a click
        that arrives late never takes it past the horizon.
        """
        if not self.running:
            return
        try:
            self.sim.step()
        except Exception as error:  # keep the server alive, show what went wrong
            logger.error("step failed:\n%s", traceback.format_exc())
            self.error = f"step {self.sim.steps + 1} failed: {type(error).__name__}: {error}"
            self.running = False
            return
        self.running = self._still_running()


def make_run_class(
    scenario: Any, presets: Mapping[str, Any], dataset: Any = None, source: str | None = None
) -> type[DashboardRun]:
    """A :class:`DashboardRun` subclass that starts from ``scenario``.

    Args:
        scenario: The scenario the page opens with (a preset or one loaded from a file).
        presets: Every preset by name, offered by the picker besides ``scenario``.
        dataset: The states and borders every run uses (the packaged data if ``None``).
        source: How the command line names ``scenario`` (its TOML file); its name if None.
    """
    scenarios = {**dict(presets), scenario.name: scenario}
    params = model_params(scenario, scenarios)
    start = control_values(params, scenario)
    sources = {name: name for name in presets}
    sources[scenario.name] = source or scenario.name
    return type(
        "CoalitionRun",
        (DashboardRun,),
        {
            "__doc__": DashboardRun.__doc__,
            "__module__": __name__,
            "scenarios": scenarios,
            "sources": sources,
            "dataset": dataset,
            "controls": params,
            "start_controls": start,
            "default_scenario": scenario.name,
        },
    )


# --------------------------------------------------------------------------- the panel
def number_text(value: float, step: float) -> str:
    """A slider's value with as many decimals as its step has (0.6 at step 0.01: 0.60)."""
    if step >= 1:
        return f"{round(value):d}"
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    return f"{value:.{decimals}f}"


def _hint(name: str) -> None:
    """The parameter's name under its control: the word error messages use."""
    solara.HTML(
        tag="div",
        unsafe_innerHTML=escape(name),
        style="font-size: 12px; line-height: 1.2; color: rgba(0,0,0,.6); margin: -4px 0 0;",
    )


@solara.component
def SliderControl(spec: Mapping[str, Any], value: Any, on_value: Callable[[Any], None]) -> None:
    """A slider with its label in words and its value as a number beside the label."""
    is_int = spec["type"] == "SliderInt"
    step = float(spec.get("step") or 1)

    def cast(raw: Any) -> None:
        try:
            number = float(raw)
        except (TypeError, ValueError, OverflowError):
            return  # not a number: only a page's console sends that; keep the value
        if math.isfinite(number):
            on_value(round(number) if is_int else number)

    name = spec.get("name", "")
    shown = number_text(float(value), step)
    with solara.Column(gap="0px"):
        solara.HTML(
            tag="div",
            unsafe_innerHTML=(
                f"<span>{escape(spec['label'])}</span>"
                f"<b class='cs-value' data-control='{escape(name)}'>{shown}</b>"
            ),
            style=(
                "display: flex; justify-content: space-between; gap: 8px; font-size: 13px; "
                "line-height: 1.35; color: rgba(0,0,0,.7);"
            ),
        )
        solara.v.Slider(
            v_model=value,
            on_v_model=cast,
            min=spec["min"],
            max=spec["max"],
            step=spec.get("step", 1),
            dense=True,
            hide_details=True,
            thumb_label=False,
            style_="margin: 0 -6px; height: 30px;",
        )
        _hint(name)


@solara.component
def Control(spec: Mapping[str, Any], value: Any, on_value: Callable[[Any], None]) -> None:
    """One control as its spec says: slider, select, checkbox or text field."""
    kind, label, name = spec["type"], spec["label"], spec.get("name", "")
    if kind in ("SliderFloat", "SliderInt"):
        SliderControl(spec, value, on_value)
    elif kind == "Select":
        solara.v.Select(
            label=label,
            items=list(spec["values"]),
            v_model=value,
            on_v_model=on_value,
            hint=name,
            persistent_hint=True,
            dense=True,
        )
    elif kind == "Checkbox":
        solara.Checkbox(label=label, value=bool(value), on_value=on_value)
        _hint(name)
    else:
        solara.InputText(label, value=str(value), on_value=on_value, message=name, dense=True)


@solara.component
def ControlPanel(
    specs: Mapping[str, Mapping[str, Any]],
    values: solara.Reactive,
    scenarios: Mapping[str, Any] | None = None,
) -> None:
    """Every control of ``specs``, writing to the shared ``values`` (name -> value).

    Picking a preset (one of ``scenarios``) loads its values into every control, so the
    controls show what a run of that preset uses.
    """
    scenarios = scenarios or {}
    for name, spec in specs.items():

        def change(value: Any, name: str = name) -> None:
            if name == PRESET_CONTROL and value in scenarios:
                values.set(control_values(specs, scenarios[value]))
            else:
                values.set({**values.value, name: value})

        Control(spec, values.value.get(name, spec["value"]), change)
