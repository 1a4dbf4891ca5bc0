"""A calibration in words and in a figure: the fit, the posterior, observed against simulated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from coalition_sim.calibration.abc import Calibration

#: Statistics as the report names them.
NAMES = {
    "rho_2024": "spending 2024, rank correlation with NATO's figures",
    "rho_2025": "spending 2025, rank correlation with NATO's figures",
    "rmse_2024": "spending 2024, root mean square error (points of GDP)",
    "rmse_2025": "spending 2025, root mean square error (points of GDP)",
    "brier": "willingness to join, Brier score (0 is perfect)",
    "auc": "willingness to join, AUC (1 is perfect, 0.5 chance)",
    "honoured": "commitments honoured (target 0.745)",
}


def posterior_table(result: Calibration) -> list[dict[str, Any]]:
    """Each fitted parameter: prior range, posterior median and 90 % interval.

    ``narrowed`` is the width of the 90 % interval over the prior's: near 0.9 the data
    say little about the parameter and the verdicts carry its prior uncertainty.
    """
    rows = []
    for name in [*result.parameters, *result.history]:
        values = np.array([s[name] for s in result.accepted])
        low, high = result.priors[name]
        q05, q50, q95 = np.percentile(values, [5, 50, 95])
        rows.append(
            {
                "parameter": name,
                "prior": (low, high),
                "median": float(q50),
                "interval": (float(q05), float(q95)),
                "narrowed": float((q95 - q05) / (high - low)) if high > low else 0.0,
            }
        )
    return rows


def format_report(result: Calibration) -> str:
    """The fit and the posterior as text for the terminal."""
    lines = [
        f"calibration: {result.samples} parameter sets (Latin hypercube, seed {result.seed}), "
        f"{result.hindcast_reps} hindcast and {result.join_reps} join runs each; "
        f"{len(result.accepted)} accepted ({result.accept:.0%})",
        "",
        "fit of the accepted sets (median, 90 % interval):",
    ]
    for key, label in NAMES.items():
        stats = result.fit[key]
        lines.append(
            f"  {label:<58} {stats['median']:6.3f}  [{stats['low']:.3f}, {stats['high']:.3f}]"
        )
    lines += ["", "posterior (median, 90 % interval; narrowed = interval / prior range):"]
    for row in posterior_table(result):
        low, high = row["interval"]
        p_low, p_high = row["prior"]
        lines.append(
            f"  {row['parameter']:<24} {row['median']:8.3f}  [{low:7.3f}, {high:7.3f}]  "
            f"prior [{p_low:g}, {p_high:g}]  narrowed {row['narrowed']:.2f}"
        )
    lines += ["", "spending, % of GDP: observed (NATO) against simulated (median of the accepted):"]
    for year in (2024, 2025):
        table = result.fit[f"spending_{year}"]
        worst = sorted(table.items(), key=lambda kv: -abs(kv[1]["simulated"] - kv[1]["observed"]))
        text = ", ".join(
            f"{code} {v['observed']:.2f}/{v['simulated']:.2f}" for code, v in worst[:6]
        )
        lines.append(f"  {year}, largest gaps first: {text}")
    joined = result.fit["join"]
    lines.append(
        "  willingness to join (London meeting yes/no: simulated chance of applying within "
        "a year): "
        + ", ".join(
            f"{code} {'yes' if v['observed'] else 'no'} {v['simulated']:.2f}"
            for code, v in sorted(joined.items(), key=lambda kv: -kv[1]["simulated"])
        )
    )
    return "\n".join(lines)


def plot(result: Calibration, path: Path) -> Path:
    """Observed against simulated: spending 2024 and 2025, willingness to join, posterior."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(13, 8.5), constrained_layout=True)
    grid = fig.add_gridspec(2, 3)
    for column, year in enumerate((2024, 2025)):
        ax = fig.add_subplot(grid[0, column])
        table = result.fit[f"spending_{year}"]
        observed = np.array([v["observed"] for v in table.values()])
        simulated = np.array([v["simulated"] for v in table.values()])
        low = simulated - np.array([v["low"] for v in table.values()])
        high = np.array([v["high"] for v in table.values()]) - simulated
        ax.errorbar(observed, simulated, yerr=[low, high], fmt="o", ms=4, alpha=0.8)
        for code, x, y in zip(table, observed, simulated, strict=True):
            ax.annotate(code, (x, y), fontsize=7, xytext=(3, 2), textcoords="offset points")
        top = max(observed.max(), simulated.max()) * 1.1
        ax.plot([0, top], [0, top], color="grey", lw=0.8, ls="--")
        rho = result.fit[f"rho_{year}"]["median"]
        ax.set(
            xlabel=f"observed defence spending {year}, % of GDP (NATO)",
            ylabel="simulated (hindcast from 2014), % of GDP",
            title=f"Spending {year}: rank correlation {rho:.2f}",
            xlim=(0, top),
            ylim=(0, top),
        )
    ax = fig.add_subplot(grid[0, 2])
    joined = sorted(result.fit["join"].items(), key=lambda kv: kv[1]["simulated"])
    colours = ["tab:blue" if v["observed"] else "tab:red" for _, v in joined]
    ax.barh([c for c, _ in joined], [v["simulated"] for _, v in joined], color=colours)
    ax.set(
        xlabel="simulated chance of applying within a year",
        title=f"Willingness to join: AUC {result.fit['auc']['median']:.2f}\n"
        "(blue: at the London meeting, red: stayed out)",
        xlim=(0, 1),
    )
    rows = posterior_table(result)
    inner = grid[1, :].subgridspec(1, len(rows))
    for k, row in enumerate(rows):
        ax = fig.add_subplot(inner[0, k])
        values = [s[row["parameter"]] for s in result.accepted]
        ax.hist(values, bins=12, range=row["prior"], color="tab:grey")
        ax.set_title(row["parameter"].replace("_", "\n", 1).replace("_", " "), fontsize=7)
        ax.tick_params(labelsize=6)
        ax.set_yticks([])
    fig.suptitle(
        f"Calibration against 2014-2025: {len(result.accepted)} of {result.samples} parameter "
        "sets accepted (posterior below, on each prior's range)",
        fontsize=11,
    )
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
