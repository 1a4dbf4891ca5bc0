"""Posterior predictive checks: data simulated from the posterior against what was observed.

Each accepted set is run :data:`DRAWS` more times, each run once (one hindcast, one start
of the model) with seeds the calibration never used, so each run is a data set of the
kind observed: one history of spending, one set of states applying or not, one share of
commitments honoured. If the model and its posterior are right, what was observed looks
like one more of these runs. One figure per target (:func:`draw`): where the observed
value sits in the spread of the simulated data sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coalition_sim.calibration import abc, reference

#: Runs of each accepted set.
DRAWS = 10
#: Added to the calibration's seed for these runs.
SEED_OFFSET = 2000


@dataclass(frozen=True)
class Predictive:
    """Simulated data sets (one per run) beside the observed data."""

    table: reference.Table
    observed: reference.Data
    allies: dict[int, list[str]]  # year -> the scored Allies, in the data's order
    outsiders: list[str]
    draws: int  # runs of each accepted set, consecutive in the table


def simulate(result: abc.Calibration, draws: int = DRAWS) -> Predictive:
    """Run every accepted set ``draws`` times, once each (see the module docstring)."""
    from coalition_sim.calibration.targets import load_targets
    from coalition_sim.datasets import load_dataset
    from coalition_sim.parameters import PRESETS

    sets = [s for s in result.accepted for _ in range(draws)]
    seed = result.seed + SEED_OFFSET
    table = reference.simulate(sets, seed=seed, hindcast_reps=1, join_reps=1)
    targets = load_targets()
    index = load_dataset().arrays.index
    founders = set(PRESETS["baseline"]["founders"])
    return Predictive(
        table=table,
        observed=reference.real_data(targets),
        allies={y: list(targets.scored_spending(y)) for y in abc.YEARS},
        outsiders=[c for c in targets.joined_london if c in index and c not in founders],
        draws=draws,
    )


def _spending(ax, pred: Predictive, year: int) -> None:
    observed = pred.observed.spending[year]
    simulated = pred.table.spending[year]
    order = np.argsort(observed, kind="stable")
    low, q25, mid, q75, high = np.percentile(simulated[:, order], [5, 25, 50, 75, 95], axis=0)
    y = np.arange(len(order))
    ax.hlines(y, low, high, color="tab:blue", lw=1, label="simulated, 90 % of the runs")
    ax.hlines(y, q25, q75, color="tab:blue", lw=4, alpha=0.6, label="simulated, 50 % of the runs")
    ax.plot(mid, y, "|", color="navy", ms=8, label="simulated, median")
    ax.plot(observed[order], y, "o", color="tab:red", ms=5, label="observed (NATO)")
    ax.set_yticks(y, [pred.allies[year][k] for k in order], fontsize=8)
    inside = np.mean((observed[order] >= low) & (observed[order] <= high))
    ax.set_xlabel(f"defence spending {year}, % of GDP")
    ax.set_title(
        f"Spending {year}: observed against data simulated from the posterior\n"
        f"(hindcast from 2014; observed inside the 90 % band for {inside * 100:.0f} % of "
        f"{len(order)} Allies)",
        fontsize=10,
    )
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.grid(axis="x", alpha=0.3)


def _join(ax, pred: Predictive) -> None:
    applied = pred.table.join_chance >= 0.5  # one run each: applied or not
    share = applied.mean(axis=0)
    runs = len(applied)
    per_set = applied.reshape(-1, pred.draws, applied.shape[1]).mean(axis=1)
    low, high = np.quantile(per_set, [0.05, 0.95], axis=0)
    order = np.argsort(share, kind="stable")
    y = np.arange(len(order))
    colours = ["tab:blue" if pred.observed.joined[k] else "tab:red" for k in order]
    ax.barh(y, share[order], color=colours, alpha=0.8)
    ax.hlines(y, low[order], high[order], color="black", lw=1)
    ax.set_yticks(y, [pred.outsiders[k] for k in order], fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of simulated runs in which the state applies within a year")
    ax.set_title(
        f"Willingness to join: {runs} simulated runs from the posterior\n"
        "blue: at the London meeting (March 2025), red: stayed out; "
        "line: 90 % of the accepted sets",
        fontsize=10,
    )
    ax.grid(axis="x", alpha=0.3)


def _honoured(ax, pred: Predictive) -> None:
    values = pred.table.honoured
    ax.hist(values, bins=30, color="tab:blue", alpha=0.8, label="simulated runs")
    observed = pred.observed.honoured
    ax.axvline(observed, color="tab:red", lw=2, label=f"observed {observed:.3f} (Leeds et al.)")
    low, high = np.percentile(values, [5, 95])
    for x in (low, high):
        ax.axvline(x, color="navy", ls="--", lw=1)
    above = np.mean(values >= observed)
    ax.set_xlabel("share of commitments honoured in the hindcast, 2014-2025")
    ax.set_ylabel("simulated runs")
    ax.set_title(
        f"Commitments honoured: 90 % of the runs in [{low:.3f}, {high:.3f}] (dashed);\n"
        f"{above * 100:.0f} % of them at or above the observed share",
        fontsize=10,
    )
    ax.legend(fontsize=8, frameon=False)


#: The figures, by file name: one per target.
FIGURES = {
    "ppc_spending_2024.png": lambda ax, p: _spending(ax, p, 2024),
    "ppc_spending_2025.png": lambda ax, p: _spending(ax, p, 2025),
    "ppc_join.png": _join,
    "ppc_honoured.png": _honoured,
}


def draw(pred: Predictive, folder: Path) -> list[Path]:
    """Write one figure per target into ``folder``; the paths written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    for name, panel in FIGURES.items():
        tall = name.startswith("ppc_spending")
        fig, ax = plt.subplots(figsize=(8, 8 if tall else 5), layout="constrained")
        panel(ax, pred)
        path = Path(folder) / name
        fig.savefig(path, dpi=110)
        plt.close(fig)
        written.append(path)
    return written
