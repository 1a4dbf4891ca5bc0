"""Writing a run's results atomically: parquet tables and metadata.json."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coalition_sim import __version__
from coalition_sim.cli.common import CLI
from coalition_sim.errors import InputError
from coalition_sim.parameters import PRESETS
from coalition_sim.results import (
    check_out_dir,
    default_out_dir,
    run_metadata,
    write_atomically,
    write_run,
)
from coalition_sim.simulation import simulate

TABLES = {"steps": pd.DataFrame({"step": [0, 1], "parity": [0.5, 0.6]})}


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_write_atomically_creates_the_folder(tmp_path):
    out = tmp_path / "deep" / "run"
    assert write_atomically(out, TABLES, {"seed": np.int64(3)}) == out
    assert listing(out) == ["metadata.json", "steps.parquet"]
    pd.testing.assert_frame_equal(pd.read_parquet(out / "steps.parquet"), TABLES["steps"])
    assert json.loads((out / "metadata.json").read_text()) == {"seed": 3}
    # No staging folder is left beside it.
    assert listing(out.parent) == ["run"]


def test_an_existing_folder_is_refused_without_force_and_left_untouched(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    with pytest.raises(InputError) as info:
        write_atomically(out, TABLES, {})
    assert (
        info.value.render(CLI) == f"{out}: the folder exists; choose another --out or pass --force"
    )
    assert (
        str(info.value) == f"{out}: the folder exists; choose another output folder, or replace it"
    )
    assert listing(out) == ["mine.txt"]
    assert listing(tmp_path) == ["run"]


def test_force_replaces_the_folder_whole(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "states.parquet").write_text("an older run's table")
    write_atomically(out, TABLES, {"a": 1}, force=True)
    assert listing(out) == ["metadata.json", "steps.parquet"]
    assert listing(tmp_path) == ["run"]  # no .run.old left behind


def test_force_refuses_a_folder_holding_other_files(tmp_path):
    """Issue case 3: ``run --force`` deleted an unrelated notes.txt."""
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "metadata.json").write_text("{}")
    with pytest.raises(InputError, match=r"notes\.txt; replacing removes a run's results only"):
        write_atomically(out, TABLES, {"a": 1}, force=True)
    assert listing(out) == ["metadata.json", "notes.txt"]
    assert (out / "notes.txt").read_text() == "mine"


def test_an_existing_file_is_not_a_folder(tmp_path):
    out = tmp_path / "run"
    out.write_text("a file")
    # Issue 15: "the folder exists" about a file; say it is a file, with or without --force
    for force in (True, False):
        with pytest.raises(InputError) as info:
            check_out_dir(out, force=force)
        assert info.value.render(CLI) == f"{out} is a file, not a folder; choose another --out"
    check_out_dir(tmp_path / "new", force=False)  # nothing to complain about


def test_a_failure_while_writing_leaves_nothing(tmp_path, monkeypatch):
    out = tmp_path / "run"

    class Boom(RuntimeError):
        pass

    def fail(*args, **kwargs):
        raise Boom

    monkeypatch.setattr(pd.DataFrame, "to_parquet", fail)
    with pytest.raises(Boom):
        write_atomically(out, TABLES, {})
    assert listing(tmp_path) == []


def test_a_failure_while_replacing_keeps_the_old_folder(tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "metadata.json").write_text("old")
    circular: dict = {}
    circular["self"] = circular  # json cannot write it
    with pytest.raises(ValueError, match="Circular"):
        write_atomically(out, TABLES, circular, force=True)
    assert listing(tmp_path) == ["run"]
    assert listing(out) == ["metadata.json"]
    assert (out / "metadata.json").read_text() == "old"


def test_default_out_dir_is_new_and_named_after_the_run(tmp_path):
    first = default_out_dir("baseline", 7, root=tmp_path)
    assert first.parent == tmp_path
    assert first.name.startswith("baseline-seed7-")
    assert not first.exists()
    first.mkdir()
    second = default_out_dir("baseline", 7, root=tmp_path)
    assert second != first
    assert not second.exists()


@pytest.fixture(scope="module")
def small_run():
    return simulate(PRESETS["us-withdrawal"], seed=5, steps=6, collect_states=True)


def test_run_metadata(small_run):
    meta = run_metadata(
        small_run,
        dataset_sources={"states": "s.csv", "borders": "b.csv"},
        command="coalition-sim run",
    )
    assert meta["version"] == __version__
    assert meta["seed"] == 5
    assert meta["steps"] == 6
    assert meta["scenario"]["name"] == "us-withdrawal"
    assert meta["parameters"] == small_run.scenario.flat()
    assert meta["data"] == {"states": "s.csv", "borders": "b.csv"}
    assert meta["command"] == "coalition-sim run"
    assert meta["join_order"][0] == {"iso3": "EST", "step": 0}
    assert set(meta["timings_s"]) >= {"build_s", "run_s"}
    # "never" (-1) and figures of a step beyond the horizon (NaN) are written as null:
    # six quarters end before 2027's milestone (step 8) and 2030's (step 20)
    outcomes = small_run.outcomes
    assert math.isnan(outcomes["parity_2027"]) and math.isnan(outcomes["parity_2030"])
    nulls = {"parity_2027", "parity_2030"} | {
        name for name in ("first_parity_step", "gap_closed_step") if outcomes[name] == -1
    }
    assert meta["outcomes"] == {
        name: None if name in nulls else value for name, value in outcomes.items()
    }
    assert not any(isinstance(v, float) and math.isnan(v) for v in meta["outcomes"].values())
    json.dumps(meta, default=str)


def test_write_run_files_round_trip(small_run, tmp_path):
    out = write_run(small_run, tmp_path / "r", dataset_sources={"states": "x", "borders": "y"})
    assert listing(out) == ["events.parquet", "metadata.json", "states.parquet", "steps.parquet"]
    pd.testing.assert_frame_equal(pd.read_parquet(out / "steps.parquet"), small_run.steps)
    pd.testing.assert_frame_equal(pd.read_parquet(out / "states.parquet"), small_run.states)
    events = pd.read_parquet(out / "events.parquet")
    pd.testing.assert_frame_equal(events, small_run.events)
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["parameters"]["us_withdrawal_step"] == 4
    assert meta["parameters"]["founders"] == list(PRESETS["baseline"]["founders"])


def test_write_run_without_states(tmp_path):
    result = simulate(PRESETS["baseline"], steps=2)
    out = write_run(result, tmp_path / "r", dataset_sources={})
    assert "states.parquet" not in listing(out)
