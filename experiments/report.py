"""Decide the hypotheses across the full uncertainty; write experiments/README.md and verdicts.json.

Usage (from the repository root)::

    python experiments/report.py                 # every hypothesis, every calibrated set
    python experiments/report.py --reps 50       # fewer runs per set and setting
    python experiments/report.py --protocols     # also rerun experiments/protocols.py
    python experiments/report.py --calibration-figure  # only figures/calibration.png
    python experiments/report.py --calibration-table   # the README's tables, printed
    python experiments/report.py --holdout-table       # out of sample, about 80 s
    python experiments/report.py --hypotheses-table
    python experiments/report.py --predictive-figures  # only figures/ppc_*.png (seconds)
    python experiments/report.py --calibration-checks  # coverage, stability, identification
    python experiments/report.py --coverage-table      # docs/calibration.md's tables, from
    python experiments/report.py --stability-table     #   figures/calibration_checks.json
    python experiments/report.py --identification-table

Every verdict comes from the rules declared in ``coalition_sim/hypotheses.py`` before
the runs; this script only runs them, draws the effects and writes the text from the
numbers. The README and ``verdicts.json`` it writes are generated in full: edit this
script, not them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from coalition_sim import hypotheses as hy
from coalition_sim.calibration import stored
from coalition_sim.calibration.report import format_report, plot
from coalition_sim.folders import atomic_write
from coalition_sim.validation import format_table, validate

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import calibration_checks as checks_record  # noqa: E402  (a sibling script module)

FIGURES = HERE / "figures"
README = HERE / "README.md"
VERDICTS = HERE / "verdicts.json"
#: Figures and tables of the former single-point report, removed when this one runs.
STALE = ("h1_", "h2_", "h3_", "h4_", "h5_", "summary.md")


def quantiles(values: np.ndarray) -> str:
    """Median [5 %, 95 %] over the sets; sets without a value (a quarter never reached)
    are left out and counted."""
    values = np.asarray(values, dtype=float)
    known = values[~np.isnan(values)]
    if not known.size:
        return f"none of {len(values)} sets"
    low, mid, high = np.quantile(known, [0.05, 0.5, 0.95])
    text = f"{mid:.3g} [{low:.3g}, {high:.3g}]"
    if known.size < values.size:
        text += f" ({known.size} of {values.size} sets)"
    return text


def means_table(evaluation: hy.Evaluation) -> str:
    """Median over the sets of each setting's mean, with the 5-95 % range of the sets."""
    h = evaluation.hypothesis
    metrics = list(evaluation.means)
    labels = [hy.metric_label(m) for m in metrics]
    lines = [
        "| setting | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(metrics),
    ]
    for name, setting in h.settings.items():
        cells = [quantiles(evaluation.means[m][name]) for m in metrics]
        lines.append(f"| {setting.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def effects_frame(evaluations: list[hy.Evaluation]) -> pd.DataFrame:
    rows = []
    for e in evaluations:
        for i, result in enumerate(e.rules, start=1):
            for k, effect in enumerate(result.effects):
                rows.append(
                    {
                        "hypothesis": e.hypothesis.key,
                        "rule": i,
                        "metric": result.rule.metric,
                        "set": k,
                        "effect": effect,
                        "holds": bool(result.holds[k]),
                        "opposite": bool(result.opposite[k]),
                    }
                )
    return pd.DataFrame(rows)


def figure(evaluations: list[hy.Evaluation], path: Path) -> None:
    """One panel per rule: the effect in every calibrated set against the rule's bar."""
    panels = [(e, i, r) for e in evaluations for i, r in enumerate(e.rules, start=1)]
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(8, 1.6 * len(panels) + 0.6), squeeze=False, layout="constrained"
    )
    for ax, (e, i, result) in zip(axes[:, 0], panels, strict=True):
        rule = result.rule
        colour = np.where(result.holds, "#1b7837", np.where(result.opposite, "#b2182b", "#999"))
        jitter = np.random.default_rng(i).uniform(-0.3, 0.3, len(result.effects))
        ax.scatter(result.effects, jitter, c=colour, s=9, alpha=0.8, linewidths=0)
        bar = rule.direction * rule.smallest
        ax.axvline(bar, color="black", lw=1, ls="--")
        ax.axvline(0, color="#666", lw=0.6)
        if rule.smallest:
            ax.axvline(-bar, color="#b2182b", lw=0.6, ls=":")
        ax.set_yticks([])
        ax.set_ylim(-0.6, 0.6)
        label = hy.metric_label(rule.metric)
        settings = e.hypothesis.settings
        if rule.against:
            what = "effect"
            axis = (
                f"mean under '{settings[rule.setting].label}' minus under "
                f"'{settings[rule.against].label}', per set"
            )
        else:
            what = f"minus the level {rule.level:g}"
            axis = f"mean under '{settings[rule.setting].label}' minus {rule.level:g}, per set"
        holds = int(np.sum(result.holds))
        ax.set_title(
            f"{e.hypothesis.key.upper()} rule {i} ({result.verdict}; holds in {holds} of "
            f"{len(result.effects)} sets): {label}, {what}",
            fontsize=8,
            loc="left",
        )
        ax.set_xlabel(axis, fontsize=7)
        ax.tick_params(labelsize=7)
    fig.suptitle(
        "Each dot a parameter set (calibrated behaviour, judgement values): green where the "
        "rule holds, red where the opposite holds, grey neither;\ndashed: the smallest effect "
        "that counts, dotted red: the same effect the other way",
        fontsize=8,
    )
    fig.savefig(path, dpi=130)
    plt.close(fig)


def protocols_section() -> str:
    """The protocols comparison, from its table (experiments/protocols.py writes it)."""
    path = FIGURES / "protocols_summary.csv"
    if not path.exists():
        return "Run `python experiments/protocols.py` for the comparison of the protocols."
    table = pd.read_csv(path)
    lines = [
        "| scenario | protocol | members at the end | parity at the end | runs reaching "
        "parity | exits a run | deals a run | breaches a run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for _, r in table.iterrows():
        lines.append(
            f"| {r.scenario} | {r.protocol} | {r.final_members_mean:.3g} ± "
            f"{r.final_members_ci95:.2g} | {r.final_parity_mean:.3g} ± {r.final_parity_ci95:.2g} "
            f"| {r.parity_reached_share:.0%} | {r.exits_mean:.2g} | {r.deals_mean:.3g} | "
            f"{r.breaches_mean:.2g} |"
        )
    return "\n".join(lines)


#: The fit statistics the README's calibration table shows, in its words.
FIT_ROWS = (
    ("rho_2015_2021", "spending 2015-2021, rank correlation with NATO's figures", ""),
    ("rmse_2015_2021", "spending 2015-2021, root mean square error", " points of GDP"),
    ("rho_2022_2025", "spending 2022-2025, rank correlation with NATO's figures", ""),
    ("rmse_2022_2025", "spending 2022-2025, root mean square error", " points of GDP"),
    ("auc", "taking part in the coalition's meetings, AUC (0.5 chance, 1 perfect)", ""),
    ("brier", "taking part in the coalition's meetings, Brier score (0 perfect)", ""),
    ("honoured", "commitments honoured (target 0.745)", ""),
)


def calibration_table(result) -> str:
    """The fit of the packaged calibration as a Markdown table (the README shows it)."""
    lines = ["| target | median over the accepted sets [90 % of them] |", "|---|---|"]
    for key, words, unit in FIT_ROWS:
        fit = result.fit[key]
        lines.append(
            f"| {words} | {fit['median']:.2f} [{fit['low']:.2f}, {fit['high']:.2f}]{unit} |"
        )
    return "\n".join(lines)


def holdout_table() -> str:
    """In sample, out of sample and leaving each country out, for the model and baselines.

    Reruns the packaged calibration's design (its sets, runs and seed; about 80 s on two
    cores) and prints the table of ``coalition-sim calibrate --holdout`` in Markdown.
    """
    from coalition_sim.calibration import holdout
    from coalition_sim.calibration.report import holdout_markdown

    calibration = stored.load()
    result = holdout.run(
        samples=calibration.samples,
        seed=calibration.seed,
        hindcast_reps=calibration.hindcast_reps,
        join_reps=calibration.join_reps,
        accept=calibration.accept,
    )
    return holdout_markdown(result)


def hypotheses_table(path: Path = FIGURES / "hypotheses.csv") -> str:
    """The verdicts as a Markdown table, from the effects the last full run wrote.

    The verdicts are recomputed from each set's holds and opposite columns by the rules
    of ``coalition_sim/hypotheses.py``, so the table and experiments/README.md agree.
    """
    effects = pd.read_csv(path)
    lines = [
        "| hypothesis | verdict | each rule: median over the sets [90 % of them]; sets where it "
        "holds |",
        "|---|---|---|",
    ]
    for h in hy.HYPOTHESES:
        results, parts = [], []
        for i, rule in enumerate(h.rules, start=1):
            rows = effects[(effects["hypothesis"] == h.key) & (effects["rule"] == i)]
            rows = rows.sort_values("set")
            result = hy.RuleResult(
                rule,
                rows["effect"].to_numpy(),
                rows["holds"].to_numpy(dtype=bool),
                rows["opposite"].to_numpy(dtype=bool),
            )
            results.append(result)
            label = hy.metric_label(rule.metric)
            if rule.against is not None:
                low, mid, high = np.quantile(result.effects, [0.05, 0.5, 0.95])
                what = f"{label}, effect {mid:+.2g} [{low:+.2g}, {high:+.2g}]"
            else:
                low, mid, high = np.quantile(result.effects + rule.level, [0.05, 0.5, 0.95])
                setting = h.settings[rule.setting].label
                what = f"{label}, {setting}: {mid:.2g} [{low:.2g}, {high:.2g}]"
            parts.append(f"{what}; {int(result.holds.sum())} of {len(rows)} sets")
        verdict = hy.Evaluation(h, tuple(results), {}, len(rows), 0).verdict
        lines.append(f"| {h.key.upper()} {h.title} | {verdict} | {'<br>'.join(parts)} |")
    return "\n".join(lines)


HEADER = """\
# Experiments: the hypotheses of the design, decided by declared rules

*Generated by `python experiments/report.py` on {date} from commit `{commit}`; do not
edit by hand. The same numbers, for machines: `verdicts.json`.*

The five hypotheses of the design are tested across the full uncertainty, not at one
parameter point. `coalition_sim/hypotheses.py` declares, before anything is run, each
hypothesis's settings and its decision rules: the metric, the direction, the smallest
effect that counts, and the share of the parameter sets in which the rule must hold.
There are {sets} sets: each accepted set of the packaged calibration (the behaviour
fitted to what states did, see *Calibration* below) with one draw of the judgement
values of the military balance ({judgement} parameters with plausible ranges from the
sources: the PPP factor, readiness, lags, depreciation, enablers, integration, Russia's
growth and losses, the US forces, Ukraine's army and industry; a Latin hypercube over
their ranges; `docs/parameters.md`). Each set is run {reps} times under each setting,
with the same seeds in every setting. A rule holds in a set when the set's mean effect
is at least the smallest effect in the stated direction; it is **supported** when it
holds in its share of the sets, **contradicted** when the opposite holds as often, and
otherwise **not supported**. A hypothesis is supported only when all of its rules are.
Each rule names the judgement values that flip it: those in whose lowest fifth of sets
the rule reaches its share and in whose highest it does not (or the reverse), beyond
chance (a two-proportion test, Bonferroni-corrected over the {judgement} values). The
verdict lines below are written by the script from the numbers.

{n_runs:,} runs in {seconds:.0f} s. Every table gives the median over the sets with the
range of the middle 90 % of them. The effects of every set are in
`figures/hypotheses.csv` and drawn in `figures/hypotheses.png`:

![Effects of every rule in every parameter set](figures/hypotheses.png)
"""

FOOTER = """\
## Validation (`coalition-sim validate`)

The checks every defensible model of this question must pass, and the checks against
the experts' balance (IISS, Bruegel/Kiel), run on the calibrated defaults ({reps} runs
per setting, 95 % intervals; rules in `coalition_sim/validation/`):

```
{table}
```

## Calibration (`coalition-sim calibrate`)

The packaged calibration (`coalition_sim/data/calibration.json`), as `coalition-sim
calibrate` reports it:

```
{report}
```

![Calibration: observed against simulated](figures/calibration.png)

## Negotiation protocols compared (`protocols.py`)

`python experiments/protocols.py` runs the three protocols (`coalition-sim protocols`) on
`baseline` and `us-withdrawal` at the calibrated defaults, 40 paired replications each,
and a second design with the longest phase-in the coalition may grant under
`bargaining` set to 5 to 20 years. Mean ± the half-width of a 95 % t interval:

{protocols}

![Protocols compared](figures/protocols.png)
![Phase-in under bargaining](figures/protocols_phase_in.png)

## Other checks

- `figures/engine_check.md`: the batched engine against the former per-run model, 157
  outcome comparisons with replications (`python experiments/engine_check.py`).
- The sweep files `h*.toml` run each comparison at the calibrated point with
  `coalition-sim sweep`, for time courses and tables of one parameter point.
"""


def hypothesis_section(e: hy.Evaluation, sets) -> str:
    h = e.hypothesis
    settings = "; ".join(f"*{s.label}*" for s in h.settings.values())
    return "\n\n".join(
        [
            f"## {h.key.upper()}. {h.title}",
            f"*{h.statement}*",
            f"Settings: {settings}. {h.reading}",
            hy.verdict_text(e, sets),
            means_table(e),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 25 runs per set: the calibration accepts about 1,300 sets, so each setting still
    # gets some 33,000 runs and a set's mean effect an error of about a fifth of its sd
    parser.add_argument("--reps", type=int, default=25, help="runs per set and setting")
    parser.add_argument("--sets", type=int, default=None, help="calibrated sets (default all)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the runs")
    parser.add_argument("--validate-reps", type=int, default=400, help="runs per check")
    parser.add_argument("--protocols", action="store_true", help="rerun protocols.py first")
    parser.add_argument(
        "--calibration-figure",
        action="store_true",
        help="only redraw figures/calibration.png from the packaged calibration (seconds)",
    )
    parser.add_argument(
        "--calibration-table",
        action="store_true",
        help="only print the packaged calibration's fit as a Markdown table",
    )
    parser.add_argument(
        "--holdout-table",
        action="store_true",
        help="only print the fit in sample, out of sample and leaving each country out, "
        "model against baselines, as a Markdown table (reruns the design, about 80 s)",
    )
    parser.add_argument(
        "--hypotheses-table",
        action="store_true",
        help="only print the verdicts of the last full run (figures/hypotheses.csv) as a table",
    )
    checks_record.add_arguments(parser)
    args = parser.parse_args()
    if checks_record.handle(args, FIGURES):
        return
    if args.calibration_table:
        print(calibration_table(stored.load()))
        return
    if args.hypotheses_table:
        print(hypotheses_table())
        return
    if args.holdout_table:
        print(holdout_table())
        return
    FIGURES.mkdir(exist_ok=True)
    if args.calibration_figure:
        plot(stored.load(), FIGURES / "calibration.png")
        print(f"written: {(FIGURES / 'calibration.png').relative_to(HERE.parent)}")
        return
    for stale in FIGURES.iterdir():
        if stale.name.startswith(STALE):
            stale.unlink()
    if args.protocols:
        subprocess.run([sys.executable, str(HERE / "protocols.py")], check=True)

    started = time.perf_counter()
    sets = hy.uncertainty_sets(args.sets, seed=args.seed)
    evaluations = []
    for h in hy.HYPOTHESES:
        print(f"{h.key}: {len(sets)} sets x {args.reps} runs x {len(h.settings)} settings")
        evaluations.append(hy.evaluate(h, sets, reps=args.reps, seed=args.seed))
    seconds = time.perf_counter() - started
    n_runs = sum(len(sets) * args.reps * len(e.hypothesis.settings) for e in evaluations)
    effects_frame(evaluations).to_csv(FIGURES / "hypotheses.csv", index=False)
    record = hy.verdicts_record(evaluations, sets)
    text = json.dumps(record, indent=1) + "\n"
    atomic_write(VERDICTS, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    figure(evaluations, FIGURES / "hypotheses.png")

    results = validate(reps=args.validate_reps)
    calibration = stored.load()
    plot(calibration, FIGURES / "calibration.png")
    checks_record.predictive_figures(calibration, FIGURES)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        check=False,
        capture_output=True,
        text=True,
        cwd=HERE,
    ).stdout.strip()
    text = "\n\n".join(
        [
            HEADER.format(
                date=time.strftime("%Y-%m-%d"),
                commit=commit or "unknown",
                sets=len(sets),
                judgement=len(hy.JUDGEMENT),
                reps=args.reps,
                n_runs=n_runs,
                seconds=seconds,
            ).rstrip(),
            *(hypothesis_section(e, sets) for e in evaluations),
            FOOTER.format(
                reps=args.validate_reps,
                table=format_table(results),
                report=format_report(calibration),
                protocols=protocols_section(),
            ).rstrip(),
        ]
    )
    atomic_write(README, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    for e in evaluations:
        print(f"{e.hypothesis.key}: {e.verdict}")
    print(f"written: {README.relative_to(HERE.parent)} ({n_runs:,} runs in {seconds:.0f} s)")


if __name__ == "__main__":
    main()
