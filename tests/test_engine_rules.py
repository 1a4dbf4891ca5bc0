"""The engine runs the rules of ``rules/``, and only those.

Three checks:

- a contract on the source: the engine and the protocols apply no formula of their own
  (no ``*``, ``/``, ``**`` and no numpy arithmetic such as ``exp`` or ``minimum``); every
  formula is a function of :mod:`coalition_sim.rules`, so a rule copied into the engine
  fails here;
- every public function of ``rules/`` is called by the package (no dead rule that tests
  check while the engine runs something else);
- the engine's step equals the design's formulas applied one by one: each phase of a
  step (outlook, spending, industry, strength) is recomputed here from the state before
  it with the formulas of ``docs/odd.md`` written out plainly, for random parameter mixes
  and batches.
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
    bargaining,
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


RULES = (bargaining, economy, industry, spending, strength, sums, threat, traits, utility, voting)


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


def _record_phases(batch):
    """Wrap the batch's phases so that each records the state before and after it."""
    log: list[tuple[str, int, object, object]] = []
    for name in PHASES:
        original = getattr(batch, name)

        def wrapped(*args, _name=name, _original=original, **kwargs):
            before = copy.deepcopy(batch.state)
            out = _original(*args, **kwargs)
            log.append((_name, batch.state.step, before, copy.deepcopy(batch.state)))
            return out

        setattr(batch, name, wrapped)
    return log


def _gdp_factor(batch, t):
    data, v = batch.inputs.data, batch.inputs.values
    factor = np.ones((1, len(data)))
    if "UKR" in data.index:
        growth = (1.0 + np.asarray(v["ukraine_gdp_growth_pct"], dtype=float) / 100.0) ** (t / 4)
        factor = np.where(np.arange(len(data)) == data.index["UKR"], np.reshape(growth, (-1, 1)), 1)
    return factor


def _industry_part(batch, s):
    data, v, tr = batch.inputs.data, batch.inputs.values, batch.inputs.traits
    if "UKR" not in data.index:
        return 0.0
    k = data.index["UKR"]
    return tr.reliability[:, k : k + 1] * s.ukraine_industry_output_usd_bn * v["readiness"]


def _check_outlook(batch, t, before, after):
    data, v, tr = batch.inputs.data, batch.inputs.values, batch.inputs.traits
    u, g = after.us_commitment, v["us_guarantee_weight"]
    perceived = after.threat * tr.proximity * (1.0 - u * g * data.nato)
    np.testing.assert_allclose(after.perceived, perceived, rtol=1e-12, atol=1e-15)
    own = after.pct * tr.effective_per_pct * _gdp_factor(batch, t)
    np.testing.assert_allclose(after.own_strength, own, rtol=1e-12)
    member = after.member
    reliable = tr.reliability * own
    coalition = (reliable * member).sum(axis=1, keepdims=True) + _industry_part(batch, after)
    others = coalition - reliable * member
    adversary = after.adversary_strength
    gain = np.minimum(1, (others + own) / adversary) - np.minimum(1, own / adversary)
    floor = np.asarray(v["spending_floor_pct"], dtype=float)
    safe = np.where(floor > 0, floor, 1.0)
    burden = np.where(floor > 0, np.clip(1.0 - after.pct / safe, 0.0, 1.0), 0.0)
    neighbours = (member.astype(int) @ data.adjacency.astype(int)) / np.maximum(
        data.adjacency.sum(axis=0), 1
    )
    mean_alignment = (tr.alignment * member).sum(axis=1, keepdims=True) / np.maximum(
        member.sum(axis=1, keepdims=True), 1
    )
    w_ties = v["affinity_ties_weight"]
    affinity = (
        neighbours + (1.0 - 0.5 * np.abs(tr.alignment - mean_alignment)) + w_ties * data.ties
    ) / (2.0 + w_ties)
    expected = (
        v["w_threat"] * perceived * gain
        - v["w_cost"] * burden
        + v["w_affinity"] * affinity
        + v["w_align"] * tr.alignment
        - v["w_entrap"] * (1.0 - tr.proximity)
        - v["w_neutral"] * data.neutral
    )
    np.testing.assert_allclose(after.utility, expected, rtol=1e-9, atol=1e-12)


def _check_spend(batch, t, before, after):
    data, v, tr = batch.inputs.data, batch.inputs.values, batch.inputs.traits
    desired = np.minimum(
        tr.defence_pct_gdp + v["threat_response"] * before.perceived,
        np.maximum(v["max_defence_pct"], tr.defence_pct_gdp),
    )
    committed = np.minimum(
        before.path_start + before.path_slope * (t - before.joined_step), before.path_end
    )
    target = np.maximum(desired, committed)
    honours = streams.below(
        batch.inputs.keys, t, streams.Purpose.HONOUR, np.arange(len(data)), batch.honour_limit
    )
    moves = ~before.member | honours
    rate = v["ramp_rate"]
    pct = before.pct + np.clip(target - before.pct, -rate, rate) * moves
    if "UKR" in data.index:
        k = data.index["UKR"]
        war = np.where(t < v["ukraine_ceasefire_step"], v["ukraine_war_defence_pct"],
                       v["ukraine_postwar_defence_pct"])  # fmt: skip
        old = before.pct[:, k : k + 1]
        pct[:, k : k + 1] = old + (war - old) / v["ukraine_adjustment_quarters"]
    np.testing.assert_allclose(after.pct, pct, rtol=1e-12, atol=1e-12)
    gdp = data.gdp * _gdp_factor(batch, t)
    np.testing.assert_allclose(after.spending, after.pct * gdp / 100.0, rtol=1e-12)


def _check_industry(batch, t, before, after):
    data, v = batch.inputs.data, batch.inputs.values
    if "UKR" not in data.index:
        return
    k = data.index["UKR"]
    investors = after.member & after.member[:, k : k + 1]
    investors[:, k] = False
    offered = v["ukraine_investment_share"] * (after.spending * investors).sum(
        axis=1, keepdims=True
    )
    capacity, start = v["ukraine_capacity_usd_bn"], v["ukraine_utilisation_initial"]
    absorbed = np.minimum(np.maximum(offered, 0.0), (1.0 - start) * capacity)
    target = np.minimum(1.0, start + absorbed / capacity)
    utilisation = (
        before.ukraine_utilisation
        + (target - before.ukraine_utilisation) / v["ukraine_absorption_quarters"]
    )
    np.testing.assert_allclose(after.ukraine_utilisation, utilisation, rtol=1e-12)
    output = np.maximum(0.0, utilisation - start) * capacity * v["cost_advantage"]
    np.testing.assert_allclose(after.ukraine_industry_output_usd_bn, output, rtol=1e-12)


def _check_measure(batch, t, before, after):
    data, v, tr = batch.inputs.data, batch.inputs.values, batch.inputs.traits
    member = after.member
    own = after.pct * tr.effective_per_pct * _gdp_factor(batch, t)
    share = v["ukraine_investment_share"] * after.absorbed_share
    diverted = share * after.investors * after.spending * v["readiness"]
    contribution = tr.reliability * own - tr.reliability * diverted
    coalition = (contribution * member).sum(axis=1, keepdims=True) + _industry_part(batch, after)
    adversary = (
        data.adversary_spending.sum()
        * v["adversary_ppp_factor"]
        * v["adversary_readiness"]
        * (1.0 + np.asarray(v["adversary_growth_pct"], dtype=float) / 100.0) ** (t / 4)
    )
    np.testing.assert_allclose(after.parity, coalition / np.reshape(adversary, (-1, 1)),
                               rtol=1e-9)  # fmt: skip
    us = after.us_commitment * v["us_europe_share"] * data.us_spending * v["readiness"]
    np.testing.assert_allclose(after.parity_with_us, (coalition + us) / after.adversary_strength,
                               rtol=1e-9)  # fmt: skip
    force = (own * member).sum(axis=1, keepdims=True)
    weighted = (tr.reliability * own * member).sum(axis=1, keepdims=True) / np.where(
        force > 0, force, 1
    )
    cohesion = np.maximum(0.0, weighted - after.cohesion_penalty)
    np.testing.assert_allclose(after.cohesion[force > 0], cohesion[force > 0], rtol=1e-12)
    cover = np.where(member[:, data.nuclear].any(axis=1, keepdims=True), 1.0, after.us_commitment)
    d = v["nuclear_discount"]
    credibility = (
        (1 - np.exp(-np.maximum(after.parity_with_us, 0))) * after.cohesion * (d + (1 - d) * cover)
    )
    np.testing.assert_allclose(after.credibility, credibility, rtol=1e-12)


CHECKS = {
    "_outlook": _check_outlook,
    "_spend": _check_spend,
    "_industry": _check_industry,
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
    "w_threat", "w_cost", "w_affinity", "threat_response", "ramp_rate", "reliability",
    "spending_floor_pct", "us_withdrawal_step", "us_commitment_after", "threat_initial",
    "ukraine_investment_share", "cost_advantage", "admission_rule", "protocol",
    "application_threshold", "ukraine_ceasefire_step", "adversary_growth_pct",
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
        for name, t, before, after in log:
            CHECKS[name](group.batch, t, before, after)
            checked += 1
    assert checked == 4 * 12 * len(engine.groups)


def test_a_phase_that_departs_from_its_formula_is_caught(monkeypatch):
    # negative control: the engine's spending computed with a different formula
    engine = Engine(build(DATASET, [DEFAULT.with_values({"steps": 2})], [5]))
    batch = engine.groups[0].batch
    log = _record_phases(batch)
    monkeypatch.setattr(spending, "spending_usd", lambda pct, gdp: pct * gdp / 99.0)
    batch.step()
    _, t, before, after = next(e for e in log if e[0] == "_spend")
    with pytest.raises(AssertionError):
        _check_spend(batch, t, before, after)
