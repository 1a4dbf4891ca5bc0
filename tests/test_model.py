"""CoalitionModel on hand-made worlds whose step can be computed on paper.

The world (written to CSV in ``tmp_path`` and loaded by the validating loader):

====  =====  ===  ====  ======  ===  ====================================
code  gdp    pct  pop   km RUS  a    role
====  =====  ===  ====  ======  ===  ====================================
AAA   100    4.0  10    0       1    founder
BBB   100    4.0  10    0       1    founder
HHH   100    2.0  1     0       1    founder, unreliable (alignment -> 0)
CCC   100    3.5  10    0       1    outsider that applies
DDD   100    0.0  10    6000    0    outsider that does not
====  =====  ===  ====  ======  ===  ====================================

Borders: CCC-AAA and CCC-DDD. With the parameters of :data:`PAPER` the threat is
frozen at 0.5 (no noise, no reversion, no deterrence, no aggression), the US gives no
guarantee and no forces, Russia's power does not scale the threat (``power_weight``
0), equipment costs the same everywhere (no industry bonus), members keep their
spending paths (the unreliable HHH half the time) and the founders' votes are all yes
(vote_threshold -1 lies below any score), so only vetoes decide.

Forces on paper. None of the synthetic states has a NATO series, so each bought
equipment at the default share of its spending (``s``, USD bn: GDP 100, so ``s`` is
its burden) in every year of the history: a steady flow, whose stock is the flow over
the depreciation rate. Land: ``s * 0.25 * 0.4 / 0.08 = 1.25 s``; air: ``s * 0.25 * 0.3
/ 0.06 = 1.25 s``; enablers: ``s * 0.25 * 0.1 / 0.06``; combat ``2.5 s``. No personnel
figures: every army crews its equipment; readiness 0.8, so each fields ``2 s``: AAA 8,
BBB 8, HHH 4, CCC 7, DDD 0. A self-reliant force would hold enablers at 0.2 of its
equipment spending, twice what they hold: enabler coverage ``0.1 / 0.2 = 0.5``, factor
``0.5 + 0.5 * 0.5 = 0.75``. The members' forces integrated at 0.5: ``(8 + 8 + 4) * 0.5 =
10``; their Herfindahl index ``0.4**2 + 0.4**2 + 0.2**2 = 0.36``, fragmentation ``1 -
0.25 * (1 - 0.36) = 0.84``. Usable strength ``10 * 0.75 * 0.84 = 6.3``.

Russia is not in the synthetic files' hands: its forces are built from the packaged
history of its spending (``adversary_spending.csv``), the same in every world; ``A``
below is what it fields at the start.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from strategies import load_world, state_row

from coalition_sim.errors import InputError
from coalition_sim.model import METRICS, CoalitionModel
from coalition_sim.parameters import DEFAULT, PRESETS
from coalition_sim.rules.utility import TERMS
from coalition_sim.simulation import result_of

ROWS = [
    state_row(
        "AAA",
        defence_pct_gdp_2024=4,
        defence_spend_usd_bn_2024=4,
        km_capital_to_russia_or_belarus=0,
    ),
    state_row(
        "BBB",
        defence_pct_gdp_2024=4,
        defence_spend_usd_bn_2024=4,
        km_capital_to_russia_or_belarus=0,
    ),
    state_row(
        "HHH",
        defence_pct_gdp_2024=2,
        defence_spend_usd_bn_2024=2,
        population_m_2024=1,
        km_capital_to_russia_or_belarus=0,
    ),
    state_row(
        "CCC",
        defence_pct_gdp_2024=3.5,
        defence_spend_usd_bn_2024=3.5,
        km_capital_to_russia_or_belarus=0,
    ),
    state_row(
        "DDD",
        defence_pct_gdp_2024=0,
        defence_spend_usd_bn_2024=0,
        km_capital_to_russia_or_belarus=6000,
        unga_es11_1_vote="abstain",
        unga_es11_7_2025_vote="abstain",
    ),
]
BORDERS = [("CCC", "AAA"), ("CCC", "DDD", "sea")]

PAPER = {
    "founders": ["AAA", "BBB", "HHH"],
    "unreliable": ["HHH"],
    "reliability": 1.0,
    "unreliable_reliability": 0.5,
    "threat_initial": 0.5,
    "threat_volatility": 0.0,
    "threat_reversion": 0.0,
    "deterrence_effect": 0.0,
    "base_aggression": 0.0,
    "us_commitment": 0.0,
    "industry_weight": 0.0,
    "veto_propensity": 1.0,
    "vote_threshold": -1.0,
    # HHH votes yes on Ukraine at the UN (alignment 1); the override puts it at 0, so
    # CCC (alignment 1) leans 1 further toward Ukraine and, with veto_propensity 1, HHH
    # vetoes it with probability 1 * (1 - 0) = 1.
    "state.HHH.alignment": 0.0,
    # The weights of the utility and of spending, pinned here (the package's defaults
    # are calibrated and may move); applications all but certain either side of the
    # threshold (noise 0.001: 0.02 away is 20 noise units).
    "w_threat": 1.5,
    "w_cost": 1.0,
    "w_affinity": 0.5,
    "w_align": 0.3,
    "w_entrap": 0.6,
    "w_neutral": 0.5,
    "affinity_ties_weight": 1.0,
    "application_threshold": 0.2,
    "application_noise": 0.001,
    "threat_response": 3.0,
    "ramp_rate": 0.25,
    # keeping a spending path: members always, the unreliable HHH half the time
    "commitment_keeping": 1.0,
    "unreliable_commitment_keeping": 0.5,
    # Russia's power does not scale the threat: theta = T * p * (1 - u * g * nato)
    "power_weight": 0.0,
    # the forces on paper (see the module docstring), pinned as the weights are
    "equipment_share_default": 0.25,
    "land_share": 0.4,
    "air_share": 0.3,
    "enabler_share": 0.1,
    "land_depreciation_pct": 8.0,
    "air_depreciation_pct": 6.0,
    "enabler_depreciation_pct": 6.0,
    "enabler_need_share": 0.2,
    "enabler_floor": 0.5,
    "readiness": 0.8,
    "integration_other": 0.5,
    "fragmentation_penalty": 0.25,
    "cohesion_friction_weight": 1.0,
    "cohesion_alignment_weight": 0.5,
    # the paper economy does not grow (tests/test_security_logic.py checks that it does)
    "europe_gdp_growth_pct": 0.0,
}

#: What each state fields at the start (USD bn), and the members' usable strength.
FIELDED = {"AAA": 8.0, "BBB": 8.0, "HHH": 4.0, "CCC": 7.0, "DDD": 0.0}
USABLE = 10.0 * 0.75 * 0.84

#: What CCC's own forces would add: its 7 fielded at an outsider's integration (0.5),
#: under the coalition's enablers (0.75) and fragmentation (0.84), as the others' are.
OWN_CCC = 7.0 * 0.5 * 0.75 * 0.84


def contest(forces: float, adversary: float) -> float:
    """The chance of holding off the adversary, a ratio-form contest."""
    return forces / (forces + adversary)


# U of CCC at step 1, term by term, against Russia's A (the forces of step 0):
#   threat:     w_threat * theta * gain, gain = contest(6.3 + own) - contest(own)
#               with own = OWN_CCC (theta = T * p = 0.5; power_weight 0)
#   cost:       burden = (3.5 - 3.5) / 3.5 = 0                                 -> 0
#   affinity:   w_affinity * (1/2 + (1 - |1 - 2/3| / 2) + 0 ties) / 3 = 0.5 * 4/9
#               (one of two neighbours is a member; members' mean alignment 2/3)
#   alignment:  w_align * 1 = 0.3
#   entrapment: w_entrap * (1 - p) = 0.6 * 0                                  -> 0
#   neutrality: not neutral                                                   -> 0
# U of DDD: p = exp(-10); theta = 0.5 p; no forces of its own, so it gains contest(6.3);
#   burden (3.5 - 0) / 3.5 = 1; affinity 0.5 * (0 + (1 - (2/3) / 2) + 0) / 3 = 1/9;
#   alignment 0 (abstained twice); entrapment 0.6 * (1 - p).
P_DDD = math.exp(-10.0)


def threat_ccc(adversary: float) -> float:
    gain = contest(USABLE + OWN_CCC, adversary) - contest(OWN_CCC, adversary)
    return 1.5 * 0.5 * gain


def u_ccc(adversary: float) -> float:
    return threat_ccc(adversary) + 0.0 + 0.5 * 4 / 9 + 0.3 - 0.0


def u_ddd(adversary: float) -> float:
    threat = 1.5 * 0.5 * P_DDD * contest(USABLE, adversary)
    return threat - 1.0 + 1.0 / 9.0 + 0.0 - 0.6 * (1.0 - P_DDD)


@pytest.fixture
def world(tmp_path):
    return load_world(tmp_path, ROWS, BORDERS)


def build(world, **changes):
    return CoalitionModel(DEFAULT.with_values({**PAPER, **changes}), dataset=world)


def events(model, kind, step=None):
    return [e for e in model.events.of_kind(kind) if step is None or e.step == step]


def members(model):
    return {c for c, m in zip(model.codes, model.member, strict=True) if m}


# ------------------------------------------------------------------ step 0


def test_founders_are_members_at_step_0(world):
    model = build(world)
    assert model.codes == ("AAA", "BBB", "HHH", "CCC", "DDD")  # file order, no RUS/BLR
    assert members(model) == {"AAA", "BBB", "HHH"}
    assert model.state_status() == {
        "AAA": "founder",
        "BBB": "founder",
        "HHH": "founder",
        "CCC": "outsider",
        "DDD": "outsider",
    }
    assert model.join_order == [("AAA", 0), ("BBB", 0), ("HHH", 0)]
    # The stocks of a steady history, and what each state fields (module docstring).
    spent = np.array([4.0, 4.0, 2.0, 3.5, 0.0])
    np.testing.assert_allclose(model.land, 1.25 * spent, rtol=1e-12)
    np.testing.assert_allclose(model.air, 1.25 * spent, rtol=1e-12)
    np.testing.assert_allclose(model.enablers, spent * 0.25 * 0.1 / 0.06, rtol=1e-12)
    np.testing.assert_allclose(model.fielded, list(FIELDED.values()), rtol=1e-12)
    assert model.enabler_coverage == pytest.approx(0.5, rel=1e-12)
    assert model.integration == pytest.approx(0.5, rel=1e-12)
    assert model.coalition_strength == pytest.approx(USABLE, rel=1e-12)
    # No US forces or enablers (commitment 0): the same with the US.
    assert model.coalition_strength_with_us == pytest.approx(USABLE, rel=1e-12)
    # Russia is the packaged one, whatever the states file says of it.
    adversary = model.adversary_strength
    same = {k: v for k, v in PAPER.items() if k not in ("founders", "unreliable") and "." not in k}
    packaged = CoalitionModel(DEFAULT.with_values(same), collect_states=False)
    assert adversary == pytest.approx(packaged.adversary_strength, rel=1e-12)
    assert model.parity == pytest.approx(USABLE / adversary, rel=1e-12)
    # Cohesion: integration 0.5, no frictions, the members' alignments 1, 1, 0 weighted
    # by their forces 8, 8, 4 (mean 0.8, standard deviation 0.4):
    #   0.5 * (1 - 1 * 0) * (1 - 0.5 * 0.4) = 0.4.
    # The deterrent balance of parity 6.3/A is 1 - exp(-6.3/A); no nuclear member and no
    # US umbrella, so credibility is discounted by 0.8.
    assert model.cohesion == pytest.approx(0.4, rel=1e-12)
    assert model.credibility == pytest.approx(
        (1 - math.exp(-USABLE / adversary)) * 0.4 * 0.8, rel=1e-12
    )


def test_overrides_and_derived_traits(world):
    model = build(world, **{"state.DDD.reliability": 0.2, "state.CCC.proximity": 0.25})
    i = model.index
    assert model.alignment[i["HHH"]] == 0.0  # overridden
    assert model.alignment[i["AAA"]] == 1.0  # yes, yes
    assert model.alignment[i["DDD"]] == 0.0  # abstain, abstain
    assert model.reliability.tolist() == [1.0, 1.0, 0.5, 1.0, 0.2]
    assert model.proximity[i["AAA"]] == 1.0
    assert model.proximity[i["DDD"]] == pytest.approx(P_DDD)
    assert model.proximity[i["CCC"]] == 0.25


def test_defence_pct_gdp_override(world):
    model = build(world, **{"state.CCC.defence_pct_gdp": 5.0})
    assert model.pct[model.index["CCC"]] == 5.0
    assert model.spending[model.index["CCC"]] == pytest.approx(5.0)


# ------------------------------------------------------------------ applications


def test_utility_of_step_1_matches_the_paper(world):
    model = build(world)
    adversary = model.adversary_strength  # the forces the outlook of step 1 measures
    model.step()
    (application,) = events(model, "application", 1)
    assert application.actor == "CCC"
    assert application.value == pytest.approx(u_ccc(adversary))
    terms = model.utility_terms("CCC")
    assert terms["threat"] == pytest.approx(threat_ccc(adversary))
    assert terms["cost"] == pytest.approx(0.0)
    assert terms["affinity"] == pytest.approx(2 / 9)
    assert terms["alignment"] == pytest.approx(0.3)
    assert terms["entrapment"] == pytest.approx(0.0)
    assert terms["neutrality"] == pytest.approx(0.0)
    assert terms["total"] == pytest.approx(u_ccc(adversary))
    assert model.utility_terms("DDD")["total"] == pytest.approx(u_ddd(adversary))
    assert model.threat == 0.5  # frozen


@pytest.mark.parametrize(("offset", "applies"), [(-0.02, True), (0.02, False)])
def test_a_state_beyond_the_threshold_applies_and_one_below_does_not(world, offset, applies):
    adversary = build(world).adversary_strength
    model = build(world, application_threshold=u_ccc(adversary) + offset)
    model.step()
    applicants = {e.actor for e in events(model, "application", 1)}
    # DDD (U = -1.49) is far below either threshold and never applies.
    assert applicants == ({"CCC"} if applies else set())
    assert model.applicants == len(applicants)


# ------------------------------------------------------------------ votes and vetoes


def test_a_veto_under_unanimity_blocks_an_admission(world):
    model = build(world, admission_rule="unanimity")
    model.step()
    votes = {e.actor: e.detail for e in events(model, "vote", 1)}
    assert votes == {"AAA": "yes", "BBB": "yes", "HHH": "veto"}
    (veto,) = events(model, "veto", 1)
    assert (veto.actor, veto.target, veto.value) == ("HHH", "CCC", 1.0)  # it blocked
    (rejection,) = events(model, "rejection", 1)
    assert rejection.target == "CCC"
    assert "vetoed by HHH" in rejection.detail
    assert not events(model, "admission")
    assert members(model) == {"AAA", "BBB", "HHH"}
    assert model.status_of(model.index["CCC"]) == "vetoed"
    assert (model.vetoes, model.rejections, model.admissions) == (1, 1, 0)
    # A rejected applicant waits reapply_delay (4) quarters: eligible again at step 6.
    assert model.eligible_from[model.index["CCC"]] == 1 + 1 + 4


def test_qmv_accepts_what_the_veto_blocked_under_unanimity(world):
    # Yes: AAA and BBB = 2 of 3 members (0.667 >= 0.55) holding 20 of 21 m people
    # (0.952 >= 0.65); HHH's veto counts as a no.
    model = build(world, admission_rule="qmv")
    model.step()
    (veto,) = events(model, "veto", 1)
    assert veto.value == 0.0  # did not block
    (admission,) = events(model, "admission", 1)
    assert admission.target == "CCC"
    assert admission.value == 2.0
    assert members(model) == {"AAA", "BBB", "HHH", "CCC"}
    assert model.join_order[-1] == ("CCC", 1)
    assert model.status_of(model.index["CCC"]) == "member"


def test_without_the_alignment_override_there_is_no_veto(world):
    # HHH's own alignment is 1 (yes, yes), the applicant's too: distance 0, no veto.
    changes = {k: v for k, v in PAPER.items() if not k.startswith("state.")}
    model = CoalitionModel(
        DEFAULT.with_values({**changes, "admission_rule": "unanimity"}), dataset=world
    )
    model.step()
    assert not events(model, "veto")
    assert [e.target for e in events(model, "admission", 1)] == ["CCC"]


def test_qmv_population_clause_can_block_in_the_model(tmp_path):
    # HHH now holds 20 m people: yes votes hold (10 + 10) / 40 = 0.5 < 0.65 of the
    # population although they are 2 of 3 members.
    rows = [dict(r) for r in ROWS]
    rows[2]["population_m_2024"] = "20"
    world = load_world(tmp_path, rows, BORDERS)
    model = build(world, admission_rule="qmv")
    model.step()
    assert [e.target for e in events(model, "rejection", 1)] == ["CCC"]
    assert members(model) == {"AAA", "BBB", "HHH"}


def test_majority_admits_with_two_of_three(world):
    model = build(world, admission_rule="majority")
    model.step()
    assert [e.target for e in events(model, "admission", 1)] == ["CCC"]


def _core_or_majority_world(world, rule):
    # DDD is made unreliable (override reliability 0) and applies too (threshold -2):
    # its parity gain is 0, so a member scores it
    #   0 * gain + 0.5 * (1 - |a_j - 0| / 2) - 0.5 * (1 - 0) + 0.5 * p_j
    #   = 0.25 for AAA, BBB and CCC (a = 1, p = 1) and 0.5 for HHH (a = 0),
    # none above vote_threshold 0.5: DDD is rejected at step 1 and, with no reapply
    # delay, applies again at step 2, when CCC (admitted at step 1) is a member.
    # CCC scores min(1, (7 / A) / 0.05) + 0.5 - 0 + 0.5 = 1.18 with AAA and BBB (it
    # fields 7 against Russia's A of about 780): admitted at step 1.
    model = build(
        world,
        admission_rule=rule,
        vote_threshold=0.5,
        application_threshold=-2.0,
        reapply_delay=0,
        **{"state.DDD.reliability": 0.0},
    )
    model.step()
    model.step()
    return model


def test_core_rule_lets_only_founders_vote(world):
    model = _core_or_majority_world(world, "core")
    assert [e.target for e in events(model, "admission", 1)] == ["CCC"]
    voters = {e.actor for e in events(model, "vote", 2) if e.target == "DDD"}
    assert voters == {"AAA", "BBB", "HHH"}
    assert [e.target for e in events(model, "rejection", 2)] == ["DDD"]


def test_majority_rule_lets_every_member_vote(world):
    model = _core_or_majority_world(world, "majority")
    voters = {e.actor: e.detail for e in events(model, "vote", 2) if e.target == "DDD"}
    assert voters == {"AAA": "no", "BBB": "no", "HHH": "no", "CCC": "no"}


# ------------------------------------------------------------------ unreliable members


def _binomial_tolerance(n: int, p: float, sds: float = 4.0) -> float:
    return sds * math.sqrt(p * (1 - p) / n)


@pytest.fixture(scope="module")
def attacked_world(tmp_path_factory):
    """400 quarters of attacks on AAA or BBB; HHH (reliability 0.35) is called on each.

    Responding (reliability) and keeping a spending path (commitment keeping) are two
    traits: HHH responds at 0.35 and keeps its path at 0.6, the others at 0.75 and 0.9.

    Threat frozen at 1 and credibility 0 (no nuclear member, nuclear_discount 0), so an
    aggression event happens every quarter (probability 1 * 1 * (1 - 0)). HHH, CCC and
    DDD have proximity 0: only AAA and BBB are ever targeted. No one applies (threshold
    5). HHH starts at 0 % of GDP, is committed to a 10 % floor after one quarter and
    ramps 0.01 point per quarter when it keeps its path: after 400 quarters its burden
    is 0.01 times the number of quarters it kept it.
    """
    rows = [dict(r) for r in ROWS]
    rows[2]["defence_pct_gdp_2024"] = rows[2]["defence_spend_usd_bn_2024"] = "0"
    world = load_world(tmp_path_factory.mktemp("attacked"), rows, BORDERS)
    n = 400
    scenario = DEFAULT.with_values(
        {
            **PAPER,
            "steps": n,
            "reliability": 0.75,
            "unreliable_reliability": 0.35,
            "commitment_keeping": 0.9,
            "unreliable_commitment_keeping": 0.6,
            "threat_initial": 1.0,
            "base_aggression": 1.0,
            "nuclear_discount": 0.0,
            "application_threshold": 5.0,
            "spending_floor_pct": 10.0,
            "phase_in_years": 0.25,
            "threat_response": 0.0,
            "ramp_rate": 0.01,
            "state.HHH.proximity": 0.0,
            "state.CCC.proximity": 0.0,
            "state.DDD.proximity": 0.0,
            "seed": 7,
        }
    )
    model = CoalitionModel(scenario, dataset=world)
    for _ in range(n):
        model.step()
    return model, n


def test_an_unreliable_member_responds_at_its_configured_rate(attacked_world):
    model, n = attacked_world
    attacks = model.events.of_kind("aggression")
    responses = model.events.of_kind("response")
    assert len(attacks) == len(responses) == n
    assert {e.target for e in attacks} <= {"AAA", "BBB"}
    hhh = sum("HHH" in e.detail.split() for e in responses) / n
    assert abs(hhh - 0.35) < _binomial_tolerance(n, 0.35), hhh
    # The reliable founder that was not hit responds at 0.75.
    other = sum(({"AAA", "BBB"} - {e.target}).pop() in e.detail.split() for e in responses) / n
    assert abs(other - 0.75) < _binomial_tolerance(n, 0.75), other
    # The response share of each event is the mean over the two other members.
    for event in responses[:20]:
        named = [c for c in event.detail.removeprefix("responded: ").split() if c != "none"]
        assert event.value == pytest.approx(len(named) / 2)


def test_an_unreliable_member_honours_its_commitment_at_its_rate(attacked_world):
    model, n = attacked_world
    honoured = model.pct[model.index["HHH"]] / 0.01
    assert honoured == pytest.approx(round(honoured))
    # its commitment keeping (0.6), not its reliability (0.35)
    assert abs(honoured / n - 0.6) < _binomial_tolerance(n, 0.6), honoured / n
    # AAA and BBB also ramp toward the floor (from 4 %) at their own keeping, 0.9.
    aaa = (model.pct[model.index["AAA"]] - 4.0) / 0.01
    assert abs(aaa / n - 0.9) < _binomial_tolerance(n, 0.9)
    # the outcome counts every member's quarterly commitment, honoured or not
    bbb = (model.pct[model.index["BBB"]] - 4.0) / 0.01
    outcomes = result_of(model).outcomes
    assert outcomes["commitments_honoured"] == pytest.approx((honoured + aaa + bbb) / (3 * n))


@pytest.mark.parametrize(("rate", "expected"), [(0.0, 0), (1.0, 30)])
def test_reliability_zero_never_responds_and_one_always_does(world, rate, expected):
    model = build(
        world,
        unreliable_reliability=rate,
        threat_initial=1.0,
        base_aggression=1.0,
        nuclear_discount=0.0,
        application_threshold=5.0,
        **{"state.HHH.proximity": 0.0, "state.CCC.proximity": 0.0, "state.DDD.proximity": 0.0},
    )
    for _ in range(30):
        model.step()
    responses = model.events.of_kind("response")
    assert sum("HHH" in e.detail.split() for e in responses) == expected


# ------------------------------------------------------------------ threat and the US


def test_threat_is_frozen_without_noise_and_moves_with_it(world):
    model = build(world)
    for _ in range(5):
        model.step()
    assert model.threat == 0.5
    noisy = build(world, threat_volatility=0.1)
    noisy.step()
    assert noisy.threat != 0.5
    assert 0.0 <= noisy.threat <= 1.0


def test_us_withdrawal_raises_nato_members_perceived_threat(tmp_path):
    rows = [dict(r) for r in ROWS]
    rows[3]["nato_member"] = "true"  # CCC in NATO, DDD not
    world = load_world(tmp_path, rows, BORDERS)
    model = build(
        world,
        us_commitment=1.0,
        us_withdrawal_step=1,
        us_withdrawal_quarters=2,
        us_commitment_after=0.0,
        us_guarantee_weight=0.6,
    )
    path, theta = [], []
    for _ in range(4):
        model.step()
        path.append(model.us_commitment)
        theta.append(model.perceived[model.index["CCC"]])
    # u: 1 until step 1, then linear to 0 over two quarters.
    assert path == pytest.approx([1.0, 0.5, 0.0, 0.0])
    # theta = T * p * (1 - u * g * nato) = 0.5 * 1 * (1 - u * 0.6)
    assert theta == pytest.approx([0.5 * (1 - 0.6 * u) for u in path])
    assert model.perceived[model.index["DDD"]] == pytest.approx(0.5 * P_DDD)


# ------------------------------------------------------------------ the data it records


def test_collected_frames_have_a_row_per_step_and_state(world):
    model = build(world)
    for _ in range(3):
        model.step()
    steps = model.datacollector.get_model_vars_dataframe()
    assert list(steps.columns) == list(METRICS)
    assert len(steps) == 4
    states = model.datacollector.get_agent_vars_dataframe()
    assert len(states) == 4 * 5
    assert {f"u_{t}" for t in TERMS} <= set(states.columns)


def test_agent_views(world):
    model = build(world)
    model.step()
    assert repr(model.agent("AAA")) == "StateAgent(AAA, founder)"
    assert model.agent("AAA").why_not_joining() == "State AAA is a member"
    assert "wants to join" in model.agent("CCC").why_not_joining()
    reason = model.agent("DDD").why_not_joining()
    assert "short of the threshold" in reason
    assert "cost -1.00" in reason  # the largest drag
    assert model.agent("DDD").utility_terms()["threshold"] == 0.2
    assert model.agent("AAA").utility_terms()["threshold"] == -0.2
    traits = model.state_traits("HHH")
    assert traits["unreliable"] is True
    assert traits["alignment"] == 0.0
    with pytest.raises(InputError, match="unknown ISO3 code 'ZZZ'"):
        model.agent("ZZZ")


# ------------------------------------------------------------------ bad set-up


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"founders": ["AAA", "ZZZ"]}, "founders: unknown ISO3 code ZZZ"),
        ({"founders": ["AAA", "RUS"]}, "founders: RUS is the adversary"),
        ({"unreliable": ["QQQ"]}, "unreliable: unknown ISO3 code QQQ"),
        ({"state.ZZZ.alignment": 0.5}, r"state\.ZZZ: unknown ISO3 code"),
    ],
)
def test_unknown_codes_are_input_errors(world, changes, message):
    with pytest.raises(InputError, match=message):
        build(world, **changes)


def test_keyword_overrides_are_validated():
    with pytest.raises(InputError, match="unknown parameter 'admision_rule'"):
        CoalitionModel("baseline", admision_rule="qmv")
    with pytest.raises(InputError, match="reliability"):
        CoalitionModel("baseline", reliability=2.0)


def test_rng_argument_overrides_the_scenario_seed(real_dataset):
    base = PRESETS["baseline"].with_values({"steps": 5})

    def threat_path(**kw):
        model = CoalitionModel(base, dataset=real_dataset, collect_states=False, **kw)
        path = []
        for _ in range(5):
            model.step()
            path.append(model.threat)
        return np.array(path)

    assert np.array_equal(threat_path(rng=1), threat_path())  # scenario seed is 1
    assert not np.array_equal(threat_path(rng=2), threat_path())


# ------------------------------------------------------------------ exits


def test_an_unhappy_member_leaves_after_its_patience_and_may_reapply(world):
    # qmv admits CCC at step 1 (see above). With exit_threshold 5 (the largest allowed)
    # every non-founder member is unhappy: CCC's discontent is 1 at step 1 and 2 at
    # step 2, when it reaches exit_patience 2 and leaves. It may apply again from step
    # 2 + 1 + reapply_delay 4 = 7, and does (its U of joining, 0.53, is above 0.2).
    model = build(world, admission_rule="qmv", exit_threshold=5.0, exit_patience=2)
    model.step()
    assert "CCC" in members(model)
    model.step()
    (exit_,) = events(model, "exit")
    assert (exit_.step, exit_.actor) == (2, "CCC")
    assert members(model) == {"AAA", "BBB", "HHH"}  # founders never leave
    assert model.status_of(model.index["CCC"]) == "outsider"
    assert model.eligible_from[model.index["CCC"]] == 7
    for _ in range(4):
        model.step()
    assert [e.step for e in events(model, "application")] == [1]
    model.step()
    assert [e.step for e in events(model, "application")] == [1, 7]
    assert model.join_order[-2:] == [("CCC", 1), ("CCC", 7)]
    frame = model.datacollector.get_model_vars_dataframe()
    assert frame["members"].tolist() == [3, 4, 3, 3, 3, 3, 3, 4]
    assert frame["exits"].tolist() == [0, 0, 1, 0, 0, 0, 0, 0]


def test_a_rejected_state_is_not_an_applicant_while_it_waits(world):
    # DDD applies (threshold -2) and is rejected at step 1 (scores 0.25 and 0.5, not above
    # vote_threshold 0.5; see _core_or_majority_world), then may not apply before step 6.
    model = build(
        world, vote_threshold=0.5, application_threshold=-2.0, **{"state.DDD.reliability": 0.0}
    )
    model.step()
    assert "DDD" in [e.target for e in events(model, "rejection", 1)]
    assert model.status_of(model.index["DDD"]) == "applicant"  # it applied this step
    model.step()
    assert not [e for e in events(model, "application", 2) if e.actor == "DDD"]
    assert model.status_of(model.index["DDD"]) != "applicant"


# ------------------------------------------------------------------ more steps on paper


@pytest.mark.parametrize(("reliability", "expected"), [(0.0, 0.8), (1.0, 0.6)])
def test_a_failed_response_raises_the_threat_further(world, reliability, expected):
    # Threat 1, credibility 0 (nuclear_discount 0): an attack is certain at step 1, on a
    # member (outsiders have proximity 0). Then
    #   T = 1 + 0.5 * (0 - 1) + 0.1 (attack) [+ 0.2 if under half the others respond]
    # = 0.6 when everyone responds (reliability 1), 0.8 when no one does (reliability 0).
    model = build(
        world,
        reliability=reliability,
        unreliable_reliability=reliability,
        threat_initial=1.0,
        threat_mean=0.0,
        threat_reversion=0.5,
        base_aggression=1.0,
        nuclear_discount=0.0,
        aggression_threat_jump=0.1,
        failed_response_jump=0.2,
        **{"state.CCC.proximity": 0.0, "state.DDD.proximity": 0.0},
    )
    model.step()
    (attack,) = model.events.of_kind("aggression")
    assert attack.target in {"AAA", "BBB", "HHH"}
    assert attack.value == pytest.approx(1.0)  # min(1, 1 + 0.1)
    (response,) = model.events.of_kind("response")
    assert response.value == reliability
    assert model.response_share == reliability
    assert model.threat == pytest.approx(expected)
    assert model.aggression_events == 1


def test_spending_moves_on_paper(world):
    # Step 1, threat 0.5, theta = 0.5 for the states at the border (p = 1):
    #   desired = 2024 share + threat_response 3 * 0.5 = share + 1.5, ramp 0.25 a quarter.
    #   AAA, BBB (members keeping their paths, committed to max(4, 3.5) = 4): 4 -> 4.25.
    #   CCC (rejected outsider, always moves): 3.5 -> 3.75.
    #   DDD (theta = 0.5 * exp(-10)): 0 -> 1.5 * exp(-10).
    model = build(world)
    model.step()
    i = model.index
    assert model.pct[i["AAA"]] == pytest.approx(4.25)
    assert model.pct[i["BBB"]] == pytest.approx(4.25)
    assert model.pct[i["CCC"]] == pytest.approx(3.75)
    assert model.pct[i["DDD"]] == pytest.approx(1.5 * P_DDD)
    assert model.pct[i["HHH"]] in (pytest.approx(2.0), pytest.approx(2.25))  # keeps or not
    hhh = model.pct[i["HHH"]]
    assert model.coalition_spending_usd_bn == pytest.approx(4.25 + 4.25 + hhh)
    assert model.coalition_spending_pct_gdp == pytest.approx((8.5 + hhh) / 3)
    # Strength. New orders wait in the pipeline: this quarter's deliveries are the
    # steady history's, so the stocks do not move. Upkeep (spending less equipment)
    # grows with spending while the stock it keeps ready does not, so readiness moves
    # 1/8 of the way toward 0.8 * (new spending / old) ** 0.5; members integrate,
    # closing 10 % a year * (1 + 2 * 0.18 joint procurement) of the gap to 1.
    v = model.config
    spent = np.array([4.25, 4.25, hhh])
    combat = 2.5 * np.array([4.0, 4.0, 2.0])
    np.testing.assert_allclose(model.land[:3] + model.air[:3], combat, rtol=1e-12)
    target = 0.8 * (spent / np.array([4.0, 4.0, 2.0])) ** v["readiness_elasticity"]
    ready = 0.8 + (target - 0.8) / v["readiness_quarters"]
    fielded = combat * ready
    np.testing.assert_allclose(model.fielded[:3], fielded, rtol=1e-12)
    joint = 1 + v["joint_procurement_weight"] * v["joint_procurement_share"]
    rate = v["integration_rate_pct"] / 400 * joint
    integration = 0.5 + rate * 0.5
    assert model.integration == pytest.approx(integration, rel=1e-12)
    shares = fielded / fielded.sum()
    fragmentation = 1 - 0.25 * (1 - (shares**2).sum())
    usable = fielded.sum() * integration * 0.75 * fragmentation
    assert model.coalition_strength == pytest.approx(usable, rel=1e-12)
    assert model.coalition_strength > USABLE  # more spending, more ready


def test_base_by_name_or_file_and_keyword_overrides(real_dataset, tmp_path):
    model = CoalitionModel(
        "fast-track", dataset=real_dataset, collect_states=False, scenario=object(), steps=3
    )  # SolaraViz passes its own `scenario`; it is ignored
    assert model.config["admission_rule"] == "qmv"
    assert model.config["steps"] == 3
    path = tmp_path / "mine.toml"
    path.write_text('admission_rule = "core"\n')
    model = CoalitionModel(str(path), dataset=real_dataset, collect_states=False)
    assert model.config["admission_rule"] == "core"
    assert model.config.name == "mine"
