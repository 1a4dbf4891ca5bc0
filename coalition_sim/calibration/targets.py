"""What the model is calibrated against: what European states did in 2014-2025.

Read from the package's data (sources in ``data/SOURCES.md``):

- **burdens** (``nato_spending_series.csv``): NATO's figures for every Ally, % of GDP,
  each year 2014-2025. 2014 is where the hindcast starts; 2015-2021 are the years of
  the Wales pledge and the threat after Crimea, 2022-2025 those of the full-scale
  invasion and the Hague pledge;
- **taking part** (``coalition_meetings.csv``): who took part in the four leaders'
  meetings of the coalition of the willing (London, 2 March 2025; Paris, 27 March and
  4 September 2025, 6 January 2026), at any level. A state took part when it was at
  half or more of the meetings whose record is known; "not listed" counts as absent;
- **commitments honoured**: 74.5 % of alliance commitments were honoured when called
  on (Leeds, Long and Mitchell 2000, "Reevaluating Alliance Reliability", JCR 44(5)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from coalition_sim.csvfiles import cell, iso3, number, one_of, read_rows
from coalition_sim.datasets import DATA_DIR
from coalition_sim.military import NATO_FILE

#: Leeds, Long and Mitchell (2000): share of alliance commitments honoured.
HONOURED_SHARE = 0.745
#: European Allies that joined NATO after the Wales pledge of 2014, with the year.
LATER_ALLIES = {"MNE": 2017, "MKD": 2020, "FIN": 2023, "SWE": 2024}
#: The years of NATO's series; the first is the hindcast's start, never scored.
FIRST_YEAR, LAST_YEAR = 2014, 2025
BURDEN_YEARS = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
#: Allies outside Europe: in NATO's series, not in the model's Europe.
OUTSIDE_EUROPE = ("USA", "CAN")
#: The meetings of the coalition of the willing (columns of ``coalition_meetings.csv``).
MEETINGS_FILE = "coalition_meetings.csv"
MEETINGS = ("london_2025_03_02", "paris_2025_03_27", "paris_2025_09_04", "paris_2026_01_06")
ATTENDANCE = ("yes", "no", "not listed", "unknown")


@dataclass(frozen=True)
class Targets:
    """Observed behaviour, by ISO3 code (NaN where not reported)."""

    #: year -> code -> NATO's burden, % of GDP (NaN where NATO reports none)
    burdens: dict[int, dict[str, float]]
    #: code -> share of the coalition meetings with a known record it took part in
    attendance: dict[str, float]
    honoured_share: float = HONOURED_SHARE

    @property
    def spending_2014(self) -> dict[str, float]:
        """The hindcast's start: NATO's 2014 burdens of the European Allies."""
        first = self.burdens[FIRST_YEAR]
        return {code: value for code, value in first.items() if code not in OUTSIDE_EUROPE}

    @property
    def took_part(self) -> dict[str, bool]:
        """True for a state at half or more of the coalition's meetings, else False."""
        return {code: share >= 0.5 for code, share in self.attendance.items()}

    def scored_states(self) -> list[str]:
        """The European Allies with a 2014 start and a figure in every later year."""
        return [
            code
            for code in self.spending_2014
            if all(not math.isnan(self.burdens[y].get(code, math.nan)) for y in BURDEN_YEARS)
        ]

    def scored_spending(self, year: int) -> dict[str, float]:
        """The scored states' burdens in ``year``."""
        return {code: self.burdens[year][code] for code in self.scored_states()}


def load_targets(data_dir: Any = DATA_DIR) -> Targets:
    """Read the calibration targets from the packaged files (or ``data_dir``'s)."""
    rows = read_rows(
        data_dir / NATO_FILE,
        {
            "iso3": iso3,
            "year": number(1949, 2100),
            "pct_gdp": number(0.0, 100.0, blank_ok=True),
        },
        NATO_FILE,
    )
    burdens: dict[int, dict[str, float]] = {y: {} for y in BURDEN_YEARS}
    for row in rows:
        year = int(row["year"])
        if year in burdens:
            burdens[year][row["iso3"]] = row["pct_gdp"]
    attendance_rows = read_rows(
        data_dir / MEETINGS_FILE,
        {"iso3": iso3, **{m: one_of(ATTENDANCE) for m in MEETINGS}, "notes": cell},
        MEETINGS_FILE,
    )
    attendance = {}
    for row in attendance_rows:
        known = [row[m] for m in MEETINGS if row[m] != "unknown"]
        if known:
            attendance[row["iso3"]] = sum(v == "yes" for v in known) / len(known)
    return Targets(burdens=burdens, attendance=attendance)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    from scipy.stats import spearmanr

    if len(x) < 3 or np.all(x == x[0]) or np.all(y == y[0]):
        return 0.0
    return float(spearmanr(x, y).statistic)


def auc(score: np.ndarray, positive: np.ndarray) -> float:
    """Probability that a random positive scores above a random negative (ties count half)."""
    pos, neg = score[positive], score[~positive]
    if not len(pos) or not len(neg):
        return math.nan
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + ties / 2)
