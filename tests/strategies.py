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
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from coalition_sim.datasets import STATE_COLUMNS, load_dataset

HEADER = (*STATE_COLUMNS, "notes")

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
