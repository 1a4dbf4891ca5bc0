"""Compare the three negotiation protocols on the baseline and the US-withdrawal scenario.

Who joins, when, and parity, with replications; and how the phase-in the coalition may
grant under ``bargaining`` changes who joins and when. Every run is ``simulate(...)`` of
the model; replication ``r`` uses seed ``SEED0 + r`` under every protocol and scenario
(common random numbers, so differences between protocols are paired).

    .venv/bin/python experiments/protocols.py [--reps 40] [--steps 40]

Writes the small tables and the figures to ``experiments/figures/protocols*`` (committed)
and every run's outcomes to ``experiments/results/protocols/runs*.csv`` (not committed).
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats

from coalition_sim.parameters import load_scenario
from coalition_sim.protocols import PROTOCOLS
from coalition_sim.simulation import simulate

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "protocols"
FIGURES = HERE / "figures"
SCENARIOS = ("baseline", "us-withdrawal")
PHASE_INS = (5.0, 7.5, 10.0, 15.0, 20.0)
SEED0 = 1000
COLOURS = {"threshold": "#1b6ca8", "bargaining": "#e08214", "landscape": "#5e3c99"}
#: Line styles and markers, so the protocols read apart without colour too.
STYLES = {"threshold": "-", "bargaining": "--", "landscape": ":"}
MARKERS = {"threshold": "o", "bargaining": "s", "landscape": "^"}
AXES = {"members": "members (states)", "parity": "parity with Russia (strength ratio)"}


def one_run(scenario: str, seed: int, steps: int, **changes) -> dict:
    """One run: outcomes, per-step series and per-state join steps."""
    result = simulate(load_scenario(scenario).with_values(changes), seed=seed, steps=steps)
    events = result.events
    founders = set(result.scenario["founders"])
    joins = {code: step for code, step in result.join_order if code not in founders}
    bargains = events[events["kind"] == "bargain"]
    agreed = bargains["value"].dropna()
    admitted = events[events["kind"] == "admission"]
    bargained = admitted[["step", "target"]].merge(
        bargains.dropna(subset=["value"])[["step", "actor", "value"]],
        left_on=["step", "target"],
        right_on=["step", "actor"],
    )
    return {
        "outcomes": {
            **result.outcomes,
            "breaches": int((events["kind"] == "breach").sum()),
            "deals": len(agreed),
            "admitted_on_deal": len(bargained),
            "mean_agreed_years": float(bargained["value"].mean()) if len(bargained) else math.nan,
            "mean_cohesion": float(result.steps["cohesion"].mean()),
        },
        "series": result.steps[["step", "members", "parity", "cohesion"]],
        "joins": joins,
    }


def ci(values: pd.Series) -> tuple[float, float, float]:
    """Mean and the half-width of its 95 % t interval."""
    values = values.dropna()
    n = len(values)
    mean = float(values.mean()) if n else math.nan
    if n < 2:
        return mean, math.nan, n
    half = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / math.sqrt(n))
    return mean, half, n


def run_design(reps: int, steps: int):
    """The protocol comparison: protocol x scenario x replication."""
    rows, series, joins = [], [], []
    for scenario in SCENARIOS:
        for protocol in PROTOCOLS:
            for r in range(reps):
                out = one_run(scenario, SEED0 + r, steps, protocol=protocol)
                key = {"protocol": protocol, "scenario": scenario, "rep": r}
                rows.append({**key, **out["outcomes"]})
                series.append(out["series"].assign(**key))
                joins += [{**key, "state": c, "join_step": s} for c, s in out["joins"].items()]
    return pd.DataFrame(rows), pd.concat(series, ignore_index=True), pd.DataFrame(joins)


def run_phase_in(reps: int, steps: int):
    """Bargaining only: the longest phase-in the coalition may grant."""
    rows, joins = [], []
    for scenario in SCENARIOS:
        for years in PHASE_INS:
            for r in range(reps):
                out = one_run(
                    scenario,
                    SEED0 + r,
                    steps,
                    protocol="bargaining",
                    bargaining_max_phase_in_years=years,
                )
                key = {"scenario": scenario, "max_phase_in_years": years, "rep": r}
                rows.append({**key, **out["outcomes"]})
                joins += [{**key, "state": c, "join_step": s} for c, s in out["joins"].items()]
    return pd.DataFrame(rows), pd.DataFrame(joins)


SUMMARY_METRICS = (
    "final_members",
    "final_parity",
    "first_parity_step",
    "mean_cohesion",
    "final_cohesion",
    "admissions",
    "exits",
    "deals",
    "breaches",
    "ukraine_member",
)


def summarise(runs: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Mean and 95 % CI of each metric per group, plus the share reaching parity."""
    out = []
    for key, group in runs.groupby(by, sort=False):
        row = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        row["runs"] = len(group)
        row["parity_reached_share"] = float((group["first_parity_step"] >= 0).mean())
        for metric in SUMMARY_METRICS:
            values = group[metric].astype(float)
            if metric == "first_parity_step":
                values = values[values >= 0]
            mean, half, _ = ci(values)
            row[f"{metric}_mean"] = mean
            row[f"{metric}_ci95"] = half
        if "mean_agreed_years" in group:
            row["mean_agreed_years"] = float(group["mean_agreed_years"].mean())
        out.append(row)
    return pd.DataFrame(out)


def join_table(joins: pd.DataFrame, runs: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Per group and state: share of runs in which it joined, and its median join step."""
    reps = runs.groupby(by, sort=False).size().rename("runs")
    table = (
        joins.groupby([*by, "state"], sort=False)["join_step"]
        .agg(joined="size", median_step="median", mean_step="mean")
        .reset_index()
        .merge(reps.reset_index(), on=by)
    )
    table["share_joined"] = table["joined"] / table["runs"]
    return table.drop(columns="joined")


def figure_comparison(series: pd.DataFrame, joins: pd.DataFrame, path: Path) -> None:
    """Members and parity over time (mean, 95 % band) and join timing per state."""
    fig = plt.figure(figsize=(13, 9.5))
    grid = fig.add_gridspec(2, 3, width_ratios=(1, 1, 1.25))
    for row, scenario in enumerate(SCENARIOS):
        for col, metric in enumerate(("members", "parity")):
            ax = fig.add_subplot(grid[row, col])
            part = series[series["scenario"] == scenario]
            for protocol in PROTOCOLS:
                data = part[part["protocol"] == protocol].groupby("step")[metric]
                mean, sd, n = data.mean(), data.std(ddof=1), data.count()
                half = stats.t.ppf(0.975, n - 1) * sd / np.sqrt(n)
                ax.plot(
                    mean.index,
                    mean,
                    color=COLOURS[protocol],
                    ls=STYLES[protocol],
                    lw=1.6,
                    label=protocol,
                )
                ax.fill_between(
                    mean.index, mean - half, mean + half, color=COLOURS[protocol], alpha=0.2
                )
            if metric == "parity":
                ax.axhline(1.0, color="grey", lw=0.8, ls="--")
            ax.set_title(f"{scenario}: {metric}")
            ax.set_xlabel("quarter (step 0 = start of 2026)")
            ax.set_ylabel(AXES[metric])
            if row == 0 and col == 0:
                ax.legend(frameon=False)
        ax = fig.add_subplot(grid[row, 2])
        part = joins[joins["scenario"] == scenario]
        order = (
            part.groupby("state")["median_step"].min().sort_values(ascending=False).index.tolist()
        )
        y = {state: k for k, state in enumerate(order)}
        for offset, protocol in zip((-0.25, 0.0, 0.25), PROTOCOLS, strict=True):
            p = part[part["protocol"] == protocol]
            ax.scatter(
                p["median_step"],
                [y[s] + offset for s in p["state"]],
                s=6 + 30 * p["share_joined"],
                marker=MARKERS[protocol],
                color=COLOURS[protocol],
                label=protocol,
                alpha=0.85,
                linewidths=0,
            )
        ax.set_yticks(range(len(order)), order, fontsize=7)
        ax.set_ylim(-0.6, len(order) - 0.4)
        ax.grid(axis="y", color="0.92", lw=0.6)
        ax.set_xlabel("median quarter of joining (marker size: share of runs it joined)")
        ax.set_title(f"{scenario}: who joins, when")
        if row == 0:
            ax.legend(frameon=False, fontsize=8, loc="upper right")
    fig.suptitle(
        "Negotiation protocols compared (mean and 95 % CI over replications; founders not shown)"
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def figure_phase_in(summary: pd.DataFrame, joins: pd.DataFrame, path: Path) -> None:
    """Bargaining: members, deals and join timing against the longest phase-in on the table."""
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.5))
    # one colour per scenario in both panels; the baseline's hollow, larger markers show
    # through where the two scenarios agree
    looks = {
        "baseline": {"color": "tab:blue", "marker": "o", "mfc": "none", "ms": 9},
        "us-withdrawal": {"color": "tab:orange", "marker": "s", "ms": 5},
    }
    for scenario in SCENARIOS:
        s = summary[summary["scenario"] == scenario]
        x = s["max_phase_in_years"]
        look = looks[scenario]
        axes[0].errorbar(
            x,
            s["final_members_mean"],
            yerr=s["final_members_ci95"],
            capsize=3,
            label=scenario,
            **look,
        )
        axes[1].plot(x, s["mean_agreed_years"], label=f"{scenario}: agreed phase-in", **look)
        axes[1].plot(x, s["breaches_mean"], ls=":", label=f"{scenario}: breaches", **look)
    axes[0].set_title("final members (mean, 95 % CI)")
    axes[0].set_ylabel("members at the end (states)")
    axes[1].set_ylabel("years (agreed phase-in); breaches a run")
    axes[1].set_title("agreed phase-in (years) and breaches per run")
    for ax in axes[:2]:
        ax.set_xlabel("longest phase-in the coalition may grant (years)")
        ax.legend(frameon=False, fontsize=8)
    base = joins[joins["scenario"] == "us-withdrawal"]
    pivot = base.pivot_table(
        index="state", columns="max_phase_in_years", values="median_step", aggfunc="first"
    )
    pivot = pivot.loc[pivot.min(axis=1).sort_values().index]
    image = axes[2].imshow(pivot.to_numpy(), aspect="auto", cmap="viridis_r")
    axes[2].set_yticks(range(len(pivot)), pivot.index, fontsize=7)
    axes[2].set_xticks(range(pivot.shape[1]), [f"{c:g}" for c in pivot.columns])
    axes[2].set_xlabel("longest phase-in (years)")
    axes[2].set_title("us-withdrawal: median quarter of joining\n(blank: never joined)")
    fig.colorbar(image, ax=axes[2], shrink=0.8, label="median quarter of joining")
    fig.suptitle("Bargaining over the phase-in: who joins and when")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    FIGURES.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    runs, series, joins = run_design(args.reps, args.steps)
    by = ["scenario", "protocol"]
    summary = summarise(runs, by)
    join_summary = join_table(joins, runs, by)
    runs.to_csv(RESULTS / "runs.csv", index=False)
    summary.to_csv(FIGURES / "protocols_summary.csv", index=False, float_format="%.4g")
    join_summary.to_csv(FIGURES / "protocols_joins.csv", index=False, float_format="%.4g")
    figure_comparison(series, join_summary, FIGURES / "protocols.png")

    phase_runs, phase_joins = run_phase_in(args.reps, args.steps)
    phase_by = ["scenario", "max_phase_in_years"]
    phase_summary = summarise(phase_runs, phase_by)
    phase_join_summary = join_table(phase_joins, phase_runs, phase_by)
    phase_runs.to_csv(RESULTS / "runs_phase_in.csv", index=False)
    phase_summary.to_csv(FIGURES / "protocols_phase_in.csv", index=False, float_format="%.4g")
    phase_join_summary.to_csv(
        FIGURES / "protocols_phase_in_joins.csv", index=False, float_format="%.4g"
    )
    figure_phase_in(phase_summary, phase_join_summary, FIGURES / "protocols_phase_in.png")

    pd.set_option("display.width", 200)
    columns = [
        "scenario", "protocol", "final_members_mean", "final_members_ci95", "final_parity_mean",
        "final_parity_ci95", "parity_reached_share", "first_parity_step_mean",
        "mean_cohesion_mean", "exits_mean", "deals_mean", "breaches_mean",
    ]  # fmt: skip
    print(summary[columns].to_string(index=False, float_format=lambda v: f"{v:.3g}"))
    print()
    print(phase_summary[[*phase_by, "final_members_mean", "final_members_ci95",
                         "mean_agreed_years", "breaches_mean", "final_parity_mean"]]
          .to_string(index=False, float_format=lambda v: f"{v:.3g}"))  # fmt: skip
    print(f"\n{len(runs) + len(phase_runs)} runs in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
