"""The evidence alignment is graded from: votes, sanctions, aid, ties, frictions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from coalition_sim import indicators
from coalition_sim.datasets import DATA_DIR, load_dataset
from coalition_sim.rules.traits import graded_alignment


def row(**cells):
    base = dict.fromkeys(indicators.RESOLUTIONS, "")
    base.update(
        eu_sanctions_obstruction="",
        eu_90bn_loan_optout_2025="",
        kiel_military_aid_pct_gdp_2022_01_2025_10="",
        kiel_aid_pct_gdp="",
        russia_sanctioned_or_aligned="",
    )
    base.update(cells)
    return base


def test_the_vote_score_is_the_mean_over_the_votes_found():
    r = row(unga_es11_1="yes", unga_es11_2="no", unga_es11_3="abstain", unga_es11_4="absent")
    assert indicators._vote_score(r) == pytest.approx((1 - 1 + 0 + 0) / 4)
    assert indicators._vote_score(row(unga_es11_1="yes", unga_es11_5="yes")) == 1.0
    assert math.isnan(indicators._vote_score(row(unga_es11_1="non-member")))


@pytest.mark.parametrize(
    ("cells", "score"),
    [
        ({"eu_sanctions_obstruction": "0"}, 1.0),
        ({"eu_sanctions_obstruction": "0", "eu_90bn_loan_optout_2025": "true"}, 0.5),
        ({"eu_sanctions_obstruction": "1"}, 0.0),
        ({"eu_sanctions_obstruction": "2", "eu_90bn_loan_optout_2025": "true"}, -1.0),
        ({"russia_sanctioned_or_aligned": "yes"}, 1.0),
        ({"russia_sanctioned_or_aligned": "partial"}, 0.5),
        ({"russia_sanctioned_or_aligned": "formal_only"}, 0.0),
        ({"russia_sanctioned_or_aligned": "no"}, -1.0),
    ],
)
def test_the_sanctions_score(cells, score):
    assert indicators._sanctions_score(row(**cells)) == score


def test_aid_takes_the_latest_figure_then_the_older_edition():
    latest = "kiel_military_aid_pct_gdp_2022_01_2025_10"
    assert indicators._support(row(**{latest: "0.53", "kiel_aid_pct_gdp": "0.57"})) == 0.53
    assert indicators._support(row(kiel_aid_pct_gdp="0.01")) == 0.01
    assert indicators._support(row(**{latest: "<0.01"})) == 0.005
    assert math.isnan(indicators._support(row()))


def test_the_packaged_indicators_tell_states_apart():
    found = indicators.load_indicators(DATA_DIR)
    assert found.votes["EST"] == 1.0
    assert found.votes["HUN"] == pytest.approx(0.625)  # 6 yes, 1 no, 1 abstention
    assert found.sanctions["HUN"] == -1.0 and found.sanctions["SRB"] == -1.0
    assert found.support["DNK"] > found.support["FRA"] > found.support["HUN"]
    # the JEF, NB8 and coalition-of-the-willing states are tied to the core; Serbia is not
    assert found.ties["GBR"] > 0.5 and found.ties["SRB"] == 0.0
    assert ("HUN", "UKR", 0.6) in found.frictions


def test_graded_alignment_is_the_weighted_mean_of_the_scores_present():
    votes = np.array([1.0, 0.5, np.nan, np.nan])
    sanctions = np.array([1.0, -1.0, 0.5, np.nan])
    aid = np.array([2.0, np.nan, 0.25, np.nan])  # % of GDP, reference 1 %
    out = graded_alignment(
        votes, sanctions, aid, weights=(1.0, 1.0, 2.0), aid_reference_pct=1.0,
        fallback=np.array([0.0, 0.0, 0.0, -0.5]),
    )  # fmt: skip
    assert out == pytest.approx([(1 + 1 + 2 * 1) / 4, (0.5 - 1) / 2, (0.5 + 2 * 0.25) / 3, -0.5])


def test_a_donor_missing_from_the_aid_file_takes_the_median_not_a_bonus():
    votes = np.ones(4)
    sanctions = np.ones(4)
    aid = np.array([1.0, 0.2, 0.6, np.nan])
    kw = {"weights": (1.0, 1.0, 1.0), "aid_reference_pct": 1.0, "fallback": np.zeros(4)}
    skipped = graded_alignment(votes, sanctions, aid, **kw)
    imputed = graded_alignment(votes, sanctions, aid, impute=np.ones(4, dtype=bool), **kw)
    assert skipped[3] == 1.0  # without imputation the gap would rank it with the top donor
    assert imputed[3] == pytest.approx((1 + 1 + 0.6) / 3)
    assert imputed[:3] == pytest.approx(skipped[:3])


def test_alignment_on_the_packaged_data_differs_between_states():
    data = load_dataset()
    from coalition_sim.engine.inputs import build
    from coalition_sim.parameters import DEFAULT

    alignment = build(data, [DEFAULT], [1]).traits.alignment[0]
    codes = data.arrays.codes
    at = dict(zip(codes, alignment, strict=True))
    assert len(set(np.round(alignment, 6))) >= 15, "alignment should tell states apart"
    assert sum(a == 1.0 for a in alignment) <= 10
    assert at["HUN"] < at["SVK"] < at["AUT"] < at["FRA"] < at["DNK"]
    assert at["SRB"] < 0 and at["SRB"] == min(alignment)


def test_frictions_are_a_symmetric_matrix():
    data = load_dataset().arrays
    f = data.friction
    assert np.array_equal(f, f.T) and np.all(np.diag(f) == 0)
    i, j = data.index["GRC"], data.index["TUR"]
    assert f[i, j] == 0.6
    assert f[data.index["DEU"], data.index["FRA"]] == 0.0
