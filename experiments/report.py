"""Run the hypothesis sweeps of experiments/ and write their tables, figures and verdicts.

Usage (from the repository root)::

    python experiments/report.py            # run missing sweeps, then analyse all
    python experiments/report.py --rerun    # run every sweep again (--force)
    python experiments/report.py h2         # one hypothesis

Raw results go to experiments/results/NAME/ (ignored by git); the small tables (CSV),
figures (PNG) and experiments/figures/summary.md are committed. Each sweep is an ordinary
`coalition-sim sweep experiments/NAME.toml`; the statistics are the same as
`coalition-sim compare` (mean, sd, 95 % CI), plus a Welch test of the difference that
each hypothesis turns on.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from coalition_sim.parameters import FOUNDERS
from coalition_sim.sweep import compare, plots

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
FIGURES = HERE / "figures"
NAMES = {
    "h1": "h1_us_withdrawal",
    "h2": "h2_unreliable_unanimity",
    "h3": "h3_ukraine_parity",
    "h4": "h4_ukraine_investment",
    "h5": "h5_join_order",
}
CORE = ",".join(FOUNDERS)


def sweep(name: str, rerun: bool, extra: tuple[str, ...] = ()) -> Path:
    out = RESULTS / name
    if rerun or not (out / "runs.parquet").exists():
        argv = [
            "coalition-sim",
            "sweep",
            f"experiments/{name}.toml",
            *extra,
            "--out",
            str(out.relative_to(ROOT)),
            "--force",
            "--quiet",
        ]
        print("$", " ".join(argv), flush=True)
        subprocess.run([sys.executable, "-m", "coalition_sim", *argv[1:]], cwd=ROOT, check=True)
    return out


def data_without_ukraine() -> tuple[str, ...]:
    """Write the packaged data less Ukraine (rows and borders); return the CLI options."""
    from coalition_sim.datasets import BORDERS_FILE, DATA_DIR, STATES_FILE

    folder = RESULTS / "no_ukraine"
    folder.mkdir(parents=True, exist_ok=True)
    states = pd.read_csv(DATA_DIR / STATES_FILE, dtype=str, keep_default_na=False)
    borders = pd.read_csv(DATA_DIR / BORDERS_FILE, dtype=str, keep_default_na=False)
    states[states.iso3 != "UKR"].to_csv(folder / STATES_FILE, index=False)
    borders[(borders.a != "UKR") & (borders.b != "UKR")].to_csv(folder / BORDERS_FILE, index=False)
    return (
        "--states",
        str((folder / STATES_FILE).relative_to(ROOT)),
        "--borders",
        str((folder / BORDERS_FILE).relative_to(ROOT)),
    )


def founders_label(value: str) -> str:
    """Say how a founders list differs from the default core."""
    codes = value.split(",")
    core = CORE.split(",")
    added = [c for c in codes if c not in core]
    removed = [c for c in core if c not in codes]
    if not added and not removed:
        return "core"
    return "core" + "".join(f" +{c}" for c in added) + "".join(f" -{c}" for c in removed)


def with_labels(runs: pd.DataFrame) -> pd.DataFrame:
    runs = runs.copy()
    if "founders" in runs:
        runs["founders"] = runs["founders"].map(founders_label)
    if "us_withdrawal_step" in runs:
        runs["us_withdrawal"] = runs["us_withdrawal_step"].map(
            lambda v: "never" if pd.isna(v) else f"from step {int(v)}"
        )
    if "application_threshold" in runs:
        runs["coalition_can_grow"] = runs["application_threshold"].map(
            lambda v: "yes" if v < 1 else "no (founders only)"
        )
    return runs


def welch(a: pd.Series, b: pd.Series) -> dict[str, float]:
    """Difference of means b - a with a Welch 95 % CI and p-value."""
    a, b = a.dropna().to_numpy(float), b.dropna().to_numpy(float)
    diff = b.mean() - a.mean()
    va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
    se = np.sqrt(va + vb)
    if se == 0:
        return {
            "mean_a": a.mean(),
            "mean_b": b.mean(),
            "difference": diff,
            "ci95_low": diff,
            "ci95_high": diff,
            "p_value": 0.0 if diff else 1.0,
        }
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = stats.t.ppf(0.975, df) * se
    p = 2 * stats.t.sf(abs(diff) / se, df)
    return {
        "mean_a": a.mean(),
        "mean_b": b.mean(),
        "difference": diff,
        "ci95_low": diff - half,
        "ci95_high": diff + half,
        "p_value": p,
    }


def share_ci(x: pd.Series) -> tuple[float, float, float]:
    """Share of successes with a Wilson 95 % interval."""
    x = x.dropna()
    n, k = len(x), float(x.sum())
    if n == 0:
        return np.nan, np.nan, np.nan
    p = k / n
    z = 1.96
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, max(0.0, centre - half), min(1.0, centre + half)


def md_table(frame: pd.DataFrame, digits: int = 3) -> str:
    frame = frame.copy()
    for col in frame.columns:
        if pd.api.types.is_float_dtype(frame[col]):
            frame[col] = frame[col].map(lambda v: "-" if pd.isna(v) else f"{v:.{digits}g}")
    head = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(map(str, row)) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def standard(
    name: str,
    runs: pd.DataFrame,
    by: list[str],
    metrics: list[str],
    title: str,
    steps: bool = False,
) -> pd.DataFrame:
    """Summary CSV and distribution figure (and time course) like `coalition-sim compare`."""
    table = compare.summary_table(runs, by, metrics)
    table.to_csv(FIGURES / f"{name}.csv", index=False, float_format="%.4g")
    plots.plot_distributions(runs, by, metrics, FIGURES / f"{name}.png", title=title)
    steps_path = RESULTS / name / "steps.parquet"
    if steps and steps_path.exists():
        plots.plot_timecourse(
            pd.read_parquet(steps_path), runs, by, FIGURES / f"{name}-timecourse.png", title=title
        )
    return table


def pivot(table: pd.DataFrame, by: list[str], metrics: list[str]) -> pd.DataFrame:
    """One row per group, 'mean [CI]' per metric, for the README."""
    out = table[table.metric.isin(metrics)].copy()
    out["value"] = out.apply(
        lambda r: (
            f"{r['mean']:.3g} [{r['ci95_low']:.3g}, {r['ci95_high']:.3g}]"
            if not np.isnan(r["ci95_low"])
            else f"{r['mean']:.3g}"
        ),
        axis=1,
    )
    wide = out.pivot_table(index=by, columns="metric", values="value", aggfunc="first", sort=False)
    return wide[[m for m in metrics if m in wide.columns]].reset_index()


# --- hypotheses -------------------------------------------------------------------------------


def h1(out: Path) -> str:
    runs = with_labels(compare.load_runs(out)[0])
    by = ["coalition_can_grow", "us_withdrawal"]
    metrics = ["final_parity_with_us", "final_parity", "final_members", "final_credibility"]
    table = standard(
        "h1_us_withdrawal",
        runs,
        by,
        metrics,
        "H1: US withdrawal with and without coalition growth",
        steps=True,
    )
    lines = [md_table(pivot(table, by, metrics)), ""]
    tests = []
    for grow in ("yes", "no (founders only)"):
        part = runs[runs.coalition_can_grow == grow]
        for metric in ("final_parity_with_us", "final_parity"):
            d = welch(
                part.loc[part.us_withdrawal == "never", metric],
                part.loc[part.us_withdrawal != "never", metric],
            )
            tests.append(
                {
                    "coalition_can_grow": grow,
                    "metric": metric,
                    "withdrawal minus none": d["difference"],
                    "ci95_low": d["ci95_low"],
                    "ci95_high": d["ci95_high"],
                    "p": d["p_value"],
                }
            )
    tests = pd.DataFrame(tests)
    tests.to_csv(FIGURES / "h1_us_withdrawal_tests.csv", index=False, float_format="%.4g")
    lines.append("Effect of the withdrawal (withdrawal minus none, Welch 95 % CI):\n")
    lines.append(md_table(tests))
    return "\n".join(lines)


def h2(out: Path) -> str:
    runs = with_labels(compare.load_runs(out)[0])
    by = ["founders", "admission_rule"]
    metrics = [
        "admissions",
        "final_members",
        "vetoes_unreliable",
        "final_cohesion",
        "final_credibility",
    ]
    table = standard(
        "h2_unreliable_unanimity",
        runs,
        by,
        metrics,
        "H2: Hungary and Slovakia inside the core, unanimity or qmv",
        steps=True,
    )
    lines = [md_table(pivot(table, by, metrics)), ""]
    tests = []
    for rule in ("unanimity", "qmv"):
        part = runs[runs.admission_rule == rule]
        for metric in ("admissions", "final_members", "final_cohesion", "vetoes_unreliable"):
            d = welch(
                part.loc[part.founders == "core", metric], part.loc[part.founders != "core", metric]
            )
            tests.append(
                {
                    "admission_rule": rule,
                    "metric": metric,
                    "with HUN,SVK minus without": d["difference"],
                    "ci95_low": d["ci95_low"],
                    "ci95_high": d["ci95_high"],
                    "p": d["p_value"],
                }
            )
    tests = pd.DataFrame(tests)
    tests.to_csv(FIGURES / "h2_unreliable_unanimity_tests.csv", index=False, float_format="%.4g")
    lines.append("Effect of HUN and SVK inside (with minus without, Welch 95 % CI):\n")
    lines.append(md_table(tests))
    return "\n".join(lines)


def h3(out: Path, rerun: bool = False) -> str:
    with_ukraine = with_labels(compare.load_runs(out)[0])
    with_ukraine["Ukraine"] = "in the core"
    other = sweep("h3_without_ukraine", rerun, data_without_ukraine())
    without = with_labels(compare.load_runs(other)[0])
    without["Ukraine"] = "not in the data"
    runs = pd.concat([with_ukraine, without], ignore_index=True)
    by = ["Ukraine", "us_withdrawal", "ukraine_investment_share"]
    metrics = ["parity_reached", "final_parity", "first_parity_step", "final_members"]
    table = standard(
        "h3_ukraine_parity",
        runs,
        by,
        metrics,
        "H3: parity with Ukraine in the coalition and without it",
    )
    lines = [md_table(pivot(table, by, metrics)), ""]
    ok = runs[runs.status == "ok"]
    rows = []
    for (condition, share), part in ok.groupby(
        ["us_withdrawal", "ukraine_investment_share"], sort=False
    ):
        for ukraine, arm in part.groupby("Ukraine", sort=False):
            p, lo, hi = share_ci(arm.parity_reached)
            rows.append(
                {
                    "us_withdrawal": condition,
                    "ukraine_investment_share": share,
                    "Ukraine": ukraine,
                    "runs": len(arm),
                    "parity reached": p,
                    "Wilson 95% low": lo,
                    "Wilson 95% high": hi,
                    "mean final parity": arm.final_parity.mean(),
                }
            )
    tests = pd.DataFrame(rows)
    tests.to_csv(FIGURES / "h3_ukraine_parity_tests.csv", index=False, float_format="%.4g")
    lines.append(
        "Share of runs reaching parity (parity >= 1 at some quarter), Wilson 95 % interval:\n"
    )
    lines.append(md_table(tests))
    return "\n".join(lines)


def h4(out: Path) -> str:
    runs = with_labels(compare.load_runs(out)[0])
    by = ["ukraine_investment_share", "spending_floor_pct", "cost_advantage"]
    metrics = [
        "final_parity",
        "final_coalition_spending_usd_bn",
        "final_members",
        "final_ukraine_utilisation",
    ]
    table = standard(
        "h4_ukraine_investment",
        runs,
        by,
        metrics,
        "H4: investing in Ukraine's industry against a higher spending floor",
    )
    lines = [md_table(pivot(table, by, metrics)), ""]
    ok = runs[runs.status == "ok"]
    base = ok[(ok.ukraine_investment_share == 0) & (ok.spending_floor_pct == 3.5)]
    rows = []
    levers = [
        ("invest 5 % in Ukraine", 0.05, 3.5),
        ("invest 10 % in Ukraine", 0.1, 3.5),
        ("invest 20 % in Ukraine", 0.2, 3.5),
        ("spending floor 5 % of GDP", 0.0, 5.0),
    ]
    for ca in (3.0, 5.0):
        ref = base[base.cost_advantage == ca]
        for name, share, floor in levers:
            arm = ok[
                (ok.ukraine_investment_share == share)
                & (ok.spending_floor_pct == floor)
                & (ok.cost_advantage == ca)
            ]
            dp = welch(ref.final_parity, arm.final_parity)
            ds = welch(ref.final_coalition_spending_usd_bn, arm.final_coalition_spending_usd_bn)
            rows.append(
                {
                    "cost_advantage": ca,
                    "lever": name,
                    "parity gain": dp["difference"],
                    "gain ci95": _ci(dp),
                    "extra spending USD bn/yr": ds["difference"],
                    "spending ci95": _ci(ds),
                    "members": arm.final_members.mean(),
                }
            )
    tests = pd.DataFrame(rows)
    tests.to_csv(FIGURES / "h4_ukraine_investment_tests.csv", index=False, float_format="%.4g")
    lines.append(
        "Parity gained against the baseline (no investment, floor 3.5 %), and the "
        "extra spending it took (Welch 95 % CI):\n"
    )
    lines.append(md_table(tests))
    return "\n".join(lines)


def _ci(d: dict[str, float]) -> str:
    return f"[{d['ci95_low']:.3g}, {d['ci95_high']:.3g}]"


def h5(out: Path) -> str:
    from coalition_sim.datasets import load_dataset

    runs = with_labels(compare.load_runs(out)[0])
    ok = runs[runs.status == "ok"]
    data = load_dataset()
    actors = [r for r in data.actor_rows() if r["iso3"] not in FOUNDERS]
    rows = []
    for condition, part in ok.groupby("us_withdrawal", sort=False):
        orders = [m.split()[len(FOUNDERS) :] for m in part.members]
        for r in actors:
            code = r["iso3"]
            ranks = [o.index(code) + 1 for o in orders if code in o]
            rows.append(
                {
                    "us_withdrawal": condition,
                    "iso3": code,
                    "km_to_russia": r["km_capital_to_russia_or_belarus"],
                    "joined_share": len(ranks) / len(orders),
                    "mean_join_rank": float(np.mean(ranks)) if ranks else np.nan,
                }
            )
    per_state = pd.DataFrame(rows)
    per_state.to_csv(FIGURES / "h5_join_order.csv", index=False, float_format="%.4g")
    tests = []
    for condition, part in per_state.groupby("us_withdrawal", sort=False):
        rho_share = stats.spearmanr(part.km_to_russia, part.joined_share)
        joined = part.dropna(subset=["mean_join_rank"])
        rho_rank = stats.spearmanr(joined.km_to_russia, joined.mean_join_rank)
        tests.append(
            {
                "us_withdrawal": condition,
                "states that ever joined": f"{len(joined)} of {len(part)}",
                "Spearman(distance, share joined)": rho_share.statistic,
                "p (share)": rho_share.pvalue,
                "Spearman(distance, join rank)": rho_rank.statistic,
                "p (rank)": rho_rank.pvalue,
            }
        )
    tests = pd.DataFrame(tests)
    tests.to_csv(FIGURES / "h5_join_order_tests.csv", index=False, float_format="%.4g")
    _plot_h5(per_state)
    top = per_state.sort_values(["us_withdrawal", "joined_share"], ascending=[True, False])
    lines = [
        md_table(tests),
        "",
        "States joining in at least 10 % of runs (share of runs, mean rank among joiners):\n",
    ]
    for condition, part in top.groupby("us_withdrawal", sort=False):
        frequent = part[part.joined_share >= 0.1]
        text = ", ".join(
            f"{r.iso3} {r.km_to_russia:.0f} km: {r.joined_share:.0%}, rank {r.mean_join_rank:.1f}"
            for r in frequent.itertuples()
        )
        lines.append(f"- US withdrawal {condition}: {text or 'none'}")
        never = part[(part.joined_share == 0) & (part.km_to_russia <= 800)]
        close = ", ".join(f"{r.iso3} {r.km_to_russia:.0f} km" for r in never.itertuples())
        lines.append(f"  - within 800 km, never joined: {close}")
    return "\n".join(lines)


def _plot_h5(per_state: pd.DataFrame) -> None:
    plt = plots._pyplot()
    conditions = list(dict.fromkeys(per_state.us_withdrawal))
    fig, axes = plt.subplots(
        1, len(conditions), figsize=(6.5 * len(conditions), 4.4), squeeze=False, sharey=True
    )
    for ax, condition in zip(axes.flat, conditions, strict=True):
        part = per_state[per_state.us_withdrawal == condition]
        joined = part[part.joined_share > 0]
        never = part[part.joined_share == 0]
        points = ax.scatter(
            joined.km_to_russia,
            joined.joined_share,
            c=joined.mean_join_rank,
            cmap="viridis_r",
            s=30,
            edgecolor="black",
            linewidth=0.4,
        )
        ax.scatter(
            never.km_to_russia,
            never.joined_share,
            marker="x",
            color="grey",
            s=20,
            label="never joined",
        )
        for r in part.itertuples():
            if r.joined_share > 0 or r.km_to_russia <= 800:
                ax.annotate(
                    r.iso3,
                    (r.km_to_russia, r.joined_share),
                    fontsize=7,
                    xytext=(3, 3 if r.joined_share > 0 else -9),
                    textcoords="offset points",
                    rotation=0,
                )
        ax.legend(fontsize=7, loc="center right")
        ax.set_xlabel("distance of the capital to Russia or Belarus (km)")
        ax.set_title(f"US withdrawal: {condition}", fontsize=9)
        ax.grid(alpha=0.3)
        fig.colorbar(points, ax=ax, label="mean rank among joiners (1 = first)")
    axes.flat[0].set_ylabel("share of runs in which the state joined")
    runs = "200 runs per condition"
    fig.suptitle(
        f"H5: who joins the core, by distance to Russia ({runs}; founders left "
        "out; grey crosses: never joined, labelled within 800 km)",
        fontsize=10,
    )
    plots._save(fig, FIGURES / "h5_join_order.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="*", choices=[*NAMES, []], help="h1 ... h5 (default all)")
    parser.add_argument("--rerun", action="store_true", help="run the sweeps again")
    args = parser.parse_args()
    FIGURES.mkdir(parents=True, exist_ok=True)
    sections = []
    for key in args.which or list(NAMES):
        name = NAMES[key]
        out = sweep(name, args.rerun)
        text = h3(out, args.rerun) if key == "h3" else globals()[key](out)
        sections.append(f"## {key.upper()}: {name}\n\n{text}\n")
        print(sections[-1], flush=True)
    if not args.which:
        (FIGURES / "summary.md").write_text("\n".join(sections))


if __name__ == "__main__":
    main()
