"""The dashboard runs on an analyst's edition of the data (--states/--borders)."""

import csv
from pathlib import Path

from coalition_sim.cli import main
from coalition_sim.dashboard.app import opening_dataset
from coalition_sim.dashboard.controls import make_run_class
from coalition_sim.datasets import DATA_DIR, load_dataset
from coalition_sim.parameters import PRESETS


def poland_at(tmp_path: Path, pct: str) -> Path:
    """The packaged states file with Poland's latest defence share (2025) set to ``pct``."""
    rows = list(csv.DictReader((DATA_DIR / "european_states.csv").open(encoding="utf-8")))
    next(r for r in rows if r["iso3"] == "POL")["defence_pct_gdp_2025"] = pct
    path = tmp_path / "states.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_runs_use_the_dataset_given(tmp_path):
    states = poland_at(tmp_path, "9.0")
    dataset = opening_dataset(str(states), None)
    run = make_run_class(PRESETS["baseline"], PRESETS, dataset)()
    assert run.sim.state_traits("POL")["defence_pct_gdp"] == 9.0
    packaged = make_run_class(PRESETS["baseline"], PRESETS)()
    assert packaged.sim.state_traits("POL")["defence_pct_gdp"] == 4.3  # NATO's 2025 estimate


def test_without_files_the_packaged_data_is_used():
    assert opening_dataset(None, None) is None
    assert opening_dataset("", "") is None


def test_a_bad_file_is_refused_by_the_command_before_the_server_starts(tmp_path, capsys):
    states = poland_at(tmp_path, "abc")
    assert main(["dashboard", "--states", str(states), "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "row" in err and "defence_pct_gdp_2025" in err and len(err.strip().splitlines()) == 1
    load_dataset()  # the packaged data still loads
