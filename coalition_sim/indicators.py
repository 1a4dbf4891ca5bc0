"""How each state stands toward Russia's war, its ties to the core, and pairwise frictions.

Read from the packaged ``alignment_indicators.csv``, ``observed_behaviour.csv`` and
``frictions.csv`` (sources in ``data/SOURCES.md``) and put on common scales, so that the
alignment trait can be graded from several kinds of evidence instead of two UN votes:

- **votes** in [-1, 1]: the mean score of a state's votes on the General Assembly's
  resolutions on the war (ES-11/1 to ES-11/8 and the resolution of 24 February 2026):
  yes 1, abstain or absent 0, no -1; a vote not found is skipped;
- **sanctions** in [-1, 1]: for EU members, 1 with no record of obstructing a sanctions
  or aid decision, 0 for one that delayed one or extracted concessions, -1 for one that
  blocked repeatedly, half a point less for opting out of the EUR 90 bn loan of December
  2025; for others, alignment with the EU's sanctions: yes 1, partial 0.5, on paper only
  0, no -1;
- **support**: bilateral military aid to Ukraine, January 2022 to October 2025, % of
  GDP (Kiel Institute data as used by PIIE), else total aid committed to January 2024
  (Kiel's February 2024 edition), NaN where neither is reported;
- **ties** in [0, 1]: the share of six groupings around the core that a state belongs
  to: the Joint Expeditionary Force, the Nordic-Baltic Eight, the E5, Weimar+, the
  European Sky Shield Initiative, and the London meeting of the coalition of the
  willing (March 2025).

Frictions are pairs of states with a standing dispute (Greece and Turkey, Cyprus and
Turkey, Hungary and Ukraine, ...), each with a graded friction in [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from coalition_sim.csvfiles import cell, iso3, number, read_rows, text

VOTES = ("yes", "no", "abstain", "absent", "non-member")
#: Score of a UNGA vote on Ukraine for the alignment trait; non-members have no score.
VOTE_SCORE: Mapping[str, float] = MappingProxyType(
    {"yes": 1.0, "abstain": 0.0, "absent": 0.0, "no": -1.0}
)

INDICATORS_FILE = "alignment_indicators.csv"
FRICTIONS_FILE = "frictions.csv"
BEHAVIOUR_FILE = "observed_behaviour.csv"

#: Resolution columns of the indicators file, oldest first.
RESOLUTIONS = (
    "unga_es11_1",
    "unga_es11_2",
    "unga_es11_3",
    "unga_es11_4",
    "unga_es11_5",
    "unga_es11_6",
    "unga_es11_7",
    "unga_es11_8_us_draft_amended_2025",
    "unga_2026_02_24",
)
#: Score of a sanctions record: EU members' obstruction level, others' alignment.
OBSTRUCTION_SCORE: Mapping[str, float] = MappingProxyType({"0": 1.0, "1": 0.0, "2": -1.0})
ALIGNMENT_SCORE: Mapping[str, float] = MappingProxyType(
    {"yes": 1.0, "partial": 0.5, "formal_only": 0.0, "no": -1.0}
)
#: Penalty on the sanctions score for opting out of the EU's EUR 90 bn loan (Dec 2025).
LOAN_OPT_OUT = 0.5
#: Groupings whose membership counts as a tie to the core (columns of observed_behaviour).
TIES = ("jef_joined", "nb8", "e5", "weimar_plus", "essi_joined", "cotw_london_mar2025")


@dataclass(frozen=True)
class Indicators:
    """Scored indicators by ISO3 code (see the module docstring); NaN where missing."""

    votes: Mapping[str, float]
    sanctions: Mapping[str, float]
    support: Mapping[str, float]
    ties: Mapping[str, float]
    frictions: tuple[tuple[str, str, float], ...]

    def __reduce__(self) -> tuple:
        # Read-only mapping proxies do not pickle; send plain dicts (dask needs this).
        return _rebuild, (
            dict(self.votes),
            dict(self.sanctions),
            dict(self.support),
            dict(self.ties),
            self.frictions,
        )


def _rebuild(votes, sanctions, support, ties, frictions) -> Indicators:
    proxy = MappingProxyType
    return Indicators(proxy(votes), proxy(sanctions), proxy(support), proxy(ties), frictions)


def _vote_score(row: Mapping[str, Any]) -> float:
    scores = [VOTE_SCORE[row[c]] for c in RESOLUTIONS if row.get(c) in VOTE_SCORE]
    return sum(scores) / len(scores) if scores else math.nan


def _sanctions_score(row: Mapping[str, Any]) -> float:
    obstruction = row["eu_sanctions_obstruction"]
    if obstruction in OBSTRUCTION_SCORE:
        score = OBSTRUCTION_SCORE[obstruction]
        if row["eu_90bn_loan_optout_2025"] == "true":
            score -= LOAN_OPT_OUT
        return max(-1.0, score)
    return ALIGNMENT_SCORE.get(row["russia_sanctioned_or_aligned"], math.nan)


def _support(row: Mapping[str, Any]) -> float:
    # The latest military-aid figure; else the Feb 2024 edition's total aid (Turkey's
    # 0.01 % is only there); else not reported.
    text = row["kiel_military_aid_pct_gdp_2022_01_2025_10"] or row["kiel_aid_pct_gdp"]
    if not text:
        return math.nan
    if text.startswith("<"):  # "<0.01": reported as below the first decimal shown
        return float(text[1:]) / 2
    return float(text)


def _tie_count(row: Mapping[str, Any]) -> float:
    held = sum(1 for c in TIES if row[c] not in ("", "false"))
    return held / len(TIES)


def load_indicators(data_dir: Any) -> Indicators:
    """Read and score the packaged indicators, ties and frictions."""
    text_columns = {
        "iso3": iso3,
        **dict.fromkeys(RESOLUTIONS, cell),
        "eu_sanctions_obstruction": cell,
        "eu_90bn_loan_optout_2025": cell,
        "kiel_military_aid_pct_gdp_2022_01_2025_10": cell,
        "kiel_aid_pct_gdp": cell,
        "russia_sanctioned_or_aligned": cell,
    }
    rows = read_rows(data_dir / INDICATORS_FILE, text_columns, INDICATORS_FILE)
    behaviour = read_rows(
        data_dir / BEHAVIOUR_FILE, {"iso3": iso3, **dict.fromkeys(TIES, cell)}, BEHAVIOUR_FILE
    )
    friction_rows = read_rows(
        data_dir / FRICTIONS_FILE,
        {"a": iso3, "b": iso3, "friction": number(0.0, 1.0), "source": text},
        FRICTIONS_FILE,
    )
    return Indicators(
        votes=MappingProxyType({r["iso3"]: _vote_score(r) for r in rows}),
        sanctions=MappingProxyType({r["iso3"]: _sanctions_score(r) for r in rows}),
        support=MappingProxyType({r["iso3"]: _support(r) for r in rows}),
        ties=MappingProxyType({r["iso3"]: _tie_count(r) for r in behaviour}),
        frictions=tuple((r["a"], r["b"], r["friction"]) for r in friction_rows),
    )
