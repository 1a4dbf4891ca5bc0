"""The scenario schema: every parameter of the model, declared once.

Each :class:`Parameter` carries its type, unit, default, allowed range, a one-line help
and a source or rationale. The CLI (``--set``), scenario TOML files, the dashboard's
controls and the sweep samplers all read this one table, so a parameter added here is
usable everywhere and validated the same way.

A :class:`Scenario` is a validated, immutable set of values for every parameter plus
per-state overrides of traits (for example the reliability of one ISO3 code).
"""

from __future__ import annotations

import json
import math
import numbers
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import numpy as np

from coalition_sim.datasets import packaged_ukraine_facts
from coalition_sim.errors import InputError

Kind = Literal["float", "int", "bool", "choice", "iso3_list"]

#: Traits of one state that a scenario may override, with their allowed range.
STATE_TRAITS: Mapping[str, tuple[float, float, str]] = MappingProxyType(
    {
        "alignment": (-1.0, 1.0, "orientation toward the Western/Ukrainian side"),
        "reliability": (0.0, 1.0, "probability of honouring a commitment when called on"),
        "proximity": (0.0, 1.0, "exposure to Russia"),
        "defence_pct_gdp": (0.0, 50.0, "starting defence spending, % of GDP"),
    }
)

#: Words that mean "no value" for an optional parameter (``us_withdrawal_step = "never"``).
NEVER = frozenset({"never", "none", ""})

#: Prefix of per-state override names: ``state.HUN.reliability``.
STATE_PREFIX = "state."


@dataclass(frozen=True)
class Parameter:
    """One model parameter: what it means, its unit, and what values are allowed."""

    name: str
    kind: Kind
    default: Any
    unit: str
    help: str
    source: str
    group: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    optional: bool = False
    min_items: int = 0
    #: Changes what is reported (a displayed figure) but no outcome the model computes.
    reporting_only: bool = False

    def describe_allowed(self) -> str:
        """Say in a few words which values are allowed, for error messages and help."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "iso3_list":
            return "a list of ISO3 codes such as EST,LVA"
        if self.kind == "int":
            text = f"int in [{int(self.low)}, {int(self.high)}]"
        else:
            text = f"float in [{self.low:g}, {self.high:g}]"
        return text + (" or 'never'" if self.optional else "")

    def parse(self, text: str) -> Any:
        """Turn a command-line string into a value, then validate it."""
        raw = text.strip()
        if self.optional and raw.lower() in NEVER:
            return None
        if self.kind == "iso3_list":
            return self.validate([code for code in raw.replace(" ", ",").split(",") if code])
        if self.kind == "bool":
            lowered = raw.lower()
            if lowered in {"true", "1", "yes", "on"}:
                return True
            if lowered in {"false", "0", "no", "off"}:
                return False
            raise InputError(f"{self.name}: '{text}' is not a boolean; allowed: true or false")
        if self.kind in {"int", "float"}:
            try:
                # ints parse exactly (63-bit seeds must survive), then as floats ("1e3")
                number = int(raw) if self.kind == "int" and _is_int_text(raw) else float(raw)
            except ValueError:
                raise InputError(
                    f"{self.name}: '{text}' is not a number; allowed: {self.describe_allowed()}"
                ) from None
            return self.validate(number)
        return self.validate(raw)

    def validate(self, value: Any) -> Any:
        """Return ``value`` normalised to this parameter's type, or raise InputError."""
        allowed = self.describe_allowed()
        if self.optional and isinstance(value, str) and value.strip().lower() in NEVER:
            value = None
        if value is None:
            if self.optional:
                return None
            raise InputError(f"{self.name}: a value is required; allowed: {allowed}")
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            raise InputError(f"{self.name}: {value!r} is not a boolean; allowed: {allowed}")
        if self.kind == "choice":
            if isinstance(value, str) and value in self.choices:
                return value
            raise InputError(f"{self.name}: {value!r} is not allowed; allowed: {allowed}")
        if self.kind == "iso3_list":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, (list, tuple)):
                raise InputError(f"{self.name}: {value!r} is not a list; allowed: {allowed}")
            codes = []
            for code in value:
                if not (isinstance(code, str) and len(code) == 3 and code.isalpha()):
                    raise InputError(
                        f"{self.name}: {code!r} is not an ISO3 code; allowed: {allowed}"
                    )
                if code.upper() not in codes:
                    codes.append(code.upper())
            if len(codes) < self.min_items:
                raise InputError(f"{self.name}: at least {self.min_items} state(s) required")
            return tuple(codes)
        # numbers: Python and numpy numbers alike, never booleans
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise InputError(f"{self.name}: {value!r} is not a number; allowed: {allowed}")
        shown = _show(value)
        if self.kind == "int":
            if not isinstance(value, numbers.Integral) and (
                not math.isfinite(value) or value != int(value)
            ):
                raise InputError(f"{self.name}: {shown} is not a whole number; allowed: {allowed}")
            whole = int(value)  # exact for integers, however large
            if not (self.low <= whole <= self.high):
                raise InputError(f"{self.name}: {shown} is out of range; allowed: {allowed}")
            return whole
        number = float(value)
        if not math.isfinite(number) or not (self.low <= number <= self.high):
            raise InputError(f"{self.name}: {shown} is out of range; allowed: {allowed}")
        return number


def _is_int_text(text: str) -> bool:
    return text.lstrip("+-").isdigit()


def _show(value: Any) -> str:
    """A number for a message: 3 for an integer, 0.35 rather than np.float64(0.35)."""
    if isinstance(value, numbers.Integral):
        return str(int(value))
    return repr(float(value))


def _p(name: str, kind: Kind, default: Any, unit: str, group: str, help: str, source: str, **kw):
    return Parameter(name, kind, default, unit, help, source, group, **kw)


FOUNDERS = ("EST", "LVA", "LTU", "FIN", "SWE", "NOR", "DNK", "ISL", "POL", "UKR")

#: Ukraine's industry in figures (``data/ukraine_industry_facts.csv``): the defaults of
#: the Ukraine parameters are read from it, so the file is their one source.
FACTS = packaged_ukraine_facts()

_PARAMETERS: tuple[Parameter, ...] = (
    # --- run ---------------------------------------------------------------------------
    _p(
        "steps",
        "int",
        40,
        "quarters",
        "run",
        "number of quarterly steps to simulate",
        "2026Q1-2035Q4, the horizon of NATO's 2025 Hague spending pledge",
        low=1,
        high=400,
    ),
    _p(
        "seed",
        "int",
        1,
        "-",
        "run",
        "seed of the random number generator; same seed and parameters give the same run",
        "reproducibility",
        low=0,
        high=2**63 - 1,
    ),
    # --- actors --------------------------------------------------------------------------
    _p(
        "founders",
        "iso3_list",
        FOUNDERS,
        "ISO3 codes",
        "actors",
        "states that are members at step 0 and never leave",
        "the committed core of the source article: Baltic and Nordic states, Poland, Ukraine",
        min_items=1,
    ),
    _p(
        "unreliable",
        "iso3_list",
        ("HUN", "SVK"),
        "ISO3 codes",
        "actors",
        "states modelled as unreliable: low reliability, may veto",
        "Hungary voted against UNGA ES-11/7 and abstained on EU SAFE; Slovakia's policy shift",
    ),
    _p(
        "reliability",
        "float",
        0.75,
        "probability",
        "actors",
        "probability that a state honours a commitment when called on",
        "Leeds, Long and Mitchell (2000): 74.5 % of alliance commitments honoured",
        low=0.0,
        high=1.0,
    ),
    _p(
        "unreliable_reliability",
        "float",
        0.35,
        "probability",
        "actors",
        "reliability of the unreliable set",
        "modelling assumption: under half the base rate of Leeds et al. (2000)",
        low=0.0,
        high=1.0,
    ),
    _p(
        "proximity_scale_km",
        "float",
        600.0,
        "km",
        "actors",
        "distance at which exposure to Russia falls to 1/e (proximity = exp(-km/scale))",
        "modelling assumption: roughly the depth of a Baltic-to-Berlin corridor",
        low=50.0,
        high=5000.0,
    ),
    _p(
        "alignment_votes_weight",
        "float",
        1.0,
        "weight",
        "actors",
        "weight of the UN General Assembly votes on the war in a state's alignment",
        "ES-11/1 to ES-11/8 (2022-2025) and the resolution of 24 Feb 2026 "
        "(alignment_indicators.csv)",
        low=0.0,
        high=10.0,
    ),
    _p(
        "alignment_sanctions_weight",
        "float",
        1.0,
        "weight",
        "actors",
        "weight of the sanctions record in alignment (an EU member's obstruction of "
        "packages, or a non-member's alignment with EU sanctions)",
        "EU sanctions packages 2022-2026 and the EUR 90 bn loan of Dec 2025 "
        "(alignment_indicators.csv)",
        low=0.0,
        high=10.0,
    ),
    _p(
        "alignment_support_weight",
        "float",
        1.0,
        "weight",
        "actors",
        "weight of military aid to Ukraine in alignment",
        "Kiel Institute data as used by PIIE (Feb 2026): bilateral military aid, Jan 2022-Oct 2025",
        low=0.0,
        high=10.0,
    ),
    _p(
        "alignment_aid_reference_pct",
        "float",
        1.0,
        "% of GDP",
        "actors",
        "military aid to Ukraine (Jan 2022-Oct 2025) that counts as full support in alignment",
        "Denmark and the Baltic states gave 1.6-2.8 % of GDP, most donors 0.2-0.7 % "
        "(Kiel via PIIE)",
        low=0.05,
        high=5.0,
    ),
    # --- threat and the United States ---------------------------------------------------
    _p(
        "threat_initial",
        "float",
        0.6,
        "index 0-1",
        "threat",
        "level of the Russian threat at step 0",
        "modelling assumption: full-scale war ongoing in 2026, below an open attack on NATO",
        low=0.0,
        high=1.0,
    ),
    _p(
        "threat_mean",
        "float",
        0.5,
        "index 0-1",
        "threat",
        "long-run level the threat reverts to (T_bar)",
        "modelling assumption",
        low=0.0,
        high=1.0,
    ),
    _p(
        "threat_reversion",
        "float",
        0.1,
        "per quarter",
        "threat",
        "speed at which the threat reverts to its mean (rho)",
        "modelling assumption: half-life of about 7 quarters",
        low=0.0,
        high=1.0,
    ),
    _p(
        "threat_volatility",
        "float",
        0.05,
        "index per quarter",
        "threat",
        "standard deviation of the quarterly threat shock (sigma)",
        "modelling assumption",
        low=0.0,
        high=0.5,
    ),
    _p(
        "deterrence_effect",
        "float",
        0.05,
        "index per quarter",
        "threat",
        "threat reduction per quarter at full coalition credibility (kappa)",
        "modelling assumption: deterrence by denial lowers the threat slowly",
        low=0.0,
        high=0.5,
    ),
    _p(
        "base_aggression",
        "float",
        0.15,
        "probability per quarter",
        "threat",
        "probability of an aggression event per quarter at threat 1 and credibility 0",
        "modelling assumption: sabotage, airspace and hybrid incidents of 2023-2025",
        low=0.0,
        high=1.0,
    ),
    _p(
        "aggression_threat_jump",
        "float",
        0.08,
        "index",
        "threat",
        "rise of the threat after an aggression event",
        "modelling assumption",
        low=0.0,
        high=1.0,
    ),
    _p(
        "failed_response_jump",
        "float",
        0.05,
        "index",
        "threat",
        "extra rise of the threat when less than half the members respond to an attack on one",
        "modelling assumption: a failed test emboldens the aggressor",
        low=0.0,
        high=1.0,
    ),
    _p(
        "us_commitment",
        "float",
        0.8,
        "share 0-1",
        "us",
        "US commitment to European defence at step 0 (u_0)",
        "modelling assumption: US still in NATO but openly conditional (2025)",
        low=0.0,
        high=1.0,
    ),
    _p(
        "us_withdrawal_step",
        "int",
        None,
        "step",
        "us",
        "step at which the US starts withdrawing ('never' for no withdrawal)",
        "scenario lever",
        low=0,
        high=400,
        optional=True,
    ),
    _p(
        "us_commitment_after",
        "float",
        0.0,
        "share 0-1",
        "us",
        "US commitment once the withdrawal is complete",
        "scenario lever: 0 is a full withdrawal",
        low=0.0,
        high=1.0,
    ),
    _p(
        "us_withdrawal_quarters",
        "int",
        4,
        "quarters",
        "us",
        "duration of the withdrawal (linear decline)",
        "modelling assumption: a one-year drawdown",
        low=1,
        high=40,
    ),
    _p(
        "us_guarantee_weight",
        "float",
        0.6,
        "share 0-1",
        "us",
        "share of a NATO member's perceived threat removed by a full US guarantee (g)",
        "modelling assumption",
        low=0.0,
        high=1.0,
    ),
    _p(
        "us_europe_share",
        "float",
        0.1,
        "share of US spending",
        "us",
        "share of US defence spending committed to Europe at full commitment",
        "modelling assumption: EUCOM and rotational forces, about a tenth of the US budget",
        low=0.0,
        high=1.0,
    ),
    # --- applications --------------------------------------------------------------------
    _p(
        "w_threat",
        "float",
        1.5,
        "utility per unit",
        "utility",
        "weight of perceived threat times protection gained in the utility of joining",
        "modelling assumption",
        low=0.0,
        high=10.0,
    ),
    _p(
        "w_cost",
        "float",
        1.0,
        "utility per unit",
        "utility",
        "weight of the spending burden (gap to the spending floor, as a share of the floor)",
        "modelling assumption",
        low=0.0,
        high=10.0,
    ),
    _p(
        "w_affinity",
        "float",
        0.5,
        "utility per unit",
        "utility",
        "weight of affinity: member neighbours and alignment similarity to members",
        "modelling assumption",
        low=0.0,
        high=10.0,
    ),
    _p(
        "w_align",
        "float",
        0.3,
        "utility per unit",
        "utility",
        "weight of the state's own alignment",
        "modelling assumption",
        low=0.0,
        high=10.0,
    ),
    _p(
        "w_entrap",
        "float",
        0.6,
        "utility per unit",
        "utility",
        "weight of the fear of entrapment, larger for distant states",
        "modelling assumption (Snyder 1984, the alliance security dilemma)",
        low=0.0,
        high=10.0,
    ),
    _p(
        "w_neutral",
        "float",
        1.0,
        "utility per unit",
        "utility",
        "weight of a state's military neutrality against joining",
        "Austria's constitutional neutrality (1955), Ireland's military neutrality (the "
        "'triple lock'), Malta (1981), Switzerland (1815), Moldova (constitution art. 11), "
        "Serbia (2007); european_states.csv",
        low=0.0,
        high=10.0,
    ),
    _p(
        "affinity_ties_weight",
        "float",
        1.0,
        "weight",
        "utility",
        "weight of institutional ties to the core in affinity (member neighbours and "
        "alignment similarity weigh 1 each)",
        "the JEF, the Nordic-Baltic Eight, the E5, Weimar+, the Sky Shield Initiative and "
        "the London coalition of the willing (observed_behaviour.csv)",
        low=0.0,
        high=10.0,
    ),
    _p(
        "application_threshold",
        "float",
        0.2,
        "utility",
        "utility",
        "utility above which an outsider applies",
        "modelling assumption",
        low=-5.0,
        high=5.0,
    ),
    _p(
        "application_noise",
        "float",
        0.05,
        "utility",
        "utility",
        "spread of the random part of the utility of joining: an outsider applies with "
        "probability 1 / (1 + exp(-(U - threshold) / noise)) each quarter",
        "random-utility choice (McFadden 1974); a small spread is nearly the sharp "
        "threshold of a deterministic rule",
        low=0.001,
        high=2.0,
    ),
    _p(
        "reapply_delay",
        "int",
        4,
        "quarters",
        "utility",
        "quarters a rejected applicant waits before it may apply again",
        "modelling assumption",
        low=0,
        high=40,
    ),
    _p(
        "exit_threshold",
        "float",
        -0.2,
        "utility",
        "utility",
        "utility of staying below which a member considers leaving",
        "modelling assumption",
        low=-5.0,
        high=5.0,
    ),
    _p(
        "exit_patience",
        "int",
        4,
        "quarters",
        "utility",
        "consecutive quarters below the exit threshold before a member leaves",
        "modelling assumption: a year of discontent",
        low=1,
        high=40,
    ),
    # --- negotiation and admission --------------------------------------------------------
    _p(
        "protocol",
        "choice",
        "threshold",
        "-",
        "negotiation",
        "negotiation protocol deciding on applications (see `coalition-sim protocols`)",
        "threshold: vote on the applicant as it is; bargaining: alternating offers over the "
        "phase-in (Rubinstein 1982); landscape: switching rule (Axelrod and Bennett 1993)",
        choices=("threshold", "bargaining", "landscape"),
    ),
    _p(
        "admission_rule",
        "choice",
        "unanimity",
        "-",
        "negotiation",
        "rule by which members decide on an applicant",
        "unanimity as in EU and NATO accession; qmv is the EU double majority (TEU art. 16)",
        choices=("unanimity", "qmv", "majority", "core"),
    ),
    _p(
        "qmv_member_share",
        "float",
        0.55,
        "share of members",
        "negotiation",
        "qmv: share of members that must vote yes",
        "TEU art. 16(4): 55 % of member states",
        low=0.0,
        high=1.0,
    ),
    _p(
        "qmv_population_share",
        "float",
        0.65,
        "share of population",
        "negotiation",
        "qmv: share of the members' population that the yes votes must hold",
        "TEU art. 16(4): 65 % of the population",
        low=0.0,
        high=1.0,
    ),
    _p(
        "vote_threshold",
        "float",
        0.5,
        "score",
        "negotiation",
        "score above which a member votes yes",
        "modelling assumption",
        low=-5.0,
        high=5.0,
    ),
    _p(
        "vote_gain_weight",
        "float",
        1.0,
        "score per unit",
        "negotiation",
        "weight of the applicant's gain to parity in a member's vote",
        "modelling assumption",
        low=0.0,
        high=10.0,
    ),
    _p(
        "vote_gain_scale",
        "float",
        0.05,
        "parity",
        "negotiation",
        "gain to parity that counts as a full gain (1) in a member's vote",
        "modelling assumption: a mid-sized state adds about 0.05 to parity",
        low=0.001,
        high=1.0,
    ),
    _p(
        "vote_similarity_weight",
        "float",
        0.5,
        "score per unit",
        "negotiation",
        "weight of alignment similarity between member and applicant in the vote",
        "modelling assumption",
        low=0.0,
        high=10.0,
    ),
    _p(
        "vote_unreliability_weight",
        "float",
        0.5,
        "score per unit",
        "negotiation",
        "weight of the applicant's unreliability (1 - reliability) against it",
        "modelling assumption",
        low=0.0,
        high=10.0,
    ),
    _p(
        "vote_exposure_weight",
        "float",
        0.5,
        "score per unit",
        "negotiation",
        "weight of the voting member's own exposure to Russia (exposed members want allies)",
        "modelling assumption",
        low=0.0,
        high=10.0,
    ),
    _p(
        "vote_friction_weight",
        "float",
        1.0,
        "score per unit",
        "negotiation",
        "score a member takes off an applicant per unit of friction between them",
        "standing disputes graded in frictions.csv: Greece and Cyprus with Turkey, "
        "Hungary with Ukraine, Serbia with Kosovo, ...",
        low=0.0,
        high=10.0,
    ),
    _p(
        "veto_propensity",
        "float",
        0.5,
        "probability per unit distance",
        "negotiation",
        "probability that an unreliable member vetoes, per unit of alignment distance",
        "modelling assumption: Hungary's record of blocking EU decisions on Ukraine",
        low=0.0,
        high=1.0,
    ),
    # --- bargaining protocol ------------------------------------------------------------------
    _p(
        "bargaining_rounds",
        "int",
        4,
        "rounds",
        "bargaining",
        "bargaining: largest number of alternating offers over the phase-in",
        "modelling assumption: a handful of negotiating sessions (Stahl 1972's bounded game)",
        low=1,
        high=50,
    ),
    _p(
        "bargaining_discount_applicant",
        "float",
        0.85,
        "factor per round",
        "bargaining",
        "bargaining: the applicant's discount factor per round of delay",
        "modelling assumption: an exposed applicant is less patient than the coalition",
        low=0.0,
        high=1.0,
    ),
    _p(
        "bargaining_discount_coalition",
        "float",
        0.95,
        "factor per round",
        "bargaining",
        "bargaining: the coalition's discount factor per round of delay",
        "modelling assumption: the incumbent members can wait",
        low=0.0,
        high=1.0,
    ),
    _p(
        "bargaining_max_phase_in_years",
        "float",
        10.0,
        "years",
        "bargaining",
        "bargaining: longest phase-in of the spending floor the coalition may grant",
        "the Hague pledge (2025) gives its members ten years to reach 3.5 % of GDP",
        low=0.25,
        high=30.0,
    ),
    _p(
        "bargaining_delay_weight",
        "float",
        0.5,
        "score per standard phase-in",
        "bargaining",
        "bargaining: vote score a member takes off per standard phase-in of extra delay",
        "modelling assumption: doubling the phase-in costs as much as a full gain to parity "
        "is worth half",
        low=0.0,
        high=10.0,
    ),
    _p(
        "breach_tolerance_pct",
        "float",
        0.25,
        "% of GDP",
        "bargaining",
        "bargaining: shortfall below a negotiated commitment path that counts as a breach",
        "modelling assumption: more than a quarter's full ramp (ramp_rate) behind, so a "
        "single missed quarter is not yet a breach",
        low=0.0,
        high=5.0,
    ),
    _p(
        "breach_cohesion_penalty",
        "float",
        0.05,
        "cohesion",
        "bargaining",
        "bargaining: drop in cohesion when a member breaks its negotiated commitment",
        "modelling assumption: one broken pledge visibly shakes confidence in the others",
        low=0.0,
        high=1.0,
    ),
    _p(
        "breach_penalty_decay",
        "float",
        0.8,
        "factor per quarter",
        "bargaining",
        "bargaining: share of the breach penalty on cohesion still felt a quarter later",
        "modelling assumption: half-life of about three quarters",
        low=0.0,
        high=1.0,
    ),
    # --- landscape protocol and the Europe landscape ------------------------------------------
    _p(
        "landscape_exposure_weight",
        "float",
        1.0,
        "propensity per unit",
        "landscape",
        "landscape: weight of shared exposure to Russia in the propensity of two actors",
        "Axelrod and Bennett (1993) weigh common threats; exposure is the model's proximity",
        low=-10.0,
        high=10.0,
    ),
    _p(
        "landscape_alignment_weight",
        "float",
        1.0,
        "propensity per unit",
        "landscape",
        "landscape: weight of alignment similarity (1 - |a_i - a_j|) in the propensity",
        "Axelrod and Bennett (1993) weigh ideology; here the UNGA votes on Ukraine",
        low=-10.0,
        high=10.0,
    ),
    _p(
        "landscape_border_weight",
        "float",
        0.5,
        "propensity per border",
        "landscape",
        "landscape: propensity added by a shared land or sea border between European states",
        "modelling assumption: neighbours defend a common front (borders.csv)",
        low=-10.0,
        high=10.0,
    ),
    _p(
        "landscape_eu_weight",
        "float",
        0.5,
        "propensity per pair",
        "landscape",
        "landscape: propensity added when both states are EU members",
        "modelling assumption: the EU's mutual-assistance clause (TEU art. 42(7))",
        low=-10.0,
        high=10.0,
    ),
    _p(
        "landscape_nato_weight",
        "float",
        0.5,
        "propensity per pair",
        "landscape",
        "landscape: propensity added when both states are NATO members",
        "modelling assumption: NATO's collective defence (art. 5) and shared planning",
        low=-10.0,
        high=10.0,
    ),
    _p(
        "landscape_friction_weight",
        "float",
        1.0,
        "propensity per unit",
        "landscape",
        "landscape: propensity taken off per unit of friction between two states",
        "the same frictions as the votes (frictions.csv)",
        low=-10.0,
        high=10.0,
    ),
    # --- spending and commitments -----------------------------------------------------------
    _p(
        "spending_floor_pct",
        "float",
        3.5,
        "% of GDP",
        "spending",
        "the coalition's spending floor that members commit to reach",
        "The Hague Summit Declaration (25 Jun 2025): 3.5 % core defence by 2035",
        low=0.0,
        high=10.0,
    ),
    _p(
        "phase_in_years",
        "float",
        5.0,
        "years",
        "spending",
        "years a new member has to reach the spending floor",
        "modelling assumption; the Hague pledge gives ten years from 2025",
        low=0.25,
        high=20.0,
    ),
    _p(
        "threat_response",
        "float",
        3.0,
        "% of GDP per unit threat",
        "spending",
        "rise of the desired defence burden per unit of perceived threat",
        "modelling assumption: frontline states spent 3-4 % of GDP in 2024",
        low=0.0,
        high=20.0,
    ),
    _p(
        "ramp_rate",
        "float",
        0.25,
        "% of GDP per quarter",
        "spending",
        "largest change of a state's defence burden in one quarter",
        "modelling assumption: one point of GDP a year, Poland's pace in 2022-2024",
        low=0.0,
        high=5.0,
    ),
    _p(
        "max_defence_pct",
        "float",
        10.0,
        "% of GDP",
        "spending",
        "ceiling of the defence burden of a state at peace",
        "modelling assumption; Ukraine at war (34.5 %) keeps its own level",
        low=1.0,
        high=50.0,
    ),
    _p(
        "readiness",
        "float",
        1.0,
        "share 0-1",
        "strength",
        "share of spending that yields usable capability",
        "modelling assumption: 1 counts all spending",
        low=0.0,
        high=1.0,
    ),
    _p(
        "adversary_ppp_factor",
        "float",
        3.0,
        "multiplier",
        "strength",
        "purchasing-power multiplier of Russian and Belarusian spending",
        "SIPRI and IISS PPP estimates put Russian spending at 2.5-3.5 times its dollar value",
        low=1.0,
        high=6.0,
    ),
    _p(
        "adversary_readiness",
        "float",
        1.0,
        "share 0-1",
        "strength",
        "share of the adversary's spending that yields usable capability",
        "the adversary's counterpart of readiness, so that both sides are treated alike; "
        "1 counts all spending (at least 0.1: parity is a ratio to it)",
        low=0.1,
        high=1.0,
    ),
    _p(
        "ukraine_ppp_factor",
        "float",
        2.0,
        "multiplier",
        "strength",
        "purchasing-power multiplier of Ukraine's own defence spending",
        "the reasoning of adversary_ppp_factor: about 30 % of what Ukraine's forces use "
        "is made at home (ukraine_industry_facts.csv) at 3-5 times lower cost (Chupryna "
        "2025), 0.3 x 4 + 0.7 x 1 = 1.9",
        low=1.0,
        high=6.0,
    ),
    _p(
        "adversary_growth_pct",
        "float",
        0.0,
        "% per year",
        "strength",
        "real growth of Russian and Belarusian defence spending",
        "modelling assumption: a plateau after the 2024 peak",
        low=-20.0,
        high=20.0,
    ),
    _p(
        "industry_weight",
        "float",
        0.1,
        "share",
        "strength",
        "capability bonus of the largest domestic arms industry (SIPRI Top 100 revenue)",
        "modelling assumption: a home industry sustains forces in a long war",
        low=0.0,
        high=1.0,
    ),
    _p(
        "nuclear_discount",
        "float",
        0.8,
        "multiplier",
        "strength",
        "credibility multiplier when no nuclear power (France, UK) is a member",
        "modelling assumption",
        low=0.0,
        high=1.0,
    ),
    _p(
        "ukraine_experience_multiplier",
        "float",
        1.25,
        "multiplier",
        "strength",
        "combat-experience multiplier of Ukraine's contribution to strength",
        "modelling assumption: the only European force with large-scale war experience",
        low=1.0,
        high=3.0,
    ),
    # --- Ukraine's industry ----------------------------------------------------------------
    _p(
        "ukraine_investment_share",
        "float",
        0.003,
        "share of spending",
        "ukraine",
        "share of members' (other than Ukraine's) defence spending invested in Ukraine's industry",
        "the 'Danish model' of buying from Ukrainian firms: EUR 1.3-1.4 bn in 2025 (Umerov, "
        "Jun 2025; Poulsen, Aug 2025), about 0.3 % of European defence spending",
        low=0.0,
        high=0.5,
    ),
    _p(
        "cost_advantage",
        "float",
        (FACTS["production_cost_advantage_min"] + FACTS["production_cost_advantage_max"]) / 2,
        "multiplier",
        "ukraine",
        "European-equivalent dollars of output per dollar invested in Ukraine's industry",
        "Chupryna (2025), LSE EUROPP: production costs 3-5 times lower than in Europe",
        low=1.0,
        high=10.0,
    ),
    _p(
        "ukraine_capacity_usd_bn",
        "float",
        FACTS["ukraine_defence_industrial_capacity_usd_bn"],
        "USD bn per year",
        "ukraine",
        "production potential of Ukraine's defence industry",
        "Minister Smetanin, 13 May 2025: capacity of USD 35 bn",
        low=1.0,
        high=200.0,
    ),
    _p(
        "ukraine_utilisation_initial",
        "float",
        FACTS["industry_capacity_utilisation_share"],
        "share 0-1",
        "ukraine",
        "share of Ukraine's industrial capacity in use at step 0",
        "Chupryna (2025), LSE EUROPP: about one third of capacity",
        low=0.0,
        high=1.0,
    ),
    _p(
        "ukraine_absorption_quarters",
        "float",
        4.0,
        "quarters",
        "ukraine",
        "time constant for new investment to become production",
        "modelling assumption: contracts to deliveries in about a year",
        low=1.0,
        high=40.0,
    ),
    _p(
        "ukraine_drones_initial_m",
        "float",
        FACTS["drones_produced_2024"] / 1e6,
        "million per year",
        "ukraine",
        "drone output at the initial utilisation",
        "Umerov (Dec 2024) and Chupryna (2025): 1.5 million drones produced in 2024",
        low=0.0,
        high=50.0,
        reporting_only=True,
    ),
    _p(
        "ukraine_war_defence_pct",
        "float",
        27.2,
        "% of GDP",
        "ukraine",
        "Ukraine's defence burden while the war goes on",
        "2026 state budget: 27.2 % of GDP for the army and defence (Rada, 3 Dec 2025; "
        "ukraine_war_economy.csv)",
        low=0.0,
        high=60.0,
    ),
    _p(
        "ukraine_ceasefire_step",
        "int",
        12,
        "step",
        "ukraine",
        "step at which a ceasefire lets Ukraine's burden fall to its post-war level "
        "('never' for a war through the horizon)",
        "scenario lever; modelling assumption: a ceasefire by the end of 2028",
        low=0,
        high=400,
        optional=True,
    ),
    _p(
        "ukraine_postwar_defence_pct",
        "float",
        8.0,
        "% of GDP",
        "ukraine",
        "Ukraine's defence burden after a ceasefire",
        "modelling assumption: a large standing army, between Israel's 4.5-5 % and war "
        "levels; 3.2 % in 2021 (ukraine_war_economy.csv)",
        low=0.0,
        high=60.0,
    ),
    _p(
        "ukraine_adjustment_quarters",
        "float",
        4.0,
        "quarters",
        "ukraine",
        "time constant for Ukraine's burden to move to its war or post-war level",
        "the move from the 2025 outturn (40 %, SIPRI) to the 2026 budget (27.2 %) in about a year",
        low=1.0,
        high=40.0,
    ),
    _p(
        "ukraine_gdp_growth_pct",
        "float",
        2.5,
        "% per year",
        "ukraine",
        "real growth of Ukraine's GDP, which its defence burden is a share of",
        "IMF forecast for 2025: 2.5 % (360ua.news, Oct 2024); 3.0 % in 2024",
        low=-20.0,
        high=20.0,
    ),
)

#: The calibration shipped with the package (``coalition-sim calibrate --store``).
CALIBRATION_FILE = "calibration.json"


def calibrated_defaults() -> dict[str, tuple[float, str]]:
    """The posterior median of each fitted parameter, with a line saying where it is from.

    Read from the packaged ``data/calibration.json``; rounded to three significant
    digits, so that the defaults read well in tables and scenario files. Empty when the
    package holds no calibration.
    """
    from coalition_sim.datasets import DATA_DIR

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


def _with_calibration(parameters: tuple[Parameter, ...]) -> tuple[Parameter, ...]:
    from dataclasses import replace

    calibrated = calibrated_defaults()
    return tuple(
        replace(
            p,
            default=calibrated[p.name][0],
            source=f"{calibrated[p.name][1]}; prior centred on: {p.source}",
        )
        if p.name in calibrated
        else p
        for p in parameters
    )


_PARAMETERS = _with_calibration(_PARAMETERS)
SCHEMA: Mapping[str, Parameter] = MappingProxyType({p.name: p for p in _PARAMETERS})


def _closest(name: str, candidates: Iterable[str]) -> str:
    import difflib

    match = difflib.get_close_matches(name, list(candidates), n=1)
    return f" (did you mean {match[0]}?)" if match else ""


def parse_state_key(key: str) -> tuple[str, str]:
    """Split ``state.HUN.reliability`` into ``("HUN", "reliability")`` or raise InputError."""
    parts = key.split(".")
    if len(parts) != 3 or parts[0] != "state":
        raise InputError(f"{key}: per-state overrides are written state.ISO3.TRAIT")
    iso3, trait = parts[1].upper(), parts[2]
    if not (len(iso3) == 3 and iso3.isalpha()):
        raise InputError(f"{key}: '{parts[1]}' is not an ISO3 code")
    if trait not in STATE_TRAITS:
        raise InputError(f"{key}: unknown trait '{trait}'; allowed: {', '.join(STATE_TRAITS)}")
    return iso3, trait


def _validate_state_value(iso3: str, trait: str, value: Any) -> float:
    low, high, _ = STATE_TRAITS[trait]
    name = f"state.{iso3}.{trait}"
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise InputError(
            f"{name}: {value!r} is not a number; allowed: float in [{low:g}, {high:g}]"
        )
    if not (math.isfinite(value) and low <= value <= high):
        raise InputError(
            f"{name}: {_show(value)} is out of range; allowed: float in [{low:g}, {high:g}]"
        )
    return float(value)


@dataclass(frozen=True)
class Scenario:
    """A validated set of values for every parameter, plus per-state trait overrides.

    Build one with :func:`load_scenario` or :meth:`with_values`; both validate, so a
    Scenario in hand is always valid.
    """

    name: str
    description: str
    values: Mapping[str, Any]
    state_overrides: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    def __reduce__(self) -> tuple:
        # Read-only mapping proxies do not pickle; send plain dicts (dask needs this).
        overrides = {iso3: dict(traits) for iso3, traits in self.state_overrides.items()}
        return _rebuild_scenario, (self.name, self.description, dict(self.values), overrides)

    def with_values(self, changes: Mapping[str, Any], *, name: str | None = None) -> Scenario:
        """Return a copy with ``changes`` applied; keys may be ``state.ISO3.TRAIT``."""
        values = dict(self.values)
        overrides = {iso3: dict(traits) for iso3, traits in self.state_overrides.items()}
        for key, value in changes.items():
            if key.startswith(STATE_PREFIX):
                iso3, trait = parse_state_key(key)
                overrides.setdefault(iso3, {})[trait] = _validate_state_value(iso3, trait, value)
            elif key in SCHEMA:
                values[key] = SCHEMA[key].validate(value)
            else:
                raise InputError(f"unknown parameter '{key}'{_closest(key, SCHEMA)}")
        return Scenario(
            name or self.name,
            self.description,
            MappingProxyType(values),
            MappingProxyType({k: MappingProxyType(v) for k, v in overrides.items()}),
        )

    def with_assignments(self, assignments: Iterable[str]) -> Scenario:
        """Apply ``name=value`` strings from the command line (``--set``)."""
        changes: dict[str, Any] = {}
        for text in assignments:
            key, sep, raw = text.partition("=")
            key = key.strip()
            if not sep or not key:
                raise InputError(f"--set {text!r}: write name=value")
            changes[key] = parse_value(key, raw)
        return self.with_values(changes)

    def flat(self) -> dict[str, Any]:
        """Every value as a plain dict, per-state overrides as ``state.ISO3.TRAIT`` keys."""
        out = {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.values.items()}
        for iso3, traits in sorted(self.state_overrides.items()):
            for trait, value in sorted(traits.items()):
                out[f"state.{iso3}.{trait}"] = value
        return out

    def to_toml(self) -> str:
        """Render as a scenario TOML file that :func:`load_scenario` reads back."""
        lines = [f"name = {_toml(self.name)}", f"description = {_toml(self.description)}", ""]
        # "never" (TOML has no null) keeps an optional parameter's "no value" when its
        # default is a value (ukraine_ceasefire_step)
        lines += [f"{k} = {_toml('never' if v is None else v)}" for k, v in self.values.items()]
        for iso3, traits in sorted(self.state_overrides.items()):
            lines += ["", f"[states.{iso3}]"] + [f"{t} = {_toml(v)}" for t, v in traits.items()]
        return "\n".join(lines) + "\n"


def _rebuild_scenario(
    name: str, description: str, values: dict, overrides: dict[str, dict[str, float]]
) -> Scenario:
    return Scenario(
        name,
        description,
        MappingProxyType(values),
        MappingProxyType({k: MappingProxyType(v) for k, v in overrides.items()}),
    )


def parse_value(key: str, raw: str) -> Any:
    """Parse a command-line string for parameter ``key`` (including per-state keys)."""
    if key.startswith(STATE_PREFIX):
        parse_state_key(key)
        try:
            return float(raw)
        except ValueError:
            raise InputError(f"{key}: '{raw}' is not a number") from None
    if key not in SCHEMA:
        raise InputError(f"unknown parameter '{key}'{_closest(key, SCHEMA)}")
    return SCHEMA[key].parse(raw)


def cli_value(value: object) -> str:
    """A parameter value as ``--set NAME=VALUE`` writes it (the inverse of ``parse_value``).

    Lists of ISO3 codes are comma-separated, "no value" is ``never``, booleans are
    ``true``/``false`` and floats keep every digit (``repr``), so the command repeats the
    run exactly.
    """
    if value is None:
        return "never"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return repr(value) if isinstance(value, float) else str(value)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return repr(value)


DEFAULT = Scenario(
    "default",
    "every parameter at its default",
    MappingProxyType({p.name: p.default for p in _PARAMETERS}),
    MappingProxyType({}),
)

_PRESET_CHANGES: dict[str, tuple[str, dict[str, Any]]] = {
    "baseline": (
        "today's world: US commitment at 0.8 and no withdrawal, unanimity, no investment in "
        "Ukraine",
        {},
    ),
    "us-withdrawal": (
        "the US withdraws after step 4 (from 2027Q1) over a year, down to no commitment",
        {"us_withdrawal_step": 4, "us_commitment_after": 0.0},
    ),
    "unanimity-veto": (
        "Hungary and Slovakia inside from the start, with unanimity: every admission can be vetoed",
        {"founders": (*FOUNDERS, "HUN", "SVK"), "admission_rule": "unanimity"},
    ),
    "ukraine-investment": (
        "members invest 5 % of their defence spending in Ukraine's industry",
        {"ukraine_investment_share": 0.05},
    ),
    "fast-track": (
        "qualified majority (EU double majority) instead of unanimity",
        {"admission_rule": "qmv"},
    ),
}

PRESETS: Mapping[str, Scenario] = MappingProxyType(
    {
        name: Scenario(name, description, DEFAULT.values, MappingProxyType({})).with_values(changes)
        for name, (description, changes) in _PRESET_CHANGES.items()
    }
)


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load a preset by name or a scenario TOML file.

    A TOML file holds top-level ``name = value`` pairs for any parameter, an optional
    ``base`` preset they apply to (default ``baseline``), an optional ``name`` and
    ``description``, and ``[states.ISO3]`` tables of per-state trait overrides.
    """
    text = str(name_or_path)
    if text in PRESETS:
        return PRESETS[text]
    path = Path(text)
    if path.suffix != ".toml" and not path.exists():
        raise InputError(
            f"unknown scenario '{text}'; allowed: a TOML file or one of {', '.join(PRESETS)}"
        )
    document = read_toml(path, "scenario file")
    return scenario_from_mapping(document, origin=str(path), default_name=path.stem)


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse a TOML file; every failure is an InputError naming the file (``what`` it is)."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(f"{path}: {what} not found") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: malformed TOML: {error}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: malformed TOML: the file is not UTF-8 text") from None
    except OSError as error:
        raise InputError(f"{path}: cannot read: {error.strerror}") from None


def scenario_from_mapping(
    document: Mapping[str, Any], *, origin: str, default_name: str = "custom"
) -> Scenario:
    """Build a scenario from a parsed TOML document; errors name ``origin``."""
    document = dict(document)
    base_name = document.pop("base", "baseline")
    if base_name not in PRESETS:
        raise InputError(
            f"{origin}: base: unknown preset '{base_name}'; allowed: {', '.join(PRESETS)}"
        )
    name = document.pop("name", default_name)
    description = document.pop("description", f"{base_name} with changes from {origin}")
    states = document.pop("states", {})
    changes: dict[str, Any] = dict(document)
    if not isinstance(states, dict):
        raise InputError(f"{origin}: states: write [states.ISO3] tables")
    for iso3, traits in states.items():
        if not isinstance(traits, dict):
            raise InputError(f"{origin}: states.{iso3}: write trait = value pairs")
        for trait, value in traits.items():
            changes[f"state.{iso3}.{trait}"] = value
    try:
        scenario = PRESETS[base_name].with_values(changes, name=str(name))
    except InputError as error:
        raise InputError(f"{origin}: {error}") from None
    return Scenario(scenario.name, str(description), scenario.values, scenario.state_overrides)


def reference_markdown() -> str:
    """The parameter reference (``docs/parameters.md``): every parameter in one table."""
    lines = [
        "# Parameters",
        "",
        "Generated from the scenario schema (`coalition_sim/parameters.py`) by",
        "`coalition-sim scenarios reference`; a test checks that this file is current.",
        "",
    ]
    group = None
    for p in SCHEMA.values():
        if p.group != group:
            group = p.group
            lines += [
                f"## {group}",
                "",
                "| name | default | unit | allowed | meaning | source or rationale |",
                "|---|---|---|---|---|---|",
            ]
        default = " ".join(p.default) if isinstance(p.default, tuple) else p.default
        default = "never" if default is None else default
        if isinstance(default, float):
            default = f"{default:.4g}"
        meaning = p.help + (" (reporting only: changes no outcome)" if p.reporting_only else "")
        cells = (p.name, default, p.unit, p.describe_allowed(), meaning, p.source)
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
        if (
            p.name == list(SCHEMA)[-1]
            or list(SCHEMA.values())[list(SCHEMA).index(p.name) + 1].group != group
        ):
            lines.append("")
    lines += [
        "## per-state overrides",
        "",
        "Written `state.ISO3.TRAIT = value` with `--set`, or as `[states.ISO3]` tables in a",
        "scenario file.",
        "",
        "| trait | allowed | meaning |",
        "|---|---|---|",
    ]
    lines += [f"| {t} | [{lo:g}, {hi:g}] | {m} |" for t, (lo, hi, m) in STATE_TRAITS.items()]
    return "\n".join(lines) + "\n"
