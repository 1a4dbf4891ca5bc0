"""Small synthetic worlds for tests, and hypothesis generators of worlds and scenarios.

A synthetic world is a states file with every column of
:data:`coalition_sim.datasets.STATE_COLUMNS` (a few European states plus the adversary
rows RUS and BLR) and a borders file. Tests write one in a temporary folder and load it
with :func:`coalition_sim.datasets.load_dataset`, exactly as an analyst's ``--states``
and ``--borders`` files are loaded.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from coalition_sim.datasets import OPTIONAL_STATE_COLUMNS, STATE_COLUMNS, load_dataset
from coalition_sim.parameters import DEFAULT, SCHEMA, Parameter, Scenario

HEADER = (*STATE_COLUMNS, *OPTIONAL_STATE_COLUMNS, "notes")

#: Defaults of a synthetic state row; every value is the CSV text the loader parses.
ROW_DEFAULTS: Mapping[str, str] = {
    "name": "Testland",
    "region": "Central",
    "nato_member": "false",
    "eu_member": "true",
    "gdp_usd_bn_2024": "100",
    "population_m_2024": "10",
    "defence_spend_usd_bn_2024": "2",
    "defence_pct_gdp_2024": "2",
    "capital": "Capital",
    "capital_lat": "50",
    "capital_lon": "20",
    "borders_russia_or_belarus": "false",
    "km_capital_to_russia_or_belarus": "600",
    "arms_industry_revenue_usd_bn_2023": "0",
    "nuclear_weapons": "false",
    "unga_es11_1_vote": "yes",
    "unga_es11_7_2025_vote": "yes",
    # Optional columns, blank: not reported (the 2024 share is then the latest).
    "defence_pct_gdp_2025": "",
    "defence_spend_usd_bn_2025": "",
    "military_neutrality": "",
    "notes": "",
}

#: The adversary rows every states file must hold. Adversary strength with the default
#: PPP factor 3 is (100 + 1) * 3 = 303 USD bn.
ADVERSARY_ROWS: tuple[dict[str, Any], ...] = (
    {
        "iso3": "RUS",
        "name": "Russia",
        "region": "Adversary",
        "gdp_usd_bn_2024": 1000,
        "population_m_2024": 140,
        "defence_spend_usd_bn_2024": 100,
        "defence_pct_gdp_2024": 10,
        "km_capital_to_russia_or_belarus": 0,
        "unga_es11_1_vote": "no",
        "unga_es11_7_2025_vote": "no",
    },
    {
        "iso3": "BLR",
        "name": "Belarus",
        "region": "Adversary",
        "gdp_usd_bn_2024": 100,
        "population_m_2024": 9,
        "defence_spend_usd_bn_2024": 1,
        "defence_pct_gdp_2024": 1,
        "km_capital_to_russia_or_belarus": 0,
        "unga_es11_1_vote": "no",
        "unga_es11_7_2025_vote": "no",
    },
)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):  # blank: not reported
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def state_row(iso3: str, **fields: Any) -> dict[str, str]:
    """One row of a states file: the defaults, then ``fields`` (any Python value)."""
    row = dict(ROW_DEFAULTS)
    row["iso3"] = iso3
    row["name"] = fields.pop("name", f"State {iso3}")
    for key, value in fields.items():
        if key not in HEADER:
            raise KeyError(f"not a states column: {key}")
        row[key] = _text(value)
    return row


def states_csv(rows: Iterable[Mapping[str, Any]], *, adversary: bool = True) -> str:
    """The text of a states file with ``rows`` (dicts from :func:`state_row` or partial)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=HEADER, lineterminator="\n")
    writer.writeheader()
    all_rows = list(rows)
    if adversary:
        all_rows += [state_row(**dict(r)) for r in ADVERSARY_ROWS]
    for row in all_rows:
        writer.writerow(state_row(**dict(row)))
    return out.getvalue()


def borders_csv(pairs: Iterable[Sequence[str]]) -> str:
    """The text of a borders file from ``(a, b)`` or ``(a, b, kind)`` tuples."""
    lines = ["a,b,kind"]
    for pair in pairs:
        a, b, *kind = pair
        lines.append(f"{a},{b},{kind[0] if kind else 'land'}")
    return "\n".join(lines) + "\n"


def write_world(
    folder: Path,
    rows: Iterable[Mapping[str, Any]],
    borders: Iterable[Sequence[str]] = (),
    *,
    adversary: bool = True,
) -> tuple[Path, Path]:
    """Write ``states.csv`` and ``borders.csv`` into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    states_path = folder / "states.csv"
    borders_path = folder / "borders.csv"
    states_path.write_text(states_csv(rows, adversary=adversary), encoding="utf-8")
    borders_path.write_text(borders_csv(borders), encoding="utf-8")
    return states_path, borders_path


def load_world(folder: Path, rows, borders=(), **kw):
    """Write a synthetic world and load it through the validating loader."""
    return load_dataset(*write_world(folder, rows, borders, **kw))


# ------------------------------------------------------------------ hypothesis generators

#: Codes of synthetic states, none of them a real adversary or external code.
CODES = ("AAA", "BBB", "CCC", "DDD", "EEE", "FFF")
VOTE_CHOICES = ("yes", "no", "abstain", "absent", "non-member")


def _number(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3))


@st.composite
def world_rows(draw, min_states: int = 3, max_states: int = 6):
    """Rows (for :func:`write_world`) and borders of a small random world."""
    n = draw(st.integers(min_states, max_states))
    rows, borders = [], []
    for code in CODES[:n]:
        gdp = draw(_number(1.0, 1000.0))
        pct = draw(_number(0.0, 6.0))
        rows.append(
            state_row(
                code,
                nato_member=draw(st.booleans()),
                eu_member=draw(st.booleans()),
                gdp_usd_bn_2024=gdp,
                population_m_2024=draw(_number(0.1, 100.0)),
                defence_pct_gdp_2024=pct,
                defence_spend_usd_bn_2024=round(gdp * pct / 100, 4),
                km_capital_to_russia_or_belarus=draw(_number(0.0, 3000.0)),
                arms_industry_revenue_usd_bn_2023=draw(_number(0.0, 20.0)),
                nuclear_weapons=draw(st.booleans()),
                unga_es11_1_vote=draw(st.sampled_from(VOTE_CHOICES)),
                unga_es11_7_2025_vote=draw(st.sampled_from(VOTE_CHOICES)),
            )
        )
    pairs = [(a, b) for i, a in enumerate(CODES[:n]) for b in CODES[i + 1 : n]]
    borders = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=len(pairs)))
    return rows, [(a, b, draw(st.sampled_from(("land", "sea")))) for a, b in borders]


@st.composite
def scenarios(draw, codes: tuple[str, ...], max_steps: int = 8) -> Scenario:
    """A valid scenario over the states ``codes``: founders, rules and a lively world."""
    founders = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=len(codes), unique=True))
    unreliable = draw(st.lists(st.sampled_from(codes), max_size=2, unique=True))
    changes = {
        "steps": draw(st.integers(1, max_steps)),
        "seed": draw(st.integers(0, 2**32)),
        "founders": founders,
        "unreliable": unreliable,
        "admission_rule": draw(st.sampled_from(SCHEMA["admission_rule"].choices)),
        "protocol": draw(st.sampled_from(SCHEMA["protocol"].choices)),
        "threat_initial": draw(_number(0.0, 1.0)),
        "threat_volatility": draw(_number(0.0, 0.3)),
        "base_aggression": draw(_number(0.0, 1.0)),
        "application_threshold": draw(_number(-1.5, 1.0)),
        "exit_threshold": draw(_number(-1.0, 0.5)),
        "exit_patience": draw(st.integers(1, 3)),
        "reapply_delay": draw(st.integers(0, 2)),
        "vote_threshold": draw(_number(-0.5, 1.5)),
        "veto_propensity": draw(_number(0.0, 1.0)),
        "us_commitment": draw(_number(0.0, 1.0)),
        "us_withdrawal_step": draw(st.one_of(st.none(), st.integers(0, max_steps))),
        "ukraine_investment_share": draw(_number(0.0, 0.5)),
        "reliability": draw(_number(0.0, 1.0)),
        "unreliable_reliability": draw(_number(0.0, 1.0)),
        "adversary_growth_pct": draw(_number(-20.0, 20.0)),
    }
    return DEFAULT.with_values(changes, name="generated")


def parameter_values(parameter: Parameter) -> st.SearchStrategy:
    """Any valid value of one schema parameter."""
    if parameter.kind == "bool":
        return st.booleans()
    if parameter.kind == "choice":
        return st.sampled_from(parameter.choices)
    if parameter.kind == "iso3_list":
        return st.lists(
            st.sampled_from(("EST", "LVA", "POL", "HUN", "UKR", "FRA")),
            unique=True,
            min_size=parameter.min_items,
            max_size=4,
        ).map(tuple)
    if parameter.kind == "int":
        values = st.integers(int(parameter.low), int(parameter.high))
    else:
        values = st.floats(parameter.low, parameter.high, allow_nan=False)
    return st.one_of(st.none(), values) if parameter.optional else values


@st.composite
def scenario_changes(draw) -> dict:
    """A few parameters of the schema set to any valid value, and per-state overrides."""
    names = draw(st.lists(st.sampled_from(list(SCHEMA)), max_size=6, unique=True))
    changes = {name: draw(parameter_values(SCHEMA[name])) for name in names}
    for code in draw(st.lists(st.sampled_from(("HUN", "SVK", "POL")), max_size=2, unique=True)):
        changes[f"state.{code}.alignment"] = draw(st.floats(-1.0, 1.0))
        changes[f"state.{code}.reliability"] = draw(st.floats(0.0, 1.0))
    return changes
