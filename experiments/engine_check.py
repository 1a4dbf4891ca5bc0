"""The batched engine against the per-run Mesa model it replaced: same means, within error.

Before the old step was removed, both implementations ran every preset under every
protocol, 2,000 runs each, and the mean of every outcome was compared: the difference
over its standard error (``z``) should look like draws from a standard normal. The random
streams differ (the engine's are counter-based), so runs are not compared one by one.

    git worktree add --detach ../old bdfe2e6      # the last commit with the old model
    python experiments/engine_check.py --old ../old [--runs 2000]

Writes ``experiments/figures/engine_check.md`` (the table) and prints a summary.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
PRESETS = ("baseline", "us-withdrawal", "unanimity-veto", "ukraine-investment", "fast-track")
PROTOCOLS = ("threshold", "bargaining", "landscape")
#: Outcomes compared (numbers only; ``members`` is a list of codes).
NUMERIC = (
    "final_members",
    "final_parity",
    "final_parity_with_us",
    "final_cohesion",
    "final_credibility",
    "final_threat",
    "initial_parity",
    "reached_parity",
    "admissions",
    "rejections",
    "exits",
    "vetoes_unreliable",
    "bargains",
    "breaches",
    "aggression_events",
    "ukraine_member",
    "final_ukraine_utilisation",
    "final_coalition_spending_usd_bn",
)

OLD = textwrap.dedent(
    """
    import json, sys
    from multiprocessing import Pool
    from coalition_sim.parameters import load_scenario
    from coalition_sim.simulation import simulate

    def one(job):
        preset, protocol, seed = job
        scenario = load_scenario(preset).with_values({"protocol": protocol})
        result = simulate(scenario, seed=seed, keep_steps=False, keep_events=False)
        return preset, protocol, result.outcomes

    if __name__ == "__main__":
        runs = int(sys.argv[1])
        jobs = [(p, q, s) for p in %r for q in %r for s in range(1, runs + 1)]
        with Pool(2) as pool:
            out = pool.map(one, jobs, chunksize=50)
        json.dump(out, sys.stdout)
    """
)


def old_outcomes(old: Path, runs: int) -> list:
    """Outcomes of the old model, run from its own checkout in a subprocess."""
    env = {**os.environ, "PYTHONPATH": str(old)}
    script = OLD % (PRESETS, PROTOCOLS)
    done = subprocess.run(
        [sys.executable, "-c", script, str(runs)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd="/",
    )
    return json.loads(done.stdout)


def engine_outcomes(runs: int) -> list:
    """Outcomes of the engine: each preset and protocol as one batch of ``runs`` runs."""
    from coalition_sim.datasets import load_dataset
    from coalition_sim.engine.engine import Engine
    from coalition_sim.engine.inputs import build
    from coalition_sim.parameters import load_scenario

    dataset = load_dataset()
    out = []
    for preset in PRESETS:
        for protocol in PROTOCOLS:
            scenario = load_scenario(preset).with_values({"protocol": protocol})
            seeds = np.arange(1, runs + 1)
            engine = Engine(build(dataset, [scenario], seeds, np.zeros(runs, int))).run()
            outcomes = engine.outcomes()
            for k in range(runs):
                out.append(
                    (
                        preset,
                        protocol,
                        {
                            n: outcomes[n][k].item()
                            if hasattr(outcomes[n][k], "item")
                            else outcomes[n][k]
                            for n in outcomes
                        },
                    )
                )
    return out


def _values(rows: list, preset: str, protocol: str, name: str) -> np.ndarray:
    picked = [o for p, q, o in rows if p == preset and q == protocol]
    if name == "reached_parity":
        return np.array([o["first_parity_step"] >= 0 for o in picked], dtype=float)
    return np.array([float(o[name]) for o in picked])


def compare(old: list, new: list) -> tuple[list[str], float]:
    """The table of means, standard errors and z, and the largest |z|."""
    lines = [
        "| preset | protocol | outcome | old mean | engine mean | z |",
        "|---|---|---|---|---|---|",
    ]
    largest = 0.0
    for preset in PRESETS:
        for protocol in PROTOCOLS:
            for name in NUMERIC:
                a, b = _values(old, preset, protocol, name), _values(new, preset, protocol, name)
                se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
                diff = b.mean() - a.mean()
                if se <= 1e-9 * max(1.0, abs(a.mean())):  # constant up to rounding
                    shown = "constant" if abs(diff) <= 1e-9 * max(1.0, abs(a.mean())) else "differs"
                    largest = largest if shown == "constant" else math.inf
                elif se > 0:
                    z = diff / se
                    shown = f"{z:+.2f}"
                    largest = max(largest, abs(z))
                else:
                    shown = "exact" if diff == 0 else "differs (no variance)"
                    if diff != 0:
                        largest = math.inf
                cells = (preset, protocol, name, f"{a.mean():.4g}", f"{b.mean():.4g}", shown)
                lines.append("| " + " | ".join(cells) + " |")
    return lines, largest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, required=True, help="checkout of the old model")
    parser.add_argument("--runs", type=int, default=2000, help="runs per preset and protocol")
    args = parser.parse_args()
    old = old_outcomes(args.old.resolve(), args.runs)
    new = engine_outcomes(args.runs)
    lines, largest = compare(old, new)
    zs = [float(line.split("|")[6]) for line in lines[2:] if line.split("|")[6].strip()[0] in "+-"]
    same_seeds = (
        "The same seeds serve every preset and protocol, so the rows of one outcome are not "
        "independent of each other."
    )
    header = [
        "# The engine against the per-run model it replaced",
        "",
        f"{args.runs} runs of each preset under each protocol, 40 quarters, seeds 1 to "
        f"{args.runs}, for both implementations (`python experiments/engine_check.py`). The "
        "random streams differ, so means are compared: z is the difference over its "
        "standard error; 'constant' marks an outcome with no variance on either side, equal on "
        f"both. {len(zs)} comparisons with variance: mean |z| "
        f"{np.mean(np.abs(zs)):.2f} (0.80 expected), |z| > 2 in "
        f"{sum(abs(z) > 2 for z in zs)} (about {0.0455 * len(zs):.0f} expected), largest "
        f"|z| {largest:.2f}. {same_seeds}",
        "",
    ]
    text = "\n".join(header + lines) + "\n"
    (HERE / "figures" / "engine_check.md").write_text(text)
    print("\n".join(header))


if __name__ == "__main__":
    main()
