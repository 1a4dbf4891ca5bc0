"""Global sensitivity analysis of a Sobol or Morris sweep, with SALib.

The sweep kept SALib's problem (names and bounds, in ``metadata.json``) and its raw
sample matrix (``design.parquet``, columns ``x.NAME``). Outcomes are averaged over the
replications of each sample, so the indices describe the parameters' effect on the
expected outcome, and the noise between replications does not count as sensitivity.

- Sobol (Saltelli's scheme, first and total order): ``S1`` is the share of the outcome's
  variance due to a parameter alone, ``ST`` the share it takes part in, interactions
  included; both with 95 % bootstrap confidence intervals.
- Morris (elementary effects): ``mu_star`` is the mean absolute effect of moving a
  parameter by one level step (in the outcome's unit), with a 95 % interval; ``sigma``
  the spread of those effects (non-linearity or interactions).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from coalition_sim.analysis.compare import load_runs, numeric_metrics
from coalition_sim.errors import InputError
from coalition_sim.sweeps import storage

METHODS = ("sobol", "morris")


def sample_means(runs: pd.DataFrame, metric: str, samples: int) -> np.ndarray:
    """Mean of ``metric`` over the successful replications of each sample, in order."""
    ok = runs[runs["status"] == "ok"]
    means = (
        pd.to_numeric(ok[metric], errors="coerce")
        .groupby(ok["sample_id"])
        .mean()
        .reindex(range(samples))
    )
    return means.to_numpy(dtype=float)


def analyse(folder: str | Path, metrics: Sequence[str] | None = None) -> tuple[pd.DataFrame, str]:
    """Compute the indices of every metric; return a long table and the method.

    Rows: ``metric, parameter`` and, for Sobol, ``S1, S1_conf, ST, ST_conf``; for Morris,
    ``mu_star, mu_star_conf, sigma, mu``. A metric without variance gets no rows.
    """
    runs, metadata = load_runs(folder)
    design = metadata.get("design", {})
    method = design.get("method")
    if method not in METHODS:
        raise InputError(
            f"{folder}: sensitivity needs a sobol or morris sweep; this one is "
            f"{method!r} (use 'coalition-sim compare' instead)"
        )
    problem = design["problem"]
    samples = int(design["samples"])
    matrix_table = pq.read_table(Path(folder) / storage.DESIGN)
    names = problem["names"]
    matrix = np.column_stack([matrix_table.column(f"x.{n}").to_numpy() for n in names])
    chosen = numeric_metrics(runs, metrics)
    if not metrics:  # missing when parity is never reached: not a per-sample mean
        chosen = [m for m in chosen if m != "first_parity_step"]
    seed = int(metadata.get("master_seed", 0)) % (2**32)
    rows: list[dict[str, Any]] = []
    for metric in chosen:
        y = sample_means(runs, metric, samples)
        missing = int(np.isnan(y).sum())
        if missing:
            raise InputError(
                f"--metric {metric}: {missing} of {samples} samples have no successful run; "
                "the indices need every sample"
            )
        if np.allclose(y, y[0]):
            continue
        if method == "sobol":
            from SALib.analyze import sobol

            result = sobol.analyze(problem, y, calc_second_order=False, conf_level=0.95, seed=seed)
            for j, name in enumerate(names):
                rows.append(
                    {
                        "metric": metric,
                        "parameter": name,
                        "S1": float(result["S1"][j]),
                        "S1_conf": float(result["S1_conf"][j]),
                        "ST": float(result["ST"][j]),
                        "ST_conf": float(result["ST_conf"][j]),
                    }
                )
        else:
            from SALib.analyze import morris

            result = morris.analyze(
                problem,
                matrix,
                y,
                conf_level=0.95,
                num_levels=int(design.get("morris_levels") or 4),
                seed=seed,
            )
            for j, name in enumerate(names):
                rows.append(
                    {
                        "metric": metric,
                        "parameter": name,
                        "mu_star": float(result["mu_star"][j]),
                        "mu_star_conf": float(result["mu_star_conf"][j]),
                        "sigma": float(result["sigma"][j]),
                        "mu": float(result["mu"][j]),
                    }
                )
    return pd.DataFrame(rows), method


#: Sobol indices are shares of variance: a point estimate outside this range is an
#: artefact of a small sample (estimation noise allows a little either side of [0, 1]).
INDEX_RANGE = (-0.05, 1.05)
#: A 95 % interval wider than this says little about the parameter.
MAX_INTERVAL = 0.5


def index_warnings(table: pd.DataFrame, method: str, base_samples: int | None) -> list[str]:
    """One-line warnings when the indices cannot be trusted, saying what to do.

    Sobol with ``--samples 2`` gave S1 = 1.3 and ST = 3.3 without a word. Warned: a
    base sample below :data:`~coalition_sim.sweeps.design.SOBOL_MIN_SAMPLES`, an index
    outside :data:`INDEX_RANGE`, an interval wider than :data:`MAX_INTERVAL`; for Morris,
    fewer trajectories than :data:`~coalition_sim.sweeps.design.MORRIS_MIN_TRAJECTORIES`.
    An interval that reaches a little past 1 around an index near 1 is not warned
    about: a parameter that explains everything gives that at any sample size.
    """
    from coalition_sim.sweeps.design import MORRIS_MIN_TRAJECTORIES, SOBOL_MIN_SAMPLES

    out: list[str] = []
    n = base_samples or 0
    if method == "morris":
        if n < MORRIS_MIN_TRAJECTORIES:
            out.append(
                f"{n} Morris trajectories are few to rank parameters; rerun the sweep with "
                f"--samples {MORRIS_MIN_TRAJECTORIES} or more"
            )
        return out
    advice = f"rerun the sweep with --samples {max(SOBOL_MIN_SAMPLES, 4 * n)} or more"
    if n < SOBOL_MIN_SAMPLES:
        out.append(
            f"a base sample of N = {n} is too small for Sobol indices (they need "
            f"N >= {SOBOL_MIN_SAMPLES}); {advice}"
        )
    low, high = INDEX_RANGE
    for metric, group in table.groupby("metric", sort=False):
        problems = []
        for index in ("S1", "ST"):
            value, conf = group[index], group[f"{index}_conf"].fillna(0.0)
            outside = (value < low) | (value > high)
            if outside.any():
                worst = group.loc[(value - 0.5).abs().idxmax()]
                problems.append(
                    f"{index} of {worst['parameter']} is {worst[index]:.2f}, outside [0, 1]"
                )
            elif (2 * conf > MAX_INTERVAL).any():
                widest = group.loc[conf.idxmax()]
                problems.append(
                    f"the {index} interval of {widest['parameter']} is "
                    f"± {widest[f'{index}_conf']:.2f} wide"
                )
        if problems:
            out.append(f"{metric}: {'; '.join(problems)}: the sample is too small; {advice}")
    return out


def format_indices(table: pd.DataFrame, method: str) -> str:
    """Render the indices for a terminal, most influential parameter first per metric."""
    if table.empty:
        return "(no metric varies across the design)"
    key = "ST" if method == "sobol" else "mu_star"
    blocks = []
    for metric, group in table.groupby("metric", sort=False):
        part = group.sort_values(key, ascending=False).drop(columns="metric")
        text = part.to_string(index=False, float_format=lambda x: f"{x:.3f}")
        blocks.append(f"{metric}:\n{text}")
    return "\n\n".join(blocks)
