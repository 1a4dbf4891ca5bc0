"""A fake run function with the contract of coalition_sim.simulation.simulate.

Fast and deterministic in (scenario values, seed); fails on purpose when
``reliability == 0.123`` so failure handling can be tested. ``FAKE_SLEEP`` (seconds per
run, environment) slows it down for interruption tests.

Run as a script, it is the ``coalition-sim sweep`` command with this fake injected:
``python tests/sweep_fakes.py sweep --param ... --out DIR``.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

FAIL_RELIABILITY = 0.123


@dataclass
class FakeResult:
    steps: pd.DataFrame
    outcomes: dict[str, Any]


def fake_simulate(scenario, *, seed=None, steps=None, collect_states=False, dataset=None):
    delay = float(os.environ.get("FAKE_SLEEP", "0"))
    if delay:
        time.sleep(delay)
    if abs(scenario["reliability"] - FAIL_RELIABILITY) < 1e-12:
        raise RuntimeError("deliberate failure for reliability 0.123")
    rng = np.random.default_rng(seed)
    n = int(steps or scenario["steps"])
    rel = scenario["reliability"]
    hun = scenario.state_overrides.get("HUN", {}).get("reliability", 0.35)
    rule_bonus = {"unanimity": 0.0, "qmv": 0.1, "majority": 0.15, "core": 0.2}[
        scenario["admission_rule"]
    ]
    parity = np.cumsum(rng.normal(0.01 + 0.02 * rel + rule_bonus / 10, 0.01, n)) + 0.5
    members = np.minimum(30, 10 + np.floor(np.arange(n) * (0.2 + rule_bonus + hun / 10)))
    frame = pd.DataFrame(
        {
            "step": np.arange(n),
            "members": members.astype(int),
            "parity": parity,
            "cohesion": np.full(n, rel),
        }
    )
    reached = np.nonzero(parity >= 1.0)[0]
    outcomes = {
        "final_members": int(members[-1]),
        "join_order": " ".join(["EST", "LVA"][: 1 + int(rng.integers(0, 2))]),
        "final_parity": float(parity[-1]),
        "final_cohesion": float(rel * (0.9 + 0.1 * rng.random())),
        "final_credibility": float(min(1.0, parity[-1]) * rel),
        "first_parity_step": int(reached[0]) if len(reached) else -1,
        "vetoes_unreliable": int(rng.poisson(2 * (1 - hun))),
        "admissions": int(members[-1] - 10),
        "exits": 0,
    }
    return FakeResult(frame, outcomes)


def main(argv: list[str]) -> int:
    import argparse
    from dataclasses import replace

    from coalition_sim.cli import sigterm_as_interrupt
    from coalition_sim.cli import sweep as sweep_cli
    from coalition_sim.cli.common import CLI
    from coalition_sim.errors import CoalitionSimError
    from coalition_sim.sweeps import perform
    from coalition_sim.sweeps.simulators import PerRunSimulator

    parser = argparse.ArgumentParser(prog="coalition-sim")
    sub = parser.add_subparsers(dest="command", required=True)
    sweep_cli.register(sub)
    args = parser.parse_args(argv)
    real = perform.make_context
    perform.make_context = lambda spec, dataset: replace(
        real(spec, dataset), simulator=PerRunSimulator(fake_simulate)
    )
    try:
        with sigterm_as_interrupt():  # as coalition_sim.cli.main runs a command
            return int(args.handler(args) or 0)
    except CoalitionSimError as error:  # as coalition_sim.cli.main reports it
        print(f"coalition-sim {args.command}: error: {error.render(CLI)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    finally:
        perform.make_context = real


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def die_once(scenario, **kwargs):
    """Kill the worker process the first time it runs (marker file in FAKE_DIE_MARKER)."""
    marker = os.environ.get("FAKE_DIE_MARKER")
    if marker and not os.path.exists(marker):
        with open(marker, "w") as handle:
            handle.write("died")
        os._exit(9)
    return fake_simulate(scenario, **kwargs)


def die_always(scenario, **kwargs):
    """Kill the worker process every time (a run that crashes the interpreter)."""
    os._exit(9)
