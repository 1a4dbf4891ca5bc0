"""Parameters: the schema of the model, its kinds, and scenarios built from it.

- :mod:`~coalition_sim.parameters.kinds`: a class per kind of parameter (real, integer,
  boolean, categorical, list of states), each owning parsing, validation, its dashboard
  control and its sampling;
- :mod:`~coalition_sim.parameters.schema`: every parameter of the model, declared once
  (:class:`ModelParameters`), with the calibrated defaults;
- :mod:`~coalition_sim.parameters.scenario`: validated scenarios, presets, TOML files and
  the parameter reference.
"""

from coalition_sim.parameters.judgement import JUDGEMENT, judgement_design
from coalition_sim.parameters.kinds import (
    NEVER,
    BooleanParameter,
    CategoricalParameter,
    Control,
    IntegerParameter,
    NumberParameter,
    Parameter,
    ParameterSet,
    RealParameter,
    StateListParameter,
)
from coalition_sim.parameters.scenario import (
    DEFAULT,
    PRESETS,
    STATE_PREFIX,
    Scenario,
    cli_value,
    load_scenario,
    parameter_of,
    parse_state_key,
    parse_value,
    read_toml,
    reference_markdown,
    scenario_from_mapping,
)
from coalition_sim.parameters.schema import (
    CALIBRATION_FILE,
    FACTS,
    FOUNDERS,
    SCHEMA,
    STATE_TRAITS,
    ModelParameters,
    calibrated_defaults,
)

__all__ = [
    "CALIBRATION_FILE",
    "DEFAULT",
    "FACTS",
    "FOUNDERS",
    "JUDGEMENT",
    "NEVER",
    "PRESETS",
    "SCHEMA",
    "STATE_PREFIX",
    "STATE_TRAITS",
    "BooleanParameter",
    "CategoricalParameter",
    "Control",
    "IntegerParameter",
    "ModelParameters",
    "NumberParameter",
    "Parameter",
    "ParameterSet",
    "RealParameter",
    "Scenario",
    "StateListParameter",
    "calibrated_defaults",
    "cli_value",
    "judgement_design",
    "load_scenario",
    "parameter_of",
    "parse_state_key",
    "parse_value",
    "read_toml",
    "reference_markdown",
    "scenario_from_mapping",
]
