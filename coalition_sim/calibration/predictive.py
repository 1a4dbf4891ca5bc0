"""Posterior predictive checks: data simulated from the posterior against what was observed.

Each accepted set is run :data:`DRAWS` more times, each run once (one hindcast, one start
of the model) with seeds the calibration never used, so each run is a data set of the
kind observed: one history of yearly burdens, one set of outsiders applying or not, one
share of commitments honoured. If the model and its posterior are right, what was
observed looks like one more of these runs. One figure per target (:func:`draw`): the
yearly burdens of each period the calibration scores (2015-2021 and 2022-2025), taking
part in the coalition's meetings, commitments honoured.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coalition_sim.calibration import abc, reference

#: Runs of each accepted set.
DRAWS = 10
#: Added to the calibration's seed for these runs.
SEED_OFFSET = 2000
#: The simulated runs' central band drawn and counted: 90 %.
BAND = (5.0, 95.0)
#: Panels per row of a burden figure (one panel per Ally).
COLUMNS = 7


@dataclass(frozen=True)
class Predictive:
    """Simulated data sets (one per run) beside the observed data."""

    table: reference.Table
    attendance: dict[str, float]  # outsider -> share of the meetings it took part in
    draws: int  # runs of each accepted set, consecutive in the table

    @property
    def observed(self) -> abc.Observations:
        """The real data, in the table's order."""
        return self.table.observed


def simulate(result: abc.Calibration, draws: int = DRAWS) -> Predictive:
    """Run every accepted set ``draws`` times, once each (see the module docstring)."""
    from coalition_sim.calibration.targets import load_targets

    sets = [s for s in result.accepted for _ in range(draws)]
    table = reference.simulate(sets, seed=result.seed + SEED_OFFSET, hindcast_reps=1, join_reps=1)
    attendance = load_targets().attendance
    return Predictive(
        table=table,
        attendance={c: attendance[c] for c in table.observed.join_states},
        draws=draws,
    )


def burden_bands(pred: Predictive, years: Sequence[int]) -> dict[str, np.ndarray]:
    """Observed and simulated yearly burdens of ``years``, each ``(years, Allies)``.

    ``low``, ``median`` and ``high`` are the 5th, 50th and 95th percentiles over the
    simulated runs; ``inside`` whether the observed burden lies in that band.
    """
    rows = pred.observed.rows(years)
    observed = pred.observed.burdens[rows]
    low, median, high = np.percentile(pred.table.burdens[:, rows], [BAND[0], 50, BAND[1]], axis=0)
    return {
        "observed": observed,
        "low": low,
        "median": median,
        "high": high,
        "inside": (observed >= low) & (observed <= high),
    }


def _burdens(fig: Any, pred: Predictive, label: str) -> None:
    years = abc.PERIODS[label]
    bands = burden_bands(pred, years)
    states = pred.observed.states
    order = np.argsort(-bands["observed"].mean(axis=0), kind="stable")  # highest first
    rows = -(-len(states) // COLUMNS)
    axes = fig.subplots(rows, COLUMNS, sharex=True, sharey=True, squeeze=False).ravel()
    for ax, k in zip(axes, order, strict=False):
        ax.fill_between(years, bands["low"][:, k], bands["high"][:, k], color="tab:blue",
                        alpha=0.25, lw=0, label="simulated, 90 % of the runs")  # fmt: skip
        ax.plot(years, bands["median"][:, k], color="navy", lw=1.2, label="simulated, median")
        ax.plot(years, bands["observed"][:, k], "o-", color="tab:red", ms=3, lw=0.8,
                label="observed (NATO)")  # fmt: skip
        ax.set_title(states[k], fontsize=9, pad=2)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=7)
    for ax in axes[len(states) :]:
        ax.set_visible(False)
    axes[0].set_xticks([years[0], years[-1]])
    handles, names = axes[0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower right", fontsize=8, frameon=False)
    fig.supylabel("defence spending, % of GDP", fontsize=9)
    first, last = years[0], years[-1]
    fig.suptitle(
        f"Yearly burdens {first}-{last}: NATO's figures against data simulated from the "
        f"posterior (hindcast from 2014)\nobserved inside the simulated 90 % band for "
        f"{bands['inside'].mean() * 100:.0f} % of {bands['inside'].size} Ally-years "
        f"({len(states)} Allies, highest observed burden first)",
        fontsize=10,
    )


def _taking_part(fig: Any, pred: Predictive) -> None:
    ax = fig.subplots()
    applied = pred.table.join_chance >= 0.5  # one run each: applied or not
    share = applied.mean(axis=0)
    runs = len(applied)
    per_set = applied.reshape(-1, pred.draws, applied.shape[1]).mean(axis=1)
    low, high = np.quantile(per_set, [BAND[0] / 100, BAND[1] / 100], axis=0)
    order = np.argsort(share, kind="stable")
    y = np.arange(len(order))
    took_part = pred.observed.took_part
    outsiders = pred.observed.join_states
    colours = ["tab:blue" if took_part[k] else "tab:red" for k in order]
    ax.barh(y, share[order], color=colours, alpha=0.8)
    ax.hlines(y, low[order], high[order], color="black", lw=1)
    labels = [f"{outsiders[k]} ({pred.attendance[outsiders[k]] * 100:.0f} %)" for k in order]
    ax.set_yticks(y, labels, fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_xlabel(
        "share of simulated runs in which the state applies within a year\n"
        "(in brackets: share of the meetings with a record that the state took part in)"
    )
    means = [share[took_part].mean(), share[~took_part].mean()]
    ax.set_title(
        f"Taking part in the coalition of the willing: {runs} simulated runs from the "
        "posterior\nblue: at half or more of its four leaders' meetings (Mar 2025 to Jan "
        "2026), red: fewer\nline: 90 % of the accepted sets; mean share applying: "
        f"{means[0] * 100:.0f} % of the runs (blue), {means[1] * 100:.0f} % (red)",
        fontsize=10,
    )
    ax.grid(axis="x", alpha=0.3)


def _honoured(fig: Any, pred: Predictive) -> None:
    ax = fig.subplots()
    values = pred.table.honoured
    ax.hist(values, bins=30, color="tab:blue", alpha=0.8, label="simulated runs")
    observed = pred.observed.honoured
    ax.axvline(observed, color="tab:red", lw=2, label=f"observed {observed:.3f} (Leeds et al.)")
    low, high = np.percentile(values, BAND)
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


#: The figures, by file name: one per target, with its size in inches.
FIGURES: dict[str, tuple[Callable[[Any, Predictive], None], tuple[float, float]]] = {
    "ppc_burdens_2015_2021.png": (lambda fig, p: _burdens(fig, p, "2015_2021"), (12, 8)),
    "ppc_burdens_2022_2025.png": (lambda fig, p: _burdens(fig, p, "2022_2025"), (12, 8)),
    "ppc_taking_part.png": (_taking_part, (8, 6)),
    "ppc_honoured.png": (_honoured, (8, 5)),
}


def draw(pred: Predictive, folder: Path) -> list[Path]:
    """Write one figure per target into ``folder``; the paths written (atomically)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from coalition_sim.folders import atomic_write

    written = []
    for name, (panel, size) in FIGURES.items():
        fig = plt.figure(figsize=size, layout="constrained")
        panel(fig, pred)
        path = Path(folder) / name
        atomic_write(path, lambda tmp, fig=fig: fig.savefig(tmp, dpi=110, format="png"))
        plt.close(fig)
        written.append(path)
    return written
