"""What the model is calibrated against: what European states did in 2014-2025.

Read from the packaged ``observed_behaviour.csv`` (sources in ``data/SOURCES.md``):

- **spending**: NATO's figures for the European Allies, % of GDP: 2014 (where the
  hindcast starts), 2024 (estimates, June 2024) and 2025 (the Secretary General's report
  of March 2026);
- **willingness to join**: the states at the London meeting of the coalition of the
  willing (2 March 2025) against those reported as staying out (Hungary, Slovakia,
  Austria, Malta); states with neither record are not scored;
- **commitments honoured**: 74.5 % of alliance commitments were honoured when called
  on (Leeds, Long and Mitchell 2000, "Reevaluating Alliance Reliability", JCR 44(5)).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from coalition_sim.csvfiles import boolean, cell, iso3, number, read_rows
from coalition_sim.datasets import DATA_DIR
from coalition_sim.indicators import BEHAVIOUR_FILE

#: Leeds, Long and Mitchell (2000): share of alliance commitments honoured.
HONOURED_SHARE = 0.745
#: European Allies that joined NATO after the Wales pledge of 2014, with the year.
LATER_ALLIES = {"MNE": 2017, "MKD": 2020, "FIN": 2023, "SWE": 2024}


@dataclass(frozen=True)
class Targets:
    """Observed behaviour, by ISO3 code (NaN where not reported)."""

    spending_2014: dict[str, float]
    spending_2024: dict[str, float]
    spending_2025: dict[str, float]
    joined_london: dict[str, bool]  # True at the London meeting, False staying out
    honoured_share: float = HONOURED_SHARE

    def scored_spending(self, year: int) -> dict[str, float]:
        """The Allies with a 2014 start and a figure in ``year``: what the hindcast scores."""
        later = self.spending_2024 if year == 2024 else self.spending_2025
        return {
            code: value
            for code, value in later.items()
            if not math.isnan(value) and not math.isnan(self.spending_2014.get(code, math.nan))
        }


def load_targets(data_dir: Any = DATA_DIR) -> Targets:
    """Read the calibration targets from ``observed_behaviour.csv``."""
    pct = number(0.0, 100.0, blank_ok=True)
    rows = read_rows(
        data_dir / BEHAVIOUR_FILE,
        {
            "iso3": iso3,
            "nato_pct_gdp_2014": pct,
            "nato_pct_gdp_2024_est": pct,
            "nato_pct_gdp_2025": pct,
            "cotw_london_mar2025": boolean,
            "cotw_absent_2025": boolean,
            "jef_joined": cell,
        },
        BEHAVIOUR_FILE,
    )
    joined = {}
    for row in rows:
        if row["cotw_london_mar2025"]:
            joined[row["iso3"]] = True
        elif row["cotw_absent_2025"]:
            joined[row["iso3"]] = False
    return Targets(
        spending_2014={r["iso3"]: r["nato_pct_gdp_2014"] for r in rows},
        spending_2024={r["iso3"]: r["nato_pct_gdp_2024_est"] for r in rows},
        spending_2025={r["iso3"]: r["nato_pct_gdp_2025"] for r in rows},
        joined_london=joined,
    )


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
