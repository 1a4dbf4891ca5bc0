"""Calibration by approximate Bayesian computation (rejection) on the engine.

The behavioural parameters (utility weights, the application threshold and noise, the
threat response, the spending ramp, the chance of keeping a spending path, the veto
propensity, the vote threshold) get uniform priors over plausible ranges. A Latin
hypercube design draws parameter sets from them; for each set the engine runs

1. a **hindcast** of 2014-2025: the European Allies of 2014 start from their 2014
   burdens, committed to the Wales pledge (2 % of GDP within ten years), under a given
   threat history (a level after Crimea from 2014, another after the full-scale
   invasion from 2022; both levels are drawn too), with the US fully committed; its
   yearly burdens (the mean of each year's quarters) are compared with NATO's figures
   in two periods, 2015-2021 and 2022-2025, and the share of members' quarterly
   commitments honoured with Leeds et al.'s 74.5 %;
2. the **start of the model** (2026): which outsiders apply within four quarters,
   compared with who took part in the coalition of the willing's leaders' meetings
   (March 2025 to January 2026) and who stayed out.

Each set gets summary statistics (per period, the mean of the years' rank correlations
and the error of the spending hindcast; the Brier score and AUC of taking part; the gap
in commitments honoured); each statistic's distance from a perfect fit is scaled by its
spread over the design (median absolute deviation), and the sets closest to the data,
the ``accept`` share of them, are the posterior sample (rejection ABC: Pritchard et al.
1999, Beaumont et al. 2002). Everything is a pure function of the seed: the same seed
gives the same accepted sets.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from coalition_sim import streams
from coalition_sim.calibration import scores
from coalition_sim.calibration.check import versions
from coalition_sim.calibration.targets import (
    BURDEN_YEARS,
    FIRST_YEAR,
    LATER_ALLIES,
    Targets,
    load_targets,
)
from coalition_sim.datasets import Dataset, load_dataset
from coalition_sim.engine import state as engine_state
from coalition_sim.engine.engine import Engine
from coalition_sim.engine.inputs import build
from coalition_sim.parameters import PRESETS, Scenario
from coalition_sim.version import __version__

#: Model parameters fitted, with the ranges of their uniform priors.
PRIORS: Mapping[str, tuple[float, float]] = {
    "w_threat": (0.0, 10.0),
    "w_affinity": (0.0, 3.0),
    "w_align": (0.0, 3.0),
    "w_entrap": (0.0, 2.0),
    "w_neutral": (0.0, 3.0),
    "application_threshold": (-1.0, 1.0),
    "application_noise": (0.02, 0.5),
    "threat_response": (0.0, 15.0),
    "ramp_rate": (0.05, 1.0),
    "commitment_keeping": (0.5, 0.95),
    "veto_propensity": (0.0, 1.0),
    "vote_threshold": (-0.5, 1.5),
    "power_weight": (0.0, 3.0),
}
#: The hindcast's threat history (not model parameters): levels after 2014 and 2022.
HISTORY_PRIORS: Mapping[str, tuple[float, float]] = {
    "threat_2014": (0.1, 0.8),
    "threat_2022": (0.4, 1.0),
}
#: The year the hindcast starts: forces are built from the years before it.
HINDCAST_YEAR = 2014
#: Ukraine's defence burden before the full-scale war, % of GDP (SIPRI 2021,
#: ``data/ukraine_war_economy.csv``): its level in the hindcast's years of peace.
UKRAINE_PREWAR_PCT = 3.2
#: Quarters of the hindcast: 2014Q1 is step 0, 2022Q1 step 32, 2025Q4 step 47.
INVASION_STEP = 32
HINDCAST_STEPS = 47
#: The quarters (steps) of each year of the hindcast, whose mean is its burden.
QUARTERS = {
    year: range(4 * (year - FIRST_YEAR), 4 * (year - FIRST_YEAR) + 4) for year in BURDEN_YEARS
}
#: The years scored, in two periods: the Wales pledge under the threat after Crimea,
#: and the full-scale war with the Hague pledge. 2014, the start, is not scored.
PERIODS = {"2015_2021": tuple(range(2015, 2022)), "2022_2025": tuple(range(2022, 2026))}
#: Quarters in which an outsider's willingness to join is observed.
JOIN_QUARTERS = 4
#: The summary statistics, in order, and the value each takes at a perfect fit.
STATISTICS = ("rho_2015_2021", "rmse_2015_2021", "rho_2022_2025", "rmse_2022_2025",
              "brier", "auc", "honoured")  # fmt: skip
PERFECT = {"rho_2015_2021": 1.0, "rmse_2015_2021": 0.0, "rho_2022_2025": 1.0,
           "rmse_2022_2025": 0.0, "brier": 0.0, "auc": 1.0}  # fmt: skip


@dataclass(frozen=True)
class Observations:
    """The targets as arrays, in the order in which the runs are scored."""

    years: tuple[int, ...]  # the hindcast's years, 2014-2025
    states: tuple[str, ...]  # the Allies whose burdens are scored
    burdens: np.ndarray  # (years, states) NATO's burdens, % of GDP
    join_states: tuple[str, ...]  # the outsiders whose taking part is scored
    took_part: np.ndarray  # (join_states,) bool: took part in the coalition's meetings
    honoured: float

    def rows(self, years: Sequence[int]) -> list[int]:
        """Rows of :attr:`burdens` of ``years``."""
        return [self.years.index(y) for y in years]


def observations(targets: Targets, dataset: Dataset) -> Observations:
    """The scored burdens and the outsiders' taking part, as arrays (see :class:`Observations`)."""
    data = dataset.arrays
    states = tuple(c for c in targets.scored_states() if c in data.index)
    founders = set(PRESETS["baseline"]["founders"])
    joins = {c: y for c, y in targets.took_part.items() if c in data.index and c not in founders}
    return Observations(
        years=BURDEN_YEARS,
        states=states,
        burdens=np.array([[targets.burdens[y][c] for c in states] for y in BURDEN_YEARS]),
        join_states=tuple(joins),
        took_part=np.array(list(joins.values()), dtype=bool),
        honoured=targets.honoured_share,
    )


@dataclass
class Calibration:
    """The result of a calibration: settings, the accepted sets and how well they fit."""

    seed: int
    samples: int
    hindcast_reps: int
    join_reps: int
    accept: float
    parameters: list[str]
    history: list[str]
    priors: dict[str, list[float]]
    accepted: list[dict[str, float]]
    distances: list[float]
    statistics: list[dict[str, float]]
    fit: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    #: Row of the design (:func:`design`) of each accepted set, in the order accepted:
    #: what ``calibrate --check`` compares exactly (empty in files written before).
    accepted_ids: list[int] = field(default_factory=list)

    def point(self) -> dict[str, float]:
        """The calibrated point: the posterior median of each model parameter."""
        return {
            name: float(np.median([s[name] for s in self.accepted])) for name in self.parameters
        }

    def to_json(self) -> str:
        """The result as JSON (what ``data/calibration.json`` holds)."""
        return json.dumps(asdict(self), indent=1, sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Calibration:
        """Read a result written by :meth:`to_json`."""
        return cls(**json.loads(text))


def design(samples: int, seed: int) -> list[dict[str, float]]:
    """A Latin hypercube over the priors: one dict of values per sample."""
    from SALib.sample import latin

    names = [*PRIORS, *HISTORY_PRIORS]
    bounds = [list(PRIORS.get(n) or HISTORY_PRIORS[n]) for n in names]
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    matrix = latin.sample(problem, samples, seed=seed % (2**32))
    return [dict(zip(names, (float(x) for x in row), strict=True)) for row in matrix]


def hindcast_scenario(targets: Targets, dataset: Dataset) -> Scenario:
    """2014: the states at their 2014 burdens; the Allies of 2014 pledged to 2 % by 2024.

    The Allies that joined later (Montenegro, North Macedonia, Finland, Sweden) take no
    pledge in the hindcast: their spending follows their perceived threat alone. The war
    in Ukraine runs from February 2022 to the end (the engine starts it at step 32 of a
    run that starts in 2014); Ukraine spends its pre-war burden before it.
    """
    data = dataset.arrays
    allies = [
        c
        for c in data.codes
        if data.nato[data.index[c]]
        and c not in LATER_ALLIES
        and not math.isnan(targets.spending_2014.get(c, math.nan))
    ]
    changes: dict[str, Any] = {
        "founders": allies,
        "spending_floor_pct": 2.0,  # the Wales Summit Declaration (2014)
        "phase_in_years": 10.0,
        "us_commitment": 1.0,
        "us_withdrawal_step": None,
        "base_aggression": 0.0,  # the history is given: no events of the model's own
        "threat_volatility": 0.0,
        "steps": HINDCAST_STEPS,
        "ukraine_investment_share": 0.0,
        # the war from February 2022 (step 32) through 2025: no ceasefire in the history
        "ukraine_ceasefire_step": None,
        "ukraine_postwar_defence_pct": UKRAINE_PREWAR_PCT,
    }
    if "UKR" in data.index:
        changes["state.UKR.defence_pct_gdp"] = UKRAINE_PREWAR_PCT
    for code in data.codes:  # every state with a 2014 figure starts from it
        value = targets.spending_2014.get(code, math.nan)
        if not math.isnan(value):
            changes[f"state.{code}.defence_pct_gdp"] = value
    return PRESETS["baseline"].with_values(changes)


def _chunks(n: int, size: int):
    for start in range(0, n, size):
        yield range(start, min(n, start + size))


def simulate_statistics(
    sets: Sequence[Mapping[str, float]],
    *,
    seed: int,
    hindcast_reps: int,
    join_reps: int,
    dataset: Dataset | None = None,
    targets: Targets | None = None,
    chunk: int = 4096,
    progress: Any = None,
    steps: int = HINDCAST_STEPS,
) -> list[dict[str, Any]]:
    """What each parameter set does, and its summary statistics (see the module docstring).

    Each set's dict holds the statistics of :data:`STATISTICS`, its simulated yearly
    burdens (``burdens``: years x scored states, the mean over its runs and each year's
    quarters) and each scored outsider's chance of applying within a year
    (``join_chance``). ``steps`` shortens the hindcast (31 ends it in 2021Q4); the
    years it does not reach are NaN, and so are their statistics.
    """
    dataset = dataset or load_dataset()
    targets = targets or load_targets()
    observed = observations(targets, dataset)
    base_h = hindcast_scenario(targets, dataset).with_values({"steps": steps})
    out: list[dict[str, Any]] = [{} for _ in sets]
    per_chunk = max(1, chunk // max(hindcast_reps, join_reps))
    for block in _chunks(len(sets), per_chunk):
        chosen = [sets[k] for k in block]
        _hindcast(out, block, chosen, base_h, observed, dataset, seed, hindcast_reps)
        _join(out, block, chosen, observed, dataset, seed, join_reps)
        if progress is not None:
            progress(len(block))
    if sets:
        columns = fit_statistics(
            np.array([s["burdens"] for s in out]),
            np.array([s["join_chance"] for s in out]),
            observed,
        )
        for k, stats in enumerate(out):
            stats.update({name: float(values[k]) for name, values in columns.items()})
    return out


def fit_statistics(
    burdens: np.ndarray,
    chance: np.ndarray,
    observed: Observations,
    *,
    periods: Mapping[str, Sequence[int]] = PERIODS,
    states: np.ndarray | None = None,
    joins: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """The statistics of every set, from its burdens and chances of joining.

    Args:
        burdens: ``(sets, years, states)`` simulated burdens, in ``observed``'s order.
        chance: ``(sets, join states)`` simulated chances of applying within a year.
        observed: what they are scored against.
        periods: the burden statistics, by label: ``rho_<label>`` and ``rmse_<label>``
            are scored over those years.
        states: boolean mask of the Allies whose burdens are scored (default all).
        joins: boolean mask of the outsiders whose taking part is scored (default all);
            the out-of-sample checks leave some out.
    """
    states = np.ones(len(observed.states), bool) if states is None else np.asarray(states)
    joins = np.ones(len(observed.join_states), bool) if joins is None else np.asarray(joins)
    out: dict[str, np.ndarray] = {}
    for label, years in periods.items():
        rows = observed.rows(years)
        simulated = burdens[:, rows][:, :, states]
        rho, rmse = scores.burden_scores(simulated, observed.burdens[rows][:, states])
        out[f"rho_{label}"], out[f"rmse_{label}"] = rho, rmse
    out["brier"] = scores.brier(chance[:, joins], observed.took_part[joins])
    out["auc"] = scores.auc(chance[:, joins], observed.took_part[joins])
    return out


def _model_values(values: Mapping[str, float]) -> dict[str, float]:
    return {k: v for k, v in values.items() if k in PRIORS}


def _hindcast(out, block, chosen, base, observed, dataset, seed, reps) -> None:
    data = dataset.arrays
    scenarios = [base.with_values(_model_values(v)) for v in chosen]
    sample = np.repeat(np.arange(len(chosen)), reps)
    ids = np.asarray(block)[sample]
    seeds = streams.run_seeds(seed, ids, np.tile(np.arange(reps), len(chosen)))
    steps = base["steps"]
    path = np.empty((len(sample), steps + 1))
    for row, k in enumerate(sample.tolist()):
        path[row, :INVASION_STEP] = chosen[k]["threat_2014"]
        path[row, INVASION_STEP:] = chosen[k]["threat_2022"]
    engine = Engine(
        build(dataset, scenarios, seeds, sample, threat_path=path, start_year=HINDCAST_YEAR)
    )
    (group,) = engine.groups
    batch = group.batch
    columns = [data.index[c] for c in observed.states]
    sums = np.zeros((len(sample), len(observed.years), len(columns)))
    counts = np.zeros(len(observed.years))
    step_year = {q: row for row, y in enumerate(observed.years) for q in QUARTERS[y]}

    def record() -> None:
        row = step_year.get(batch.step_number)
        if row is not None:
            sums[:, row] += batch.state.pct[:, columns]
            counts[row] += 1

    record()
    while batch.step_number < batch.horizon:
        batch.step()
        record()
    honoured = batch.state.totals["honoured"][:, 0] / np.maximum(
        batch.state.totals["commitments"][:, 0], 1
    )
    with np.errstate(invalid="ignore"):
        yearly = sums / np.where(counts == 4, 4.0, np.nan)[None, :, None]
    for k, index in enumerate(block):
        rows = sample == k
        out[index]["burdens"] = yearly[rows].mean(axis=0)
        out[index]["honoured"] = float(honoured[rows].mean())


def _join(out, block, chosen, observed, dataset, seed, reps) -> None:
    data = dataset.arrays
    base = PRESETS["baseline"].with_values({"steps": JOIN_QUARTERS})
    scenarios = [base.with_values(_model_values(v)) for v in chosen]
    sample = np.repeat(np.arange(len(chosen)), reps)
    ids = np.asarray(block)[sample]
    seeds = streams.run_seeds(seed + 1, ids, np.tile(np.arange(reps), len(chosen)))
    engine = Engine(build(dataset, scenarios, seeds, sample))
    (group,) = engine.groups
    batch = group.batch
    founder = np.broadcast_to(batch.inputs.traits.founder, batch.state.member.shape)
    applied = np.zeros_like(batch.state.member)
    while batch.step_number < batch.horizon:
        batch.step()
        applied |= (batch.state.label == engine_state.APPLICANT) | (batch.state.member & ~founder)
    columns = [data.index[c] for c in observed.join_states]
    for k, index in enumerate(block):
        out[index]["join_chance"] = applied[sample == k][:, columns].mean(axis=0)


def scaled_distances(
    columns: Mapping[str, np.ndarray], honoured: float, names: Sequence[str] = STATISTICS
) -> np.ndarray:
    """Each set's distance from a perfect fit over ``names``, each scaled by its spread (MAD)."""
    gaps = []
    for name in names:
        values = np.asarray(columns[name], dtype=float)
        target = honoured if name == "honoured" else PERFECT[name]
        gap = np.abs(values - target)
        # a statistic that cannot be computed for a set (no commitments, no spread) is
        # scored as the worst of the design, never as a perfect fit
        worst = np.nanmax(gap) if np.isfinite(gap).any() else 1.0
        gap = np.where(np.isnan(gap), worst, gap)
        spread = np.median(np.abs(gap - np.median(gap)))
        gaps.append(gap / (spread if spread > 0 else max(gap.std(), 1e-12)))
    return np.sqrt(np.sum(np.square(gaps), axis=0))


def distances(statistics: Sequence[Mapping[str, float]], honoured: float) -> np.ndarray:
    """Each set's distance from a perfect fit, each statistic scaled by its spread (MAD)."""
    columns = {name: np.array([s[name] for s in statistics], dtype=float) for name in STATISTICS}
    return scaled_distances(columns, honoured)


def calibrate(
    *,
    samples: int = 131072,
    seed: int = 2026,
    hindcast_reps: int = 1,
    join_reps: int = 1,
    accept: float = 0.01,
    dataset: Dataset | None = None,
    progress: Any = None,
) -> Calibration:
    """Run the calibration (see the module docstring); deterministic in ``seed``."""
    started = time.perf_counter()
    targets = load_targets()
    dataset = dataset or load_dataset()
    sets = design(samples, seed)
    stats = simulate_statistics(
        sets,
        seed=seed,
        hindcast_reps=hindcast_reps,
        join_reps=join_reps,
        dataset=dataset,
        targets=targets,
        progress=progress,
    )
    distance = distances(stats, targets.honoured_share)
    keep = max(1, round(accept * samples))
    order = np.argsort(distance, kind="stable")[:keep]
    accepted = [sets[k] for k in order.tolist()]
    chosen = [stats[k] for k in order.tolist()]
    return Calibration(
        seed=seed,
        samples=samples,
        hindcast_reps=hindcast_reps,
        join_reps=join_reps,
        accept=accept,
        parameters=list(PRIORS),
        history=list(HISTORY_PRIORS),
        priors={k: list(v) for k, v in {**PRIORS, **HISTORY_PRIORS}.items()},
        accepted=accepted,
        distances=[float(distance[k]) for k in order.tolist()],
        statistics=[{k: s[k] for k in STATISTICS} for s in chosen],
        fit=fit_summary(chosen, observations(targets, dataset)),
        accepted_ids=order.tolist(),
        provenance={
            "package": "coalition-sim",
            "version": __version__,
            "versions": versions(),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "method": "rejection ABC over a Latin hypercube of uniform priors",
            "targets": "nato_spending_series.csv: NATO % of GDP of the European Allies, "
            "2014 (start) and 2015-2025 (scored); coalition_meetings.csv: who took part in "
            "the coalition of the willing's meetings (London, Mar 2025; Paris, Mar and Sep "
            "2025, Jan 2026); 74.5 % of commitments honoured (Leeds, Long and Mitchell 2000)",
            "seconds": round(time.perf_counter() - started, 1),
        },
    )


def fit_summary(chosen: Sequence[Mapping[str, Any]], observed: Observations) -> dict[str, Any]:
    """Goodness of fit of the accepted sets: statistics, and simulated against observed."""
    summary: dict[str, Any] = {}
    for name in STATISTICS:
        values = np.array([s[name] for s in chosen], dtype=float)
        summary[name] = {
            "median": float(np.nanmedian(values)),
            "low": float(np.nanpercentile(values, 5)),
            "high": float(np.nanpercentile(values, 95)),
        }
    burdens = np.array([s["burdens"] for s in chosen])
    for row, year in enumerate(observed.years):
        if year == FIRST_YEAR:
            continue  # the start, not scored
        simulated = burdens[:, row]
        summary[f"spending_{year}"] = {
            code: {
                "observed": float(observed.burdens[row, k]),
                "simulated": float(np.median(simulated[:, k])),
                "low": float(np.percentile(simulated[:, k], 5)),
                "high": float(np.percentile(simulated[:, k], 95)),
            }
            for k, code in enumerate(observed.states)
        }
    chance = np.array([s["join_chance"] for s in chosen])
    summary["join"] = {
        code: {"observed": bool(y), "simulated": float(np.median(chance[:, k]))}
        for k, (code, y) in enumerate(zip(observed.join_states, observed.took_part, strict=True))
    }
    return summary
