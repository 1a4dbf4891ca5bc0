"""Words and units for the outcomes and parameters of a sweep, in one place.

Tables, figures and the dashboard label a column ``final_members`` as "members at the
end (states)" and a parameter ``cost_advantage`` as "cost advantage (multiplier)". The
outcomes are declared here once (words, unit, kind); parameters take theirs from the
scenario schema. A later module declaring outcomes with the model can absorb
:data:`OUTCOMES` as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from coalition_sim.parameters import SCHEMA, STATE_PREFIX, STATE_TRAITS


@dataclass(frozen=True)
class Outcome:
    """How to show one outcome: words, unit and kind.

    ``kind`` is ``share`` for values in [0, 1] (cohesion, shares of runs), ``count``,
    ``ratio``, ``step`` or ``money``; figures keep a share's axis at least
    :data:`MIN_SHARE_SPAN` wide, so 0.746 to 0.750 does not look like a change.
    """

    words: str
    unit: str
    kind: str


OUTCOMES: dict[str, Outcome] = {
    "final_members": Outcome("members at the end", "states", "count"),
    "final_parity": Outcome("parity at the end", "coalition / adversary strength", "ratio"),
    "final_parity_with_us": Outcome("parity with the US at the end", "ratio", "ratio"),
    "final_cohesion": Outcome("cohesion at the end", "reliability-weighted share, 0-1", "share"),
    "final_credibility": Outcome("credibility at the end", "index 0-1", "share"),
    "final_threat": Outcome("threat at the end", "index 0-1", "share"),
    "initial_parity": Outcome("parity at step 0", "ratio", "ratio"),
    "parity_reached": Outcome("share of runs reaching parity", "0-1", "share"),
    "first_parity_step": Outcome(
        "first quarter with parity >= 1", "step, runs that reached it", "step"
    ),
    "vetoes_unreliable": Outcome("vetoes by unreliable members", "count per run", "count"),
    "admissions": Outcome("admissions", "count per run", "count"),
    "rejections": Outcome("rejections", "count per run", "count"),
    "exits": Outcome("exits", "count per run", "count"),
    "bargains": Outcome("bargaining deals", "count per run", "count"),
    "breaches": Outcome("breaches of a negotiated path", "count per run", "count"),
    "aggression_events": Outcome("aggression events", "count per run", "count"),
    "ukraine_member": Outcome("share of runs with Ukraine a member", "0-1", "share"),
    "final_ukraine_utilisation": Outcome(
        "Ukraine's industry utilisation at the end", "0-1", "share"
    ),
    "final_coalition_spending_usd_bn": Outcome(
        "coalition defence spending at the end", "USD bn/yr", "money"
    ),
    # per-step metrics (steps.parquet)
    "parity": Outcome("parity", "coalition / adversary strength", "ratio"),
    "members": Outcome("members", "states", "count"),
    "cohesion": Outcome("cohesion", "0-1", "share"),
    "credibility": Outcome("credibility", "0-1", "share"),
}

#: Smallest span of an axis showing a share (values in [0, 1]).
MIN_SHARE_SPAN = 0.1


def words(name: str) -> str:
    """An outcome (or parameter) in words, without its unit."""
    if name in OUTCOMES:
        return OUTCOMES[name].words
    return parameter_words(name)


def label(name: str) -> str:
    """An outcome or parameter in words with its unit: ``members at the end (states)``."""
    if name in OUTCOMES:
        outcome = OUTCOMES[name]
        return f"{outcome.words} ({outcome.unit})"
    return parameter_label(name)


def is_share(name: str) -> bool:
    """True for outcomes whose values lie in [0, 1]."""
    return name in OUTCOMES and OUTCOMES[name].kind == "share"


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
