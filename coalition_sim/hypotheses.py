"""The five hypotheses of the design, each decided by a rule declared here before it is run.

A hypothesis is tested across the full uncertainty, not at one parameter point: every
accepted parameter set of the packaged calibration (``data/calibration.json``, the
behaviour fitted to what states did) is paired with one draw of the judgement values of
the military balance (a Latin hypercube over their plausible ranges:
:mod:`coalition_sim.parameters.judgement`), and each such set is run under each setting
the hypothesis compares, with the same seeds in every setting (so a difference is the
settings', not luck's). A :class:`Rule` says, before any run:

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
each verdict is generated from these numbers (:func:`verdict_text`), with the judgement
values that flip it (:func:`flips`): those whose lowest and highest fifths of sets give
the rule different verdicts.
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
from coalition_sim.parameters import DEFAULT, FOUNDERS, JUDGEMENT, Scenario, judgement_design

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
        where = f"in {self.share * 100:.0f} % of the parameter sets"
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
    reported: tuple[str, ...] = ()  # measures shown beside the rules' (not decided)


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
        statement=(
            "A US withdrawal leaves the coalition short of parity with Russia, and Europe "
            "does not replace what the US brought within ten years."
        ),
        settings={
            "stay": Setting("the US stays", NO_WITHDRAWAL),
            "leave": Setting("the US withdraws from 2027Q1 over a year", WITHDRAWAL),
        },
        rules=(
            Rule("final_parity_with_us", "leave", -1, 0.1, against="stay"),
            Rule("parity_at_end", "leave", -1, 0.0, level=0.5),
            Rule("gap_closed", "leave", -1, 0.0, level=0.5),
        ),
        reading=(
            "Usable strength counts US forces and enablers while the US stays; the "
            "withdrawal must cost the coalition a tenth of Russia's forces or more in 2035 "
            "(net of the spending and joining it provokes), leave fewer than half of the "
            "runs at parity without the US, and fewer than half with the coalition "
            "fielding alone, by 2035, what it fielded with the US before the withdrawal "
            "began (the quarter it does so, where it does, is shown beside)."
        ),
        reported=("gap_closed_step", "final_parity"),
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
        statement=(
            "With Ukraine the coalition reaches parity; without it, it does not; Ukraine's "
            "forces count at every horizon that matters (2027, 2030, 2035)."
        ),
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
            Rule("parity_2027", "with", +1, 0.05, against="without"),
            Rule("parity_2030", "with", +1, 0.05, against="without"),
            Rule("final_parity", "with", +1, 0.05, against="without"),
        ),
        reading=(
            "Most runs must end at parity with Ukraine in the core and fewer than half "
            "without it (removed from the data, since left out of the core it joins); and "
            "Ukraine must add at least 0.05 of Russia's forces to the coalition's usable "
            "strength at the end of 2027, of 2030 and of 2035."
        ),
    ),
    Hypothesis(
        key="h4",
        title="Investing in Ukraine's industry is the most cost-effective lever",
        statement=(
            "Money moved from members' own equipment budgets to Ukraine's industry buys "
            "more capability by 2030 and 2035 than the same money spent at home."
        ),
        settings={
            "home": Setting("the money spent at home", {"ukraine_investment_share": 0.0}),
            "invest": Setting(
                "5 % of members' spending moved to Ukraine's industry",
                {"ukraine_investment_share": 0.05},
            ),
        },
        rules=(
            Rule("parity_2030", "invest", +1, 0.01, against="home"),
            Rule("final_parity", "invest", +1, 0.01, against="home"),
        ),
        reading=(
            "Two arms with the same money: the investment is taken from the members' "
            "equipment budgets, so each dollar either buys at home at European prices or "
            "in Ukraine at its cost advantage, less its rising marginal cost, the capacity "
            "it must first build and Russian strikes; what Ukraine's soldiers cannot crew "
            "goes to the investors. The usable strength it adds (soldiers to crew it, "
            "enablers to use it) must be at least 0.01 of Russia's forces higher at the "
            "end of 2030 and of 2035."
        ),
        reported=("final_ukraine_utilisation",),
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


def uncertainty_sets(limit: int | None = None, seed: int = 2026) -> list[dict[str, float]]:
    """The sets the verdicts are decided over: each calibrated set with judgement values.

    Set ``k`` is the ``k``-th accepted set of the calibration (the behaviour) with the
    ``k``-th draw of a Latin hypercube over the judgement ranges (the military balance),
    so the sets span both uncertainties; a pure function of ``seed``.
    """
    calibrated = calibrated_sets(limit)
    judged = judgement_design(len(calibrated), seed)
    return [{**c, **j} for c, j in zip(calibrated, judged, strict=True)]


def without_states(dataset: Dataset, codes: Sequence[str]) -> Dataset:
    """A copy of the data with ``codes`` removed (their rows and their borders)."""
    gone = set(codes)
    return replace(
        dataset,
        states=tuple(r for r in dataset.states if r["iso3"] not in gone),
        borders=tuple(b for b in dataset.borders if b[0] not in gone and b[1] not in gone),
    )


def _metric(engine: Engine, dataset: Dataset, name: str) -> np.ndarray:
    values = engine.outcomes([name])[name].astype(float)
    found = measure(name)
    if found is not None and found.kind == "step":  # "never" (-1) is no quarter at all
        values = np.where(values < 0, np.nan, values)
    return values


def _mean(values: np.ndarray) -> np.ndarray:
    """Mean of each row without NaN; NaN for a row with none (no warning)."""
    counted = np.sum(~np.isnan(values), axis=1)
    sums = np.nansum(values, axis=1)
    return np.where(counted > 0, sums / np.maximum(counted, 1), np.nan)


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
    metrics = sorted({r.metric for r in hypothesis.rules} | set(hypothesis.reported))
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
            means[metric][name] = _mean(values)
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


def verdict_text(evaluation: Evaluation, sets: Sequence[Mapping[str, float]] | None = None) -> str:
    """The generated verdict of a hypothesis: a headline and one line per rule.

    With ``sets`` (the values each set ran with), each rule also names the judgement
    values that flip it (:func:`flips`).
    """
    h = evaluation.hypothesis
    lines = [
        f"**Verdict: {evaluation.verdict}** ({evaluation.sets} parameter sets, "
        f"{evaluation.reps} paired runs per set and setting)."
    ]
    for i, result in enumerate(evaluation.rules, start=1):
        line = f"{i}. {rule_text(result, h.settings, evaluation.sets)}"
        if sets is not None:
            found = flips(result, sets)
            if found:
                line += " Flipped by " + "; ".join(f.text(result.rule.share) for f in found) + "."
            else:
                line += " No judgement value flips it."
        lines.append(line)
    return "\n".join(lines)


# --- which judgement values flip a verdict ---------------------------------------------------

#: The sets are cut into this many groups by each judgement value to find what flips a rule.
FLIP_GROUPS = 5
#: A flip must be more than chance over all the values tried: the two end groups' shares
#: differ by a two-proportion z beyond this two-sided level, Bonferroni-corrected for the
#: number of judgement values.
FLIP_LEVEL = 0.05


@dataclass(frozen=True)
class Flip:
    """A judgement value that flips a rule: the rule holds at one end of its range only."""

    parameter: str
    low_share: float  # share of the sets where the rule holds, lowest fifth of the values
    high_share: float  # ... highest fifth
    where: float  # the value between the groups where the share crosses the rule's share
    rho: float  # rank correlation of the value with the effect, over the sets

    def text(self, needed: float) -> str:
        """The flip in words."""
        way = "above" if self.high_share >= needed else "below"
        return (
            f"`{self.parameter}` ({way} about {self.where:.3g} the rule holds: "
            f"{self.low_share:.0%} of the sets in its lowest fifth, {self.high_share:.0%} in "
            f"its highest; rank correlation with the effect {self.rho:+.2f})"
        )


def flips(
    result: RuleResult, sets: Sequence[Mapping[str, float]], names: Sequence[str] = ()
) -> list[Flip]:
    """The judgement values whose range holds the rule's verdict at one end only.

    For each parameter the sets are cut into :data:`FLIP_GROUPS` groups by its value; the
    parameter flips the rule when the share of the sets in which it holds reaches the
    rule's share in one end group and not in the other, and the two shares differ by
    more than chance allows (:data:`FLIP_LEVEL`, Bonferroni-corrected over the values
    tried). Sorted by the strength of the rank correlation of the value with the effect.
    """
    from scipy.stats import norm, spearmanr

    names = list(names or JUDGEMENT)
    if len(sets) < 2 * FLIP_GROUPS:  # too few sets to tell the ends of a range apart
        return []
    bound = float(norm.ppf(1.0 - FLIP_LEVEL / (2 * max(len(names), 1))))
    needed = result.rule.share
    holds = result.holds.astype(float)
    found = []
    for name in names:
        values = np.array([s.get(name, np.nan) for s in sets], dtype=float)
        if np.isnan(values).any() or np.ptp(values) == 0:
            continue
        order = np.argsort(values, kind="stable")
        groups = np.array_split(order, FLIP_GROUPS)
        shares = [float(holds[g].mean()) for g in groups]
        low, high = shares[0], shares[-1]
        if (low >= needed) == (high >= needed):
            continue
        n_low, n_high = len(groups[0]), len(groups[-1])
        pooled = (low * n_low + high * n_high) / (n_low + n_high)
        spread = np.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / n_low + 1 / n_high))
        if abs(high - low) / spread <= bound:
            continue
        where = _crossing(values[order], holds[order], len(groups[0]), needed)
        effects = result.effects
        kept = ~np.isnan(effects)
        rho = float(spearmanr(values[kept], effects[kept]).statistic) if kept.sum() > 2 else 0.0
        found.append(Flip(name, low, high, where, rho))
    return sorted(found, key=lambda f: -abs(f.rho))


def _crossing(values: np.ndarray, holds: np.ndarray, width: int, needed: float) -> float:
    """Where the share of holding sets crosses ``needed``: a window sliding along the values.

    ``values`` are sorted and ``holds`` follow them; the answer is the median value of
    the first window of ``width`` sets whose share is on the other side from the first's.
    """
    windows = np.lib.stride_tricks.sliding_window_view(holds, width).mean(axis=1)
    side = windows >= needed
    changed = np.flatnonzero(side != side[0])
    first = int(changed[0]) if changed.size else len(windows) - 1
    return float(np.median(values[first : first + width]))


def verdicts_record(
    evaluations: Sequence[Evaluation], sets: Sequence[Mapping[str, float]]
) -> dict[str, Any]:
    """The verdicts for machines (``experiments/verdicts.json``): the same numbers as the text."""
    out: dict[str, Any] = {"sets": len(sets), "hypotheses": []}
    for e in evaluations:
        h = e.hypothesis
        rules = []
        for result in e.rules:
            rule = result.rule
            values = result.effects + (0.0 if rule.against is not None else rule.level)
            low, median, high = (float(x) for x in np.nanquantile(values, [0.05, 0.5, 0.95]))
            rules.append(
                {
                    "text": rule.text(h.settings),
                    "metric": rule.metric,
                    "setting": rule.setting,
                    "against": rule.against,
                    "level": None if rule.against is not None else rule.level,
                    "direction": rule.direction,
                    "smallest": rule.smallest,
                    "share_needed": rule.share,
                    "verdict": result.verdict,
                    "holds_in": int(result.holds.sum()),
                    "opposite_in": int(result.opposite.sum()),
                    "median": median,
                    "low_5pct": low,
                    "high_95pct": high,
                    "flipped_by": [
                        {
                            "parameter": f.parameter,
                            "low_share": f.low_share,
                            "high_share": f.high_share,
                            "where": f.where,
                            "rho": f.rho,
                        }
                        for f in flips(result, sets)
                    ],
                }
            )
        out["hypotheses"].append(
            {
                "key": h.key,
                "title": h.title,
                "statement": h.statement,
                "verdict": e.verdict,
                "sets": e.sets,
                "reps": e.reps,
                "rules": rules,
            }
        )
    return out
