"""Faults issue: analysis defaults that mislead (compare, sensitivity, figures)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sweep_fakes

from coalition_sim.analysis import plots
from coalition_sim.analysis.labels import MIN_SHARE_SPAN, label, parameter_label
from coalition_sim.analysis.sensitivity import index_warnings
from coalition_sim.cli import main


def fake_sweep(*argv: str) -> int:
    return sweep_fakes.main(["sweep", *argv, "--workers", "1", "--quiet"])


@pytest.fixture
def figures(monkeypatch):
    """The matplotlib figures the plot functions save, kept for inspection."""
    kept = []
    save = plots._save

    def keep(fig, path, **kwargs):
        kept.append(fig)
        return save(fig, path, **kwargs)

    monkeypatch.setattr(plots, "_save", keep)
    return kept


def visible(fig) -> list:
    return [ax for ax in fig.axes if ax.get_visible()]


# --- compare on a continuous design --------------------------------------------------------


@pytest.fixture(scope="module")
def lhs(tmp_path_factory):
    out = tmp_path_factory.mktemp("lhs") / "s"
    assert (
        fake_sweep("--sample", "lhs", "--samples", "30", "--param", "reliability=0.2:0.9",
                   "--param", "cost_advantage=3:5", "--param", "admission_rule=unanimity,qmv",
                   "--steps", "6", "--out", str(out))
        == 0
    )  # fmt: skip
    return out


def test_compare_on_a_latin_hypercube_groups_by_terciles_and_says_so(lhs, capsys):
    """Issue: compare on an LHS sweep gave one group per sample (20 groups of one run)."""
    assert main(["compare", str(lhs), "--by", "reliability", "admission_rule"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("groups: terciles of reliability (lhs design: every sample has")
    table = pd.read_csv(lhs / "compare.csv")
    bins = list(dict.fromkeys(table.reliability))
    assert len(bins) == 3 and all(" to " in b for b in bins)
    lows = [float(b.split(" to ")[0]) for b in bins]
    assert lows == sorted(lows)  # low to high, not in order of first appearance
    groups = table[table.metric == "final_cohesion"]
    assert len(groups) == 6 and groups.n.sum() == 30 and (groups.n >= 3).all()


def test_compare_refuses_bins_too_small_to_compare(lhs, capsys):
    csv = lhs / "compare.csv"
    before = csv.read_bytes() if csv.exists() else None  # an earlier test may have written it
    assert main(["compare", str(lhs)]) == 2  # 3 x 3 x 2 groups for 30 runs
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "30 successful runs of the lhs design fall into" in err
    assert "fewer than 3 runs per group" in err and "--by NAME" in err and "--bins" in err
    assert (csv.read_bytes() if csv.exists() else None) == before  # nothing written
    assert main(["compare", str(lhs), "--by", "cost_advantage", "--bins", "2"]) == 0
    assert "groups: halves of cost_advantage" in capsys.readouterr().out


# --- sensitivity with too small a sample ----------------------------------------------------


def test_sobol_with_two_samples_warns_in_terminal_and_figure(tmp_path, capsys, figures):
    """Issue: --samples 2 reported S1 = 1.3 and ST = 3.3 without a word."""
    out = tmp_path / "sobol"
    params = ["--param", "reliability=0.2:0.9", "--param", "cost_advantage=3:5"]
    assert fake_sweep("--sample", "sobol", "--samples", "2", *params, "--steps", "6",
                      "--out", str(out)) == 0  # fmt: skip
    assert "--samples 2: too few for Sobol indices" in capsys.readouterr().err  # at sweep time
    fig = tmp_path / "s.png"
    assert main(["sensitivity", str(out), "--metric", "final_cohesion", "--plot", str(fig)]) == 0
    err = capsys.readouterr().err
    assert "a base sample of N = 2 is too small for Sobol indices" in err
    assert "rerun the sweep with --samples 64 or more" in err
    notes = [t.get_text() for t in figures[-1].texts]
    note = next(n for n in notes if "warning" in n)
    warned = err.count("sensitivity: warning:")
    assert note.startswith(f"{warned} warning") and note.count("\n- ") == warned  # all of them
    assert "\n- a base sample of N = 2" in note


def test_index_warnings_name_indices_beyond_zero_and_one():
    table = pd.DataFrame(
        {
            "metric": ["m", "m", "k", "k"],
            "parameter": ["a", "b", "a", "b"],
            "S1": [1.3, 0.1, 0.5, 0.4],
            "S1_conf": [0.1, 0.05, 0.02, 0.3],
            "ST": [3.3, 0.2, 0.55, 0.45],
            "ST_conf": [0.4, 0.05, 0.02, 0.02],
        }
    )
    warned = index_warnings(table, "sobol", 1024)
    assert len(warned) == 2
    assert warned[0].startswith("m: S1 of a is 1.30, outside [0, 1]")
    assert "ST of a is 3.30" in warned[0] and "--samples" in warned[0]
    assert warned[1].startswith("k: the S1 interval of b is ± 0.30 wide")
    good = table.assign(S1=0.3, ST=0.35, S1_conf=0.05, ST_conf=0.05)
    assert index_warnings(good, "sobol", 1024) == []


def test_sobol_with_enough_samples_does_not_warn(tmp_path, capsys):
    out = tmp_path / "sobol"
    params = ["--param", "reliability=0.2:0.9", "--param", "cost_advantage=3:5"]
    assert fake_sweep("--sample", "sobol", "--samples", "256", *params, "--steps", "6",
                      "--out", str(out)) == 0  # fmt: skip
    assert main(["sensitivity", str(out), "--metric", "final_cohesion"]) == 0
    assert "warning" not in capsys.readouterr().err


# --- figures ---------------------------------------------------------------------------------


def runs_frame() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 24
    return pd.DataFrame(
        {
            "status": "ok",
            "reliability": np.repeat([0.5, 0.7, 0.9], n // 3),
            "final_members": rng.integers(10, 20, n),
            "final_cohesion": 0.746 + 0.004 * rng.random(n),
            "vetoes_unreliable": np.zeros(n, dtype=int),
        }
    )


def test_distribution_figure_speaks_words_drops_constant_panels_and_keeps_shares_honest(
    tmp_path, figures
):
    """Issue: raw column names, a title "sweep", a panel of zeros, 0.746-0.750 blown up."""
    metrics = ["final_members", "final_cohesion", "vetoes_unreliable"]
    plots.plot_distributions(
        runs_frame(), ["reliability"], metrics, tmp_path / "d.png", title="H2: unreliable members"
    )
    fig = figures[-1]
    axes = visible(fig)
    assert [ax.get_title() for ax in axes] == ["members at the end", "cohesion at the end"]
    assert axes[0].get_ylabel() == label("final_members") == "members at the end (states)"
    assert axes[0].get_xlabel() == parameter_label("reliability") == "reliability (probability)"
    low, high = axes[1].get_ylim()
    assert high - low >= MIN_SHARE_SPAN - 1e-12 and low >= 0 and high <= 1
    assert fig._suptitle.get_text().splitlines()[0] == "H2: unreliable members"
    notes = " ".join(t.get_text() for t in fig.texts)
    assert "Not drawn: vetoes by unreliable members (0 in every run)" in notes
    assert (tmp_path / "d.png").read_bytes()[:4] == b"\x89PNG"


def test_title_is_the_description_or_name_never_plain_sweep(tmp_path):
    assert plots.sweep_title({"description": "Parity without the US", "name": "h1"}) == (
        "Parity without the US"
    )
    assert plots.sweep_title({"description": "", "name": "h1"}) == "sweep 'h1'"
    assert plots.sweep_title({"name": "sweep"}, tmp_path / "results" / "hun") == "sweep 'hun'"
    metadata = {
        "name": "hun",
        "spec": {"scenario": "baseline", "reps": 50},
        "design": {"method": "grid", "samples": 6, "reps": 50},
        "base_scenario": {"name": "baseline", "values": {"steps": 40}},
    }
    assert plots.sweep_title(metadata) == (
        "sweep 'hun': full grid of 6 settings x 50 replications, scenario baseline, 40 quarters"
    )


def test_compare_figure_title_starts_with_the_sweep_name(tmp_path, figures):
    out = tmp_path / "named"
    assert fake_sweep("--param", "reliability=0.5,0.9", "--reps", "3", "--steps", "4",
                      "--out", str(out)) == 0  # fmt: skip
    assert main(["compare", str(out), "--plot", str(tmp_path / "c.png")]) == 0
    assert figures[0]._suptitle.get_text().splitlines()[0].startswith("sweep 'named': full grid")


def test_sensitivity_figure_is_a_grid_of_two_columns_with_readable_text(tmp_path, figures):
    """Issue: the Sobol and Morris figures were one 2250 x 378 row with small text."""
    metrics = [f"m{i}" for i in range(5)]
    parameters = ["reliability", "cost_advantage", "spending_floor_pct", "admission_rule"]
    table = pd.DataFrame(
        [
            {"metric": m, "parameter": p, "S1": 0.2, "S1_conf": 0.05, "ST": 0.3, "ST_conf": 0.05}
            for m in metrics
            for p in parameters
        ]
    )
    plots.plot_sensitivity(table, "sobol", tmp_path / "s.png", title="sobol sweep")
    fig = figures[-1]
    axes = visible(fig)
    assert len(axes) == 5
    columns = sorted({round(ax.get_position().x0, 2) for ax in axes})
    assert len(columns) == 2  # two columns, three rows
    width, height = fig.get_size_inches() * 90
    assert width <= 1400 and height > width / 2
    ticks = axes[0].get_xticklabels()
    assert [t.get_text() for t in ticks][1] == "cost advantage\n(multiplier)"
    assert min(t.get_fontsize() for t in ticks) >= 9
