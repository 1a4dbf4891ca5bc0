"""Checks against the experts' balance: what the IISS and Bruegel/Kiel found, with numbers.

Each check holds the model, at the base scenario's values, to a published figure of
``data/expert_balance.csv`` (sources in ``data/SOURCES.md``), by a rule and a tolerance
declared here before it is run:

a. Russia's 2024 defence spending at purchasing-power parity about matches that of the
   EU and the UK (IISS, Military Balance 2025: USD 462 bn against 457 bn);
b. the extra European spending a year that closes, within ten years, the gap a full US
   withdrawal leaves is within a factor of 2 of Bruegel/Kiel's EUR 250 bn a year;
c. with every European Ally in the coalition from the start and the US gone, usable
   parity comes in years, not quarters: not before 2029 (IISS: Russia could threaten
   the Baltic states by 2027; NATO's command: allies about 30 % short of their targets);
e. Ukraine's army at its planned size (800,000) against the cap of the November 2025
   plan (600,000) changes parity by an amount one sentence explains.

(Check d, balancing, is a face-validity check: :mod:`coalition_sim.validation.face`.)
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from coalition_sim.datasets import expert_figure
from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.military import USD_PER_EUR_2024
from coalition_sim.parameters import JUDGEMENT, Scenario, judgement_design
from coalition_sim.rules import capability
from coalition_sim.validation.common import Check, Context, Result, engine, final_state, seeds

#: Tolerance of check (a): the model's ratio within this share of the IISS's.
PPP_TOLERANCE = 0.25
#: Check (b): the answer within this factor of Bruegel/Kiel's, either way.
GAP_FACTOR = 2.0
#: Check (b): the extra spending searched (USD bn a year) and the halvings of the search.
GAP_RANGE = (0.0, 2000.0)
GAP_HALVINGS = 10
#: Check (c): the step of 2029Q1, before which parity must not come, and the share of
#: runs allowed to reach it earlier.
YEAR_2029 = 12
EARLY_SHARE = 0.05
#: Check (c): judgement sets drawn over the plausible ranges, and runs a set.
JUDGEMENT_SETS = 32
JUDGEMENT_REPS = 4
#: Check (e): the two sizes of Ukraine's army after the war (thousands) and the
#: tolerance of the one-sentence explanation (relative, and absolute in parity).
UKRAINE_ARMIES = (800.0, 600.0)
SENTENCE_TOLERANCE = (0.15, 0.002)
#: Years over which the IISS costs the replacement of US capabilities.
IISS_YEARS = 25


def _allies(context: Context) -> list[str]:
    """The European Allies of the data (the coalition of checks b and c)."""
    data = context.dataset.arrays
    return [code for code, nato in zip(data.codes, data.nato, strict=True) if nato]


def _reps(context: Context) -> int:
    """Runs a setting for the checks that run many settings: a quarter, at least 10."""
    return max(10, context.reps // 4)


# --- (a) spending at purchasing-power parity -------------------------------------------------


def spending_at_ppp(context: Context) -> Result:
    """Check a: Russia's 2024 spending at PPP against the EU's and the UK's (no runs)."""
    data, mil = context.dataset.arrays, context.dataset.military
    year = mil.year_index(2024)
    europe = np.asarray(data.eu) | (np.asarray(data.codes) == "GBR")
    ours = float(np.nansum(mil.spending_usd_bn[year][europe]))
    russia = float(mil.russia_spending_usd_bn[year])
    ppp = float(context.base["adversary_ppp_factor"])
    ratio = russia * ppp / ours
    iiss_russia = expert_figure("iiss_mb25_rus_ppp").number
    iiss_europe = expert_figure("iiss_mb25_eur_total").number
    iiss = iiss_russia / iiss_europe
    low, high = JUDGEMENT["adversary_ppp_factor"]
    passed = abs(ratio / iiss - 1.0) <= PPP_TOLERANCE
    detail = (
        f"Russia USD {russia:.0f} bn at market rates x PPP factor {ppp:g} = {russia * ppp:.0f} "
        f"bn (IISS {iiss_russia:.0f}); EU and UK {ours:.0f} bn (IISS {iiss_europe:.0f}); "
        f"ratio {ratio:.2f} against the IISS's {iiss:.2f}; over the PPP range "
        f"{low:g}-{high:g}: {russia * low / ours:.2f} to {russia * high / ours:.2f}"
    )
    return _check("spending at PPP").result((ratio, math.nan, math.nan), passed, detail)


# --- (b) the cost of replacing the US ---------------------------------------------------------


def _gap_settings(context: Context) -> tuple[Scenario, Scenario]:
    allies = _allies(context)
    stay = context.base.with_values({"founders": allies, "us_withdrawal_step": None})
    leave = context.base.with_values(
        {
            "founders": allies,
            "us_withdrawal_step": 0,
            "us_commitment_after": 0.0,
            "us_withdrawal_quarters": 4,
        }
    )
    return stay, leave


def _strength(context: Context, scenario: Scenario, reps: int, with_us: bool) -> np.ndarray:
    state = final_state(engine(context, scenario, 9, reps))
    return (state.coalition_strength_with_us if with_us else state.coalition_strength)[:, 0]


def closing_the_us_gap(context: Context) -> Result:
    """Check b: the extra spending that replaces the US in ten years, by bisection."""
    reps = _reps(context)
    stay, leave = _gap_settings(context)
    target = _strength(context, stay, reps, with_us=True).mean()

    def short(extra: float) -> float:
        scenario = leave.with_values({"extra_spending_usd_bn": extra})
        return float(_strength(context, scenario, reps, with_us=False).mean() - target)

    low, high = GAP_RANGE
    at_low, at_high = short(low), short(high)
    for _ in range(GAP_HALVINGS):  # every halving is run, so the count of runs is exact
        middle = (low + high) / 2.0
        if short(middle) < 0:
            low = middle
        else:
            high = middle
    bruegel = expert_figure("bk_eur_bn").number * USD_PER_EUR_2024
    enablers, cost = _enabler_bill(context, stay)
    if at_low >= 0 or at_high < 0:
        answer = GAP_RANGE[0] if at_low >= 0 else math.inf
        what = "no gap to close" if at_low >= 0 else f"more than USD {GAP_RANGE[1]:.0f} bn a year"
        detail = f"{what}; Bruegel/Kiel: EUR 250 bn (USD {bruegel:.0f} bn) a year"
        return _check("closing the US gap").result((answer, math.nan, math.nan), False, detail)
    answer = (low + high) / 2.0
    passed = bruegel / GAP_FACTOR <= answer <= bruegel * GAP_FACTOR
    detail = (
        f"USD {answer:.0f} bn a year (EUR {answer / USD_PER_EUR_2024:.0f} bn) from 2026 brings "
        f"the Allies alone in 2035 to what they would field with the US then "
        f"(USD {target:.0f} bn usable), {answer / bruegel:.2f} times Bruegel/Kiel's EUR 250 bn "
        f"(USD {bruegel:.0f} bn) a year; the US enablers the model "
        f"counts are USD {enablers:.0f} bn of equipment, about {cost:.0f} bn to buy and keep "
        f"for {IISS_YEARS} years (IISS: about USD 1,000 bn over {IISS_YEARS} years for all "
        f"US capabilities)"
    )
    return _check("closing the US gap").result((answer, math.nan, math.nan), passed, detail)


def _enabler_bill(context: Context, scenario: Scenario) -> tuple[float, float]:
    """The US enablers the model counts, and buying and keeping them for 25 years."""
    inputs = build(context.dataset, [scenario], seeds(context, 9, 1), np.zeros(1, dtype=int))
    forces = Engine(inputs).groups[0].batch.forces
    stock = float(np.asarray(forces.us_enablers).ravel()[0])
    wear = float(np.asarray(scenario["enabler_depreciation_pct"]))
    return stock, stock * (1.0 + IISS_YEARS * wear / 100.0)


def _gap_runs(context: Context) -> int:
    return (1 + 2 + GAP_HALVINGS) * _reps(context) + 1


# --- (c) parity in years, not quarters --------------------------------------------------------


def _year(step: float) -> str:
    return f"{2026 + int(step) // 4}Q{int(step) % 4 + 1}"


def parity_takes_years(context: Context) -> Result:
    """Check c: every European Ally in from the start, the US gone: parity not before 2029."""
    allies = _allies(context)
    alone = context.base.with_values(
        {"founders": allies, "us_commitment": 0.0, "us_withdrawal_step": None}
    )
    first = engine(context, alone, 10).outcomes()["first_parity_step"].astype(float)
    early = (first >= 0) & (first < YEAR_2029)
    share_early = float(early.mean())
    reached = first[first >= 0]
    central = (
        f"at the central values {share_early:.0%} of {len(first)} runs reach parity before "
        f"2029, {len(reached) / len(first):.0%} by the end of 2035"
        + (f" (median {_year(np.median(reached))})" if len(reached) else "")
    )
    spread = _judgement_spread(context, alone)
    passed = share_early <= EARLY_SHARE
    return _check("parity takes years").result(
        (share_early, math.nan, math.nan), passed, f"{central}; {spread}"
    )


def _judgement_spread(context: Context, scenario: Scenario) -> str:
    """When parity comes over the judgement ranges (a Latin hypercube of them)."""
    design = judgement_design(JUDGEMENT_SETS, context.seed)
    scenarios = [scenario.with_values(values) for values in design]
    sample = np.repeat(np.arange(len(scenarios)), JUDGEMENT_REPS)
    chosen = np.tile(seeds(context, 11, JUDGEMENT_REPS), len(scenarios))
    runs = Engine(build(context.dataset, scenarios, chosen, sample)).run()
    first = runs.outcomes()["first_parity_step"].astype(float)
    per_set = [first[sample == k] for k in range(len(scenarios))]
    early = np.mean([np.mean((f >= 0) & (f < YEAR_2029)) for f in per_set])
    never = np.mean([np.mean(f < 0) for f in per_set])
    reached = first[first >= 0]
    when = (
        f"; where reached, the median is {_year(np.median(reached))} (5 %: "
        f"{_year(np.quantile(reached, 0.05))})"
        if len(reached)
        else ""
    )
    return (
        f"over the judgement ranges ({JUDGEMENT_SETS} sets x {JUDGEMENT_REPS} runs): "
        f"{early:.0%} of runs reach parity before 2029, {never:.0%} never by 2035{when}"
    )


def _parity_runs(context: Context) -> int:
    return context.reps + JUDGEMENT_SETS * JUDGEMENT_REPS


# --- (e) Ukraine's army -----------------------------------------------------------------------


def ukraine_army(context: Context) -> Result:
    """Check e: 800,000 against 600,000 soldiers after the war, explained in one sentence."""
    if "UKR" not in context.dataset.arrays.index:
        detail = "no Ukraine in the data"
        return _check("Ukraine's army").result((math.nan,) * 3, False, detail)
    planned, capped = UKRAINE_ARMIES
    states = []
    for size in (planned, capped):
        scenario = context.base.with_values({"ukraine_postwar_personnel_k": size})
        states.append(_ukraine_end(engine(context, scenario, 12)))
    big, small = states
    model = float(np.mean(big["parity"] - small["parity"]))
    sentence = _sentence(big, small)
    relative, absolute = SENTENCE_TOLERANCE
    passed = abs(model - sentence["parity"]) <= relative * abs(model) + absolute
    detail = (
        f"{planned - capped:.0f} thousand more soldiers at the end crew "
        f"{sentence['crewed']:.0%} more of Ukraine's USD {sentence['combat']:.0f} bn of "
        f"equipment, which the same upkeep keeps at readiness {sentence['ready']:.2f} instead "
        f"of {sentence['ready_small']:.2f}: USD {sentence['added']:+.0f} bn usable; the "
        f"enablers they need thin out the coalition's (enabler factor "
        f"{sentence['enabled_small']:.3f} -> {sentence['enabled']:.3f}): USD "
        f"{sentence['thinned']:+.0f} bn; together {sentence['parity']:+.4f} of Russia's forces "
        f"(USD {sentence['russia']:.0f} bn); the model: parity {np.mean(big['parity']):.3f} "
        f"against {np.mean(small['parity']):.3f}, {model:+.4f}"
    )
    return _check("Ukraine's army").result((model, math.nan, math.nan), passed, detail)


def _ukraine_end(runs: Engine) -> dict[str, Any]:
    """What the sentence of check (e) needs from the end of the runs."""
    batch = runs.groups[0].batch
    state, forces, v = batch.state, batch.forces, batch.inputs.values
    k = batch.ukraine
    combat = capability.combat_stock(state.land, state.air)
    member = state.member
    fielded = capability.fielded(
        combat, capability.manning(state.personnel, combat, forces.equipment_per_soldier),
        state.readiness, forces.experience,
    )  # fmt: skip
    return {
        "parity": state.parity[:, 0],
        "combat": combat[:, k],
        "personnel": state.personnel[:, k],
        "per_soldier": np.broadcast_to(forces.equipment_per_soldier, combat.shape)[:, k],
        "ready": state.readiness[:, k],
        "experience": float(np.asarray(forces.experience).ravel()[k]),
        "integration": state.integration[:, k],
        "enabled": capability.enabler_factor(state.enabler_coverage, v.enabler_floor)[:, 0],
        "fragmented": capability.fragmentation(
            capability.herfindahl(fielded, member), v.fragmentation_penalty
        )[:, 0],
        "russia": state.adversary_strength[:, 0],
        "integrated": capability.integrated(fielded, state.integration, member)[:, 0],
    }


def _sentence(big: dict[str, Any], small: dict[str, Any]) -> dict[str, float]:
    """The one-sentence account of check (e), in its two parts.

    More soldiers crew more of the same equipment, which the same upkeep keeps less
    ready (each army's own readiness); that adds Ukraine's part at the larger army's
    integration, enablers and cost of many armies. The enablers those forces need thin
    out what the rest of the coalition has: the second part is everyone else's forces
    times the fall of the enabler and fragmentation factors.
    """
    crews = big["combat"] / big["per_soldier"]
    manned_big = np.minimum(1.0, big["personnel"] / crews)
    manned_small = np.minimum(1.0, small["personnel"] / crews)
    ready_crewed = manned_big * big["ready"] - manned_small * small["ready"]
    factor_big = big["enabled"] * big["fragmented"]
    factor_small = small["enabled"] * small["fragmented"]
    added = big["combat"] * ready_crewed * big["experience"] * big["integration"] * factor_big
    thinned = small["integrated"] * (factor_big - factor_small)
    return {
        "crewed": float(np.mean(manned_big - manned_small)),
        "combat": float(np.mean(big["combat"])),
        "ready": float(np.mean(big["ready"])),
        "ready_small": float(np.mean(small["ready"])),
        "added": float(np.mean(added)),
        "thinned": float(np.mean(thinned)),
        "enabled": float(np.mean(big["enabled"])),
        "enabled_small": float(np.mean(small["enabled"])),
        "russia": float(np.mean(big["russia"])),
        "parity": float(np.mean((added + thinned) / big["russia"])),
    }


CHECKS: tuple[Check, ...] = (
    Check(
        "spending at PPP",
        "Russia's 2024 defence spending at purchasing-power parity about matches the EU's "
        "and the UK's (IISS: USD 462 bn against 457 bn)",
        f"the model's ratio within {PPP_TOLERANCE:.0%} of the IISS's",
        spending_at_ppp,
        lambda c: 0,
        source="IISS, The Military Balance 2025 (Feb 2025)",
    ),
    Check(
        "closing the US gap",
        "the extra European spending a year that closes, within ten years, the gap a full "
        "US withdrawal leaves is near Bruegel/Kiel's EUR 250 bn a year",
        f"the bisected extra spending (Allies in the coalition, the US gone over 2026) "
        f"within a factor of {GAP_FACTOR:g} of EUR 250 bn a year",
        closing_the_us_gap,
        _gap_runs,
        source="Burilkov and Wolff, Bruegel/Kiel Policy Brief 183 (Feb 2025); IISS, "
        "Defending Europe without the United States (May 2025)",
    ),
    Check(
        "parity takes years",
        "with every European Ally in the coalition from the start and the US gone, usable "
        "parity comes in years, not quarters: not before 2029",
        f"at most {EARLY_SHARE:.0%} of the runs at the central values reach parity before "
        "2029Q1; the spread over the judgement ranges printed",
        parity_takes_years,
        _parity_runs,
        source="IISS, Defending Europe without the United States (May 2025): Russia could "
        "threaten the Baltic states by 2027",
    ),
    Check(
        "Ukraine's army",
        "Ukraine's army at its planned 800,000 rather than a 600,000 cap changes parity by "
        "an amount one sentence explains",
        f"the sentence (more soldiers crew more of the same equipment, kept less ready, and "
        f"thin out the coalition's enablers) within "
        f"{SENTENCE_TOLERANCE[0]:.0%} (+{SENTENCE_TOLERANCE[1]:g}) of the model's change",
        ukraine_army,
        lambda c: 2 * c.reps,
        source="Paris Declaration (Jan 2026): 800,000 after the war; the 28-point plan "
        "(Nov 2025): a cap of 600,000",
    ),
)


def _check(name: str) -> Check:
    return next(c for c in CHECKS if c.name == name)
