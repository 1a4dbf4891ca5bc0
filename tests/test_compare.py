"""`coalition-sim compare`: per-group statistics, CSV and figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sweep_fakes
from scipy import stats

from coalition_sim.analysis.compare import add_derived, mean_difference, summary_table
from coalition_sim.cli import main


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "s"
    argv = [
        "sweep",
        "--param",
        "admission_rule=unanimity,qmv",
        "--param",
        "reliability=0.5,0.123",
        "--reps",
        "6",
        "--steps",
        "12",
        "--keep-steps",
        "--workers",
        "1",
        "--quiet",
        "--out",
        str(out),
    ]
    assert sweep_fakes.main(argv) == 1  # the 0.123 runs fail on purpose
    return out


def test_statistics_match_a_hand_computation():
    runs = pd.DataFrame(
        {
            "status": ["ok"] * 5 + ["error"],
            "g": ["a", "a", "a", "b", "b", "b"],
            "x": [1.0, 2.0, 4.0, 3.0, 5.0, np.nan],
        }
    )
    table = summary_table(runs, ["g"], ["x"]).set_index("g")
    a = np.array([1.0, 2.0, 4.0])
    half = stats.t.ppf(0.975, 2) * a.std(ddof=1) / np.sqrt(3)
    assert table.loc["a", "n"] == 3 and table.loc["a", "failed"] == 0
    assert table.loc["a", "mean"] == pytest.approx(7 / 3)
    assert table.loc["a", "sd"] == pytest.approx(a.std(ddof=1))
    assert table.loc["a", "ci95_low"] == pytest.approx(7 / 3 - half)
    assert (table.loc["b", "n"], table.loc["b", "failed"]) == (2, 1)
    single = summary_table(runs.iloc[:1], [], ["x"])
    assert single.loc[0, "n"] == 1 and np.isnan(single.loc[0, "sd"])


def test_parity_never_reached_is_a_share_not_a_minus_one_mean():
    runs = add_derived(pd.DataFrame({"status": ["ok"] * 4, "first_parity_step": [-1, 8, -1, 12]}))
    assert list(runs.parity_reached) == [0, 1, 0, 1]
    table = summary_table(runs, [], ["parity_reached", "first_parity_step"]).set_index("metric")
    assert table.loc["parity_reached", "mean"] == 0.5
    assert table.loc["first_parity_step", "mean"] == 10 and table.loc["first_parity_step", "n"] == 2


def test_mean_difference_welch():
    runs = pd.DataFrame(
        {"status": "ok", "g": ["a"] * 4 + ["b"] * 4, "x": [1, 2, 3, 4, 11, 12, 13, 14]}
    )
    d = mean_difference(runs, "g", "x", "a", "b")
    assert d["difference"] == 10 and d["ci95_low"] < 10 < d["ci95_high"] and d["p_value"] < 1e-4


def test_compare_cli_table_csv_and_figures(swept, tmp_path, capsys):
    fig = tmp_path / "fig.png"
    assert main(["compare", str(swept), "--plot", str(fig)]) == 0
    out = capsys.readouterr().out
    assert "admission_rule=qmv, reliability=0.5" in out and "95% CI" in out
    table = pd.read_csv(swept / "compare.csv")
    assert {
        "admission_rule",
        "reliability",
        "metric",
        "n",
        "failed",
        "mean",
        "sd",
        "ci95_low",
        "ci95_high",
    } <= set(table.columns)
    failed = table[table.reliability == 0.123]
    assert (failed.n == 0).all() and (failed.failed == 6).all()
    assert fig.stat().st_size > 10_000 and (tmp_path / "fig-timecourse.png").exists()
    assert fig.read_bytes()[:4] == b"\x89PNG"


def test_compare_by_and_metric(swept, tmp_path, capsys):
    csv = tmp_path / "t.csv"
    argv = [
        "compare",
        str(swept),
        "--by",
        "admission_rule",
        "--metric",
        "final_parity",
        "--csv",
        str(csv),
    ]
    assert main(argv) == 0
    table = pd.read_csv(csv)
    assert list(table.admission_rule) == ["unanimity", "qmv"] and set(table.metric) == {
        "final_parity"
    }
    assert (table.n == 6).all()


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        (["--by", "colour"], "--by colour: no such column"),
        (["--metric", "join_order"], "--metric join_order: not a numeric outcome"),
        (["--plot", "x.jpg"], "write a .png file name"),
    ],
)
def test_compare_bad_input(swept, capsys, extra, fragment):
    assert main(["compare", str(swept), *extra]) == 2
    assert fragment in capsys.readouterr().err


def test_compare_needs_a_finished_sweep(tmp_path, capsys):
    assert main(["compare", str(tmp_path)]) == 2
    assert "not a sweep folder" in capsys.readouterr().err
    (tmp_path / ".parts").mkdir()
    assert main(["compare", str(tmp_path)]) == 2
    assert "--resume" in capsys.readouterr().err


def test_iso3_list_groups_are_shown_as_changes(tmp_path, capsys):
    out = tmp_path / "f"
    argv = [
        "sweep",
        "--param",
        "founders=EST,LVA,LTU,FIN,SWE,NOR,DNK,ISL,POL,UKR|"
        "EST,LVA,LTU,FIN,SWE,NOR,DNK,ISL,POL,UKR,HUN|EST,LVA,LTU,FIN,SWE,NOR,DNK,ISL,POL",
        "--reps",
        "2",
        "--steps",
        "3",
        "--workers",
        "1",
        "--quiet",
        "--out",
        str(out),
    ]
    assert sweep_fakes.main(argv) == 0
    capsys.readouterr()
    assert main(["compare", str(out), "--metric", "final_parity"]) == 0
    printed = capsys.readouterr().out
    assert "founders=as base" in printed and "founders=+HUN" in printed
    assert "founders=-UKR" in printed
    table = pd.read_csv(out / "compare.csv")
    assert table.founders.str.startswith("EST,LVA").all()  # the CSV keeps full values


# --- issue 15: rounding is not spread; messages are not cut mid-word -------------------------


def test_a_spread_that_is_rounding_prints_as_zero(capsys):
    """Issue 15: compare printed sd 1.197e-16 for a column that is 0.7 in every run."""
    from coalition_sim.analysis.compare import format_table

    constant = [0.7, 0.7000000000000001, 0.7, 0.6999999999999998]
    tiny = [1e-20, 1e-20 + 1e-35, 1e-20]  # small values: their own scale, not 1e-12 absolute
    real = [0.7, 0.7000001, 0.7]  # a difference in the 7th digit is a spread
    runs = pd.DataFrame(
        {
            "status": "ok",
            "g": ["c"] * 4 + ["t"] * 3 + ["r"] * 3,
            "x": constant + tiny + real,
        }
    )
    table = summary_table(runs, ["g"], ["x"]).set_index("g")
    assert np.std(constant, ddof=1) > 0  # what the plain formula gives
    assert table.loc["c", "sd"] == 0.0
    assert (table.loc["c", "ci95_low"], table.loc["c", "ci95_high"]) == (
        table.loc["c", "mean"], table.loc["c", "mean"]
    )  # fmt: skip
    assert table.loc["t", "sd"] == 0.0
    assert table.loc["r", "sd"] == pytest.approx(np.std(real, ddof=1))
    printed = format_table(summary_table(runs, ["g"], ["x"]), ["g"])
    assert "e-16" not in printed and "e-17" not in printed


def test_a_library_message_is_shortened_at_a_word():
    from coalition_sim.errors import brief

    message = (
        "Could not open Parquet input source 's/runs.parquet': Parquet magic bytes not "
        "found in footer. Either the file is corrupted or this is not a parquet file.\n"
        "second line"
    )
    for width in (40, 80, 119, 120, 121, 160):
        short = brief(message, width)
        assert len(short) <= width and "second line" not in short
        words = message.splitlines()[0].split()
        kept = short.removesuffix(" ...").split()
        assert kept == words[: len(kept)], short  # whole words only
    assert brief(message, 500) == message.splitlines()[0]


def test_the_error_for_a_truncated_runs_file_is_whole_words(swept, tmp_path, capsys):
    """Issue 15: the message was cut mid-word: "Either the file is co)"."""
    import shutil

    out = tmp_path / "cut"
    shutil.copytree(swept, out)
    with open(out / "runs.parquet", "r+b") as handle:
        handle.truncate(3000)
    assert main(["compare", str(out)]) == 2
    line = capsys.readouterr().err.strip()
    assert len(line.splitlines()) == 1
    assert "magic bytes not found in footer" in line
    assert "Either the file is corrupted or this is not a parquet file" in line
    assert line.endswith(
        f"'coalition-sim sweep --resume {out}' moves the damaged file aside and runs its runs again"
    )
