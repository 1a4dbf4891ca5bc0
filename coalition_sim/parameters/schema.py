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

from coalition_sim.datasets import DATA_DIR, packaged_military, packaged_ukraine_facts
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
        "reliability": (0.0, 1.0, "probability of responding when an ally is attacked"),
        "commitment_keeping": (0.0, 1.0, "probability of keeping to its spending path a quarter"),
        "proximity": (0.0, 1.0, "exposure to Russia"),
        "defence_pct_gdp": (0.0, 50.0, "starting defence spending, % of GDP"),
    }
)

FOUNDERS = ("EST", "LVA", "LTU", "FIN", "SWE", "NOR", "DNK", "ISL", "POL", "UKR")

#: Ukraine's industry in figures (``data/ukraine_industry_facts.csv``): the defaults of
#: the Ukraine parameters are read from it, so the file is their one source.
FACTS = packaged_ukraine_facts()
#: The military data (``data/nato_spending_series.csv`` and the files beside it): some
#: defaults are read from it, so the files are their one source.
MILITARY = packaged_military()


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
        default=0.745,
        unit="probability",
        group="actors",
        help="probability that a member responds when an ally is attacked (Article 5)",
        source="Leeds, Long and Mitchell (2000): 74.5 % of alliance commitments honoured when "
        "war came",
        low=0.0,
        high=1.0,
    )
    commitment_keeping = RealParameter(
        default=0.75,
        unit="probability",
        group="actors",
        help="probability that a member keeps to its spending path in a quarter",
        source="prior centred on Leeds et al.'s 74.5 %; fitted to the honoured share by the "
        "calibration",
        low=0.0,
        high=1.0,
    )
    unreliable_commitment_keeping = RealParameter(
        default=0.5,
        unit="probability",
        group="actors",
        help="probability that a member of the unreliable set keeps to its spending path "
        "in a quarter",
        source="modelling assumption: below the others, though Hungary met 2 % of GDP in "
        "2024 (NATO): its record is in votes more than in spending",
        low=0.0,
        high=1.0,
        plausible=(0.3, 0.75),
    )
    unreliable_reliability = RealParameter(
        default=0.35,
        unit="probability",
        group="actors",
        help="reliability of the unreliable set (their chance of responding to an attack)",
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
    power_weight = RealParameter(
        default=1.0,
        unit="exponent",
        group="threat",
        help="how strongly the perceived threat rises with Russia's forces over all of "
        "Europe's (A ** w; 0: power does not threaten)",
        source="Walt (1987), The Origins of Alliances: states balance against threat, of which "
        "aggregate power and offensive power both grow with Russia's forces (2 counts both, "
        "1 one of them); fitted by the calibration",
        low=0.0,
        high=4.0,
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
    us_troops_k = RealParameter(
        default=84.0,
        unit="thousand troops",
        group="us",
        help="US troops stationed in Europe at full commitment",
        source="CFR (Feb 2025) citing EUCOM: nearly 84,000 in early 2025; about 100,000 after the "
        "2022 surge (CRS), about 65,000 in 2018",
        low=0.0,
        high=400.0,
        plausible=(65.0, 100.0),
    )
    us_reinforcement_k = RealParameter(
        default=200.0,
        unit="thousand troops",
        group="us",
        help="US reinforcements NATO's plans expect in a war in Europe, at full commitment",
        source="RAND (2024) as quoted by Bruegel/Kiel (Feb 2025): 100,000 stationed plus up to "
        "200,000 reinforcements",
        low=0.0,
        high=400.0,
        plausible=(100.0, 200.0),
    )
    us_equipment_ratio = RealParameter(
        default=round(float(MILITARY.us_equipment_per_soldier_ratio), 2),
        unit="multiplier",
        group="us",
        help="equipment per US soldier relative to a European soldier's",
        source="NATO defence expenditure tables (Jun 2024): cumulative equipment spending "
        "2014-2024 per 2024 personnel, US over the European Allies (data/SOURCES.md)",
        low=0.5,
        high=10.0,
        plausible=(2.0, 5.0),
    )
    european_nuclear_cover = RealParameter(
        default=0.4,
        unit="share 0-1",
        group="us",
        help="how far French and British arsenals inside the coalition replace the US umbrella",
        source="judgement: 515 French and British warheads against 5,177 US (SIPRI Yearbook "
        "2025); France offered a debate on a European role (Mar 2025), the Northwood "
        "declaration coordinated the two (Jul 2025); no declared extended deterrence",
        low=0.0,
        high=1.0,
        plausible=(0.2, 0.7),
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
        default=0.01,
        unit="chance",
        group="negotiation",
        help="gain in the coalition's chance of holding off Russia (times the power factor) "
        "that counts as a full gain (1) in a member's vote",
        source="modelling assumption: a mid-sized state (the Netherlands) adds about 0.01, "
        "the median applicant a few thousandths",
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
    extra_spending_usd_bn = RealParameter(
        default=0.0,
        unit="USD bn/yr at 2024 prices",
        group="spending",
        help="defence spending the members add together each year beyond their burdens, "
        "shared by GDP (a policy lever: what closing a gap costs)",
        source="policy lever; Bruegel/Kiel (Feb 2025) put Europe's need without the US at "
        "about EUR 250 bn a year more",
        low=0.0,
        high=2000.0,
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
    # --- capability: stocks of equipment, readiness, enablers, integration ------------------
    land_share = RealParameter(
        default=0.40,
        unit="share of equipment spending",
        group="capability",
        help="share of equipment spending on land forces (armour, artillery, munitions)",
        source="judgement from the UK equipment plans (Army 36 % of 2021-31; land and weapons "
        "19 % of 2013) and continental armies' larger land share; the rest of 100 % with air "
        "and enablers is naval and nuclear, outside the land-and-air balance",
        low=0.0,
        high=1.0,
        plausible=(0.30, 0.50),
    )
    air_share = RealParameter(
        default=0.30,
        unit="share of equipment spending",
        group="capability",
        help="share of equipment spending on combat aircraft and air and missile defence",
        source="judgement from the UK equipment plans (Air Command 31 % of 2021-31; combat air "
        "15 % of 2013)",
        low=0.0,
        high=1.0,
        plausible=(0.20, 0.40),
    )
    enabler_share = RealParameter(
        default=0.10,
        unit="share of equipment spending",
        group="capability",
        help="share of equipment spending on enablers (ISR, command, tankers, lift, SEAD)",
        source="judgement: UK tankers and transport 11 % of the 2013 plan; Europe's tankers "
        "are a handful against 605 US ones (FlightGlobal 2025)",
        low=0.0,
        high=1.0,
        plausible=(0.05, 0.15),
    )
    equipment_share_default = RealParameter(
        default=0.25,
        unit="share of spending",
        group="capability",
        help="equipment share of spending of states NATO does not report (non-Allies)",
        source="EDA Defence Data: EU equipment procurement 22-26 % of total in 2023-2024; NATO "
        "Europe 32 % in 2024 (data/nato_spending_series.csv)",
        low=0.0,
        high=1.0,
        plausible=(0.15, 0.35),
    )
    land_depreciation_pct = RealParameter(
        default=8.0,
        unit="% a year",
        group="capability",
        help="yearly loss of value of land equipment and munitions (wear, obsolescence)",
        source="judgement: guns of 75-125 mm have a 25-year life (DLA); munitions are used up "
        "in training; BEA depreciates civil aircraft at 8.25 % a year",
        low=0.0,
        high=50.0,
        plausible=(5.0, 12.0),
    )
    air_depreciation_pct = RealParameter(
        default=6.0,
        unit="% a year",
        group="capability",
        help="yearly loss of value of combat aircraft and air defence",
        source="judgement: BEA rates for civil aircraft (8.25 %) and ships (6.1 %); combat "
        "aircraft serve 30-40 years",
        low=0.0,
        high=50.0,
        plausible=(4.0, 9.0),
    )
    enabler_depreciation_pct = RealParameter(
        default=6.0,
        unit="% a year",
        group="capability",
        help="yearly loss of value of enablers (aircraft, satellites, command systems)",
        source="judgement, as air equipment",
        low=0.0,
        high=50.0,
        plausible=(4.0, 9.0),
    )
    land_lag_years = RealParameter(
        default=2.0,
        unit="years",
        group="capability",
        help="mean time from paying for land equipment to its delivery",
        source="new Leopard 2 tanks 12-24 months after order (Vincorion 2023); European orders "
        "3+ years late (Kiel, Jun 2025)",
        low=0.25,
        high=10.0,
        plausible=(1.0, 3.5),
    )
    air_lag_years = RealParameter(
        default=4.0,
        unit="years",
        group="capability",
        help="mean time from paying for aircraft and air defence to its delivery",
        source="German major projects 52 months late on first approval (BMVg, 2021); Patriot "
        "and SAMP/T deliveries of several years",
        low=0.25,
        high=10.0,
        plausible=(2.5, 6.0),
    )
    enabler_lag_years = RealParameter(
        default=4.0,
        unit="years",
        group="capability",
        help="mean time from paying for enablers to their delivery",
        source="analysts: 5-10 years for Europe to be self-sufficient in C2, SEAD and space ISR "
        "(Defense News survey, 2025)",
        low=0.25,
        high=10.0,
        plausible=(2.5, 6.0),
    )
    readiness = RealParameter(
        default=0.70,
        unit="share 0-1",
        group="capability",
        help="share of European equipment ready to fight at the start",
        source="Bundeswehr materiel readiness 74-77 % against a 70 % target (BMVg, 2020-21); "
        "NATO's allies 30 % short of their capability targets (SACT Vandier, 2025)",
        low=0.05,
        high=1.0,
        plausible=(0.55, 0.85),
    )
    readiness_elasticity = RealParameter(
        default=0.5,
        unit="elasticity",
        group="capability",
        help="how readiness follows upkeep (people, training, operations) per unit of stock",
        source="judgement: readiness rises with training and operations money and falls "
        "without it, less than one for one",
        low=0.0,
        high=2.0,
        plausible=(0.2, 1.0),
    )
    readiness_quarters = RealParameter(
        default=8.0,
        unit="quarters",
        group="capability",
        help="time constant of readiness moving to what upkeep funds",
        source="judgement: training cycles and maintenance backlogs of one to three years",
        low=1.0,
        high=40.0,
        plausible=(4.0, 16.0),
    )
    personnel_quarters = RealParameter(
        default=12.0,
        unit="quarters",
        group="capability",
        help="time constant of personnel moving to the crews its equipment needs",
        source="judgement: recruitment and training of new soldiers takes years (Bruegel/Kiel "
        "2025: 300,000 more troops needed)",
        low=1.0,
        high=40.0,
        plausible=(6.0, 24.0),
    )
    crew_standard = RealParameter(
        default=2.0,
        unit="multiple of Europe's mean",
        group="capability",
        help="equipment per soldier of a fully equipped force, over the European mean at the start",
        source="judgement: many European armies are short of equipment (the Bundeswehr's "
        "'hollow' units); the US fields about 4.8 times a European soldier's equipment "
        "(NATO data)",
        low=0.5,
        high=10.0,
        plausible=(1.5, 3.0),
    )
    recruitment_pct = RealParameter(
        default=4.0,
        unit="% a year",
        group="capability",
        help="fastest growth of a state's personnel to crew new equipment",
        source="NATO (Jun 2024): Poland and Lithuania grew about 8 % a year in 2014-2024, most "
        "Allies by 0-2 %; the European Allies together by 0.8 %",
        low=0.0,
        high=50.0,
        plausible=(2.0, 8.0),
    )
    enabler_adaptation = RealParameter(
        default=0.5,
        unit="share 0-1",
        group="capability",
        help="how far states move their procurement toward a self-reliant force's enabler "
        "share as the US commitment falls below its start (0: not at all, 1: all the way "
        "once the US is gone)",
        source="judgement: enablers are the first priority of the EU's 2025 White Paper on "
        "European Defence (air defence, strategic enablers, ISR, lift) and of NATO's 2025 "
        "capability targets; budgets move slowly",
        low=0.0,
        high=1.0,
        plausible=(0.2, 0.8),
    )
    enabler_need_share = RealParameter(
        default=0.33,
        unit="share of equipment spending",
        group="capability",
        help="share of equipment spending a force that provides its own enablers spends on "
        "them; Europe's enabler_share over it is the share of the enablers it needs that it has",
        source="set so that Europe has about 30 % of what it needs at the start (0.10 / 0.33): "
        "the US gave about 90 % of tanker capacity over Kosovo (1999) and most ISR, targeting "
        "and refuelling over Libya (2011); 605 US tankers against 15 French (2025)",
        low=0.01,
        high=1.0,
        plausible=(0.20, 0.67),
    )
    enabler_floor = RealParameter(
        default=0.5,
        unit="share 0-1",
        group="capability",
        help="share of combat power forces can use with no enablers at all",
        source="judgement: without ISR, lift and tankers forces fight blind and near home",
        low=0.0,
        high=1.0,
        plausible=(0.35, 0.70),
    )
    integration_nato = RealParameter(
        default=0.85,
        unit="share 0-1",
        group="capability",
        help="interoperability at the start of a NATO member's forces with the others'",
        source="judgement: NATO standards (STANAGs) and exercises, but 29 separate command "
        "chains (Bruegel/Kiel 2025)",
        low=0.0,
        high=1.0,
        plausible=(0.70, 0.95),
    )
    integration_other = RealParameter(
        default=0.60,
        unit="share 0-1",
        group="capability",
        help="interoperability at the start of a non-NATO state's forces",
        source="judgement: partners without NATO's common standards (Ukraine uses many of them "
        "by now)",
        low=0.0,
        high=1.0,
        plausible=(0.40, 0.80),
    )
    integration_rate_pct = RealParameter(
        default=10.0,
        unit="% of the gap a year",
        group="capability",
        help="how fast members close their gap to full integration, by joint training",
        source="judgement: integrated command and common doctrine take a decade",
        low=0.0,
        high=100.0,
        plausible=(5.0, 25.0),
    )
    joint_procurement_share = RealParameter(
        default=0.18,
        unit="share 0-1",
        group="capability",
        help="share of members' procurement bought jointly (speeds integration)",
        source="EDA: about 18 % of equipment procurement collaborative (2021); the EU aims at 40 % "
        "by 2030 (EDIS)",
        low=0.0,
        high=1.0,
        plausible=(0.10, 0.40),
    )
    joint_procurement_weight = RealParameter(
        default=2.0,
        unit="multiplier",
        group="capability",
        help="how much joint procurement speeds integration (1 + weight x share)",
        source="judgement: common equipment makes common logistics and training",
        low=0.0,
        high=10.0,
        plausible=(1.0, 3.0),
    )
    fragmentation_penalty = RealParameter(
        default=0.20,
        unit="share 0-1",
        group="capability",
        help="strength lost by many small separate armies against one (1 - penalty x (1 - HHI))",
        source="judgement: Bruegel/Kiel (2025) on 29 national militaries with no unified "
        "command; duplicated overheads and incompatible stocks",
        low=0.0,
        high=1.0,
        plausible=(0.10, 0.35),
    )
    cohesion_friction_weight = RealParameter(
        default=1.0,
        unit="weight",
        group="capability",
        help="how much standing frictions between members lower cohesion",
        source="modelling assumption (frictions.csv grades the disputes)",
        low=0.0,
        high=5.0,
        plausible=(0.5, 1.5),
    )
    cohesion_alignment_weight = RealParameter(
        default=0.5,
        unit="weight",
        group="capability",
        help="how much the spread of members' alignments lowers cohesion",
        source="modelling assumption",
        low=0.0,
        high=5.0,
        plausible=(0.25, 1.0),
    )
    industry_weight = RealParameter(
        default=0.1,
        unit="share",
        group="capability",
        help="extra equipment per dollar for the largest domestic arms industry",
        source="modelling assumption: buying at home costs less in margins and transport",
        low=0.0,
        high=1.0,
        plausible=(0.0, 0.2),
    )
    nuclear_discount = RealParameter(
        default=0.8,
        unit="multiplier",
        group="capability",
        help="credibility multiplier with no nuclear cover at all",
        source="modelling assumption",
        low=0.0,
        high=1.0,
        plausible=(0.6, 0.95),
    )
    # --- the adversary: Russia and Belarus -------------------------------------------------
    adversary_ppp_factor = RealParameter(
        default=3.0,
        unit="multiplier",
        group="adversary",
        help="equipment per dollar Russia buys, relative to European prices",
        source="IISS Military Balance 2025: Russia's 2024 spending USD 146 bn at market rates, "
        "462 bn at PPP (3.2); SIPRI and others 2.5-3.5",
        low=1.0,
        high=6.0,
        plausible=(2.0, 4.0),
    )
    adversary_readiness = RealParameter(
        default=0.75,
        unit="share 0-1",
        group="adversary",
        help="share of Russian equipment ready to fight",
        source="judgement: a force at war, worn but exercised; stored equipment in poor "
        "condition (IISS 2025)",
        low=0.1,
        high=1.0,
        plausible=(0.60, 0.90),
    )
    adversary_growth_pct = RealParameter(
        default=1.0,
        unit="% per year",
        group="adversary",
        help="real growth of Russia's GDP, which its defence burden is a share of",
        source="forecasts for 2025-2026: 0.6-1.6 % (IMF Jan 2026, World Bank, Bank of Russia "
        "survey); 4.3 % in 2024",
        low=-20.0,
        high=20.0,
        plausible=(0.0, 3.0),
    )
    adversary_equipment_share = RealParameter(
        default=0.45,
        unit="share of spending",
        group="adversary",
        help="share of Russian military spending on equipment",
        source="SIPRI: 55 % of the 2016 budget financed the State Armament Programme; the "
        "state defence order about half of the national defence chapter (2018-2019)",
        low=0.0,
        high=1.0,
        plausible=(0.35, 0.55),
    )
    adversary_land_share = RealParameter(
        default=0.50,
        unit="share of equipment spending",
        group="adversary",
        help="share of Russian equipment spending on land forces",
        source="judgement: a land war; 1,500 tanks and 3,000 armoured vehicles a year (NATO "
        "SG, Jun 2025)",
        low=0.0,
        high=1.0,
        plausible=(0.40, 0.60),
    )
    adversary_air_share = RealParameter(
        default=0.30,
        unit="share of equipment spending",
        group="adversary",
        help="share of Russian equipment spending on aircraft and air defence",
        source="judgement; Russia's air force largely unaffected by the war (IISS 2025)",
        low=0.0,
        high=1.0,
        plausible=(0.20, 0.40),
    )
    adversary_war_loss_pct = RealParameter(
        default=15.0,
        unit="% of land stock a year",
        group="adversary",
        help="Russian land equipment lost a year while the war in Ukraine goes on",
        source="IISS: about 1,400 tanks lost in 2024 against 2,927 in active units before the "
        "war, largely replaced from storage; set so that at the central values Russia's land "
        "stock regains its February-2022 level about two years after a ceasefire (IISS 2025: "
        "by 2027 if the war ended in mid-2025); NATO 3-5 years, Gen. Breuer 5-8",
        low=0.0,
        high=80.0,
        plausible=(8.0, 30.0),
    )
    adversary_war_defence_pct = RealParameter(
        default=7.3,
        unit="% of GDP",
        group="adversary",
        help="Russia's defence burden while the war in Ukraine goes on",
        source="IISS Military Balance 2026: 7.3 % in 2025; SIPRI 7.1 % in 2024",
        low=0.0,
        high=30.0,
        plausible=(6.5, 8.0),
    )
    adversary_postwar_defence_pct = RealParameter(
        default=5.0,
        unit="% of GDP",
        group="adversary",
        help="Russia's defence burden after a ceasefire in Ukraine",
        source="judgement: 3.7-4.1 % before the war (SIPRI 2021), rearming after it; the 2026 "
        "budget law cut national defence for the first time since 2022",
        low=0.0,
        high=30.0,
        plausible=(3.5, 7.0),
    )
    adversary_adjustment_quarters = RealParameter(
        default=8.0,
        unit="quarters",
        group="adversary",
        help="time constant of Russia's burden moving to its post-war level",
        source="judgement: budgets planned three years ahead",
        low=1.0,
        high=40.0,
        plausible=(4.0, 12.0),
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
        plausible=(3.0, 5.0),
    )
    ukraine_capacity_usd_bn = RealParameter(
        default=FACTS["ukraine_defence_industrial_capacity_usd_bn"],
        unit="USD bn per year",
        group="ukraine",
        help="production potential of Ukraine's defence industry",
        source="Minister Smetanin, 13 May 2025: capacity of USD 35 bn",
        low=1.0,
        high=200.0,
        plausible=(25.0, 45.0),
    )
    ukraine_utilisation_initial = RealParameter(
        default=FACTS["industry_capacity_utilisation_share"],
        unit="share 0-1",
        group="ukraine",
        help="share of Ukraine's industrial capacity in use at step 0",
        source="Chupryna (2025), LSE EUROPP: about one third of capacity",
        low=0.0,
        high=1.0,
        plausible=(0.25, 0.5),
    )
    ukraine_absorption_quarters = RealParameter(
        default=4.0,
        unit="quarters",
        group="ukraine",
        help="time constant for new investment to become production",
        source="modelling assumption: contracts to deliveries in about a year",
        low=1.0,
        high=40.0,
        plausible=(2.0, 8.0),
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
            "step at which the war in Ukraine ends for both sides: Ukraine's burden and army "
            "fall to their post-war levels, Russia's losses stop and its burden falls to its "
            "post-war level ('never' for a war through the horizon)"
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
        plausible=(5.0, 12.0),
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
    europe_gdp_growth_pct = RealParameter(
        default=1.2,
        unit="% per year",
        group="spending",
        help="real growth of the GDP of the European states other than Ukraine (their "
        "burdens are shares of it)",
        source="IMF World Economic Outlook (Oct 2025): euro area about 1.2 % in 2026, "
        "advanced Europe 1 to 1.5 %",
        low=-5.0,
        high=5.0,
        plausible=(0.5, 2.0),
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
    ukraine_ppp_factor = RealParameter(
        default=2.0,
        unit="multiplier",
        group="ukraine",
        help="equipment per dollar Ukraine buys with its own money, relative to European prices",
        source=(
            "the reasoning of adversary_ppp_factor: about 30 % of what Ukraine's forces use is "
            "made at home (ukraine_industry_facts.csv) at 3-5 times lower cost (Chupryna 2025), "
            "0.3 x 4 + 0.7 x 1 = 1.9"
        ),
        low=1.0,
        high=6.0,
        plausible=(1.5, 3.0),
    )
    ukraine_experience_multiplier = RealParameter(
        default=1.25,
        unit="multiplier",
        group="ukraine",
        help="readiness of Ukraine's forces relative to the others' (combat experience)",
        source="judgement: the only European force with large-scale war experience",
        low=1.0,
        high=3.0,
        plausible=(1.0, 1.5),
    )
    ukraine_equipment_share = RealParameter(
        default=0.30,
        unit="share of spending",
        group="ukraine",
        help="share of Ukraine's own defence spending on equipment",
        source="judgement: pay and allowances of 880,000 soldiers take most of the 2025 budget; "
        "weapons largely come as aid",
        low=0.0,
        high=1.0,
        plausible=(0.20, 0.40),
    )
    ukraine_aid_usd_bn = RealParameter(
        default=round(float(MILITARY.ukraine_aid_usd_bn[-1]), 1),
        unit="USD bn a year",
        group="ukraine",
        help="military aid Ukraine receives a year from the war's start on, as equipment",
        source="Kiel Ukraine Support Tracker, 2025: Europe USD 37.4 bn, the US 0.5 bn (its new "
        "aid stopped; 2022-2024 averaged 45 bn from all donors; data/ukraine_aid.csv)",
        low=0.0,
        high=200.0,
        plausible=(25.0, 60.0),
    )
    ukraine_war_loss_pct = RealParameter(
        default=15.0,
        unit="% of land stock a year",
        group="ukraine",
        help="Ukrainian land equipment lost a year while the war goes on",
        source="judgement: visually confirmed Ukrainian losses about a third of Russia's "
        "(Oryx), on a smaller stock",
        low=0.0,
        high=80.0,
        plausible=(5.0, 30.0),
    )
    ukraine_postwar_personnel_k = RealParameter(
        default=800.0,
        unit="thousand troops",
        group="ukraine",
        help="the size of Ukraine's armed forces after a ceasefire",
        source="Paris Declaration of the coalition of the willing (Jan 2026): an 800,000-strong "
        "force; the 28-point plan (Nov 2025) would cap it at 600,000",
        low=0.0,
        high=2000.0,
        plausible=(600.0, 880.0),
    )
    ukraine_capacity_growth = RealParameter(
        default=0.5,
        unit="USD of capacity per USD",
        group="ukraine",
        help="yearly capacity Ukraine's industry adds per dollar invested beyond its idle part",
        source="judgement: capacity grew from USD 12 bn (early 2024) to 35 bn (May 2025, "
        "Smetanin) with a few bn of outside money",
        low=0.0,
        high=5.0,
        plausible=(0.2, 1.0),
    )
    ukraine_marginal_cost = RealParameter(
        default=0.5,
        unit="multiplier",
        group="ukraine",
        help="how the cost of output rises as the industry fills (cost x (1 + m x use squared))",
        source="judgement: scarce engineers, parts and sites as utilisation nears full",
        low=0.0,
        high=5.0,
        plausible=(0.0, 1.5),
    )
    ukraine_strike_loss_pct = RealParameter(
        default=10.0,
        unit="% of capacity a year",
        group="ukraine",
        help="industrial capacity Russian strikes destroy a year while the war goes on",
        source="judgement: missile and drone strikes on plants; much production dispersed",
        low=0.0,
        high=80.0,
        plausible=(0.0, 25.0),
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
