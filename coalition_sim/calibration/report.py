"""A calibration in words and in a figure: the fit, the posterior, observed against simulated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from coalition_sim.calibration.abc import Calibration
from coalition_sim.calibration.targets import spearman

#: Statistics as the report names them.
NAMES = {
    "rho_2015_2021": "spending 2015-2021, rank correlation with NATO's figures",
    "rmse_2015_2021": "spending 2015-2021, root mean square error (points of GDP)",
    "rho_2022_2025": "spending 2022-2025, rank correlation with NATO's figures",
    "rmse_2022_2025": "spending 2022-2025, root mean square error (points of GDP)",
    "brier": "taking part in the coalition's meetings, Brier score (0 is perfect)",
    "auc": "taking part in the coalition's meetings, AUC (1 is perfect, 0.5 chance)",
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
            f"  {label:<72} {stats['median']:6.3f}  [{stats['low']:.3f}, {stats['high']:.3f}]"
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
    for year in PANEL_YEARS:
        table = result.fit[f"spending_{year}"]
        worst = sorted(table.items(), key=lambda kv: -abs(kv[1]["simulated"] - kv[1]["observed"]))
        text = ", ".join(
            f"{code} {v['observed']:.2f}/{v['simulated']:.2f}" for code, v in worst[:6]
        )
        lines.append(f"  {year}, largest gaps first: {text}")
    joined = result.fit["join"]
    lines.append(
        "  taking part (at half the coalition's meetings or more, yes/no: simulated chance "
        "of applying within a year): "
        + ", ".join(
            f"{code} {'yes' if v['observed'] else 'no'} {v['simulated']:.2f}"
            for code, v in sorted(joined.items(), key=lambda kv: -kv[1]["simulated"])
        )
    )
    return "\n".join(lines)


#: The fitted parameters and the threat history in words, for the posterior panels.
WORDS = {
    "w_threat": "weight of threat",
    "w_affinity": "weight of affinity",
    "w_align": "weight of alignment",
    "w_entrap": "weight of entrapment",
    "w_neutral": "weight of neutrality",
    "application_threshold": "application threshold",
    "application_noise": "application noise",
    "threat_response": "threat response",
    "ramp_rate": "spending ramp",
    "commitment_keeping": "commitment keeping",
    "veto_propensity": "veto propensity",
    "vote_threshold": "vote threshold",
    "threat_2014": "threat after 2014",
    "threat_2022": "threat after 2022",
}
#: The years of the spending panels and the report's largest gaps: the last before the
#: full-scale war (the end of the training years out of sample) and the last observed.
PANEL_YEARS = (2021, 2025)
#: States labelled in each spending panel: those the hindcast misses most.
LABELLED = 12


def _parameter_title(name: str) -> str:
    """``weight of threat`` over its unit, for a narrow panel."""
    from coalition_sim.parameters import SCHEMA

    unit = SCHEMA[name].unit if name in SCHEMA else "level 0-1"
    return f"{WORDS.get(name, name.replace('_', ' '))}\n({unit})"


def _free_spot(ax, point, taken, obstacles, away):
    """An offset (in points) for a label at ``point`` that overlaps no box in ``taken``.

    Candidates go round the point at growing distances, starting on the side ``away``
    (a unit vector); a label must stay inside the axes. Returns the annotation placed,
    or ``None`` when every spot is taken.
    """
    import math

    from matplotlib.text import Text

    angles = [math.atan2(away[1], away[0]) + k * math.pi / 6 * s for k in range(7) for s in (1, -1)]
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for radius in (10, 18, 28, 40, 54, 70):
        for angle in dict.fromkeys(angles):
            offset = (radius * math.cos(angle), radius * math.sin(angle))
            label = ax.annotate(
                point[2],
                point[:2],
                xytext=offset,
                textcoords="offset points",
                fontsize=7,
                ha="left" if offset[0] >= 0 else "right",
                va="bottom" if offset[1] >= 0 else "top",
                arrowprops={"arrowstyle": "-", "color": "0.45", "linewidth": 0.6, "shrinkB": 3},
            )
            label.set_in_layout(False)
            # the text alone (an annotation's own extent includes its leader line), at
            # the offset just set
            label.update_positions(renderer)
            box = Text.get_window_extent(label, renderer).expanded(1.05, 1.15)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(other) for other in [*taken, *obstacles]):
                taken.append(box)
                return label
            label.remove()
    return None


def _label_largest_gaps(ax, codes, observed, simulated) -> int:
    """Label the states the hindcast misses most, each clear of the others; how many."""
    from matplotlib.transforms import Bbox

    ax.figure.canvas.draw()
    points = ax.transData.transform(np.column_stack([observed, simulated]))
    obstacles = [Bbox.from_bounds(x - 3, y - 3, 6, 6) for x, y in points]
    gaps = simulated - observed
    order = np.argsort(-np.abs(gaps), kind="stable")[:LABELLED]
    taken: list = []
    placed = 0
    for k in order:
        away = (-1.0, 1.0) if gaps[k] > 0 else (1.0, -1.0)  # away from the diagonal
        spot = _free_spot(ax, (observed[k], simulated[k], codes[k]), taken, obstacles, away)
        placed += spot is not None
    return placed


def plot(result: Calibration, path: Path) -> Path:
    """Observed against simulated: spending 2021 and 2025, taking part, posterior.

    The spending panels label the states the hindcast misses most (a label never covers
    another); the posterior histograms count accepted sets on a shared axis, with the
    flat prior's count per bin and the median (the parameter's default) marked.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    rows = posterior_table(result)
    per_row = (len(rows) + 1) // 2
    fig = plt.figure(figsize=(13, 10.5), layout="constrained")
    grid = fig.add_gridspec(2, 3, height_ratios=[1.25, 1])
    for column, year in enumerate(PANEL_YEARS):
        ax = fig.add_subplot(grid[0, column])
        table = result.fit[f"spending_{year}"]
        codes = list(table)
        observed = np.array([v["observed"] for v in table.values()])
        simulated = np.array([v["simulated"] for v in table.values()])
        low = simulated - np.array([v["low"] for v in table.values()])
        high = np.array([v["high"] for v in table.values()]) - simulated
        top = max(observed.max(), (simulated + high).max()) * 1.08
        ax.plot([0, top], [0, top], color="grey", lw=0.8, ls="--", label="simulated = observed")
        ax.errorbar(
            observed,
            simulated,
            yerr=[low, high],
            fmt="o",
            ms=4,
            alpha=0.8,
            elinewidth=0.8,
            label="median of the accepted sets, 90 % of them",
        )
        rho = spearman(simulated, observed)
        ax.set(
            xlabel=f"observed defence spending {year}, % of GDP (NATO)",
            ylabel="simulated (hindcast from 2014), % of GDP",
            xlim=(0, top),
            ylim=(0, top),
        )
        ax.legend(loc="lower right", fontsize=7, frameon=False)
        shown = _label_largest_gaps(ax, codes, observed, simulated)
        ax.set_title(
            f"Spending {year}: rank correlation {rho:.2f} (medians)\n"
            f"({len(codes)} Allies; labelled: the {shown} the hindcast misses most)",
            fontsize=10,
        )
    ax = fig.add_subplot(grid[0, 2])
    joined = sorted(result.fit["join"].items(), key=lambda kv: kv[1]["simulated"])
    colours = ["tab:blue" if v["observed"] else "tab:red" for _, v in joined]
    chances = [v["simulated"] for _, v in joined]
    ax.barh([c for c, _ in joined], chances, color=colours)
    for y, chance in enumerate(chances):
        ax.text(chance + 0.01, y, f"{chance:.2f}", va="center", fontsize=7)
    ax.set(
        xlabel="simulated chance of applying within a year",
        xlim=(0, 1.1),
    )
    ax.set_title(
        f"Taking part in the coalition: AUC {result.fit['auc']['median']:.2f}", fontsize=10
    )
    ax.legend(
        handles=[
            Patch(color="tab:blue", label="at half the meetings or more (Mar 2025-Jan 2026)"),
            Patch(color="tab:red", label="at fewer or none"),
        ],
        loc="lower right",
        fontsize=7,
        frameon=False,
    )
    inner = grid[1, :].subgridspec(2, per_row)
    bins = 12
    first = None
    for k, row in enumerate(rows):
        ax = fig.add_subplot(inner[k // per_row, k % per_row], sharey=first)
        first = first or ax
        values = [s[row["parameter"]] for s in result.accepted]
        ax.hist(values, bins=bins, range=row["prior"], color="tab:grey")
        flat = ax.axhline(len(values) / bins, color="black", lw=0.8, ls=":")
        median = ax.axvline(row["median"], color="tab:red", lw=1)
        ax.set_title(_parameter_title(row["parameter"]), fontsize=7)
        ax.set_xlim(row["prior"])
        ax.tick_params(labelsize=6)
        if k % per_row == 0:
            ax.set_ylabel("accepted sets", fontsize=7)
        else:
            ax.tick_params(labelleft=False)
    fig.legend(
        [flat, median],
        [
            f"flat prior: {len(result.accepted) / bins:.1f} sets a bin",
            "posterior median (the default)",
        ],
        loc="outside lower center",
        ncols=2,
        fontsize=8,
        frameon=False,
    )
    fig.suptitle(
        f"Calibration against 2015-2025: {len(result.accepted)} of {result.samples} parameter "
        "sets accepted; below, the posterior of each parameter over its prior range",
        fontsize=11,
    )
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


#: The predictors of the out-of-sample table, in words.
PREDICTOR_WORDS = {
    "model": "model (median of the accepted sets)",
    "rule": "rule: max(2014 burden, 2 %) + 1.5 x proximity",
    "regression": "regression on proximity and the 2014 burden",
}
#: The checks of the out-of-sample table, in words: what each is fitted to.
SETTING_WORDS = {
    "in sample": "in sample (fitted to 2015-2025 and the meetings)",
    "out of sample": "out of sample (fitted to 2015-2021 only)",
    "leave one country out": "leave one country out (each state predicted unseen)",
}


def holdout_rows(result: Any, *, short: bool = False) -> list[list[str]]:
    """The out-of-sample table's cells: check, predictor, the scores of each period, AUC.

    A score of data the predictor was fitted to is marked ``(fit)``; the rule fits
    nothing, and the baselines' AUC is that of alignment alone. ``short`` names the
    checks and predictors in a word (the terminal's table, with a legend).
    """
    rows = []
    for row in result.table():
        trained = row["setting"] == "out of sample" and row["predictor"] != "rule"
        mark = " (fit)" if trained else ""
        setting, predictor = row["setting"], row["predictor"]
        rows.append(
            [
                setting if short else SETTING_WORDS[setting],
                predictor if short else PREDICTOR_WORDS[predictor],
                f"{row['rho_2015_2021']:.2f}{mark}",
                f"{row['rmse_2015_2021']:.2f}{mark}",
                f"{row['rho_2022_2025']:.2f}",
                f"{row['rmse_2022_2025']:.2f}",
                f"{row['auc']:.2f}",
            ]
        )
    return rows


HOLDOUT_HEADER = [
    "check",
    "predictor",
    "rank corr. 2015-2021",
    "RMSE 2015-2021",
    "rank corr. 2022-2025",
    "RMSE 2022-2025",
    "AUC taking part",
]


def holdout_note(result: Any) -> str:
    """What the table's numbers are, in one paragraph."""
    settings = result.settings
    design = (
        f"{settings['samples']:,} parameter sets, {settings['hindcast_reps']} hindcast and "
        f"{settings['join_reps']} join runs each, seed {settings['seed']}; "
        if "samples" in settings
        else ""
    )
    kept = max(1, round(settings["accept"] * result.sets))
    return (
        f"{design}{kept} accepted in each check. Rank correlation: Spearman's across the "
        f"{len(result.observed.states)} European Allies, the mean over the years; RMSE "
        "in points of GDP over every state-year; AUC of taking part in the coalition's "
        f"meetings over {len(result.observed.join_states)} outsiders (for the baselines: "
        f"alignment alone); {len(result.accepted['leave one country out'])} states left "
        "out in turn. (fit): scored on the data it was fitted to."
    )


def format_holdout(result: Any) -> str:
    """The out-of-sample table as text for the terminal."""
    header = ["check", "predictor", "rho 15-21", "RMSE 15-21", "rho 22-25", "RMSE 22-25", "AUC"]
    rows = [header, *holdout_rows(result, short=True)]
    widths = [max(len(r[k]) for r in rows) for k in range(len(header))]
    lines = ["in sample, out of sample and leave one country out, model against baselines:"]
    for k, row in enumerate(rows):
        cells = [
            cell.ljust(w) if c < 2 else cell.rjust(w)
            for c, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells))
        if k == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    legend = [
        "",
        "  in sample: fitted to 2015-2025 and the meetings; out of sample: fitted to "
        "2015-2021 only; leave one country out: each state predicted with all its "
        "observations left out",
        "  model: median of the accepted sets; rule: max(2014 burden, 2 %) + 1.5 x "
        "proximity; regression: on proximity and the 2014 burden",
        "  rho: rank correlation; 15-21, 22-25: the years 2015-2021, 2022-2025; AUC: of "
        "taking part in the coalition's meetings",
    ]
    return "\n".join(
        [*lines, *legend, "", holdout_note(result), "", holdout_verdict(result).replace("**", "")]
    )


def holdout_markdown(result: Any) -> str:
    """The out-of-sample table in Markdown (the README shows it)."""
    lines = [
        "| " + " | ".join(HOLDOUT_HEADER) + " |",
        "|" + "---|" * 2 + "---:|" * (len(HOLDOUT_HEADER) - 2),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in holdout_rows(result)]
    return "\n".join([*lines, "", holdout_note(result), "", holdout_verdict(result)])


def holdout_verdict(result: Any) -> str:
    """Whether the model beats the baselines in each check, in words, from the numbers.

    Out of sample only the held-out years count (2022-2025); leaving a country out,
    both periods, each on its own.
    """
    scores = {(r["setting"], r["predictor"]): r for r in result.table()}
    sentences = []
    for setting, periods in (
        ("out of sample", ("2022_2025",)),
        ("leave one country out", ("2015_2021", "2022_2025")),
    ):
        model = scores[(setting, "model")]
        clauses = []
        for period in periods:
            parts = []
            for predictor in ("rule", "regression"):
                other = scores[(setting, predictor)]
                ranks = model[f"rho_{period}"] > other[f"rho_{period}"]
                errors = model[f"rmse_{period}"] < other[f"rmse_{period}"]
                verdict = (
                    "beats it in rank and error"
                    if ranks and errors
                    else "ranks better but errs more"
                    if ranks
                    else "errs less but does not rank better"
                    if errors
                    else "does not beat it"
                )
                parts.append(f"against the {predictor} it {verdict}")
            clauses.append(f"burdens {period.replace('_', '-')}: " + ", ".join(parts))
        auc, align = model["auc"], scores[(setting, "rule")]["auc"]
        clauses.append(
            f"taking part: its AUC ({auc:.2f}) is "
            + ("above" if auc > align else "not above")
            + f" that of alignment alone ({align:.2f})"
        )
        sentences.append(f"**{setting.capitalize()}**, " + "; ".join(clauses) + ".")
    return " ".join(sentences)
