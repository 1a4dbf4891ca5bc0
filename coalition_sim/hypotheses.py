"""The five hypotheses of the design, each decided by a rule declared here before it is run.

A hypothesis is tested across the calibrated uncertainty, not at one parameter point:
every accepted parameter set of the packaged calibration (``data/calibration.json``) is
run under each setting the hypothesis compares, with the same seeds in every setting
(so a difference is the settings', not luck's). A :class:`Rule` says, before any run:

- the **metric** (an outcome of a run, or a statistic of the runs of one set);
- the **comparison**: one setting against another (a contrast) or against a fixed
  level;
- the **direction** and the **smallest effect that counts**;
- the **share of the calibrated sets** in which it must hold.

A rule *holds* in a set when the set's mean effect is at least the smallest effect in
the stated direction, and the *opposite holds* when it is at least as large the other
way. A rule is supported when it holds in at least its share of the sets, contradicted
when the opposite does, and otherwise not supported (the sets disagree, or the effect is
too small). A hypothesis is supported only when every one of its rules is. The text of
each verdict is generated from these numbers (:func:`verdict_text`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from coalition_sim import streams
from coalition_sim.datasets import Dataset, load_dataset
from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.outcomes import measure
from coalition_sim.parameters import DEFAULT, FOUNDERS, Scenario

#: Verdicts of a rule or a hypothesis.
SUPPORTED, NOT_SUPPORTED, CONTRADICTED = "supported", "not supported", "contradicted"


@dataclass(frozen=True)
class Setting:
    """One arm of a comparison: changes to the base scenario, and the data it runs on."""

    label: str
    changes: Mapping[str, Any] = field(default_factory=dict)
    without: tuple[str, ...] = ()  # states removed from the data (rows and borders)


@dataclass(frozen=True)
class Rule:
    """A declared decision rule (see the module docstring).

    ``metric`` names a per-run measure of :mod:`coalition_sim.outcomes`; with ``against``
    the effect is ``mean(setting) - mean(against)`` per set, without it the set's mean
    is compared with ``level``. ``direction`` is +1 (higher) or -1 (lower).
    """

    metric: str
    setting: str
    direction: int
    smallest: float
    against: str | None = None
    level: float = 0.0
    share: float = 0.8

    def effect(self, means: Mapping[str, np.ndarray]) -> np.ndarray:
        """The effect in every set: a contrast, or the distance to the level."""
        if self.against is not None:
            return means[self.setting] - means[self.against]
        return means[self.setting] - self.level

    def text(self, settings: Mapping[str, Setting]) -> str:
        """The rule in words."""
        label = metric_label(self.metric)
        way = "higher" if self.direction > 0 else "lower"
        where = f"in {self.share * 100:.0f} % of the calibrated parameter sets"
        if self.against is not None:
            return (
                f"{label} is {way} under *{settings[self.setting].label}* than under "
                f"*{settings[self.against].label}* by at least {self.smallest:g}, {where}"
            )
        bound = self.level + self.direction * self.smallest
        relation = "at least" if self.direction > 0 else "at most"
        return f"{label} under *{settings[self.setting].label}* is {relation} {bound:g}, {where}"


@dataclass(frozen=True)
class Hypothesis:
    """A hypothesis of the design: its statement, the settings it compares, its rules."""

    key: str
    title: str
    statement: str
    settings: Mapping[str, Setting]
    rules: tuple[Rule, ...]
    reading: str  # why these rules test the statement


@dataclass(frozen=True)
class RuleResult:
    """How a rule fared across the calibrated sets."""

    rule: Rule
    effects: np.ndarray  # one per set
    holds: np.ndarray  # bool per set
    opposite: np.ndarray  # bool per set

    @property
    def verdict(self) -> str:
        """Supported, contradicted or not supported (see the module docstring)."""
        if self.holds.mean() >= self.rule.share:
            return SUPPORTED
        if self.opposite.mean() >= self.rule.share:
            return CONTRADICTED
        return NOT_SUPPORTED


@dataclass(frozen=True)
class Evaluation:
    """A hypothesis evaluated: per rule, and the means of every setting in every set."""

    hypothesis: Hypothesis
    rules: tuple[RuleResult, ...]
    means: Mapping[str, Mapping[str, np.ndarray]]  # metric -> setting -> per-set mean
    sets: int
    reps: int

    @property
    def verdict(self) -> str:
        """Supported only when every rule is; contradicted when any rule is."""
        verdicts = [r.verdict for r in self.rules]
        if all(v == SUPPORTED for v in verdicts):
            return SUPPORTED
        if any(v == CONTRADICTED for v in verdicts):
            return CONTRADICTED
        return NOT_SUPPORTED


def decide(rule: Rule, means: Mapping[str, np.ndarray]) -> RuleResult:
    """Apply a rule to the per-set means of its settings."""
    effect = np.asarray(rule.effect(means), dtype=float)
    signed = rule.direction * effect
    return RuleResult(rule, effect, signed >= rule.smallest, signed <= -rule.smallest)


def metric_label(name: str) -> str:
    """A rule's metric in words, from the registry of measures."""
    found = measure(name)
    return found.label if found is not None else name


# --- the five hypotheses ---------------------------------------------------------------------

WITHDRAWAL = {"us_withdrawal_step": 4, "us_commitment_after": 0.0, "us_withdrawal_quarters": 4}
NO_WITHDRAWAL = {"us_withdrawal_step": None}

HYPOTHESES: tuple[Hypothesis, ...] = (
    Hypothesis(
        key="h1",
        title="Without US backing Europe lacks the strength to face Russia",
        statement="A US withdrawal leaves the coalition short of parity with Russia.",
        settings={
            "stay": Setting("the US stays", NO_WITHDRAWAL),
            "leave": Setting("the US withdraws from 2027Q1 over a year", WITHDRAWAL),
        },
        rules=(
            Rule("final_parity_with_us", "leave", -1, 0.1, against="stay"),
            Rule("parity_at_end", "leave", -1, 0.0, level=0.5),
        ),
        reading=(
            "The withdrawal must cost the coalition a tenth of Russia's strength or more "
            "(what it loses net of any growth it causes), and leave fewer than half of the "
            "runs at parity by 2035: Europe then lacks the strength, not just some of it."
        ),
    ),
    Hypothesis(
        key="h2",
        title="Unreliable members compromise collective defence",
        statement=(
            "With unanimity, Hungary and Slovakia inside slow admissions and lower credibility."
        ),
        settings={
            "core": Setting("the core, unanimity", {"admission_rule": "unanimity"}),
            "with": Setting(
                "the core with Hungary and Slovakia, unanimity",
                {"admission_rule": "unanimity", "founders": [*FOUNDERS, "HUN", "SVK"]},
            ),
        },
        rules=(
            Rule("final_members", "with", -1, 1.0, against="core"),
            Rule("final_credibility", "with", -1, 0.02, against="core"),
        ),
        reading=(
            "Counting Hungary and Slovakia themselves, the coalition must end with at "
            "least one member fewer, and with credibility at least 0.02 lower: their "
            "vetoes and unreliability cost more than their forces bring."
        ),
    ),
    Hypothesis(
        key="h3",
        title="Europe reaches parity with Russia only with Ukraine inside the coalition",
        statement="With Ukraine the coalition reaches parity; without it, it does not.",
        settings={
            "with": Setting("Ukraine in the core"),
            "without": Setting(
                "no Ukraine in the data",
                {"founders": [c for c in FOUNDERS if c != "UKR"]},
                without=("UKR",),
            ),
        },
        rules=(
            Rule("parity_at_end", "with", +1, 0.0, level=0.5),
            Rule("parity_at_end", "without", -1, 0.0, level=0.5),
        ),
        reading=(
            "Most runs must end at parity with Ukraine in the core, and fewer than half "
            "without Ukraine (removed from the data, since left out of the core it joins)."
        ),
    ),
    Hypothesis(
        key="h4",
        title="Investing in Ukraine's industry is the most cost-effective lever",
        statement=(
            "Money moved from members' own forces to Ukraine's industry buys more strength "
            "than it would at home."
        ),
        settings={
            "home": Setting("no investment", {"ukraine_investment_share": 0.0}),
            "invest": Setting(
                "members invest 5 % of their spending in Ukraine's industry",
                {"ukraine_investment_share": 0.05},
            ),
        },
        rules=(Rule("final_parity", "invest", +1, 0.02, against="home"),),
        reading=(
            "The investment is re-allocated, not added: the same dollars spent at home "
            "are the alternative. If parity rises by at least 0.02 the dollars buy more "
            "in Ukraine; the comparison is with home spending only, not every policy."
        ),
    ),
    Hypothesis(
        key="h5",
        title="The core attracts the states closest to Russia first",
        statement="States nearer Russia join earlier; distant ones late or not at all.",
        settings={"base": Setting("the calibrated baseline")},
        rules=(Rule("distance_join_correlation", "base", +1, 0.3),),
        reading=(
            "Across the states outside the core, distance from Russia and the quarter of "
            "joining (never: after the horizon) must have a rank correlation of at least "
            "0.3 on average over the runs."
        ),
    ),
)


# --- evaluation ------------------------------------------------------------------------------


def calibrated_sets(limit: int | None = None) -> list[dict[str, float]]:
    """The model parameters of the packaged calibration's accepted sets, best first."""
    from coalition_sim.calibration import stored

    calibration = stored.load()
    if calibration is None:
        return [{}]
    sets = [{k: s[k] for k in calibration.parameters} for s in calibration.accepted]
    return sets if limit is None else sets[:limit]


def without_states(dataset: Dataset, codes: Sequence[str]) -> Dataset:
    """A copy of the data with ``codes`` removed (their rows and their borders)."""
    gone = set(codes)
    return replace(
        dataset,
        states=tuple(r for r in dataset.states if r["iso3"] not in gone),
        borders=tuple(b for b in dataset.borders if b[0] not in gone and b[1] not in gone),
    )


def _metric(engine: Engine, dataset: Dataset, name: str) -> np.ndarray:
    return engine.outcomes([name])[name].astype(float)


def evaluate(
    hypothesis: Hypothesis,
    sets: Sequence[Mapping[str, float]],
    *,
    reps: int = 50,
    seed: int = 2026,
    base: Scenario = DEFAULT,
    dataset: Dataset | None = None,
    steps: int | None = None,
) -> Evaluation:
    """Run every setting of a hypothesis on every set (``reps`` runs each) and decide."""
    dataset = dataset or load_dataset()
    metrics = sorted({r.metric for r in hypothesis.rules})
    means: dict[str, dict[str, np.ndarray]] = {m: {} for m in metrics}
    n = len(sets)
    sample = np.repeat(np.arange(n), reps)
    # the same seeds in every setting: set k, replication r
    seeds = streams.run_seeds(seed, sample, np.tile(np.arange(reps), n))
    for name, setting in hypothesis.settings.items():
        data = without_states(dataset, setting.without) if setting.without else dataset
        scenarios = [
            base.with_values({**s, **setting.changes, **({"steps": steps} if steps else {})})
            for s in sets
        ]
        engine = Engine(build(data, scenarios, seeds, sample)).run()
        for metric in metrics:
            values = _metric(engine, data, metric).reshape(n, reps)
            means[metric][name] = np.nanmean(values, axis=1)
    results = tuple(decide(rule, means[rule.metric]) for rule in hypothesis.rules)
    return Evaluation(hypothesis, results, means, n, reps)


# --- the verdict in words --------------------------------------------------------------------


def _quantiles(values: np.ndarray) -> tuple[float, float, float]:
    q05, q50, q95 = np.quantile(values, [0.05, 0.5, 0.95])
    return float(q05), float(q50), float(q95)


def rule_text(result: RuleResult, settings: Mapping[str, Setting], sets: int) -> str:
    """One rule's outcome in a sentence, from its numbers."""
    rule = result.rule
    held, opposite = int(result.holds.sum()), int(result.opposite.sum())
    if rule.against is not None:
        low, median, high = _quantiles(result.effects)
        spread = (
            f"Median effect {median:+.3g} (90 % of the sets between {low:+.3g} and {high:+.3g})"
        )
    else:  # a level: say the values, not their distance from it
        low, median, high = _quantiles(result.effects + rule.level)
        spread = f"Median {median:.3g} (90 % of the sets between {low:.3g} and {high:.3g})"
    needed = math.ceil(rule.share * sets)
    return (
        f"{rule.text(settings)}: **{result.verdict}**. It holds in {held} of {sets} sets "
        f"(needed: {needed}); the opposite in {opposite}. {spread}."
    )


def verdict_text(evaluation: Evaluation) -> str:
    """The generated verdict of a hypothesis: a headline and one line per rule."""
    h = evaluation.hypothesis
    lines = [
        f"**Verdict: {evaluation.verdict}** ({evaluation.sets} calibrated parameter sets, "
        f"{evaluation.reps} paired runs per set and setting)."
    ]
    for i, result in enumerate(evaluation.rules, start=1):
        lines.append(f"{i}. {rule_text(result, h.settings, evaluation.sets)}")
    return "\n".join(lines)
