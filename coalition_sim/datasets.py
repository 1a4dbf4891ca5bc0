"""Loading and validating the packaged facts: states, borders, Ukraine's industry.

The files ship inside the package (``coalition_sim/data``, sources in ``SOURCES.md``).
Analysts who update a figure pass their own edition with ``--states FILE`` and
``--borders FILE``; it is validated the same way, and every error names the file, the
row and the column. The alignment indicators, ties and frictions
(:mod:`coalition_sim.indicators`) and the military balance (:mod:`coalition_sim.military`,
``Dataset.military``) are read from the package and matched by ISO3 code. This layer
knows nothing about parameters or the model.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from coalition_sim.csvfiles import boolean, iso3, number, one_of, read_rows, text
from coalition_sim.errors import InputError
from coalition_sim.indicators import VOTES, Indicators, load_indicators
from coalition_sim.military import (
    ExpertFigure,
    MilitaryData,
    MilitaryFiles,
    build_military,
    load_military_files,
)

DATA_DIR = files("coalition_sim") / "data"
STATES_FILE = "european_states.csv"
BORDERS_FILE = "borders.csv"
UKRAINE_FILE = "ukraine_industry_facts.csv"

REGIONS = (
    "Baltic",
    "Nordic",
    "Central",
    "Western",
    "Southern",
    "Balkan",
    "Eastern",
    "Adversary",
    "External",
)
ADVERSARY = ("RUS", "BLR")


#: Columns of the states file and how each is parsed and checked.
STATE_COLUMNS: Mapping[str, Callable[[str], Any]] = MappingProxyType(
    {
        "iso3": iso3,
        "name": text,
        "region": one_of(REGIONS),
        "nato_member": boolean,
        "eu_member": boolean,
        "gdp_usd_bn_2024": number(0.001, 1e6),
        "population_m_2024": number(0.001, 1e4),
        "defence_spend_usd_bn_2024": number(0.0, 1e5),
        "defence_pct_gdp_2024": number(0.0, 100.0, blank_ok=True),
        "capital": text,
        "capital_lat": number(-90.0, 90.0),
        "capital_lon": number(-180.0, 180.0),
        "borders_russia_or_belarus": boolean,
        "km_capital_to_russia_or_belarus": number(0.0, 40000.0),
        "arms_industry_revenue_usd_bn_2023": number(0.0, 1e5),
        "nuclear_weapons": boolean,
        "unga_es11_1_vote": one_of(VOTES),
        "unga_es11_7_2025_vote": one_of(VOTES),
    }
)
#: Newer columns an older edition of the states file may lack (blank: not reported).
OPTIONAL_STATE_COLUMNS: Mapping[str, Callable[[str], Any]] = MappingProxyType(
    {
        "defence_pct_gdp_2025": number(0.0, 100.0, blank_ok=True),
        "defence_spend_usd_bn_2025": number(0.0, 1e5, blank_ok=True),
        "military_neutrality": lambda value: boolean(value) if value.strip() else False,
    }
)
BORDER_COLUMNS: Mapping[str, Callable[[str], Any]] = MappingProxyType(
    {"a": iso3, "b": iso3, "kind": one_of(("land", "sea"))}
)


@dataclass(frozen=True, eq=False)
class Dataset:
    """The facts one run uses: every state's raw data, the borders, Ukraine's industry.

    ``states`` keeps every row of the states file, adversary and external included, in
    file order; ``borders`` holds unordered ISO3 pairs with their kind (land or sea).
    """

    states: tuple[Mapping[str, Any], ...]
    borders: tuple[tuple[str, str, str], ...]
    ukraine_facts: Mapping[str, float]
    states_source: str
    borders_source: str
    indicators: Indicators | None = None

    def __reduce__(self) -> tuple:
        # Read-only mapping proxies do not pickle; send plain dicts (dask needs this).
        return _rebuild_dataset, (
            tuple(dict(row) for row in self.states),
            self.borders,
            dict(self.ukraine_facts),
            self.states_source,
            self.borders_source,
            self.indicators,
        )

    @property
    def codes(self) -> tuple[str, ...]:
        """ISO3 codes of all rows, in file order."""
        return tuple(row["iso3"] for row in self.states)

    def row(self, iso3: str) -> Mapping[str, Any]:
        """The raw row of one state."""
        for row in self.states:
            if row["iso3"] == iso3:
                return row
        raise InputError(f"unknown ISO3 code '{iso3}' in {self.states_source}")

    def actor_rows(self) -> tuple[Mapping[str, Any], ...]:
        """Rows of the states that are agents: neither adversary nor external."""
        return tuple(r for r in self.states if r["region"] not in ("Adversary", "External"))

    def column(self, name: str, rows: tuple[Mapping[str, Any], ...] | None = None) -> np.ndarray:
        """One column as a numpy array (float, bool or object) over ``rows``."""
        values = [row[name] for row in (self.states if rows is None else rows)]
        if values and isinstance(values[0], bool):
            return np.array(values, dtype=bool)
        if values and isinstance(values[0], float):
            return np.array(values, dtype=float)
        return np.array(values, dtype=object)

    @cached_property
    def arrays(self) -> StateData:
        """The European states' data as numpy arrays, in file order (built once)."""
        rows = self.actor_rows()
        codes = tuple(r["iso3"] for r in rows)
        adversary = [self.row(code) for code in ADVERSARY]
        us_rows = [r for r in self.states if r["iso3"] == "USA"]
        indicators = self.indicators
        scored = lambda table: np.array([table.get(c, math.nan) for c in codes])  # noqa: E731
        return StateData(
            codes=codes,
            names=tuple(r["name"] for r in rows),
            gdp=self.column("gdp_usd_bn_2024", rows),
            population=self.column("population_m_2024", rows),
            defence_pct_gdp=np.array([latest_pct(r) for r in rows]),
            has_forces=np.array([latest_spend(r) > 0 for r in rows]),
            neutral=np.array([bool(r.get("military_neutrality", False)) for r in rows]),
            nato=self.column("nato_member", rows),
            eu=self.column("eu_member", rows),
            nuclear=self.column("nuclear_weapons", rows),
            km_to_russia=self.column("km_capital_to_russia_or_belarus", rows),
            arms_revenue=self.column("arms_industry_revenue_usd_bn_2023", rows),
            votes=tuple((r["unga_es11_1_vote"], r["unga_es11_7_2025_vote"]) for r in rows),
            vote_score=scored(indicators.votes) if indicators else np.full(len(codes), np.nan),
            sanctions_score=scored(indicators.sanctions) if indicators else _nan(codes),
            support=scored(indicators.support) if indicators else _nan(codes),
            ties=np.nan_to_num(scored(indicators.ties)) if indicators else np.zeros(len(codes)),
            friction=_friction_matrix(codes, indicators.frictions if indicators else ()),
            adjacency=self.adjacency(codes),
            adversary_codes=ADVERSARY,
            adversary_spending=np.array([latest_spend(r) for r in adversary]),
            adversary_votes=tuple(
                (r["unga_es11_1_vote"], r["unga_es11_7_2025_vote"]) for r in adversary
            ),
            us_spending=latest_spend(us_rows[0]) if us_rows else 0.0,
        )

    @cached_property
    def military(self) -> MilitaryData:
        """The European states' military balance, in file order (built on first use).

        Spending and equipment histories, personnel, warheads, Russia, Ukraine and the US
        (:class:`coalition_sim.military.MilitaryData`); states the military files do not
        cover get NaN, or 0 where 0 is the meaning.
        """
        rows = {row["iso3"]: row for row in self.states}
        latest = {code: latest_spend(row) for code, row in rows.items()}
        return build_military(self.arrays.codes, rows, latest, packaged_military_files())

    def adjacency(self, codes: tuple[str, ...], kinds: tuple[str, ...] = ("land", "sea")):
        """Symmetric boolean matrix of borders between ``codes``."""
        index = {code: i for i, code in enumerate(codes)}
        matrix = np.zeros((len(codes), len(codes)), dtype=bool)
        for a, b, kind in self.borders:
            if kind in kinds and a in index and b in index:
                matrix[index[a], index[b]] = matrix[index[b], index[a]] = True
        return matrix


@dataclass(frozen=True, eq=False)
class StateData:
    """The European states (the model's agents) as arrays in file order.

    With the adversary's and the US's figures: everything the rules read from the data.
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    gdp: np.ndarray  # USD bn, 2024
    population: np.ndarray  # million, 2024
    defence_pct_gdp: np.ndarray  # % of GDP, the latest year reported (2025, else 2024)
    has_forces: np.ndarray  # bool: the state spends on armed forces of its own
    neutral: np.ndarray  # bool: military neutrality by constitution, treaty or policy
    nato: np.ndarray  # bool
    eu: np.ndarray  # bool
    nuclear: np.ndarray  # bool
    km_to_russia: np.ndarray  # capital to the nearest Russian or Belarusian territory
    arms_revenue: np.ndarray  # USD bn, SIPRI Top 100 (2023)
    votes: tuple[tuple[str, ...], ...]  # the states file's two UNGA votes, per state
    vote_score: np.ndarray  # indicators: mean score of the UNGA votes on the war (NaN: none)
    sanctions_score: np.ndarray  # indicators: sanctions record in [-1, 1] (NaN: none)
    support: np.ndarray  # indicators: military aid to Ukraine, % of GDP (NaN: not reported)
    ties: np.ndarray  # share of six groupings around the core the state belongs to
    friction: np.ndarray  # symmetric frictions between states in [0, 1]
    adjacency: np.ndarray  # bool, shared land or sea borders
    adversary_codes: tuple[str, ...]
    adversary_spending: np.ndarray  # USD bn, latest year, in adversary_codes order
    adversary_votes: tuple[tuple[str, ...], ...]
    us_spending: float  # USD bn, latest year

    @cached_property
    def index(self) -> Mapping[str, int]:
        """Position of each ISO3 code."""
        return MappingProxyType({code: i for i, code in enumerate(self.codes)})

    def __len__(self) -> int:
        return len(self.codes)


def latest_pct(row: Mapping[str, Any]) -> float:
    """A state's defence burden in the latest year reported: 2025 if given, else 2024."""
    value = row.get("defence_pct_gdp_2025", math.nan)
    return row["defence_pct_gdp_2024"] if math.isnan(value) else value


def latest_spend(row: Mapping[str, Any]) -> float:
    """A state's defence spending (USD bn) in the latest year reported: 2025, else 2024."""
    value = row.get("defence_spend_usd_bn_2025", math.nan)
    return row["defence_spend_usd_bn_2024"] if math.isnan(value) else value


def _nan(codes: tuple[str, ...]) -> np.ndarray:
    return np.full(len(codes), np.nan)


def _friction_matrix(codes: tuple[str, ...], pairs) -> np.ndarray:
    index = {code: i for i, code in enumerate(codes)}
    matrix = np.zeros((len(codes), len(codes)))
    for a, b, value in pairs:
        if a in index and b in index:
            matrix[index[a], index[b]] = matrix[index[b], index[a]] = value
    return matrix


def _rebuild_dataset(
    states: tuple[dict, ...],
    borders: tuple,
    facts: dict,
    states_source: str,
    borders_source: str,
    indicators: Indicators | None,
) -> Dataset:
    return Dataset(
        tuple(MappingProxyType(row) for row in states),
        borders,
        MappingProxyType(facts),
        states_source,
        borders_source,
        indicators,
    )


def _check_states(rows: list[dict[str, Any]], label: str) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        line_number = row["_line"]
        code = row["iso3"]
        if code in seen:
            raise InputError(
                f"{label}, row {line_number}, column iso3: {code} repeats row {seen[code]}"
            )
        seen[code] = line_number
        if math.isnan(row["defence_pct_gdp_2024"]):
            # Blank share (Iceland): derive it from spending and GDP.
            row["defence_pct_gdp_2024"] = (
                100.0 * row["defence_spend_usd_bn_2024"] / row["gdp_usd_bn_2024"]
            )
    for code in ADVERSARY:
        if code not in seen:
            raise InputError(f"{label}: the adversary row {code} is missing")
    if not any(r["region"] not in ("Adversary", "External") for r in rows):
        raise InputError(f"{label}: no European state rows (all are Adversary or External)")


def _check_borders(
    rows: list[dict[str, Any]], codes: set[str], label: str, states_label: str, *, blame: str
) -> None:
    """Every border between two states of the states file, and not a state with itself.

    A code the states file lacks is named as the states file's gap (``blame="states"``:
    the analyst gave that file, the borders are the packaged ones, so a state was left
    out of an edition of the states), and as the borders file's error otherwise.
    """
    for row in rows:
        line_number = row["_line"]
        for column in ("a", "b"):
            code = row[column]
            if code in codes:
                continue
            if blame == "states":
                raise InputError(
                    f"{states_label} lacks {code}, which {label} needs (row {line_number}, "
                    f"column {column}: a border of {code}); add a row for {code} to "
                    f"{states_label}, or give a borders file without {code}"
                )
            raise InputError(
                f"{label}, row {line_number}, column {column}: unknown ISO3 code {code} "
                f"(not in {states_label})"
            )
        if row["a"] == row["b"]:
            raise InputError(f"{label}, row {line_number}: a state cannot border itself")


def _load_ukraine_facts(path: Any) -> Mapping[str, float]:
    columns = {"key": text, "value": number(-1e12, 1e12), "unit": text}
    rows = read_rows(path, columns, UKRAINE_FILE)
    return MappingProxyType({row["key"]: row["value"] for row in rows})


@cache
def packaged_military() -> MilitaryData:
    """The military data of the packaged states (some parameters' defaults read it)."""
    return load_dataset().military


def packaged_ukraine_facts() -> Mapping[str, float]:
    """The packaged facts on Ukraine's industry (the defaults of its parameters)."""
    return _load_ukraine_facts(DATA_DIR / UKRAINE_FILE)


@cache
def packaged_military_files() -> MilitaryFiles:
    """The packaged military files, parsed and checked once."""
    return load_military_files(DATA_DIR)


def expert_figure(figure_id: str) -> ExpertFigure:
    """One figure of the experts' balance (``expert_balance.csv``) by its id."""
    figures = packaged_military_files().expert
    if figure_id not in figures:
        raise InputError(f"expert_balance.csv has no figure '{figure_id}'")
    return figures[figure_id]


def load_dataset(
    states_path: str | Path | None = None, borders_path: str | Path | None = None
) -> Dataset:
    """Load and validate the states and borders (the packaged files by default)."""
    if states_path is None and borders_path is None:
        return _packaged_dataset()
    return _load(states_path, borders_path)


@cache
def _packaged_dataset() -> Dataset:
    return _load(None, None)


def _load(states_path: str | Path | None, borders_path: str | Path | None) -> Dataset:
    states_file = DATA_DIR / STATES_FILE if states_path is None else Path(states_path)
    borders_file = DATA_DIR / BORDERS_FILE if borders_path is None else Path(borders_path)
    # Messages name an analyst's file by the path given; metadata records it too.
    states_label = STATES_FILE if states_path is None else str(states_path)
    borders_label = BORDERS_FILE if borders_path is None else str(borders_path)
    states = read_rows(states_file, STATE_COLUMNS, states_label, OPTIONAL_STATE_COLUMNS)
    _check_states(states, states_label)
    borders = read_rows(borders_file, BORDER_COLUMNS, borders_label)
    codes = {row["iso3"] for row in states}
    blame = "states" if states_path is not None and borders_path is None else "borders"
    _check_borders(borders, codes, borders_label, states_label, blame=blame)
    pairs = tuple(sorted({(*sorted((r["a"], r["b"])), r["kind"]) for r in borders}))
    return Dataset(
        states=tuple(
            MappingProxyType({k: v for k, v in row.items() if k != "_line"}) for row in states
        ),
        borders=pairs,
        ukraine_facts=packaged_ukraine_facts(),
        states_source=states_label,
        borders_source=borders_label,
        indicators=load_indicators(DATA_DIR),
    )
