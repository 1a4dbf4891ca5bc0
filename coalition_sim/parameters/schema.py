"""The scenario schema: every parameter of the model, declared once.

Each parameter is a typed declaration (:mod:`coalition_sim.parameters.kinds`) with its
unit, default, allowed range, a one-line help and a source or rationale. The CLI
(``--set``), scenario TOML files, the dashboard's controls, the sweep samplers and the
engine all read :class:`ModelParameters`, so a parameter added here is usable everywhere
and validated the same way; the engine reads its values as typed attributes
(``values.w_threat``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

import numpy as np

from coalition_sim.datasets import DATA_DIR, packaged_ukraine_facts
from coalition_sim.parameters.kinds import (
    CategoricalParameter,
    IntegerParameter,
    Parameter,
    ParameterSet,
    RealParameter,
    StateListParameter,
)

#: Traits of one state that a scenario may override, with their allowed range.
STATE_TRAITS: Mapping[str, tuple[float, float, str]] = MappingProxyType(
    {
        "alignment": (-1.0, 1.0, "orientation toward the Western/Ukrainian side"),
        "reliability": (0.0, 1.0, "probability of honouring a commitment when called on"),
        "proximity": (0.0, 1.0, "exposure to Russia"),
        "defence_pct_gdp": (0.0, 50.0, "starting defence spending, % of GDP"),
    }
)

FOUNDERS = ("EST", "LVA", "LTU", "FIN", "SWE", "NOR", "DNK", "ISL", "POL", "UKR")

#: Ukraine's industry in figures (``data/ukraine_industry_facts.csv``): the defaults of
#: the Ukraine parameters are read from it, so the file is their one source.
FACTS = packaged_ukraine_facts()


class ModelParameters(ParameterSet):
    """Every parameter of the model, by group; an instance holds one value of each.

    A scenario's instance holds Python values; the engine's holds the numeric parameters
    as numbers or ``(runs, 1)`` arrays (one value per run of a batch).
    """

    # --- run ---------------------------------------------------------------------------
    steps = IntegerParameter(
        default=40,
        unit="quarters",
        group="run",
        help="number of quarterly steps to simulate",
        source="2026Q1-2035Q4, the horizon of NATO's 2025 Hague spending pledge",
        low=1,
        high=400,
    )
    seed = IntegerParameter(
        default=1,
        unit="-",
        group="run",
        help="seed of the random number generator; same seed and parameters give the same run",
        source="reproducibility",
        low=0,
        high=2**63 - 1,
    )
    # --- actors --------------------------------------------------------------------------
    founders = StateListParameter(
        default=FOUNDERS,
        unit="ISO3 codes",
        group="actors",
        help="states that are members at step 0 and never leave",
        source=(
            "the committed core of the source article: Baltic and Nordic states, Poland, Ukraine"
        ),
        min_items=1,
    )
    unreliable = StateListParameter(
        default=("HUN", "SVK"),
        unit="ISO3 codes",
        group="actors",
        help="states modelled as unreliable: low reliability, may veto",
        source=(
            "Hungary voted against UNGA ES-11/7 and abstained on EU SAFE; Slovakia's policy shift"
        ),
    )
    reliability = RealParameter(
        default=0.75,
        unit="probability",
        group="actors",
        help="probability that a state honours a commitment when called on",
        source="Leeds, Long and Mitchell (2000): 74.5 % of alliance commitments honoured",
        low=0.0,
        high=1.0,
    )
    unreliable_reliability = RealParameter(
        default=0.35,
        unit="probability",
        group="actors",
        help="reliability of the unreliable set",
        source="modelling assumption: under half the base rate of Leeds et al. (2000)",
        low=0.0,
        high=1.0,
    )
    proximity_scale_km = RealParameter(
        default=600.0,
        unit="km",
        group="actors",
        help="distance at which exposure to Russia falls to 1/e (proximity = exp(-km/scale))",
        source="modelling assumption: roughly the depth of a Baltic-to-Berlin corridor",
        low=50.0,
        high=5000.0,
    )
    alignment_votes_weight = RealParameter(
        default=1.0,
        unit="weight",
        group="actors",
        help="weight of the UN General Assembly votes on the war in a state's alignment",
        source=(
            "ES-11/1 to ES-11/8 (2022-2025) and the resolution of 24 Feb 2026 "
            "(alignment_indicators.csv)"
        ),
        low=0.0,
        high=10.0,
    )
    alignment_sanctions_weight = RealParameter(
        default=1.0,
        unit="weight",
        group="actors",
        help=(
            "weight of the sanctions record in alignment (an EU member's obstruction of packages, "
            "or a non-member's alignment with EU sanctions)"
        ),
        source=(
            "EU sanctions packages 2022-2026 and the EUR 90 bn loan of Dec 2025 "
            "(alignment_indicators.csv)"
        ),
        low=0.0,
        high=10.0,
    )
    alignment_support_weight = RealParameter(
        default=1.0,
        unit="weight",
        group="actors",
        help="weight of military aid to Ukraine in alignment",
        source=(
            "Kiel Institute data as used by PIIE (Feb 2026): bilateral military aid, Jan 2022-Oct "
            "2025"
        ),
        low=0.0,
        high=10.0,
    )
    alignment_aid_reference_pct = RealParameter(
        default=1.0,
        unit="% of GDP",
        group="actors",
        help="military aid to Ukraine (Jan 2022-Oct 2025) that counts as full support in alignment",
        source=(
            "Denmark and the Baltic states gave 1.6-2.8 % of GDP, most donors 0.2-0.7 % (Kiel via "
            "PIIE)"
        ),
        low=0.05,
        high=5.0,
    )
    # --- threat and the United States ---------------------------------------------------
    threat_initial = RealParameter(
        default=0.6,
        unit="index 0-1",
        group="threat",
        help="level of the Russian threat at step 0",
        source="modelling assumption: full-scale war ongoing in 2026, below an open attack on NATO",
        low=0.0,
        high=1.0,
    )
    threat_mean = RealParameter(
        default=0.5,
        unit="index 0-1",
        group="threat",
        help="long-run level the threat reverts to (T_bar)",
        source="modelling assumption",
        low=0.0,
        high=1.0,
    )
    threat_reversion = RealParameter(
        default=0.1,
        unit="per quarter",
        group="threat",
        help="speed at which the threat reverts to its mean (rho)",
        source="modelling assumption: half-life of about 7 quarters",
        low=0.0,
        high=1.0,
    )
    threat_volatility = RealParameter(
        default=0.05,
        unit="index per quarter",
        group="threat",
        help="standard deviation of the quarterly threat shock (sigma)",
        source="modelling assumption",
        low=0.0,
        high=0.5,
    )
    deterrence_effect = RealParameter(
        default=0.05,
        unit="index per quarter",
        group="threat",
        help="threat reduction per quarter at full coalition credibility (kappa)",
        source="modelling assumption: deterrence by denial lowers the threat slowly",
        low=0.0,
        high=0.5,
    )
    base_aggression = RealParameter(
        default=0.15,
        unit="probability per quarter",
        group="threat",
        help="probability of an aggression event per quarter at threat 1 and credibility 0",
        source="modelling assumption: sabotage, airspace and hybrid incidents of 2023-2025",
        low=0.0,
        high=1.0,
    )
    aggression_threat_jump = RealParameter(
        default=0.08,
        unit="index",
        group="threat",
        help="rise of the threat after an aggression event",
        source="modelling assumption",
        low=0.0,
        high=1.0,
    )
    failed_response_jump = RealParameter(
        default=0.05,
        unit="index",
        group="threat",
        help="extra rise of the threat when less than half the members respond to an attack on one",
        source="modelling assumption: a failed test emboldens the aggressor",
        low=0.0,
        high=1.0,
    )
    us_commitment = RealParameter(
        default=0.8,
        unit="share 0-1",
        group="us",
        help="US commitment to European defence at step 0 (u_0)",
        source="modelling assumption: US still in NATO but openly conditional (2025)",
        low=0.0,
        high=1.0,
    )
    us_withdrawal_step = IntegerParameter(
        default=None,
        unit="step",
        group="us",
        help="step at which the US starts withdrawing ('never' for no withdrawal)",
        source="scenario lever",
        low=0,
        high=400,
        optional=True,
    )
    us_commitment_after = RealParameter(
        default=0.0,
        unit="share 0-1",
        group="us",
        help="US commitment once the withdrawal is complete",
        source="scenario lever: 0 is a full withdrawal",
        low=0.0,
        high=1.0,
    )
    us_withdrawal_quarters = IntegerParameter(
        default=4,
        unit="quarters",
        group="us",
        help="duration of the withdrawal (linear decline)",
        source="modelling assumption: a one-year drawdown",
        low=1,
        high=40,
    )
    us_guarantee_weight = RealParameter(
        default=0.6,
        unit="share 0-1",
        group="us",
        help="share of a NATO member's perceived threat removed by a full US guarantee (g)",
        source="modelling assumption",
        low=0.0,
        high=1.0,
    )
    us_europe_share = RealParameter(
        default=0.1,
        unit="share of US spending",
        group="us",
        help="share of US defence spending committed to Europe at full commitment",
        source="modelling assumption: EUCOM and rotational forces, about a tenth of the US budget",
        low=0.0,
        high=1.0,
    )
    # --- applications --------------------------------------------------------------------
    w_threat = RealParameter(
        default=1.5,
        unit="utility per unit",
        group="utility",
        help="weight of perceived threat times protection gained in the utility of joining",
        source="modelling assumption",
        low=0.0,
        high=10.0,
    )
    w_cost = RealParameter(
        default=1.0,
        unit="utility per unit",
        group="utility",
        help="weight of the spending burden (gap to the spending floor, as a share of the floor)",
        source="modelling assumption",
        low=0.0,
        high=10.0,
    )
    w_affinity = RealParameter(
        default=0.5,
        unit="utility per unit",
        group="utility",
        help="weight of affinity: member neighbours and alignment similarity to members",
        source="modelling assumption",
        low=0.0,
        high=10.0,
    )
    w_align = RealParameter(
        default=0.3,
        unit="utility per unit",
        group="utility",
        help="weight of the state's own alignment",
        source="modelling assumption",
        low=0.0,
        high=10.0,
    )
    w_entrap = RealParameter(
        default=0.6,
        unit="utility per unit",
        group="utility",
        help="weight of the fear of entrapment, larger for distant states",
        source="modelling assumption (Snyder 1984, the alliance security dilemma)",
        low=0.0,
        high=10.0,
    )
    w_neutral = RealParameter(
        default=1.0,
        unit="utility per unit",
        group="utility",
        help="weight of a state's military neutrality against joining",
        source=(
            "Austria's constitutional neutrality (1955), Ireland's military neutrality (the "
            "'triple lock'), Malta (1981), Switzerland (1815), Moldova (constitution art. 11), "
            "Serbia (2007); european_states.csv"
        ),
        low=0.0,
        high=10.0,
    )
    affinity_ties_weight = RealParameter(
        default=1.0,
        unit="weight",
        group="utility",
        help=(
            "weight of institutional ties to the core in affinity (member neighbours and "
            "alignment similarity weigh 1 each)"
        ),
        source=(
            "the JEF, the Nordic-Baltic Eight, the E5, Weimar+, the Sky Shield Initiative and the "
            "London coalition of the willing (observed_behaviour.csv)"
        ),
        low=0.0,
        high=10.0,
    )
    application_threshold = RealParameter(
        default=0.2,
        unit="utility",
        group="utility",
        help="utility above which an outsider applies",
        source="modelling assumption",
        low=-5.0,
        high=5.0,
    )
    application_noise = RealParameter(
        default=0.05,
        unit="utility",
        group="utility",
        help=(
            "spread of the random part of the utility of joining: an outsider applies with "
            "probability 1 / (1 + exp(-(U - threshold) / noise)) each quarter"
        ),
        source=(
            "random-utility choice (McFadden 1974); a small spread is nearly the sharp threshold "
            "of a deterministic rule"
        ),
        low=0.001,
        high=2.0,
    )
    reapply_delay = IntegerParameter(
        default=4,
        unit="quarters",
        group="utility",
        help="quarters a rejected applicant waits before it may apply again",
        source="modelling assumption",
        low=0,
        high=40,
    )
    exit_threshold = RealParameter(
        default=-0.2,
        unit="utility",
        group="utility",
        help="utility of staying below which a member considers leaving",
        source="modelling assumption",
        low=-5.0,
        high=5.0,
    )
    exit_patience = IntegerParameter(
        default=4,
        unit="quarters",
        group="utility",
        help="consecutive quarters below the exit threshold before a member leaves",
        source="modelling assumption: a year of discontent",
        low=1,
        high=40,
    )
    # --- negotiation and admission --------------------------------------------------------
    protocol = CategoricalParameter(
        default="threshold",
        unit="-",
        group="negotiation",
        help="negotiation protocol deciding on applications (see `coalition-sim protocols`)",
        source=(
            "threshold: vote on the applicant as it is; bargaining: alternating offers over the "
            "phase-in (Rubinstein 1982); landscape: switching rule (Axelrod and Bennett 1993)"
        ),
        choices=("threshold", "bargaining", "landscape"),
    )
    admission_rule = CategoricalParameter(
        default="unanimity",
        unit="-",
        group="negotiation",
        help="rule by which members decide on an applicant",
        source="unanimity as in EU and NATO accession; qmv is the EU double majority (TEU art. 16)",
        choices=("unanimity", "qmv", "majority", "core"),
    )
    qmv_member_share = RealParameter(
        default=0.55,
        unit="share of members",
        group="negotiation",
        help="qmv: share of members that must vote yes",
        source="TEU art. 16(4): 55 % of member states",
        low=0.0,
        high=1.0,
    )
    qmv_population_share = RealParameter(
        default=0.65,
        unit="share of population",
        group="negotiation",
        help="qmv: share of the members' population that the yes votes must hold",
        source="TEU art. 16(4): 65 % of the population",
        low=0.0,
        high=1.0,
    )
    vote_threshold = RealParameter(
        default=0.5,
        unit="score",
        group="negotiation",
        help="score above which a member votes yes",
        source="modelling assumption",
        low=-5.0,
        high=5.0,
    )
    vote_gain_weight = RealParameter(
        default=1.0,
        unit="score per unit",
        group="negotiation",
        help="weight of the applicant's gain to parity in a member's vote",
        source="modelling assumption",
        low=0.0,
        high=10.0,
    )
    vote_gain_scale = RealParameter(
        default=0.05,
        unit="parity",
        group="negotiation",
        help="gain to parity that counts as a full gain (1) in a member's vote",
        source="modelling assumption: a mid-sized state adds about 0.05 to parity",
        low=0.001,
        high=1.0,
    )
    vote_similarity_weight = RealParameter(
        default=0.5,
        unit="score per unit",
        group="negotiation",
        help="weight of alignment similarity between member and applicant in the vote",
        source="modelling assumption",
        low=0.0,
        high=10.0,
    )
    vote_unreliability_weight = RealParameter(
        default=0.5,
        unit="score per unit",
        group="negotiation",
        help="weight of the applicant's unreliability (1 - reliability) against it",
        source="modelling assumption",
        low=0.0,
        high=10.0,
    )
    vote_exposure_weight = RealParameter(
        default=0.5,
        unit="score per unit",
        group="negotiation",
        help="weight of the voting member's own exposure to Russia (exposed members want allies)",
        source="modelling assumption",
        low=0.0,
        high=10.0,
    )
    vote_friction_weight = RealParameter(
        default=1.0,
        unit="score per unit",
        group="negotiation",
        help="score a member takes off an applicant per unit of friction between them",
        source=(
            "standing disputes graded in frictions.csv: Greece and Cyprus with Turkey, Hungary "
            "with Ukraine, Serbia with Kosovo, ..."
        ),
        low=0.0,
        high=10.0,
    )
    veto_propensity = RealParameter(
        default=0.5,
        unit="probability per unit distance",
        group="negotiation",
        help="probability that an unreliable member vetoes, per unit of alignment distance",
        source="modelling assumption: Hungary's record of blocking EU decisions on Ukraine",
        low=0.0,
        high=1.0,
    )
    # --- bargaining protocol ------------------------------------------------------------------
    bargaining_rounds = IntegerParameter(
        default=4,
        unit="rounds",
        group="bargaining",
        help="bargaining: largest number of alternating offers over the phase-in",
        source=(
            "modelling assumption: a handful of negotiating sessions (Stahl 1972's bounded game)"
        ),
        low=1,
        high=50,
    )
    bargaining_discount_applicant = RealParameter(
        default=0.85,
        unit="factor per round",
        group="bargaining",
        help="bargaining: the applicant's discount factor per round of delay",
        source="modelling assumption: an exposed applicant is less patient than the coalition",
        low=0.0,
        high=1.0,
    )
    bargaining_discount_coalition = RealParameter(
        default=0.95,
        unit="factor per round",
        group="bargaining",
        help="bargaining: the coalition's discount factor per round of delay",
        source="modelling assumption: the incumbent members can wait",
        low=0.0,
        high=1.0,
    )
    bargaining_max_phase_in_years = RealParameter(
        default=10.0,
        unit="years",
        group="bargaining",
        help="bargaining: longest phase-in of the spending floor the coalition may grant",
        source="the Hague pledge (2025) gives its members ten years to reach 3.5 % of GDP",
        low=0.25,
        high=30.0,
    )
    bargaining_delay_weight = RealParameter(
        default=0.5,
        unit="score per standard phase-in",
        group="bargaining",
        help="bargaining: vote score a member takes off per standard phase-in of extra delay",
        source=(
            "modelling assumption: doubling the phase-in costs as much as a full gain to parity "
            "is worth half"
        ),
        low=0.0,
        high=10.0,
    )
    breach_tolerance_pct = RealParameter(
        default=0.25,
        unit="% of GDP",
        group="bargaining",
        help="bargaining: shortfall below a negotiated commitment path that counts as a breach",
        source=(
            "modelling assumption: more than a quarter's full ramp (ramp_rate) behind, so a "
            "single missed quarter is not yet a breach"
        ),
        low=0.0,
        high=5.0,
    )
    breach_cohesion_penalty = RealParameter(
        default=0.05,
        unit="cohesion",
        group="bargaining",
        help="bargaining: drop in cohesion when a member breaks its negotiated commitment",
        source="modelling assumption: one broken pledge visibly shakes confidence in the others",
        low=0.0,
        high=1.0,
    )
    breach_penalty_decay = RealParameter(
        default=0.8,
        unit="factor per quarter",
        group="bargaining",
        help="bargaining: share of the breach penalty on cohesion still felt a quarter later",
        source="modelling assumption: half-life of about three quarters",
        low=0.0,
        high=1.0,
    )
    # --- landscape protocol and the Europe landscape ------------------------------------------
    landscape_exposure_weight = RealParameter(
        default=1.0,
        unit="propensity per unit",
        group="landscape",
        help="landscape: weight of shared exposure to Russia in the propensity of two actors",
        source="Axelrod and Bennett (1993) weigh common threats; exposure is the model's proximity",
        low=-10.0,
        high=10.0,
    )
    landscape_alignment_weight = RealParameter(
        default=1.0,
        unit="propensity per unit",
        group="landscape",
        help="landscape: weight of alignment similarity (1 - |a_i - a_j|) in the propensity",
        source="Axelrod and Bennett (1993) weigh ideology; here the UNGA votes on Ukraine",
        low=-10.0,
        high=10.0,
    )
    landscape_border_weight = RealParameter(
        default=0.5,
        unit="propensity per border",
        group="landscape",
        help="landscape: propensity added by a shared land or sea border between European states",
        source="modelling assumption: neighbours defend a common front (borders.csv)",
        low=-10.0,
        high=10.0,
    )
    landscape_eu_weight = RealParameter(
        default=0.5,
        unit="propensity per pair",
        group="landscape",
        help="landscape: propensity added when both states are EU members",
        source="modelling assumption: the EU's mutual-assistance clause (TEU art. 42(7))",
        low=-10.0,
        high=10.0,
    )
    landscape_nato_weight = RealParameter(
        default=0.5,
        unit="propensity per pair",
        group="landscape",
        help="landscape: propensity added when both states are NATO members",
        source="modelling assumption: NATO's collective defence (art. 5) and shared planning",
        low=-10.0,
        high=10.0,
    )
    landscape_friction_weight = RealParameter(
        default=1.0,
        unit="propensity per unit",
        group="landscape",
        help="landscape: propensity taken off per unit of friction between two states",
        source="the same frictions as the votes (frictions.csv)",
        low=-10.0,
        high=10.0,
    )
    # --- spending and commitments -----------------------------------------------------------
    spending_floor_pct = RealParameter(
        default=3.5,
        unit="% of GDP",
        group="spending",
        help="the coalition's spending floor that members commit to reach",
        source="The Hague Summit Declaration (25 Jun 2025): 3.5 % core defence by 2035",
        low=0.0,
        high=10.0,
    )
    phase_in_years = RealParameter(
        default=5.0,
        unit="years",
        group="spending",
        help="years a new member has to reach the spending floor",
        source="modelling assumption; the Hague pledge gives ten years from 2025",
        low=0.25,
        high=20.0,
    )
    threat_response = RealParameter(
        default=3.0,
        unit="% of GDP per unit threat",
        group="spending",
        help="rise of the desired defence burden per unit of perceived threat",
        source="modelling assumption: frontline states spent 3-4 % of GDP in 2024",
        low=0.0,
        high=20.0,
    )
    ramp_rate = RealParameter(
        default=0.25,
        unit="% of GDP per quarter",
        group="spending",
        help="largest change of a state's defence burden in one quarter",
        source="modelling assumption: one point of GDP a year, Poland's pace in 2022-2024",
        low=0.0,
        high=5.0,
    )
    max_defence_pct = RealParameter(
        default=10.0,
        unit="% of GDP",
        group="spending",
        help="ceiling of the defence burden of a state at peace",
        source="modelling assumption; Ukraine at war (34.5 %) keeps its own level",
        low=1.0,
        high=50.0,
    )
    readiness = RealParameter(
        default=1.0,
        unit="share 0-1",
        group="strength",
        help="share of spending that yields usable capability",
        source="modelling assumption: 1 counts all spending",
        low=0.0,
        high=1.0,
    )
    adversary_ppp_factor = RealParameter(
        default=3.0,
        unit="multiplier",
        group="strength",
        help="purchasing-power multiplier of Russian and Belarusian spending",
        source=(
            "SIPRI and IISS PPP estimates put Russian spending at 2.5-3.5 times its dollar value"
        ),
        low=1.0,
        high=6.0,
    )
    adversary_readiness = RealParameter(
        default=1.0,
        unit="share 0-1",
        group="strength",
        help="share of the adversary's spending that yields usable capability",
        source=(
            "the adversary's counterpart of readiness, so that both sides are treated alike; 1 "
            "counts all spending (at least 0.1: parity is a ratio to it)"
        ),
        low=0.1,
        high=1.0,
    )
    ukraine_ppp_factor = RealParameter(
        default=2.0,
        unit="multiplier",
        group="strength",
        help="purchasing-power multiplier of Ukraine's own defence spending",
        source=(
            "the reasoning of adversary_ppp_factor: about 30 % of what Ukraine's forces use is "
            "made at home (ukraine_industry_facts.csv) at 3-5 times lower cost (Chupryna 2025), "
            "0.3 x 4 + 0.7 x 1 = 1.9"
        ),
        low=1.0,
        high=6.0,
    )
    adversary_growth_pct = RealParameter(
        default=0.0,
        unit="% per year",
        group="strength",
        help="real growth of Russian and Belarusian defence spending",
        source="modelling assumption: a plateau after the 2024 peak",
        low=-20.0,
        high=20.0,
    )
    industry_weight = RealParameter(
        default=0.1,
        unit="share",
        group="strength",
        help="capability bonus of the largest domestic arms industry (SIPRI Top 100 revenue)",
        source="modelling assumption: a home industry sustains forces in a long war",
        low=0.0,
        high=1.0,
    )
    nuclear_discount = RealParameter(
        default=0.8,
        unit="multiplier",
        group="strength",
        help="credibility multiplier when no nuclear power (France, UK) is a member",
        source="modelling assumption",
        low=0.0,
        high=1.0,
    )
    ukraine_experience_multiplier = RealParameter(
        default=1.25,
        unit="multiplier",
        group="strength",
        help="combat-experience multiplier of Ukraine's contribution to strength",
        source="modelling assumption: the only European force with large-scale war experience",
        low=1.0,
        high=3.0,
    )
    # --- Ukraine's industry ----------------------------------------------------------------
    ukraine_investment_share = RealParameter(
        default=0.003,
        unit="share of spending",
        group="ukraine",
        help=(
            "share of members' (other than Ukraine's) defence spending invested in Ukraine's "
            "industry"
        ),
        source=(
            "the 'Danish model' of buying from Ukrainian firms: EUR 1.3-1.4 bn in 2025 (Umerov, "
            "Jun 2025; Poulsen, Aug 2025), about 0.3 % of European defence spending"
        ),
        low=0.0,
        high=0.5,
    )
    cost_advantage = RealParameter(
        default=(FACTS["production_cost_advantage_min"] + FACTS["production_cost_advantage_max"])
        / 2,
        unit="multiplier",
        group="ukraine",
        help="European-equivalent dollars of output per dollar invested in Ukraine's industry",
        source="Chupryna (2025), LSE EUROPP: production costs 3-5 times lower than in Europe",
        low=1.0,
        high=10.0,
    )
    ukraine_capacity_usd_bn = RealParameter(
        default=FACTS["ukraine_defence_industrial_capacity_usd_bn"],
        unit="USD bn per year",
        group="ukraine",
        help="production potential of Ukraine's defence industry",
        source="Minister Smetanin, 13 May 2025: capacity of USD 35 bn",
        low=1.0,
        high=200.0,
    )
    ukraine_utilisation_initial = RealParameter(
        default=FACTS["industry_capacity_utilisation_share"],
        unit="share 0-1",
        group="ukraine",
        help="share of Ukraine's industrial capacity in use at step 0",
        source="Chupryna (2025), LSE EUROPP: about one third of capacity",
        low=0.0,
        high=1.0,
    )
    ukraine_absorption_quarters = RealParameter(
        default=4.0,
        unit="quarters",
        group="ukraine",
        help="time constant for new investment to become production",
        source="modelling assumption: contracts to deliveries in about a year",
        low=1.0,
        high=40.0,
    )
    ukraine_drones_initial_m = RealParameter(
        default=FACTS["drones_produced_2024"] / 1e6,
        unit="million per year",
        group="ukraine",
        help="drone output at the initial utilisation",
        source="Umerov (Dec 2024) and Chupryna (2025): 1.5 million drones produced in 2024",
        low=0.0,
        high=50.0,
        reporting_only=True,
    )
    ukraine_war_defence_pct = RealParameter(
        default=27.2,
        unit="% of GDP",
        group="ukraine",
        help="Ukraine's defence burden while the war goes on",
        source=(
            "2026 state budget: 27.2 % of GDP for the army and defence (Rada, 3 Dec 2025; "
            "ukraine_war_economy.csv)"
        ),
        low=0.0,
        high=60.0,
    )
    ukraine_ceasefire_step = IntegerParameter(
        default=12,
        unit="step",
        group="ukraine",
        help=(
            "step at which a ceasefire lets Ukraine's burden fall to its post-war level ('never' "
            "for a war through the horizon)"
        ),
        source="scenario lever; modelling assumption: a ceasefire by the end of 2028",
        low=0,
        high=400,
        optional=True,
    )
    ukraine_postwar_defence_pct = RealParameter(
        default=8.0,
        unit="% of GDP",
        group="ukraine",
        help="Ukraine's defence burden after a ceasefire",
        source=(
            "modelling assumption: a large standing army, between Israel's 4.5-5 % and war "
            "levels; 3.2 % in 2021 (ukraine_war_economy.csv)"
        ),
        low=0.0,
        high=60.0,
    )
    ukraine_adjustment_quarters = RealParameter(
        default=4.0,
        unit="quarters",
        group="ukraine",
        help="time constant for Ukraine's burden to move to its war or post-war level",
        source=(
            "the move from the 2025 outturn (40 %, SIPRI) to the 2026 budget (27.2 %) in about a "
            "year"
        ),
        low=1.0,
        high=40.0,
    )
    ukraine_gdp_growth_pct = RealParameter(
        default=2.5,
        unit="% per year",
        group="ukraine",
        help="real growth of Ukraine's GDP, which its defence burden is a share of",
        source="IMF forecast for 2025: 2.5 % (360ua.news, Oct 2024); 3.0 % in 2024",
        low=-20.0,
        high=20.0,
    )


#: The calibration shipped with the package (``coalition-sim calibrate --store``).
CALIBRATION_FILE = "calibration.json"


def calibrated_defaults() -> dict[str, tuple[float, str]]:
    """The posterior median of each fitted parameter, with a line saying where it is from.

    Read from the packaged ``data/calibration.json``; rounded to three significant
    digits, so that the defaults read well in tables and scenario files. Empty when the
    package holds no calibration.
    """
    path = DATA_DIR / CALIBRATION_FILE
    if not path.is_file():
        return {}
    stored = json.loads(path.read_text())
    accepted = stored["accepted"]
    out = {}
    for name in stored["parameters"]:
        median = float(np.median([row[name] for row in accepted]))
        value = float(f"{median:.3g}")
        note = (
            f"calibrated: posterior median of {len(accepted)} accepted sets of "
            f"{stored['samples']} (coalition-sim calibrate, seed {stored['seed']}; "
            "data/calibration.json)"
        )
        out[name] = (value, note)
    return out


def _apply_calibration() -> None:
    """Give each calibrated parameter its posterior median as default, and say so."""
    for name, (value, note) in calibrated_defaults().items():
        declared = ModelParameters.declared()[name]
        calibrated = replace(
            declared, default=value, source=f"{note}; prior centred on: {declared.source}"
        )
        setattr(ModelParameters, name, calibrated)
        ModelParameters._declared[name] = calibrated


_apply_calibration()

#: Every parameter by name, in declaration order.
SCHEMA: Mapping[str, Parameter] = MappingProxyType(ModelParameters.declared())
