"""The calibration's method checked, for docs/calibration.md (run by experiments/report.py).

``python experiments/report.py --calibration-checks`` runs, on the engine:

- the **coverage** check (``coalition-sim calibrate --coverage``) for each design of
  :data:`DESIGNS`: :data:`COVERAGE_CASES` parameter sets drawn from the priors, each run
  once as the observed data and calibrated on the design's reference table;
- the **stability** check (``calibrate --stability``): each design calibrated with seed
  2026 and with :data:`STABILITY_SEED`, the posteriors compared;
- the **identification** report: the stored posterior's spread over the prior's, and
  which hypotheses' verdicts move with each parameter (the hypotheses evaluated over the
  stored calibration's sets, :data:`IDENTIFICATION_REPS` runs each);

and writes the numbers and tables to ``figures/calibration_checks.json`` (minutes). The
``--coverage-table``, ``--stability-table`` and ``--identification-table`` options print
the Markdown of docs/calibration.md from that file (instantly), so the page's generated
blocks show what the last run found. ``--predictive-figures`` draws the posterior
predictive checks, one figure per target (``figures/ppc_*.png``).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from coalition_sim import hypotheses as hy
from coalition_sim.calibration import identification, predictive, reference, stored
from coalition_sim.calibration import stability as stab
from coalition_sim.calibration.abc import calibrate
from coalition_sim.calibration.check import versions
from coalition_sim.folders import atomic_write

CHECKS = "calibration_checks.json"
#: Designs checked: (parameter sets, hindcast runs a set, join runs a set); the first is
#: the stored calibration's. Each accepts 1 % of its sets.
DESIGNS = ((16384, 4, 8), (131072, 1, 1))
COVERAGE_CASES = 200
STABILITY_SEED = 2027
IDENTIFICATION_REPS = 25  # as the experiments run each calibrated set


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of this module, on experiments/report.py's parser."""
    parser.add_argument(
        "--calibration-checks",
        action="store_true",
        help=f"only run the coverage, stability and identification checks; write figures/{CHECKS}",
    )
    parser.add_argument("--coverage-table", action="store_true", help=f"print from {CHECKS}")
    parser.add_argument("--stability-table", action="store_true", help=f"print from {CHECKS}")
    parser.add_argument("--identification-table", action="store_true", help=f"print from {CHECKS}")
    parser.add_argument(
        "--predictive-figures",
        action="store_true",
        help="only draw the posterior predictive checks (figures/ppc_*.png)",
    )


def handle(args: argparse.Namespace, figures: Path) -> bool:
    """Do what the options of this module ask; whether anything was asked."""
    path = figures / CHECKS
    if args.coverage_table:
        print(coverage_markdown(_read(path)))
    elif args.stability_table:
        print(stability_markdown(_read(path)))
    elif args.identification_table:
        print(identification_markdown(_read(path)))
    elif args.calibration_checks:
        figures.mkdir(exist_ok=True)
        record = run_checks()
        text = json.dumps(record, indent=1) + "\n"
        atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
        print(f"written: {path.relative_to(figures.parent.parent)}")
    elif args.predictive_figures:
        figures.mkdir(exist_ok=True)
        for written in predictive_figures(stored.load(), figures):
            print(f"written: {written.relative_to(figures.parent.parent)}")
    else:
        return False
    return True


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        raise SystemExit(
            f"{path}: not found; run python experiments/report.py --calibration-checks"
        )
    return json.loads(path.read_text(encoding="utf-8"))


def predictive_figures(calibration, figures: Path) -> list[Path]:
    """The posterior predictive checks of the stored calibration, one figure per target."""
    return predictive.draw(predictive.simulate(calibration), figures)


def _design(samples: int, hindcast: int, join: int) -> dict[str, Any]:
    return {"samples": samples, "hindcast_reps": hindcast, "join_reps": join, "accept": 0.01}


def _per_parameter(names, values) -> dict[str, float]:
    return {n: float(v) for n, v in zip(names, values, strict=True)}


def run_checks() -> dict[str, Any]:
    """Every check of the module docstring; the record written to :data:`CHECKS`."""
    record: dict[str, Any] = {
        "created": time.strftime("%Y-%m-%d"),
        "versions": versions(),
        "coverage": [],
        "stability": [],
    }
    current = stored.load()
    for samples, hindcast, join in DESIGNS:
        design = _design(samples, hindcast, join)
        print(f"coverage: {design}", flush=True)
        result, seconds = reference.engine_coverage(COVERAGE_CASES, seed=2026, **design)
        record["coverage"].append(
            {
                "design": design,
                "cases": result.cases,
                "share": {m: _per_parameter(result.names, result.share(m)) for m in result.covered},
                "width": {m: _per_parameter(result.names, w) for m, w in result.width.items()},
                "table": result.table(),
                "seconds": seconds,
            }
        )
        print(f"stability: {design}", flush=True)
        runs = []
        for seed in (2026, STABILITY_SEED):
            same = current is not None and all(
                getattr(current, k) == v for k, v in {**design, "seed": seed}.items()
            )
            runs.append(current if same else calibrate(seed=seed, **design))
        posteriors = [reference.stored_posteriors(r) for r in runs]
        compared = {
            m: stab.compare(posteriors[0][m], posteriors[1][m], reference.bounds())
            for m in posteriors[0]
        }
        record["stability"].append(
            {
                "design": design,
                "seeds": [2026, STABILITY_SEED],
                "accepted": len(runs[0].accepted),
                "passes": {m: c.passes for m, c in compared.items()},
                "shift": {m: _per_parameter(c.names, c.shift) for m, c in compared.items()},
                "overlap": {m: _per_parameter(c.names, c.overlap) for m, c in compared.items()},
                "table": stab.table(compared),
                "seconds": [r.provenance.get("seconds") for r in runs],
            }
        )
    record["identification"] = identification_record(current)
    return record


def identification_record(calibration) -> dict[str, Any]:
    """The identification report of the stored calibration (see the module docstring)."""
    started = time.perf_counter()
    sets = hy.uncertainty_sets()
    print(f"identification: {len(sets)} sets x {IDENTIFICATION_REPS} runs", flush=True)
    evaluations = [hy.evaluate(h, sets, reps=IDENTIFICATION_REPS, seed=2026) for h in hy.HYPOTHESES]
    # the accepted sets: the calibration's method (docs/calibration.md says why)
    posteriors = {"rejection": reference.stored_posteriors(calibration)["rejection"]}
    rows = identification.identify(posteriors, reference.bounds(), evaluations, sets)
    used = list(calibration.parameters)
    return {
        "calibration": calibration.provenance.get("created", "unknown"),
        "sets": len(sets),
        "reps": IDENTIFICATION_REPS,
        "verdicts": {e.hypothesis.key: [r.verdict for r in e.rules] for e in evaluations},
        "rows": [
            {
                "name": r.name,
                "spread": r.spread,
                "median": r.median,
                "moved": [m.text() for m in r.moved],
                "used": r.name in used,
            }
            for r in rows
        ],
        "table": identification.table(rows, used),
        "seconds": time.perf_counter() - started,
    }


def _design_words(design: dict[str, Any]) -> str:
    runs = "run" if design["join_reps"] == 1 else "runs"
    return (
        f"{design['samples']:,} parameter sets, {design['hindcast_reps']} hindcast and "
        f"{design['join_reps']} join {runs} a set, {design['accept'] * 100:g} % accepted"
    )


def coverage_markdown(record: dict[str, Any]) -> str:
    """The coverage tables of every design, in Markdown."""
    parts = []
    for entry in record["coverage"]:
        seconds = entry["seconds"]
        parts.append(
            f"**{_design_words(entry['design'])}** (table {seconds['table']:.0f} s, all "
            f"{seconds['total']:.0f} s; in brackets the mean width of the 90 % interval over "
            f"the prior's range):\n\n{entry['table']}"
        )
    return "\n\n".join(parts)


def stability_markdown(record: dict[str, Any]) -> str:
    """The stability tables of every design, in Markdown."""
    parts = []
    for entry in record["stability"]:
        one, two = entry["seeds"]
        seconds = " and ".join(f"{s:.0f} s" for s in entry["seconds"])
        parts.append(
            f"**{_design_words(entry['design'])}**: seed {one} against seed {two}, "
            f"{entry['accepted']} sets accepted each (calibrations of {seconds}):\n\n"
            f"{entry['table']}"
        )
    return "\n\n".join(parts)


def identification_markdown(record: dict[str, Any]) -> str:
    """The identification table and the parameters the data do not pin, in Markdown."""
    entry = record["identification"]
    lines = [
        f"Over the {entry['sets']} sets of the stored calibration (created "
        f"{entry.get('calibration', 'unknown')}), each hypothesis evaluated with "
        f"{entry['reps']} runs per set and setting:\n",
        entry["table"],
        "",
        f"Not pinned by the data (posterior sd above {identification.NOT_PINNED} of the "
        "prior's, accepted sets):",
        "",
    ]
    loose = [r for r in entry["rows"] if r["spread"]["rejection"] > identification.NOT_PINNED]
    for r in loose:
        if not r["used"]:
            what = "a nuisance of the hindcast; no experiment uses it"
        elif r["moved"]:
            what = "the verdict moves with it: " + "; ".join(r["moved"])
        else:
            what = "no verdict moves with it across its posterior"
        lines.append(f"- `{r['name']}` ({r['spread']['rejection']:.2f}): {what}.")
    if not loose:
        lines.append("- none")
    return "\n".join(lines)
