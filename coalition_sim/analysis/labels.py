"""Words and units for the outcomes and parameters of a sweep.

Tables, figures and the dashboard label a column ``final_members`` as "members at the
end (states)" and a parameter ``cost_advantage`` as "cost advantage (multiplier)".
Outcomes take their words from the registry of measures (:mod:`coalition_sim.outcomes`),
parameters theirs from the scenario schema; nothing is declared here.
"""

from __future__ import annotations

from coalition_sim.outcomes import measure
from coalition_sim.parameters import SCHEMA, STATE_PREFIX, STATE_TRAITS

#: Smallest span of an axis showing a share (values in [0, 1]).
MIN_SHARE_SPAN = 0.1


def words(name: str) -> str:
    """An outcome (or parameter) in words, without its unit."""
    found = measure(name)
    return found.label if found is not None else parameter_words(name)


def label(name: str) -> str:
    """An outcome or parameter in words with its unit: ``members at the end (states)``."""
    found = measure(name)
    return found.axis_label if found is not None else parameter_label(name)


def is_share(name: str) -> bool:
    """True for outcomes whose values, or means over runs, lie in [0, 1]."""
    found = measure(name)
    return found is not None and found.kind in ("share", "flag")


def parameter_words(name: str) -> str:
    """A parameter in words: ``us_withdrawal_step`` -> ``US withdrawal step``."""
    if name.startswith(STATE_PREFIX):
        _, iso3, trait = name.split(".", 2)
        return f"{iso3} {trait.replace('_', ' ')}"
    text = name.replace("_", " ")
    if text.startswith("us "):
        text = "US " + text[3:]
    for unit in (" pct", " usd bn", " km"):  # the unit follows in brackets
        text = text.removesuffix(unit)
    return text


def parameter_label(name: str) -> str:
    """A parameter in words with its unit from the schema: ``reliability (probability)``."""
    unit = ""
    if name.startswith(STATE_PREFIX):
        trait = name.rsplit(".", 1)[-1]
        if trait in STATE_TRAITS:
            low, high, _ = STATE_TRAITS[trait]
            unit = f"{low:g} to {high:g}"
    elif name in SCHEMA and SCHEMA[name].unit not in ("", "-"):
        unit = SCHEMA[name].unit
    text = parameter_words(name)
    return f"{text} ({unit})" if unit else text
