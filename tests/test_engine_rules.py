"""The engine runs the rules of ``rules/``, and only those.

Three checks:

- a contract on the source: the engine and the protocols apply no formula of their own
  (no ``*``, ``/``, ``**`` and no numpy arithmetic such as ``exp`` or ``minimum``); every
  formula is a function of :mod:`coalition_sim.rules`, so a rule copied into the engine
  fails here;
- every public function of ``rules/`` is called by the package (no dead rule that tests
  check while the engine runs something else);
- the engine's step equals the design's formulas applied one by one: each phase of a
  step (outlook, spending, Ukraine's industry, the forces' quarter, the balance) is
  recomputed here from the state before it with the formulas of ``docs/odd.md`` written
  out plainly, for random parameter mixes and batches; the books a run starts from (the
  stocks of 2014-2025) are rebuilt here from the history of spending.
"""

from __future__ import annotations

import ast
import copy
import inspect
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coalition_sim
from coalition_sim import streams
from coalition_sim.datasets import load_dataset
from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.parameters import DEFAULT, SCHEMA
from coalition_sim.rules import (
    adversary,
    bargaining,
    capability,
    economy,
    industry,
    spending,
    strength,
    sums,
    threat,
    traits,
    utility,
    voting,
)

PACKAGE = Path(coalition_sim.__file__).parent
#: Modules that orchestrate: they apply decisions and keep books, the rules compute.
ORCHESTRATION = (
    "engine/batch.py",
    "engine/state.py",
    "engine/inputs.py",
    "engine/engine.py",
    "protocols/contract.py",
    "protocols/standard.py",
    "protocols/bargaining.py",
    "protocols/landscape.py",
)
ARITHMETIC = (ast.Mult, ast.Div, ast.Pow, ast.FloorDiv, ast.Mod, ast.MatMult)
NUMPY_MATH = {
    "exp", "log", "log1p", "expm1", "power", "sqrt", "minimum", "maximum", "clip", "abs",
    "absolute", "fabs", "tanh", "mean", "median", "dot", "matmul", "cumprod",
}  # fmt: skip


def formulas(source: str) -> list[str]:
    """Every formula in ``source``: arithmetic beyond counting, or numpy's math."""
    found = []
    for node in ast.walk(ast.parse(source)):
        op = getattr(node, "op", None)
        arithmetic = isinstance(node, ast.BinOp | ast.AugAssign) and isinstance(op, ARITHMETIC)
        if arithmetic or (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "np"
            and node.func.attr in NUMPY_MATH
        ):
            found.append(f"line {node.lineno}: {ast.unparse(node)[:80]}")
    return found


def test_the_formula_finder_finds_a_rule_written_inline():
    copied = "def measure(s, v):\n    s.parity = s.strength / s.adversary\n"
    assert formulas(copied) == ["line 2: s.strength / s.adversary"]
    assert formulas("x = np.minimum(a, b)\n")
    assert formulas("counts += 1\nstep = t + 1 + delay\n") == []


@pytest.mark.parametrize("module", ORCHESTRATION)
def test_the_engine_and_protocols_apply_no_formula_of_their_own(module):
    found = formulas((PACKAGE / module).read_text())
    assert not found, f"{module} computes what a rule of rules/ should: " + "; ".join(found)


def _public_functions(module) -> list[str]:
    return [
        name
        for name, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module.__name__ and name[0] != "_"
    ]


def _names_used(skip: Path) -> set[str]:
    used: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.Name) and path != skip:
                used.add(node.id)
    return used


RULES = (
    adversary, bargaining, capability, economy, industry, spending, strength, sums, threat,
    traits, utility, voting,
)  # fmt: skip


@pytest.mark.parametrize("module", RULES, ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_every_rule_is_called_by_the_package(module):
    used = _names_used(skip=Path(module.__file__))
    here = ast.parse(Path(module.__file__).read_text())
    inside = {n.id for n in ast.walk(here) if isinstance(n, ast.Name)}
    dead = [f for f in _public_functions(module) if f not in used and f not in inside]
    assert not dead, f"rules with no caller in the package: {dead}"


def test_admission_rules_say_who_votes_and_whether_a_veto_blocks():
    member = np.array([[True, True, True, False]])
    founder = np.array([[True, False, True, False]])
    codes = {rule.name: k for k, rule in enumerate(voting.RULE_ORDER)}
    assert voting.voters(codes["core"], member, founder).tolist() == [[True, False, True, False]]
    assert voting.voters(codes["qmv"], member, founder).tolist() == member.tolist()
    # a batch mixing rules: each run asks its own
    mixed = voting.voters(
        np.array([[codes["core"]], [codes["majority"]]]), np.repeat(member, 2, 0), founder
    )
    assert mixed.tolist() == [[True, False, True, False], [True, True, True, False]]
    blocks = voting.veto_blocks(np.array([[k] for k in codes.values()]))[:, 0]
    assert dict(zip(codes, blocks.tolist(), strict=True)) == {
        "unanimity": True,
        "qmv": False,
        "majority": False,
        "core": False,
    }


# ---------------------------------------------------------------- the step, phase by phase

PHASES = ("_outlook", "_spend", "_industry", "_measure")
DATASET = load_dataset()
#: A formula below holds to this relative tolerance (the engine may add in another order).
RTOL = 1e-9


def _record_phases(batch):
    """Wrap the batch's phases, and its forces' quarter, to record the state around each.

    Each entry is ``(phase, step, state before, state after, arguments, result)``.
    """
    log: list[tuple] = []

    def record(owner, name, label):
        original = getattr(owner, name)

        def wrapped(*args, **kwargs):
            before = copy.deepcopy(batch.state)
            out = original(*args, **kwargs)
            after = copy.deepcopy(batch.state)
            log.append((label, batch.state.step, before, after, copy.deepcopy(args), out))
            return out

        setattr(owner, name, wrapped)

    for name in PHASES:
        record(batch, name, name)
    record(batch.forces, "quarter", "quarter")
    return log


def _column(value):
    """A parameter as a ``(runs, 1)`` column (or a number)."""
    value = np.asarray(value, dtype=float)
    return value.reshape(-1, 1) if value.ndim else value


def _gdp_factor(batch, t):
    data, v = batch.inputs.data, batch.inputs.values
    europe = (1.0 + _column(v["europe_gdp_growth_pct"]) / 100.0) ** (t / 4)
    factor = np.ones((1, len(data))) * europe
    if "UKR" in data.index:
        growth = (1.0 + _column(v["ukraine_gdp_growth_pct"]) / 100.0) ** (t / 4)
        factor = np.where(np.arange(len(data)) == data.index["UKR"], growth, factor)
    return factor


def _ukraine(batch):
    """Ukraine's column as a mask over the states (none in a world without it)."""
    data = batch.inputs.data
    return np.arange(len(data)) == data.index.get("UKR", -1)


def _war(batch, t):
    """Whether the war goes on at step ``t``: from February 2022 (before the start of a
    run that starts in 2026) to the ceasefire."""
    return t < _column(batch.inputs.values["ukraine_ceasefire_step"])


def _equipment_share(batch):
    """Each state's share of spending on equipment: NATO's, else the default; Ukraine's."""
    v, mil = batch.inputs.values, batch.inputs.military
    share = np.where(np.isnan(mil.equipment_share), _column(v["equipment_share_default"]),
                     np.nan_to_num(mil.equipment_share))  # fmt: skip
    return np.where(_ukraine(batch), _column(v["ukraine_equipment_share"]), share)


def _fielded_and_usable(batch, s):
    """What each state fields and the members' usable strength, from the state ``s``."""
    v, forces = batch.inputs.values, batch.forces
    combat = s.land + s.air
    needed = combat / forces.equipment_per_soldier  # the stock its soldiers could crew
    manned = np.where(needed > 0, np.minimum(1.0, s.personnel / np.where(needed > 0, needed, 1)),
                      1.0)  # fmt: skip
    experience = np.where(_ukraine(batch), _column(v["ukraine_experience_multiplier"]), 1.0)
    fielded = combat * manned * s.readiness * experience
    member = s.member
    have = (s.enablers * member).sum(axis=1, keepdims=True)
    # enablers are needed for the stock the soldiers crew (the active stock)
    need = forces.enabler_need * (combat * manned * member).sum(axis=1, keepdims=True)
    safe = np.where(need > 0, need, 1.0)
    coverage = np.minimum(1.0, have / safe)
    coverage_us = np.minimum(1.0, (have + forces.us_enablers * s.us_commitment) / safe)
    floor = _column(v["enabler_floor"])
    enabled, enabled_us = floor + (1 - floor) * coverage, floor + (1 - floor) * coverage_us
    force = (fielded * member).sum(axis=1, keepdims=True)
    shares = fielded * member / np.where(force > 0, force, 1.0)
    herfindahl = np.where(force > 0, (shares**2).sum(axis=1, keepdims=True), 0.0)
    fragmented = 1.0 - _column(v["fragmentation_penalty"]) * (1.0 - herfindahl)
    integrated = (fielded * s.integration * member).sum(axis=1, keepdims=True)
    contribution = fielded * s.integration * enabled * fragmented
    us = (
        s.us_commitment * forces.us_troops_k * forces.europe_per_soldier
        * _column(v["us_equipment_ratio"])
    )  # fmt: skip
    return {
        "fielded": fielded,
        "coverage": coverage,
        "contribution": contribution,
        "usable": integrated * enabled * fragmented,
        "usable_with_us": (integrated + us) * enabled_us * fragmented,
    }


def _check_outlook(batch, t, before, after, args, out):
    data, v, tr = batch.inputs.data, batch.inputs.values, batch.inputs.traits
    # what the forces fielded at the end of the last quarter, measured again here
    forces = _fielded_and_usable(batch, after)
    np.testing.assert_allclose(after.own_strength, forces["fielded"], rtol=RTOL)
    np.testing.assert_allclose(after.coalition_strength, forces["usable"], rtol=RTOL)
    adversary = after.adversary_strength
    # theta = T * p * (1 - u * g * nato) * A ** w, A Russia's forces over all of Europe's
    advantage = adversary / forces["fielded"].sum(axis=1, keepdims=True)
    np.testing.assert_allclose(after.advantage, advantage, rtol=RTOL)
    power = np.clip(advantage, 1e-6, 1e6) ** _column(v["power_weight"])
    u, g = after.us_commitment, _column(v["us_guarantee_weight"])
    perceived = after.threat * tr.proximity * (1.0 - u * g * data.nato) * power
    np.testing.assert_allclose(after.perceived, perceived, rtol=RTOL, atol=1e-15)
    # a state's own forces judged as its allies': integrated, enabled, unfragmented
    own = forces["contribution"]
    np.testing.assert_allclose(after.usable, own, rtol=RTOL)
    member = after.member
    others = forces["usable"] - own * member
    # the gain of joining is a ratio-form contest: F / (F + A) with and without the others
    gain = (others + own) / (others + own + adversary) - own / (own + adversary)
    floor = _column(v["spending_floor_pct"])
    safe = np.where(floor > 0, floor, 1.0)
    burden = np.where(floor > 0, np.clip(1.0 - after.pct / safe, 0.0, 1.0), 0.0)
    neighbours = (member.astype(int) @ data.adjacency.astype(int)) / np.maximum(
        data.adjacency.sum(axis=0), 1
    )
    mean_alignment = (tr.alignment * member).sum(axis=1, keepdims=True) / np.maximum(
        member.sum(axis=1, keepdims=True), 1
    )
    w_ties = _column(v["affinity_ties_weight"])
    affinity = (
        neighbours + (1.0 - 0.5 * np.abs(tr.alignment - mean_alignment)) + w_ties * data.ties
    ) / (2.0 + w_ties)
    expected = (
        _column(v["w_threat"]) * perceived * gain
        - _column(v["w_cost"]) * burden
        + _column(v["w_affinity"]) * affinity
        + _column(v["w_align"]) * tr.alignment
        - _column(v["w_entrap"]) * (1.0 - tr.proximity)
        - _column(v["w_neutral"]) * data.neutral
    )
    np.testing.assert_allclose(after.utility, expected, rtol=RTOL, atol=1e-12)


def _check_spend(batch, t, before, after, args, out):
    data, v, tr = batch.inputs.data, batch.inputs.values, batch.inputs.traits
    desired = np.minimum(
        tr.defence_pct_gdp + _column(v["threat_response"]) * before.perceived,
        np.maximum(_column(v["max_defence_pct"]), tr.defence_pct_gdp),
    )
    committed = np.minimum(
        before.path_start + before.path_slope * (t - before.joined_step), before.path_end
    )
    target = np.maximum(desired, committed)
    # a member keeps its path with the chance of its commitment keeping, not reliability
    limit = streams.threshold(tr.keeping)
    honours = streams.below(
        batch.inputs.keys, t, streams.Purpose.HONOUR, np.arange(len(data)), limit
    )
    moves = ~before.member | honours
    rate = _column(v["ramp_rate"])
    pct = before.pct + np.clip(target - before.pct, -rate, rate) * moves
    if "UKR" in data.index:
        k = data.index["UKR"]
        goal = np.where(_war(batch, t), _column(v["ukraine_war_defence_pct"]),
                        _column(v["ukraine_postwar_defence_pct"]))  # fmt: skip
        old = before.pct[:, k : k + 1]
        pct[:, k : k + 1] = old + (goal - old) / _column(v["ukraine_adjustment_quarters"])
    np.testing.assert_allclose(after.pct, pct, rtol=1e-12, atol=1e-12)
    gdp = data.gdp * _gdp_factor(batch, t)
    # the joint extra spending shared among the members by their GDP
    member = after.member
    members_gdp = (gdp * member).sum(axis=1, keepdims=True)
    extra = (
        _column(v["extra_spending_usd_bn"])
        * gdp
        * member
        / np.where(members_gdp > 0, members_gdp, np.inf)
    )
    np.testing.assert_allclose(after.spending, after.pct * gdp / 100.0 + extra, rtol=1e-12)


def _check_industry(batch, t, before, after, args, out):
    data, v = batch.inputs.data, batch.inputs.values
    if "UKR" not in data.index:
        return
    k = data.index["UKR"]
    investors = after.member & after.member[:, k : k + 1]
    investors[:, k] = False
    share = _column(v["ukraine_investment_share"])
    invested = share * after.spending * investors
    offered = invested.sum(axis=1, keepdims=True)
    capacity = before.ukraine_capacity_usd_bn
    own = _column(v["ukraine_capacity_usd_bn"]) * _column(v["ukraine_utilisation_initial"])
    absorbed = np.minimum(np.maximum(offered, 0.0), np.maximum(0.0, capacity - own))
    target = np.minimum(1.0, (own + absorbed) / capacity)
    used = before.ukraine_utilisation
    used = used + (target - used) / _column(v["ukraine_absorption_quarters"])
    np.testing.assert_allclose(after.ukraine_utilisation, used, rtol=1e-12)
    struck = _column(v["ukraine_strike_loss_pct"]) / 400.0 * _war(batch, t)
    built = _column(v["ukraine_capacity_growth"]) * np.maximum(0.0, offered - absorbed) / 4.0
    capacity = capacity * (1.0 - struck) + built
    np.testing.assert_allclose(after.ukraine_capacity_usd_bn, capacity, rtol=1e-12)
    marginal = 1.0 + _column(v["ukraine_marginal_cost"]) * used**2
    output = np.maximum(0.0, used * capacity - own) * _column(v["cost_advantage"]) / marginal
    np.testing.assert_allclose(after.ukraine_industry_output_usd_bn, output, rtol=1e-12)
    drones = _column(v["ukraine_drones_initial_m"]) * used * capacity / own
    np.testing.assert_allclose(after.ukraine_drone_output_m, drones, rtol=1e-12)
    np.testing.assert_allclose(out[0], invested, rtol=1e-12)
    np.testing.assert_allclose(out[1], output, rtol=1e-12)


def _check_quarter(batch, t, before, after, args, out):
    """Forces.quarter: orders, deliveries, wear, losses, recruits, readiness, Russia."""
    v, forces, mil = batch.inputs.values, batch.forces, batch.inputs.military
    _, war, invested, output = args
    ukraine = _ukraine(batch)
    share = _equipment_share(batch)
    # spending already moved; the joint extra spending apart: it buys missing enablers first
    extra = before.extra_spending if np.any(v["extra_spending_usd_bn"]) else 0.0
    budget = np.maximum((before.spending - extra) * share - invested, 0.0)
    added = extra * share
    short = before.enabler_coverage < 1.0
    industry = batch.inputs.traits.industry
    power = np.where(ukraine, _column(v["ukraine_ppp_factor"]), 1.0)
    value = power * (1.0 + _column(v["industry_weight"]) * industry)
    at_war = war & ukraine
    # procurement turns toward enablers as the US leaves: from the enabler share toward
    # the need of a self-reliant force, land and air giving up theirs in proportion
    u0 = _column(v["us_commitment"])
    gone = np.where(u0 > 0, np.clip((u0 - before.us_commitment) / np.where(u0 > 0, u0, 1), 0, 1),
                    0.0)  # fmt: skip
    base_enablers = _column(v["enabler_share"])
    enablers_now = base_enablers + _column(v["enabler_adaptation"]) * gone * np.maximum(
        _column(v["enabler_need_share"]) - base_enablers, 0.0
    )
    combat_share = _column(v["land_share"]) + _column(v["air_share"])
    scale = (combat_share + base_enablers - enablers_now) / combat_share
    shares = {"land": _column(v["land_share"]) * scale, "air": _column(v["air_share"]) * scale,
              "enablers": enablers_now}  # fmt: skip
    # Ukraine's industry: its forces take what their soldiers can crew beyond what they
    # have, the investors share the rest by what each invested
    made = output / 4.0
    k = batch.inputs.data.index["UKR"]
    ukr_combat = before.land[:, k : k + 1] + before.air[:, k : k + 1]
    per_soldier = np.broadcast_to(forces.equipment_per_soldier, before.land.shape)[:, k : k + 1]
    room = np.maximum(0.0, before.personnel[:, k : k + 1] * per_soldier - ukr_combat)
    kept = np.minimum(made, room)
    everyone = invested.sum(axis=1, keepdims=True)
    shared = (made - kept) * invested / np.where(everyone > 0, everyone, np.inf)
    delivered = np.where(ukraine, kept, shared)
    for name, pipe in (("land", "land_pipeline"), ("air", "air_pipeline"),
                       ("enablers", "enabler_pipeline")):  # fmt: skip
        key = "enabler" if name == "enablers" else name
        lag = 4.0 * _column(v[f"{key}_lag_years"])
        wear = _column(v[f"{key}_depreciation_pct"]) / 400.0
        stock, pending = getattr(before, name), getattr(before, pipe)
        arrived = pending / lag
        directed = np.where(short, 1.0 if name == "enablers" else 0.0, shares[name])
        ordered = (budget * shares[name] + added * directed) * value / 4.0
        np.testing.assert_allclose(getattr(after, pipe), pending + ordered - arrived,
                                   rtol=RTOL, atol=1e-12)  # fmt: skip
        at_once = lost = 0.0
        if name == "land":  # aid and Ukraine's industry arrive at once, war losses go
            aid = np.where(ukraine, _column(v["ukraine_aid_usd_bn"]), 0.0) / 4.0
            at_once = aid + delivered
            lost = stock * _column(v["ukraine_war_loss_pct"]) / 400.0 * at_war
        expected = np.maximum(stock * (1.0 - wear) + arrived + at_once - lost, 0.0)
        np.testing.assert_allclose(getattr(after, name), expected, rtol=RTOL, atol=1e-12)
    combat = after.land + after.air
    # armies recruit to crew their equipment and keep the soldiers they have
    wanted = np.maximum(combat / forces.equipment_per_soldier, forces.personnel_start)
    postwar = _column(v["ukraine_postwar_personnel_k"])
    wanted = np.where(ukraine, np.where(war, forces.personnel_start, postwar), wanted)
    p = before.personnel
    personnel = p + np.minimum((wanted - p) / _column(v["personnel_quarters"]),
                               p * _column(v["recruitment_pct"]) / 400.0)  # fmt: skip
    np.testing.assert_allclose(after.personnel, personnel, rtol=RTOL, atol=1e-12)
    # readiness: upkeep against the stock the soldiers crew (the active stock)
    needed = combat / forces.equipment_per_soldier
    manned = np.where(needed > 0, np.minimum(1.0, personnel / np.where(needed > 0, needed, 1)),
                      1.0)  # fmt: skip
    active = combat * manned
    upkeep = before.spending * (1.0 - share)
    start = forces.upkeep_start
    funding = np.where(start > 0, upkeep / np.where(start > 0, start, 1.0), upkeep) / np.where(
        forces.active_start > 0,
        active / np.where(forces.active_start > 0, forces.active_start, 1),
        1.0,
    )
    base = _column(v["readiness"])
    target = np.minimum(1.0, base * np.maximum(funding, 0.0) ** _column(v["readiness_elasticity"]))
    ready = before.readiness + (target - before.readiness) / _column(v["readiness_quarters"])
    np.testing.assert_allclose(after.readiness, ready, rtol=RTOL, atol=1e-12)
    # integration: members close the gap to 1, faster with joint procurement; a state
    # outside drifts back to its level outside (NATO's or the others')
    speed = (
        _column(v["integration_rate_pct"])
        / 400.0
        * (1.0 + _column(v["joint_procurement_weight"]) * _column(v["joint_procurement_share"]))
    )
    outside = np.where(batch.inputs.data.nato, _column(v["integration_nato"]),
                       _column(v["integration_other"]))  # fmt: skip
    integration = np.where(
        before.member,
        before.integration + np.minimum(1.0, speed) * (1.0 - before.integration),
        before.integration
        + np.minimum(1.0, _column(v["integration_rate_pct"]) / 400.0)
        * (outside - before.integration),
    )
    np.testing.assert_allclose(after.integration, integration, rtol=RTOL, atol=1e-12)
    # Russia: its burden toward the war's or the peace's, its GDP growing from 2025's
    goal = np.where(war, _column(v["adversary_war_defence_pct"]),
                    _column(v["adversary_postwar_defence_pct"]))  # fmt: skip
    pct = before.adversary_pct + (goal - before.adversary_pct) / _column(
        v["adversary_adjustment_quarters"]
    )
    np.testing.assert_allclose(after.adversary_pct, pct, rtol=1e-12)
    gdp = mil.adversary_spending_usd_bn[-1] * 100.0 / _column(v["adversary_war_defence_pct"])
    gdp = gdp * (1.0 + _column(v["adversary_growth_pct"]) / 100.0) ** (t / 4)
    spent = gdp * pct / 100.0
    budget = np.maximum(spent * _column(v["adversary_equipment_share"]), 0.0)
    for name, key in (("land", "land"), ("air", "air")):
        stock = getattr(before, f"adversary_{name}")
        pending = getattr(before, f"adversary_{name}_pipeline")
        arrived = pending / (4.0 * _column(v[f"{key}_lag_years"]))
        ordered = (
            budget * _column(v["adversary_ppp_factor"]) * _column(v[f"adversary_{name}_share"])
            / 4.0
        )  # fmt: skip
        np.testing.assert_allclose(getattr(after, f"adversary_{name}_pipeline"),
                                   pending + ordered - arrived, rtol=RTOL)  # fmt: skip
        lost = stock * _column(v["adversary_war_loss_pct"]) / 400.0 * war if name == "land" else 0
        wear = _column(v[f"{key}_depreciation_pct"]) / 400.0
        expected = np.maximum(stock * (1.0 - wear) + arrived - lost, 0.0)
        np.testing.assert_allclose(getattr(after, f"adversary_{name}"), expected, rtol=RTOL)


def _check_measure(batch, t, before, after, args, out):
    data, v, tr = batch.inputs.data, batch.inputs.values, batch.inputs.traits
    forces = _fielded_and_usable(batch, after)
    member = after.member
    np.testing.assert_allclose(after.own_strength, forces["fielded"], rtol=RTOL)
    np.testing.assert_allclose(after.enabler_coverage, forces["coverage"], rtol=RTOL)
    np.testing.assert_allclose(after.coalition_strength, forces["usable"], rtol=RTOL)
    np.testing.assert_allclose(after.coalition_strength_with_us, forces["usable_with_us"],
                               rtol=RTOL)  # fmt: skip
    adversary = (after.adversary_land + after.adversary_air) * _column(v["adversary_readiness"])
    np.testing.assert_allclose(after.adversary_strength, adversary, rtol=RTOL)
    np.testing.assert_allclose(after.parity, forces["usable"] / adversary, rtol=RTOL)
    with_us = forces["usable_with_us"] / adversary
    np.testing.assert_allclose(after.parity_with_us, with_us, rtol=RTOL)
    # cohesion: integration x (1 - frictions) x (1 - alignment differences) - breaches,
    # each weighted by the members' forces
    w = forces["fielded"] * member
    force = w.sum(axis=1, keepdims=True)
    safe = np.where(force > 0, force, 1.0)
    integration = np.where(force > 0, (after.integration * w).sum(axis=1, keepdims=True) / safe, 0)
    np.testing.assert_allclose(after.integration_mean, integration, rtol=RTOL, atol=1e-15)
    disputed = (np.triu(data.friction, 1)[None] * w[:, :, None] * w[:, None, :]).sum(axis=(1, 2))
    pairs = (force[:, 0] ** 2 - (w**2).sum(axis=1)) / 2
    load = np.where(pairs > 0, disputed / np.where(pairs > 0, pairs, 1), 0.0)[:, None]
    mean = (tr.alignment * w).sum(axis=1, keepdims=True) / safe
    spread = np.sqrt(((tr.alignment - mean) ** 2 * w).sum(axis=1, keepdims=True) / safe)
    cohesion = np.clip(
        integration
        * (1 - _column(v["cohesion_friction_weight"]) * load)
        * (1 - _column(v["cohesion_alignment_weight"]) * spread)
        - after.cohesion_penalty,
        0.0,
        1.0,
    )
    np.testing.assert_allclose(after.cohesion, cohesion, rtol=RTOL, atol=1e-12)
    warheads = batch.inputs.military.warheads
    share = (warheads * member).sum(axis=1, keepdims=True) / warheads.sum()
    u = after.us_commitment
    cover = u + (1 - u) * _column(v["european_nuclear_cover"]) * share
    d = _column(v["nuclear_discount"])
    credibility = (1 - np.exp(-np.maximum(with_us, 0))) * after.cohesion * (d + (1 - d) * cover)
    np.testing.assert_allclose(after.credibility, credibility, rtol=RTOL, atol=1e-15)
    spent = (after.spending * member).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(after.coalition_spending_usd_bn, spent, rtol=1e-12)
    gdp = (data.gdp * _gdp_factor(batch, t) * member).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(after.coalition_spending_pct_gdp, 100 * spent / gdp, rtol=1e-12)


CHECKS = {
    "_outlook": _check_outlook,
    "_spend": _check_spend,
    "_industry": _check_industry,
    "quarter": _check_quarter,
    "_measure": _check_measure,
}


def _value(name):
    parameter = SCHEMA[name]
    if parameter.kind == "choice":
        return st.sampled_from(parameter.choices)
    if parameter.kind == "int":
        values = st.integers(int(parameter.low), min(int(parameter.high), 12))
        return st.one_of(st.none(), values) if parameter.optional else values
    return st.floats(parameter.low, parameter.high, allow_nan=False)


VARIED = (
    "w_threat", "w_cost", "w_affinity", "threat_response", "ramp_rate", "commitment_keeping",
    "spending_floor_pct", "us_withdrawal_step", "us_commitment_after", "threat_initial",
    "ukraine_investment_share", "cost_advantage", "admission_rule", "protocol",
    "application_threshold", "ukraine_ceasefire_step", "adversary_growth_pct", "power_weight",
    "extra_spending_usd_bn", "readiness", "readiness_elasticity", "enabler_floor",
    "fragmentation_penalty", "integration_rate_pct", "recruitment_pct", "ukraine_capacity_growth",
    "ukraine_marginal_cost", "adversary_war_loss_pct", "adversary_ppp_factor", "land_lag_years",
    "enabler_depreciation_pct", "industry_weight", "us_equipment_ratio", "european_nuclear_cover",
)  # fmt: skip


@st.composite
def mixes(draw):
    """One to three scenarios of random values, one to four runs each."""
    scenarios = []
    for _ in range(draw(st.integers(1, 3))):
        names = draw(st.lists(st.sampled_from(VARIED), max_size=8, unique=True))
        changes = {name: draw(_value(name)) for name in names}
        scenarios.append(DEFAULT.with_values({**changes, "protocol": "threshold", "steps": 12}))
    seeds = draw(st.lists(st.integers(0, 2**31), min_size=1, max_size=6))
    samples = [draw(st.integers(0, len(scenarios) - 1)) for _ in seeds]
    return scenarios, seeds, samples


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mix=mixes())
def test_each_phase_of_the_step_is_the_design_formula(mix):
    scenarios, seeds, samples = mix
    engine = Engine(build(DATASET, scenarios, seeds, samples))
    checked = 0
    for group in engine.groups:
        log = _record_phases(group.batch)
        while group.batch.step_number < group.batch.horizon:
            group.batch.step()
        for name, t, before, after, args, out in log:
            CHECKS[name](group.batch, t, before, after, args, out)
            checked += 1
    assert checked == len(CHECKS) * 12 * len(engine.groups)


def _inventory(flows, depreciation_pct, lag_quarters, loss_pct=None):
    """A perpetual inventory over yearly flows, written out: stock and pipeline at the end.

    It starts from the steady state of the first year's flow (stock = flow / rate, a
    pipeline of ``lag`` quarters of orders), then orders a quarter of each year's flow a
    quarter, delivers 1/lag of the pipeline, wears the stock down and takes war losses.
    """
    stock = flows[0] / (depreciation_pct / 100.0)
    pipeline = flows[0] / 4.0 * lag_quarters
    for year, flow in enumerate(flows):
        for _ in range(4):
            arrived = pipeline / lag_quarters
            pipeline = pipeline + flow / 4.0 - arrived
            lost = 0.0 if loss_pct is None else stock * loss_pct[year] / 400.0
            stock = np.maximum(stock * (1.0 - depreciation_pct / 400.0) + arrived - lost, 0.0)
    return stock, pipeline


def test_the_books_at_the_start_are_the_history_of_spending():
    scenario = DEFAULT.with_values({"steps": 1, "industry_weight": 0.3})
    batch = Engine(build(DATASET, [scenario], [3])).groups[0].batch
    s, v, data, mil = batch.state, scenario.values, batch.inputs.data, batch.inputs.military
    k = data.index["UKR"]
    ukraine = np.arange(len(data)) == k
    years = mil.years[mil.years < 2026]
    assert years.tolist() == list(range(2014, 2026))
    # equipment spending each year: NATO's series where an Ally reports it, else today's
    # spending at the equipment share (non-Allies: a steady history); Ukraine's own
    # budget (2021's before its series) at its share, and the aid, all of it land
    share = np.where(np.isnan(mil.equipment_share), v["equipment_share_default"],
                     np.nan_to_num(mil.equipment_share))  # fmt: skip
    share[k] = v["ukraine_equipment_share"]
    now = data.defence_pct_gdp * data.gdp / 100.0 * share
    budget = np.where(np.isnan(mil.equipment_usd_bn), now, mil.equipment_usd_bn)
    ukraine_spent = mil.ukraine_spending_usd_bn.copy()
    ukraine_spent[np.isnan(ukraine_spent)] = ukraine_spent[years == 2021][0]
    budget[:, k] = ukraine_spent * share[k]
    industry = batch.inputs.traits.industry[0]
    value = (1.0 + v["industry_weight"] * industry) * np.where(ukraine, v["ukraine_ppp_factor"], 1)
    losses = np.where(years >= 2022, v["ukraine_war_loss_pct"], 0.0)
    for name, key in (("land", "land"), ("air", "air"), ("enablers", "enabler")):
        pipe = "enabler_pipeline" if name == "enablers" else f"{name}_pipeline"
        for i, code in enumerate(data.codes):
            flows = budget[:, i] * value[i] * v[f"{key}_share"]
            if name == "land" and i == k:
                flows = flows + mil.ukraine_aid_usd_bn
            loss = losses if name == "land" and i == k else None
            stock, pending = _inventory(
                flows, v[f"{key}_depreciation_pct"], 4 * v[f"{key}_lag_years"], loss
            )
            assert s_value(s, name, i) == pytest.approx(stock, rel=1e-9), (name, code)
            assert s_value(s, pipe, i) == pytest.approx(pending, rel=1e-9), (pipe, code)
    # Russia: SIPRI's series at its equipment share and purchasing power, losing land
    # equipment from 2022
    spent = (
        mil.adversary_spending_usd_bn * v["adversary_equipment_share"] * v["adversary_ppp_factor"]
    )
    losses = np.where(years >= 2022, v["adversary_war_loss_pct"], 0.0)
    for name in ("land", "air"):
        stock, pending = _inventory(
            spent * v[f"adversary_{name}_share"], v[f"{name}_depreciation_pct"],
            4 * v[f"{name}_lag_years"], losses if name == "land" else None,
        )  # fmt: skip
        assert getattr(s, f"adversary_{name}")[0, 0] == pytest.approx(stock, rel=1e-9)
        assert getattr(s, f"adversary_{name}_pipeline")[0, 0] == pytest.approx(pending, rel=1e-9)
    assert s.adversary_strength[0, 0] == pytest.approx(
        (s.adversary_land + s.adversary_air)[0, 0] * v["adversary_readiness"], rel=1e-12
    )
    # people: NATO's count (or personnel.csv's), else as many per unit of equipment as
    # Europe's mean; Ukraine's army as it stands
    combat = (s.land + s.air)[0]
    known = ~np.isnan(mil.personnel_k) & (mil.personnel_k > 0)
    europe = combat[known].sum() / mil.personnel_k[known].sum()
    personnel = np.where(known, np.nan_to_num(mil.personnel_k), combat / europe)
    personnel[k] = mil.ukraine_personnel_k
    np.testing.assert_allclose(s.personnel[0], personnel, rtol=1e-12)
    # every army crews its equipment at the start: its own equipment per soldier, or the
    # fuller standard
    own = np.divide(combat, personnel, out=np.zeros_like(combat), where=personnel > 0)
    per_soldier = np.maximum(own, v["crew_standard"] * europe)  # Iceland: no army, the standard
    np.testing.assert_allclose(batch.forces.equipment_per_soldier[0], per_soldier, rtol=1e-12)
    assert (s.personnel[0] * per_soldier >= combat * (1 - 1e-12)).all()
    experience = np.where(ukraine, v["ukraine_experience_multiplier"], 1.0)
    np.testing.assert_allclose(s.own_strength[0], combat * v["readiness"] * experience, rtol=1e-12)
    assert (s.readiness == v["readiness"]).all()
    np.testing.assert_array_equal(
        s.integration[0], np.where(data.nato, v["integration_nato"], v["integration_other"])
    )
    # the enablers a self-reliant force would have bought with the same budgets: what a
    # unit of combat stock needs, and what the US fills at the start
    required = 0.0
    for i in range(len(data)):
        required += _inventory(
            budget[:, i] * value[i] * v["enabler_need_share"], v["enabler_depreciation_pct"],
            4 * v["enabler_lag_years"],
        )[0]  # fmt: skip
    assert batch.forces.enabler_need == pytest.approx(required / combat.sum(), rel=1e-9)
    assert batch.forces.us_enablers == pytest.approx(required - s.enablers.sum(), rel=1e-9)


def s_value(state, name, i):
    return getattr(state, name)[0, i]


def test_a_phase_that_departs_from_its_formula_is_caught(monkeypatch):
    # negative control: the engine's spending computed with a different formula
    engine = Engine(build(DATASET, [DEFAULT.with_values({"steps": 2})], [5]))
    batch = engine.groups[0].batch
    log = _record_phases(batch)
    monkeypatch.setattr(spending, "spending_usd", lambda pct, gdp: pct * gdp / 99.0)
    batch.step()
    _, t, before, after, args, out = next(e for e in log if e[0] == "_spend")
    with pytest.raises(AssertionError):
        _check_spend(batch, t, before, after, args, out)


@pytest.mark.parametrize(
    ("module", "name", "wrong", "phase"),
    [
        # equipment delivered in a tenth of its lag
        ("capability", "delivered", lambda pipeline, lag: pipeline / lag * 10, "quarter"),
        # readiness moving at once to its target
        ("capability", "towards", lambda value, target, quarters: target, "quarter"),
        # enablers counted twice
        ("capability", "enabler_coverage",
         lambda own, us, need, combat: np.minimum(1, 2 * (own + us) / (need * combat)),
         "_measure"),
        # Russia's losses in peace too
        ("adversary", "war_losses", lambda stock, war, pct: stock * pct / 400, "quarter"),
        # Russia's power left out of the threat
        ("threat", "power_factor", lambda advantage, weight: 1.0 + 0.0 * advantage, "_outlook"),
        # Ukraine's capacity never struck
        ("industry", "next_capacity",
         lambda capacity, investment, absorbed, growth, war, pct: capacity, "_industry"),
    ],
)  # fmt: skip
def test_a_force_rule_that_departs_from_its_formula_is_caught(
    monkeypatch, module, name, wrong, phase
):
    # negative controls: one rule replaced by a wrong one, the phase's check must fail
    import importlib

    scenario = DEFAULT.with_values({"steps": 4, "ukraine_ceasefire_step": 2})  # peace at 2
    batch = Engine(build(DATASET, [scenario], [5])).groups[0].batch
    log = _record_phases(batch)
    monkeypatch.setattr(importlib.import_module(f"coalition_sim.rules.{module}"), name, wrong)
    for _ in range(4):
        batch.step()
    with pytest.raises(AssertionError):
        for entry in (e for e in log if e[0] == phase):
            CHECKS[phase](batch, *entry[1:])
