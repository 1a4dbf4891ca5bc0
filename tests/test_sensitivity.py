"""`coalition-sim sensitivity`: Sobol and Morris indices of a sweep."""

from __future__ import annotations

import pandas as pd
import pytest
import sweep_fakes

from coalition_sim.cli import main

PARAMS = [
    "--param",
    "reliability=0.2:0.9",
    "--param",
    "cost_advantage=3:5",
    "--param",
    "admission_rule=unanimity,qmv,core",
]


def _sweep(tmp_path, method, samples):
    out = tmp_path / method
    argv = [
        "sweep",
        "--sample",
        method,
        "--samples",
        str(samples),
        *PARAMS,
        "--reps",
        "2",
        "--steps",
        "6",
        "--workers",
        "1",
        "--quiet",
        "--out",
        str(out),
    ]
    assert sweep_fakes.main(argv) == 0
    return out


def test_sobol_finds_the_parameter_that_matters(tmp_path, capsys):
    out = _sweep(tmp_path, "sobol", 64)
    fig = tmp_path / "s.png"
    assert main(["sensitivity", str(out), "--metric", "final_cohesion", "--plot", str(fig)]) == 0
    assert "final_cohesion" in capsys.readouterr().out
    table = pd.read_csv(out / "sensitivity.csv").set_index("parameter")
    # the fake's cohesion is reliability times noise: nothing else matters
    assert table.loc["reliability", "ST"] > 0.8
    assert table.loc["cost_advantage", "ST"] < 0.05
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(table.columns)
    assert fig.read_bytes()[:4] == b"\x89PNG"


def test_morris_ranks_parameters(tmp_path, capsys):
    out = _sweep(tmp_path, "morris", 10)
    assert main(["sensitivity", str(out)]) == 0
    table = pd.read_csv(out / "sensitivity.csv")
    cohesion = table[table.metric == "final_cohesion"].set_index("parameter")
    assert cohesion.loc["reliability", "mu_star"] > 10 * cohesion.loc["cost_advantage", "mu_star"]
    assert {"mu_star", "mu_star_conf", "sigma", "mu"} <= set(table.columns)


def test_sensitivity_refuses_a_grid(tmp_path, capsys):
    out = tmp_path / "g"
    assert (
        sweep_fakes.main(
            [
                "sweep",
                "--param",
                "reliability=0.5,0.9",
                "--steps",
                "3",
                "--workers",
                "1",
                "--quiet",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert main(["sensitivity", str(out)]) == 2
    assert "needs a sobol or morris sweep" in capsys.readouterr().err


@pytest.mark.parametrize("metric", ["colour", "members"])
def test_sensitivity_bad_metric(tmp_path, capsys, metric):
    out = _sweep(tmp_path, "morris", 4)
    assert main(["sensitivity", str(out), "--metric", metric]) == 2
    assert f"--metric {metric}" in capsys.readouterr().err
