"""The military balance: spending and equipment histories, personnel, Russia, Ukraine, the US.

Read from the packaged ``nato_spending_series.csv``, ``adversary_spending.csv``,
``personnel.csv``, ``ukraine_aid.csv``, ``nuclear.csv``, ``us_forces.csv`` and
``expert_balance.csv`` (sources, choices and derivations in ``data/SOURCES.md`` §17), so
that capability can be built as stocks from history instead of read from one year's
spending. Every parser error names the file, the row and the column, as for the states.

Money is USD bn at 2024 prices. NATO's series is in 2015 prices and exchange rates; each
state's series is put at 2024 prices by its own ratio of 2024 spending in current USD
(SIPRI, ``european_states.csv``) to NATO's 2024 spending at 2015 prices, so that 2024 is
what the states file says. Russia's series is SIPRI's 2024 figure carried to other years
by SIPRI's real changes: first-published current-USD figures mix real growth with
exchange-rate swings of the rouble.

This module sits in the data layer beside :mod:`coalition_sim.indicators`: it knows the
states file only through the rows :mod:`coalition_sim.datasets` hands it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import Any

import numpy as np

from coalition_sim.csvfiles import cell, iso3, number, one_of, read_rows, text
from coalition_sim.errors import InputError

NATO_FILE = "nato_spending_series.csv"
ADVERSARY_FILE = "adversary_spending.csv"
PERSONNEL_FILE = "personnel.csv"
AID_FILE = "ukraine_aid.csv"
NUCLEAR_FILE = "nuclear.csv"
US_FORCES_FILE = "us_forces.csv"
EXPERT_FILE = "expert_balance.csv"
UKRAINE_ECONOMY_FILE = "ukraine_war_economy.csv"

#: The years of the histories: NATO's series starts in 2014 (Crimea), the data end in 2025.
FIRST_YEAR, LAST_YEAR = 2014, 2025
#: Money is at this year's prices: the states file's spending is in its current USD.
PRICE_YEAR = 2024
#: USD per EUR: the ECB's euro reference rate, 2024 annual average (Deutsche Bundesbank,
#: exchange-rate statistics), to put Kiel's aid in EUR into the model's USD of 2024.
USD_PER_EUR_2024 = 1.0824

RUSSIA, BELARUS, UKRAINE, US = "RUS", "BLR", "UKR", "USA"
PERSONNEL_KINDS = ("active", "authorised", "planned", "cap")
AID_DONORS = ("EUR", "USA")  # Europe (Kiel's European donors and EU institutions), the US
NUCLEAR_QUANTITIES = ("warheads_total", "warheads_deployed", "warheads_stored", "b61_in_europe")
US_FORCE_QUANTITIES = (
    "troops_in_europe",
    "stationed_planning",
    "reinforcement_planning",
    "personnel_europe_must_replace",
)
#: NATO's equipment share is rounded to 0.01 points and the flows to 0.1 USD m: an
#: equipment flow further than this from spending x share is a typing error.
SHARE_ROUNDING_PCT = 0.005
FLOW_ROUNDING_M = 0.05


def year(value: str) -> int:
    """A calendar year between 1900 and 2100."""
    value = value.strip()
    if not (value.isdigit() and 1900 <= int(value) <= 2100):
        raise ValueError(f"'{value}' is not a year between 1900 and 2100")
    return int(value)


def month(value: str) -> str:
    """A date as ``YYYY`` or ``YYYY-MM``."""
    value = value.strip()
    if not re.fullmatch(r"(19|20)\d\d(-(0[1-9]|1[0-2]))?", value):
        raise ValueError(f"'{value}' is not a date as YYYY or YYYY-MM")
    return value


#: Columns of each file and how each is parsed; other columns (notes, addresses) are kept
#: in the files for provenance and not read.
NATO_COLUMNS: Mapping[str, Callable[[str], Any]] = MappingProxyType(
    {
        "iso3": iso3,
        "year": year,
        "equipment_share_pct": number(0.0, 100.0, blank_ok=True),
        "defence_exp_usd_m_2015prices": number(0.0, 1e7, blank_ok=True),
        "equipment_exp_usd_m_2015prices": number(0.0, 1e7, blank_ok=True),
        "mil_personnel_thousands": number(0.0, 1e5, blank_ok=True),
        "source": text,
    }
)
ADVERSARY_COLUMNS: Mapping[str, Callable[[str], Any]] = MappingProxyType(
    {
        "iso3": iso3,
        "year": year,
        "spending_usd_bn_current": number(0.001, 1e5),
        "real_change_pct": number(-99.0, 1000.0, blank_ok=True),
        "pct_gdp": number(0.0, 100.0, blank_ok=True),
        "source_title": text,
        "confidence": text,
    }
)
PERSONNEL_COLUMNS: Mapping[str, Callable[[str], Any]] = MappingProxyType(
    {
        "iso3": iso3,
        "kind": one_of(PERSONNEL_KINDS),
        "year": year,
        "personnel_k": number(0.0, 1e5),
        "source_title": text,
        "confidence": text,
    }
)
AID_COLUMNS: Mapping[str, Callable[[str], Any]] = MappingProxyType(
    {
        "year": year,
        "donor": one_of(AID_DONORS),
        "military_aid_eur_bn": number(0.0, 1e4),
        "basis": one_of(("reported", "derived")),
        "derivation": cell,
        "source_title": text,
        "confidence": text,
    }
)
NUCLEAR_COLUMNS: Mapping[str, Callable[[str], Any]] = MappingProxyType(
    {
        "iso3": iso3,
        "quantity": one_of(NUCLEAR_QUANTITIES),
        "year": year,
        "value": number(0.0, 1e5),
        "source_title": text,
        "confidence": text,
    }
)
US_FORCE_COLUMNS: Mapping[str, Callable[[str], Any]] = MappingProxyType(
    {
        "quantity": one_of(US_FORCE_QUANTITIES),
        "date": month,
        "personnel_k": number(0.0, 1e4),
        "source_title": text,
        "confidence": text,
    }
)
EXPERT_COLUMNS: Mapping[str, Callable[[str], Any]] = MappingProxyType(
    {
        "id": text,
        "source_title": text,
        "publisher": text,
        "quantity": text,
        "value": text,
        "unit": text,
        "ref_year": cell,
        "confidence": text,
    }
)


@dataclass(frozen=True)
class ExpertFigure:
    """One figure of the experts' balance, as published (``value`` may be a range: text)."""

    id: str
    quantity: str
    value: str
    unit: str
    ref_year: str
    source: str
    confidence: str

    @property
    def number(self) -> float:
        """The value as a number; an InputError for a range or a list."""
        try:
            return float(self.value)
        except ValueError:
            raise InputError(
                f"{EXPERT_FILE}, figure {self.id}, column value: '{self.value}' is not a "
                "single number"
            ) from None


@dataclass(frozen=True, eq=False)
class MilitaryFiles:
    """The parsed files, keyed for look-up (built once; see :func:`load_military_files`)."""

    nato: Mapping[tuple[str, int], Mapping[str, Any]]
    adversary: Mapping[tuple[str, int], Mapping[str, Any]]
    personnel: Mapping[tuple[str, str], float]
    aid_eur: Mapping[tuple[str, int], float]
    nuclear: Mapping[tuple[str, str], float]
    us_forces: Mapping[tuple[str, str], float]
    expert: Mapping[str, ExpertFigure]
    ukraine_spending: Mapping[int, float]  # year -> USD bn, current prices


@dataclass(frozen=True, eq=False)
class MilitaryData:
    """The military balance of one Dataset: arrays over ``years`` and its European states.

    Money in USD bn at 2024 prices, personnel in thousands. States are
    ``dataset.arrays.codes`` in file order; a state the military files do not cover has
    NaN (unknown) or 0 where 0 is the meaning (no warheads, no armed forces).
    """

    codes: tuple[str, ...]
    years: np.ndarray  # (years,) int: 2014..2025
    #: (years, states) equipment spending (major equipment and its R&D, NATO Table 8a),
    #: 2025 from the latest spending x ``equipment_share``; NaN without NATO rows.
    equipment_usd_bn: np.ndarray
    #: (years, states) defence spending; without NATO rows only 2024 and 2025 (SIPRI).
    spending_usd_bn: np.ndarray
    spending_2025_reported: np.ndarray  # (states,) bool: 2025 reported, else 2024 carried
    equipment_share: np.ndarray  # (states,) share of spending on equipment used for 2025
    deflator: np.ndarray  # (states,) 2024 current USD per USD of NATO's 2015 prices
    personnel_k: np.ndarray  # (states,) active military personnel, thousands
    warheads: np.ndarray  # (states,) nuclear warheads, total inventory (SIPRI, Jan 2025)
    russia_spending_usd_bn: np.ndarray  # (years,) SIPRI 2024 chained by real changes
    belarus_spending_usd_bn: np.ndarray  # (years,) its latest figure where no series
    adversary_spending_usd_bn: np.ndarray  # (years,) Russia plus Belarus
    ukraine_aid_europe_usd_bn: np.ndarray  # (years,) military aid from Europe (Kiel)
    ukraine_aid_us_usd_bn: np.ndarray  # (years,) military aid from the US (Kiel)
    ukraine_aid_usd_bn: np.ndarray  # (years,) the two together; 0 before 2022
    ukraine_personnel_k: float  # 880: in service, Jan 2025
    ukraine_planned_personnel_k: float  # 800: planned after the war (Paris Declaration)
    ukraine_cap_personnel_k: float  # 600: the cap of the Nov 2025 28-point plan
    russia_authorised_personnel_k: float  # 1500: authorised strength (decree, Sep 2024)
    belarus_personnel_k: float
    us_warheads: float
    russia_warheads: float
    us_b61_in_europe: float  # US gravity bombs stationed in Europe (FAS estimate)
    us_troops_k: float  # US troops in Europe, the latest figure (early 2025)
    us_troops_history: Mapping[str, float]  # date (YYYY or YYYY-MM) -> thousands
    us_stationed_planning_k: float  # 100: stationed, in NATO planning (RAND)
    us_reinforcement_k: float  # 200: reinforcements, in NATO planning (RAND)
    us_equipment_usd_bn: np.ndarray  # (years,) the US's equipment spending
    us_personnel_k: float  # US active military personnel, 2024 (NATO)
    #: US equipment spending 2014-2024 per 2024 soldier over the same for the European
    #: Allies of the Dataset (all at 2024 prices): how much more kit a US soldier brings.
    us_equipment_per_soldier_ratio: float
    #: (years,) Ukraine's own defence spending (SIPRI via ukraine_war_economy.csv, current
    #: USD bn), 2021 on; NaN before (its pre-war level is then the 2021 figure's to use).
    ukraine_spending_usd_bn: np.ndarray
    usd_per_eur: float = USD_PER_EUR_2024
    price_year: int = PRICE_YEAR

    def __post_init__(self) -> None:
        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                value.flags.writeable = False

    def __reduce__(self) -> tuple:
        # Read-only mapping proxies do not pickle; send plain dicts (dask needs this).
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["us_troops_history"] = dict(self.us_troops_history)
        return _rebuild_military, (values,)

    def year_index(self, when: int) -> int:
        """Row of ``when`` in the (years, ...) arrays."""
        if not FIRST_YEAR <= when <= LAST_YEAR:
            raise InputError(f"no military data for {when} (years {FIRST_YEAR}-{LAST_YEAR})")
        return when - FIRST_YEAR


def _rebuild_military(values: dict[str, Any]) -> MilitaryData:
    values["us_troops_history"] = MappingProxyType(values["us_troops_history"])
    return MilitaryData(**values)


# ------------------------------------------------------------------------------ reading


def load_military_files(folder: Any) -> MilitaryFiles:
    """Read and check the military files in ``folder`` (the package's data folder)."""
    return MilitaryFiles(
        nato=_read_nato(folder),
        adversary=_read_adversary(folder),
        personnel=_keyed(
            folder, PERSONNEL_FILE, PERSONNEL_COLUMNS, ("iso3", "kind"), "personnel_k"
        ),
        aid_eur=_read_aid(folder),
        nuclear=_keyed(folder, NUCLEAR_FILE, NUCLEAR_COLUMNS, ("iso3", "quantity"), "value"),
        us_forces=_keyed(
            folder, US_FORCES_FILE, US_FORCE_COLUMNS, ("quantity", "date"), "personnel_k"
        ),
        expert=_read_expert(folder),
        ukraine_spending=_read_ukraine_spending(folder),
    )


def _read_ukraine_spending(folder) -> Mapping[int, float]:
    """Ukraine's defence spending by year (USD bn) from the war-economy file.

    Only rows whose ``year`` is a year (the file also holds a budget plan and a
    projection) and whose spending is given.
    """
    columns = {"year": text, "ukraine_defence_usd_bn": number(0.0, 1e4, blank_ok=True)}
    rows = read_rows(folder / UKRAINE_ECONOMY_FILE, columns, UKRAINE_ECONOMY_FILE)
    return MappingProxyType({
        int(row["year"]): row["ukraine_defence_usd_bn"]
        for row in rows
        if row["year"].strip().isdigit() and not math.isnan(row["ukraine_defence_usd_bn"])
    })  # fmt: skip


def _unique(rows: Iterable[dict[str, Any]], key: tuple[str, ...], label: str) -> dict:
    """Rows by ``key``; a repeated key names both rows and the key's last column."""
    seen: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        k = tuple(row[c] for c in key)
        if k in seen:
            raise InputError(
                f"{label}, row {row['_line']}, column {key[-1]}: {' '.join(map(str, k))} "
                f"repeats row {seen[k]['_line']}"
            )
        seen[k] = row
    return seen


def _keyed(folder, name, columns, key, value_column) -> Mapping[tuple, float]:
    rows = _unique(read_rows(folder / name, columns, name), key, name)
    return MappingProxyType({k: row[value_column] for k, row in rows.items()})


def _read_nato(folder) -> Mapping[tuple[str, int], Mapping[str, Any]]:
    rows = _unique(
        read_rows(folder / NATO_FILE, NATO_COLUMNS, NATO_FILE), ("iso3", "year"), NATO_FILE
    )
    for row in rows.values():
        spending = row["defence_exp_usd_m_2015prices"]
        equipment = row["equipment_exp_usd_m_2015prices"]
        share = row["equipment_share_pct"]
        where = f"{NATO_FILE}, row {row['_line']}, column equipment_exp_usd_m_2015prices"
        if math.isnan(equipment):
            continue
        if math.isnan(spending) or math.isnan(share):
            raise InputError(f"{where}: an equipment flow needs the spending and the share")
        tolerance = spending * SHARE_ROUNDING_PCT / 100 + FLOW_ROUNDING_M
        if abs(equipment - spending * share / 100) > tolerance:
            raise InputError(
                f"{where}: {equipment:g} is not defence_exp_usd_m_2015prices x "
                f"equipment_share_pct / 100 = {spending * share / 100:.1f} (within rounding)"
            )
    return MappingProxyType({k: MappingProxyType(v) for k, v in rows.items()})


def _read_adversary(folder) -> Mapping[tuple[str, int], Mapping[str, Any]]:
    rows = _unique(
        read_rows(folder / ADVERSARY_FILE, ADVERSARY_COLUMNS, ADVERSARY_FILE),
        ("iso3", "year"),
        ADVERSARY_FILE,
    )
    # Russia's series is chained from 2024 by the real changes: every year and every
    # change is needed; Belarus needs at least one figure.
    for when in range(FIRST_YEAR, LAST_YEAR + 1):
        if (RUSSIA, when) not in rows:
            raise InputError(
                f"{ADVERSARY_FILE}: no row for {RUSSIA} {when} (the series needs every year "
                f"{FIRST_YEAR}-{LAST_YEAR})"
            )
        row = rows[RUSSIA, when]
        if when > FIRST_YEAR and math.isnan(row["real_change_pct"]):
            raise InputError(
                f"{ADVERSARY_FILE}, row {row['_line']}, column real_change_pct: {RUSSIA} {when} "
                "has no real change (needed to chain the series)"
            )
    if not any(code == BELARUS for code, _ in rows):
        raise InputError(f"{ADVERSARY_FILE}: no row for {BELARUS}")
    return MappingProxyType({k: MappingProxyType(v) for k, v in rows.items()})


def _read_aid(folder) -> Mapping[tuple[str, int], float]:
    rows = _unique(read_rows(folder / AID_FILE, AID_COLUMNS, AID_FILE), ("donor", "year"), AID_FILE)
    for row in rows.values():
        if row["basis"] == "derived" and not row["derivation"]:
            raise InputError(
                f"{AID_FILE}, row {row['_line']}, column derivation: a derived figure needs "
                "its derivation"
            )
    for donor in AID_DONORS:
        years = sorted(when for d, when in rows if d == donor)
        if not years:
            raise InputError(f"{AID_FILE}: no row for donor {donor}")
        gaps = sorted(set(range(years[0], years[-1] + 1)) - set(years))
        if gaps:
            raise InputError(f"{AID_FILE}: no row for donor {donor} in {gaps[0]}")
    return MappingProxyType({k: row["military_aid_eur_bn"] for k, row in rows.items()})


def _read_expert(folder) -> Mapping[str, ExpertFigure]:
    rows = _unique(
        read_rows(folder / EXPERT_FILE, EXPERT_COLUMNS, EXPERT_FILE), ("id",), EXPERT_FILE
    )
    return MappingProxyType(
        {
            key: ExpertFigure(
                id=key,
                quantity=row["quantity"],
                value=row["value"],
                unit=row["unit"],
                ref_year=row["ref_year"],
                source=f"{row['publisher']}: {row['source_title']}",
                confidence=row["confidence"],
            )
            for (key,), row in rows.items()
        }
    )


# ----------------------------------------------------------------------------- building


def build_military(
    codes: tuple[str, ...],
    rows: Mapping[str, Mapping[str, Any]],
    latest: Mapping[str, float],
    files: MilitaryFiles,
) -> MilitaryData:
    """The military balance of the European states ``codes``.

    Args:
        codes: the European states, in the order of the arrays.
        rows: the states file's rows by ISO3 code (any rows: the US's is used if there).
        latest: each code's latest spending in current USD bn (2025 where reported).
        files: the parsed military files.
    """
    years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
    n_years = len(years)
    nato = files.nato

    def nato_value(code: str, when: int, column: str) -> float:
        row = nato.get((code, when))
        return math.nan if row is None else row[column]

    def deflator_of(code: str) -> float:
        constant = nato_value(code, PRICE_YEAR, "defence_exp_usd_m_2015prices")
        if code not in rows or not constant > 0:
            return math.nan
        return rows[code]["defence_spend_usd_bn_2024"] / (constant / 1000)

    def share_of(code: str) -> float:
        # The 2025 share where NATO gives it (Sweden), else 2024's.
        share = nato_value(code, LAST_YEAR, "equipment_share_pct")
        if math.isnan(share):
            share = nato_value(code, PRICE_YEAR, "equipment_share_pct")
        return share / 100

    def history(code: str, column: str) -> np.ndarray:
        """A NATO column in USD bn at 2024 prices over the years (NaN where blank)."""
        scale = deflator_of(code) / 1000
        return np.array([nato_value(code, when, column) * scale for when in years])

    n = len(codes)
    equipment = np.full((n_years, n), math.nan)
    spending = np.full((n_years, n), math.nan)
    deflator = np.array([deflator_of(c) for c in codes])
    share = np.array([share_of(c) if not math.isnan(deflator_of(c)) else math.nan for c in codes])
    reported = np.array(
        [not math.isnan(rows[c].get("defence_spend_usd_bn_2025", math.nan)) for c in codes]
    )
    for i, code in enumerate(codes):
        if math.isnan(deflator[i]):
            # No NATO series (non-Allies, Iceland): SIPRI's 2024 and the latest figure.
            spending[PRICE_YEAR - FIRST_YEAR, i] = rows[code]["defence_spend_usd_bn_2024"]
        else:
            equipment[:, i] = history(code, "equipment_exp_usd_m_2015prices")
            spending[:, i] = history(code, "defence_exp_usd_m_2015prices")
            equipment[-1, i] = latest[code] * share[i]
        spending[-1, i] = latest[code]

    personnel = np.array([_personnel(c, files) for c in codes])
    warheads = np.array(
        [
            files.nuclear.get(
                (c, "warheads_total"), math.nan if rows[c]["nuclear_weapons"] else 0.0
            )
            for c in codes
        ]
    )

    russia = _chained(files.adversary, RUSSIA)
    belarus = _chained(files.adversary, BELARUS)
    europe_aid = _aid(files.aid_eur, "EUR", years) * USD_PER_EUR_2024
    us_aid = _aid(files.aid_eur, "USA", years) * USD_PER_EUR_2024

    us_equipment = np.full(n_years, math.nan)
    if US in rows and not math.isnan(deflator_of(US)):
        us_equipment = history(US, "equipment_exp_usd_m_2015prices")
        us_equipment[-1] = latest[US] * share_of(US)
    us_personnel = nato_value(US, PRICE_YEAR, "mil_personnel_thousands")
    # Equipment bought 2014-2024 per soldier of 2024, over the Allies with the whole series.
    past = slice(0, PRICE_YEAR - FIRST_YEAR + 1)
    allies = [i for i in range(n) if not np.isnan(equipment[past, i]).any()]
    ratio = math.nan
    if allies and not math.isnan(us_personnel):
        europe_per_soldier = equipment[past, allies].sum() / personnel[allies].sum()
        ratio = us_equipment[past].sum() / us_personnel / europe_per_soldier

    troops = sorted((d, k) for (q, d), k in files.us_forces.items() if q == "troops_in_europe")
    return MilitaryData(
        codes=codes,
        years=years,
        equipment_usd_bn=equipment,
        spending_usd_bn=spending,
        spending_2025_reported=reported,
        equipment_share=share,
        deflator=deflator,
        personnel_k=personnel,
        warheads=warheads,
        russia_spending_usd_bn=russia,
        belarus_spending_usd_bn=belarus,
        adversary_spending_usd_bn=russia + belarus,
        ukraine_aid_europe_usd_bn=europe_aid,
        ukraine_aid_us_usd_bn=us_aid,
        ukraine_aid_usd_bn=europe_aid + us_aid,
        ukraine_personnel_k=files.personnel.get((UKRAINE, "active"), math.nan),
        ukraine_planned_personnel_k=files.personnel.get((UKRAINE, "planned"), math.nan),
        ukraine_cap_personnel_k=files.personnel.get((UKRAINE, "cap"), math.nan),
        russia_authorised_personnel_k=files.personnel.get((RUSSIA, "authorised"), math.nan),
        belarus_personnel_k=files.personnel.get((BELARUS, "active"), math.nan),
        us_warheads=files.nuclear.get((US, "warheads_total"), math.nan),
        russia_warheads=files.nuclear.get((RUSSIA, "warheads_total"), math.nan),
        us_b61_in_europe=files.nuclear.get((US, "b61_in_europe"), math.nan),
        us_troops_k=troops[-1][1] if troops else math.nan,
        us_troops_history=MappingProxyType(dict(troops)),
        us_stationed_planning_k=_latest_force(files, "stationed_planning"),
        us_reinforcement_k=_latest_force(files, "reinforcement_planning"),
        us_equipment_usd_bn=us_equipment,
        us_personnel_k=us_personnel,
        us_equipment_per_soldier_ratio=ratio,
        ukraine_spending_usd_bn=np.array(
            [files.ukraine_spending.get(int(when), math.nan) for when in years]
        ),
    )


def _personnel(code: str, files: MilitaryFiles) -> float:
    """NATO's 2024 figure for an Ally, else personnel.csv's active strength, else NaN."""
    row = files.nato.get((code, PRICE_YEAR))
    if row is not None and not math.isnan(row["mil_personnel_thousands"]):
        return row["mil_personnel_thousands"]
    return files.personnel.get((code, "active"), math.nan)


def _chained(adversary: Mapping[tuple[str, int], Mapping[str, Any]], code: str) -> np.ndarray:
    """A state's spending at 2024 prices over the years.

    The 2024 figure in current USD is the 2024-price level; each other year follows by the
    real change of the year after it (backwards) or of the year itself (forwards). A state
    without every year and change is held at its latest figure.
    """
    rows = {when: row for (c, when), row in adversary.items() if c == code}
    needed = range(FIRST_YEAR + 1, LAST_YEAR + 1)
    complete = PRICE_YEAR in rows and all(
        when in rows and not math.isnan(rows[when]["real_change_pct"]) for when in needed
    )
    if not complete:
        return np.full(LAST_YEAR - FIRST_YEAR + 1, rows[max(rows)]["spending_usd_bn_current"])
    level = {PRICE_YEAR: rows[PRICE_YEAR]["spending_usd_bn_current"]}
    for when in range(PRICE_YEAR - 1, FIRST_YEAR - 1, -1):
        level[when] = level[when + 1] / (1 + rows[when + 1]["real_change_pct"] / 100)
    for when in range(PRICE_YEAR + 1, LAST_YEAR + 1):
        level[when] = level[when - 1] * (1 + rows[when]["real_change_pct"] / 100)
    return np.array([level[when] for when in range(FIRST_YEAR, LAST_YEAR + 1)])


def _aid(aid: Mapping[tuple[str, int], float], donor: str, years: np.ndarray) -> np.ndarray:
    """A donor's aid in EUR bn over ``years``: 0 before its first row, NaN after its last."""
    given = {when: value for (d, when), value in aid.items() if d == donor}
    first, last = min(given), max(given)
    return np.array(
        [given[w] if first <= w <= last else (0.0 if w < first else math.nan) for w in years]
    )


def _latest_force(files: MilitaryFiles, quantity: str) -> float:
    dated = sorted((d, k) for (q, d), k in files.us_forces.items() if q == quantity)
    return dated[-1][1] if dated else math.nan
