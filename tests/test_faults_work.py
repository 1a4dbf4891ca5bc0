"""Issue 15: every command that runs the engine counts its work first and refuses too much.

``validate --reps 1000000000`` grew to 23.9 GB until the kernel ended it, and
``calibrate --samples 1000000000`` ended in a traceback (``Unable to allocate 104 GiB``).
Each command now counts the runs before anything is built and refuses, in one line with
the count, what is above its ``--max-runs`` (as ``sweep --max-runs`` did); options that
size one batch in memory have a ceiling. (``calibrate``'s cases are in
``test_calibration.py``.)
"""

from __future__ import annotations

import pytest

from coalition_sim import validation
from coalition_sim.cli import main
from coalition_sim.engine import inputs
from coalition_sim.parameters import PRESETS


def one_line(err: str, command: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"coalition-sim {command}: error: "), err
    return lines[0]


def test_validate_refuses_a_billion_replications_at_once(capsys):
    argv = ["validate", "--reps", "1000000000", "--check", "unanimity vs qmv"]
    assert main(argv) == 2
    line = one_line(capsys.readouterr().err, "validate")
    assert (
        "the checks make 2,000,000,000 runs (1,000,000,000 a setting; the largest, 'unanimity "
        "vs qmv', 2,000,000,000), more than --max-runs 100,000; lower --reps or raise "
        "--max-runs" in line
    )


def test_validate_counts_every_check_and_its_limit_can_be_raised(capsys):
    # At the defaults: 4 + 2 + 2 + 1 + (1 + 31 states outside the core) + 15 settings of
    # 400 runs; 20 Morris trajectories of 14 points with 16 runs each; the spending ratio
    # from the data alone; a bisection of 13 settings of 100 runs and one forces' build;
    # 400 runs and 32 judgement sets of 4; two settings of 400.
    planned = validation.planned_runs(reps=400)
    assert planned == {
        "balancing": 1600,
        "US withdrawal": 800,
        "unanimity vs qmv": 800,
        "vetoes on friendly": 400,
        "proximity and joining": 32 * 400,
        "investment in Ukraine": 15 * 400,
        "Morris screen": 280 * 16,
        "spending at PPP": 0,
        "closing the US gap": 13 * 100 + 1,
        "parity takes years": 400 + 32 * 4,
        "Ukraine's army": 800,
    }
    total = sum(planned.values())
    assert main(["validate", "--reps", "400", "--max-runs", str(total - 1)]) == 2
    assert f"the checks make {total:,} runs" in capsys.readouterr().err
    argv = ["validate", "--reps", "3", "--check", "unanimity vs qmv", "--max-runs", "6"]
    assert main(argv) in (0, 1)  # exactly at the limit: it runs


@pytest.mark.parametrize("name", [c.name for c in validation.CHECKS])
def test_the_count_of_each_check_is_the_runs_it_makes(monkeypatch, name):
    """A count that is wrong refuses the wrong work: each is checked against the engine."""
    made: list[int] = []
    real = inputs.build

    def counting(dataset, scenarios, seeds, *args, **kwargs):
        made.append(len(seeds))
        return real(dataset, scenarios, seeds, *args, **kwargs)

    for module in (validation.common, validation.face, validation.experts):
        monkeypatch.setattr(module, "build", counting)
    base = PRESETS["baseline"].with_values({"steps": 6})
    validation.validate(reps=5, base=base, only=[name])
    assert sum(made) == validation.planned_runs(reps=5, base=base, only=[name])[name]


def test_the_proximity_count_follows_the_scenario_core():
    small_core = PRESETS["baseline"].with_values({"founders": ["EST", "LVA"]})
    planned = validation.planned_runs(reps=10, base=small_core, only=["proximity and joining"])
    assert planned == {"proximity and joining": (1 + 41 - 2) * 10}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["validate", "--max-runs", "0"], "--max-runs: 0 must be >= 1"),
        (["sweep", "--param", "reliability=0.5", "--chunk-size", "100000000"],
         "--chunk-size: 100,000,000 runs is more than 65,536"),
        (["landscape", "--europe", "--restarts", "1000000000"],
         "--restarts: 1,000,000,000 is more than 1,000,000"),
    ],
)  # fmt: skip
def test_sizes_of_one_batch_have_a_ceiling(capsys, argv, message):
    assert main(argv) == 2
    assert message in one_line(capsys.readouterr().err, argv[0])
