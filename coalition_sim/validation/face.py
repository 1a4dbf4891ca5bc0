"""Face validity: what any defensible model of this question must do, checked with replications.

Each check runs the engine on paired settings (the same seeds on both sides, so the
comparison is of the settings, not of luck), estimates one effect with a 95 %
confidence interval, and passes or fails by a rule declared here, before it is run:

1. balancing: a higher threat (``threat_initial`` and ``threat_mean`` raised by 0.3)
   and a stronger Russia (a third more equipment per rouble) both draw more states in;
2. a US withdrawal lowers parity counting US forces, and credibility, in its first eight
   quarters, and raises the rate of aggression;
3. unanimity admits fewer states than qualified majority;
4. with Hungary and Slovakia inside, their vetoes fall mostly on Ukraine-friendly
   applicants (alignment of at least 0.5);
5. states nearer Russia join earlier (a state put nearer joins sooner);
6. more investment in Ukraine's industry raises its output, and the parity it buys grows
   with the cost advantage;
7. a Morris screen finds every behavioural parameter influential on some outcome.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.outcomes import join_order
from coalition_sim.parameters import PRESETS
from coalition_sim.validation.common import Check, Context, Result, engine, mean_ci, paired, seeds

#: How much stronger Russia is made in the balancing check: its PPP factor times this.
STRONGER = 4.0 / 3.0


def balancing(context: Context) -> Result:
    """Check 1: more threat, and a stronger Russia, both draw more states in."""
    base = context.base
    higher = base.with_values(
        {
            "threat_initial": min(1.0, base["threat_initial"] + 0.3),
            "threat_mean": min(1.0, base["threat_mean"] + 0.3),
        }
    )
    stronger = base.with_values({"adversary_ppp_factor": base["adversary_ppp_factor"] * STRONGER})
    threat, a, b = paired(context, base, higher, "final_members", 1)
    power, _, c = paired(context, base, stronger, "final_members", 8)
    t, p = mean_ci(threat), mean_ci(power)
    detail = (
        f"members at the end {a.mean():.2f}; with more threat {b.mean():.2f} "
        f"({t[0]:+.2f} [{t[1]:+.2f}, {t[2]:+.2f}]); with a stronger Russia {c.mean():.2f} "
        f"({p[0]:+.2f} [{p[1]:+.2f}, {p[2]:+.2f}])"
    )
    return _check("balancing").result(p, t[1] > 0 and p[1] > 0, detail)


def _window(steps: dict[str, np.ndarray], name: str, rows: slice) -> np.ndarray:
    return steps[name][rows]


def us_withdrawal(context: Context) -> Result:
    """Check 2: withdrawal lowers parity with the US and credibility, raises aggression."""
    base = context.base.with_values({"us_withdrawal_step": None})
    step = 4
    withdrawn = base.with_values(
        {"us_withdrawal_step": step, "us_commitment_after": 0.0, "us_withdrawal_quarters": 4}
    )
    tables = []
    for scenario in (base, withdrawn):
        runs_ = engine(context, scenario, 2, keep_steps=True)
        steps = runs_.steps_table()
        runs = context.reps
        shaped = {k: v.reshape(runs, -1) for k, v in steps.items() if k not in ("run", "step")}
        tables.append((shaped, runs_.outcomes()))
    (before, _), (after, _) = tables
    window = slice(step + 1, step + 9)  # the first eight quarters of the withdrawal
    parity = (after["parity_with_us"][:, window] - before["parity_with_us"][:, window]).mean(1)
    credibility = (after["credibility"][:, window] - before["credibility"][:, window]).mean(1)
    after_start = slice(step + 1, None)  # the rate of aggression once the US is leaving
    aggression = (
        after["aggression_chance"][:, after_start] - before["aggression_chance"][:, after_start]
    ).mean(1)
    p = mean_ci(parity)
    c = mean_ci(credibility)
    g = mean_ci(aggression)
    passed = p[2] < 0 and c[2] < 0 and g[1] > 0
    detail = (
        f"parity with the US {p[0]:+.3f} [{p[1]:+.3f}, {p[2]:+.3f}], credibility "
        f"{c[0]:+.4f} [{c[1]:+.4f}, {c[2]:+.4f}], chance of aggression a quarter "
        f"{g[0]:+.5f} [{g[1]:+.5f}, {g[2]:+.5f}]"
    )
    return _check("US withdrawal").result(p, passed, detail)


def unanimity_vs_qmv(context: Context) -> Result:
    """Check 3: unanimity admits fewer states than qmv."""
    unanimity = context.base.with_values({"admission_rule": "unanimity"})
    qmv = context.base.with_values({"admission_rule": "qmv"})
    diff, a, b = paired(context, qmv, unanimity, "admissions", 3)
    interval = mean_ci(diff)
    detail = f"admissions: qmv {a.mean():.2f}, unanimity {b.mean():.2f}"
    return _check("unanimity vs qmv").result(interval, interval[2] < 0, detail)


#: Alignment from which an applicant counts as Ukraine-friendly (check 4).
FRIENDLY = 0.5


def vetoes_on_friendly(context: Context) -> Result:
    """Check 4: Hungary's and Slovakia's vetoes fall mostly on Ukraine-friendly applicants."""
    scenario = PRESETS["unanimity-veto"].with_values(
        {k: v for k, v in context.base.values.items() if k not in ("founders", "admission_rule")}
    )
    runs = engine(context, scenario, 4, keep_events=True)
    events = runs.events_frame()
    vetoes = events[events.kind == "veto"]
    batch = runs.groups[0].batch
    alignment = np.broadcast_to(batch.inputs.traits.alignment, batch.state.member.shape)
    index = batch.inputs.data.index
    shares = []
    for run, group in vetoes.groupby("run_id"):
        targets = np.array([alignment[run, index[c]] for c in group.target])
        shares.append(float(np.mean(targets >= FRIENDLY)))
    interval = mean_ci(np.array(shares)) if shares else (math.nan,) * 3
    passed = bool(shares) and interval[1] > 0.5
    detail = f"{len(vetoes)} vetoes in {len(shares)} of {context.reps} runs"
    return _check("vetoes on friendly").result(interval, passed, detail)


#: How much nearer a state is put in the proximity check (check 5).
NEARER = 0.3


def _first_steps(batch, horizon: int) -> np.ndarray:
    """The quarter each state first joined, per run (founders 0, never ``horizon + 1``)."""
    codes = batch.inputs.data.index
    steps = np.full(batch.state.member.shape, horizon + 1, dtype=float)
    for run, order in enumerate(join_order(batch)):
        for code, step in reversed(order):
            steps[run, codes[code]] = step
    return steps


def proximity_order(context: Context) -> Result:
    """Check 5: states nearer Russia join earlier.

    A counterfactual for every state outside the core: the same runs (same seeds) with
    that state alone put nearer Russia (its proximity raised by :data:`NEARER`, at most
    1); the quarter it first joins must come earlier on average over the states. The
    cross-section (a rank correlation of proximity and quarter of joining over the
    states) is reported beside it: there, being nearer Russia mixes with alignment,
    ties and neutrality.
    """
    from scipy.stats import spearmanr

    base = context.base
    batch = engine(context, base, 5).groups[0].batch
    data = batch.inputs.data
    founder = np.broadcast_to(batch.inputs.traits.founder, batch.state.member.shape)[0]
    proximity = np.broadcast_to(batch.inputs.traits.proximity, batch.state.member.shape)[0]
    horizon = batch.horizon
    first = _first_steps(batch, horizon)
    others = [i for i in range(len(data)) if not founder[i]]
    scenarios = [
        base.with_values(
            {f"state.{data.codes[i]}.proximity": min(1.0, float(proximity[i]) + NEARER)}
        )
        for i in others
    ]
    paired_seeds = seeds(context, 5)
    sample = np.repeat(np.arange(len(scenarios)), len(paired_seeds))
    tiled = np.tile(paired_seeds, len(scenarios))
    nearer = Engine(build(context.dataset, scenarios, tiled, sample)).run()
    moved = _first_steps(nearer.groups[0].batch, horizon)
    shifts = np.array([(moved[sample == k, i] - first[:, i]).mean() for k, i in enumerate(others)])
    interval = mean_ci(shifts)
    cross = spearmanr(proximity[others], first[:, others].mean(axis=0)).statistic
    detail = (
        f"quarters earlier when nearer, mean over {len(others)} states; cross-section: "
        f"rank correlation of proximity and quarter of joining {cross:+.2f}"
    )
    return _check("proximity and joining").result(interval, interval[2] < 0, detail)


#: Changes this small are rounding, not effects (check 6).
ROUNDING = 1e-6


#: Shares invested and cost advantages compared (check 6).
INVESTMENT_SHARES = (0.0, 0.01, 0.02, 0.05, 0.1)
COST_ADVANTAGES = (1.0, 3.0, 5.0)


def investment(context: Context) -> Result:
    """Check 6: more investment, more output; the parity it buys grows with the advantage.

    The investment is taken from the members' equipment budgets at home, so its effect
    on parity may be of either sign: only its growth with the cost advantage is a law.
    """
    shares = INVESTMENT_SHARES
    advantages = COST_ADVANTAGES
    parity: dict[tuple[float, float], np.ndarray] = {}
    output: dict[tuple[float, float], np.ndarray] = {}
    for advantage in advantages:
        for share in shares:
            scenario = context.base.with_values(
                {"ukraine_investment_share": share, "cost_advantage": advantage}
            )
            runs = engine(context, scenario, 6, keep_steps=True)
            parity[(advantage, share)] = runs.outcomes()["final_parity"].astype(float)
            steps = runs.steps_table()["ukraine_industry_output_usd_bn"]
            output[(advantage, share)] = steps.reshape(context.reps, -1).sum(axis=1)
    worst_drop, notes, effects = math.inf, [], []
    passed = True
    for advantage in advantages:
        for low_share, high_share in itertools.pairwise(shares):
            more = output[(advantage, high_share)] - output[(advantage, low_share)]
            m, _, hi = mean_ci(more)
            worst_drop = min(worst_drop, m)
            passed &= hi > -ROUNDING  # never less output, beyond rounding
        effect = parity[(advantage, shares[-1])] - parity[(advantage, 0.0)]
        effects.append(effect)
        notes.append(f"cost advantage {advantage:g}: {mean_ci(effect)[0]:+.4f}")
    growth = [mean_ci(later - earlier) for earlier, later in itertools.pairwise(effects)]
    passed &= all(g[1] > 0 for g in growth)
    detail = (
        f"parity at the end from a {shares[-1]:.0%} share against none, "
        + "; ".join(notes)
        + f"; largest mean fall of output from a larger share {min(0.0, worst_drop):+.1e}"
    )
    return _check("investment in Ukraine").result(growth[-1], passed, detail)


#: Outcomes the Morris screen looks at (check 7).
SCREENED = ("final_members", "final_parity", "final_credibility", "vetoes_unreliable",
            "commitments_honoured", "admissions")  # fmt: skip
#: A parameter is influential on an outcome when its mu* is this share of the largest.
INFLUENCE = 0.02


#: Trajectories of the Morris design (check 7); each has one point per parameter plus one.
MORRIS_TRAJECTORIES = 20


def _morris_names() -> list[str]:
    from coalition_sim.calibration.abc import PRIORS

    return list(PRIORS)


def _morris_reps(context: Context) -> int:
    """Runs per Morris point: a 25th of the replications, at least four."""
    return max(4, context.reps // 25)


def morris_screen(context: Context, parameters: Sequence[str] | None = None) -> Result:
    """Check 7: every behavioural parameter moves some outcome (Morris elementary effects)."""
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    from coalition_sim.calibration.abc import PRIORS

    names = list(parameters or _morris_names())
    bounds = [list(PRIORS[n]) for n in names]
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    matrix = sample.sample(problem, MORRIS_TRAJECTORIES, num_levels=4, seed=context.seed % (2**32))
    reps = _morris_reps(context)
    scenarios = [
        context.base.with_values(dict(zip(names, map(float, row), strict=True))) for row in matrix
    ]
    sample_of_run = np.repeat(np.arange(len(scenarios)), reps)
    chosen = np.tile(seeds(context, 7, reps), len(scenarios))
    outcomes = Engine(build(context.dataset, scenarios, chosen, sample_of_run)).run().outcomes()
    influential = dict.fromkeys(names, False)
    strongest: dict[str, tuple[str, float]] = {}
    for outcome in SCREENED:
        y = outcomes[outcome].astype(float).reshape(len(scenarios), reps).mean(axis=1)
        mu_star = np.asarray(analyze.analyze(problem, matrix, y, num_levels=4)["mu_star"])
        top = mu_star.max() if mu_star.size else 0.0
        for name, value in zip(names, mu_star, strict=True):
            share = value / top if top > 0 else 0.0
            if share >= INFLUENCE:
                influential[name] = True
            if share > strongest.get(name, ("", -1.0))[1]:
                strongest[name] = (outcome, float(share))
    inert = [n for n, ok in influential.items() if not ok]
    detail = "every parameter influential" if not inert else "inert: " + ", ".join(inert)
    counted = (float(len(names) - len(inert)), math.nan, math.nan)
    return _check("Morris screen").result(counted, not inert, detail)


def _outsiders(context: Context) -> int:
    """States outside the base scenario's core (each gets a counterfactual in check 5)."""
    codes = context.dataset.arrays.codes
    return len(codes) - len(set(context.base["founders"]) & set(codes))


def _morris_runs(context: Context) -> int:
    return MORRIS_TRAJECTORIES * (len(_morris_names()) + 1) * _morris_reps(context)


CHECKS: tuple[Check, ...] = (
    Check(
        "balancing",
        "a higher threat (initial and mean +0.3) and a stronger Russia (a third more "
        "equipment per rouble) both draw more states in",
        "95 % CIs of the difference in members at the end above 0, for each",
        balancing,
        lambda c: 4 * c.reps,
        source="Walt (1987), The Origins of Alliances: states balance against threat",
    ),
    Check(
        "US withdrawal",
        "US withdrawal lowers parity counting the US and credibility in its first 8 "
        "quarters, and raises the rate of aggression",
        "CIs: parity with the US and credibility (quarters 1-8 of the withdrawal) below 0; "
        "the chance of aggression a quarter (from the withdrawal on) above 0",
        us_withdrawal,
        lambda c: 2 * c.reps,
    ),
    Check(
        "unanimity vs qmv",
        "unanimity admits fewer states than qmv",
        "95 % CI of (unanimity - qmv) admissions below 0",
        unanimity_vs_qmv,
        lambda c: 2 * c.reps,
    ),
    Check(
        "vetoes on friendly",
        "with Hungary and Slovakia inside, their vetoes fall mostly on Ukraine-friendly "
        f"applicants (alignment >= {FRIENDLY})",
        "95 % CI of the share of such vetoes above 0.5",
        vetoes_on_friendly,
        lambda c: c.reps,
    ),
    Check(
        "proximity and joining",
        "states nearer Russia join earlier",
        f"95 % CI of the change in a state's quarter of joining when it is put nearer "
        f"Russia (proximity +{NEARER}) below 0, over the states outside the core",
        proximity_order,
        lambda c: (1 + _outsiders(c)) * c.reps,
    ),
    Check(
        "investment in Ukraine",
        "more investment in Ukraine's industry raises its output, and the parity it buys "
        "grows with the cost advantage",
        "no fall of output beyond rounding (1e-6) with a larger share (0 to 10 %); CIs of "
        "the growth of the parity effect from cost advantage 1 to 3 and 3 to 5 above 0",
        investment,
        lambda c: len(INVESTMENT_SHARES) * len(COST_ADVANTAGES) * c.reps,
    ),
    Check(
        "Morris screen",
        "a Morris screen finds every behavioural parameter influential on some outcome",
        f"mu* at least {INFLUENCE:.0%} of the largest on some screened outcome",
        morris_screen,
        _morris_runs,
    ),
)


def _check(name: str) -> Check:
    return next(c for c in CHECKS if c.name == name)
