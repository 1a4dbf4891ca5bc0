"""Sweep specification, samplers, seeds and storage: fast unit tests, no model runs."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coalition_sim.errors import InputError
from coalition_sim.folders import atomic_write
from coalition_sim.parameters import FOUNDERS, PRESETS, SCHEMA
from coalition_sim.sweeps import storage
from coalition_sim.sweeps.design import (
    SweepSpec,
    build_spec,
    load_sweep_file,
    parse_param,
    spec_from_dict,
)
from coalition_sim.sweeps.sampling import build_design, decode, salib_problem
from coalition_sim.sweeps.seeds import SEED_MASK, run_id, run_seed, run_seeds_of, split_run_id

BASE = PRESETS["baseline"]


# --- --param ------------------------------------------------------------------------------


def test_range_with_points_is_evenly_spaced():
    p = parse_param("reliability=0.5:0.9:3", BASE)
    assert p.is_range and p.grid_values() == pytest.approx([0.5, 0.7, 0.9])


def test_int_range_rounds_and_drops_duplicates():
    p = parse_param("exit_patience=1:3:5", BASE)
    assert p.grid_values() == [1, 2, 3]


def test_value_lists_categorical_bool_optional_and_per_state():
    assert parse_param("admission_rule=unanimity,qmv", BASE).values == ("unanimity", "qmv")
    assert parse_param("us_withdrawal_step=4,never", BASE).values == (4, None)
    p = parse_param("state.hun.reliability=0.1,0.35", BASE)
    assert p.name == "state.HUN.reliability" and p.values == (0.1, 0.35)


def test_iso3_list_alternatives_are_separated_by_bars():
    p = parse_param("founders=EST,LVA|EST,LVA,UKR", BASE)
    assert p.values == (["EST", "LVA"], ["EST", "LVA", "UKR"])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("relability=0.1,0.2", "unknown parameter 'relability' (did you mean reliability?)"),
        ("reliability=0.5:1.5:3", "reliability: 1.5 is out of range; allowed: float in [0, 1]"),
        ("reliability=0.9:0.5:3", "must be below its stop"),
        ("admission_rule=unanimity,veto", "admission_rule: 'veto' is not allowed"),
        ("state.HUN.loyalty=0.1", "unknown trait 'loyalty'"),
        ("state.HUN.reliability=2", "state.HUN.reliability: 2.0 is out of range"),
        ("seed=1,2", "seed: cannot be swept"),
        ("reliability", "write NAME=START:STOP:NUM"),
        ("reliability=0:1:x", "NUM 'x' is not a whole number"),
    ],
)
def test_bad_param_names_the_field(text, fragment):
    with pytest.raises(InputError) as error:
        parse_param(text, BASE)
    assert fragment in str(error.value)
    assert "\n" not in str(error.value)


def test_errors_match_run_set_messages():
    """The same value is refused with the same words by --param and by run's --set."""
    for text in ("reliability=1.5", "admission_rule=veto", "steps=0"):
        with pytest.raises(InputError) as by_run:
            BASE.with_assignments([text])
        with pytest.raises(InputError) as by_sweep:
            parse_param(text, BASE)
        assert str(by_sweep.value) == str(by_run.value)


def test_grid_range_needs_points_but_lhs_does_not():
    with pytest.raises(InputError, match="a grid needs a number of points"):
        build_spec(params=["reliability=0.5:0.9"])
    spec = build_spec(params=["reliability=0.5:0.9", "cost_advantage=3:5"], sample="lhs", samples=8)
    assert len(build_design(spec)) == 8


def test_samplers_need_samples_and_params():
    with pytest.raises(InputError, match="give the sample size"):
        build_spec(params=["reliability=0.5:0.9"], sample="lhs")
    with pytest.raises(InputError, match="at least one parameter"):
        build_spec(sample="morris", samples=4)
    with pytest.raises(InputError, match="at least two"):
        build_spec(params=["reliability=0.5:0.9"], sample="sobol", samples=4)


def test_steps_and_set_become_fixed_changes():
    spec = build_spec(params=["reliability=0.5,0.9"], assignments=["admission_rule=qmv"], steps=7)
    assert spec.fixed == {"admission_rule": "qmv", "steps": 7}
    assert spec.base_scenario()["steps"] == 7
    with pytest.raises(InputError, match="steps"):
        build_spec(steps=0)


def test_spec_round_trips_through_metadata_form():
    spec = build_spec(
        params=["founders=EST,LVA|EST,LVA,UKR", "reliability=0.5:0.9:2", "admission_rule=core"],
        reps=3,
        seed=9,
    )
    again = spec_from_dict(spec.to_dict())
    assert again.fingerprint() == spec.fingerprint()
    assert list(build_design(again).settings) == build_design(spec).settings


# --- sweep files ----------------------------------------------------------------------------


def test_sweep_file(tmp_path):
    path = tmp_path / "h.toml"
    path.write_text(
        'name = "h"\nsample = "grid"\nreps = 4\nsteps = 12\nseed = 5\n'
        "[set]\nus_withdrawal_step = 4\n"
        "[params]\n"
        "us_commitment_after = [0.0, 0.4]\n"
        '"state.HUN.reliability" = { start = 0.1, stop = 0.5, num = 3 }\n'
        'admission_rule = ["unanimity", "qmv"]\n'
        'founders = [["EST", "LVA"], ["EST", "LVA", "UKR"]]\n'
    )
    spec, steps = load_sweep_file(path)
    assert steps == 12 and spec.reps == 4 and spec.seed == 5 and spec.name == "h"
    assert spec.fixed == {"us_withdrawal_step": 4, "steps": 12}
    assert len(build_design(spec)) == 2 * 3 * 2 * 2
    # command-line options override the file
    spec2 = build_spec(sweep_file=str(path), reps=1, params=["admission_rule=core"])
    assert spec2.reps == 1 and spec2.params[-1].values == ("core",)


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ("reps = 0\n", "reps: 0 must be a whole number >= 1"),
        ("sample = 'random'\n", "sample: 'random' is not allowed"),
        ("colour = 1\n", "unknown key 'colour'"),
        ("[params]\nreliability = [0.5, 2.0]\n", "reliability: 2.0 is out of range"),
        ("[params]\nreliability = { start = 0.1 }\n", "params.reliability: write"),
        ("[set]\nadmission_rule = 'veto'\n", "admission_rule: 'veto' is not allowed"),
        ("reps = [", "malformed TOML"),
    ],
)
def test_bad_sweep_file_names_file_and_field(tmp_path, body, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(body)
    with pytest.raises(InputError) as error:
        load_sweep_file(path)
    assert str(error.value).startswith(str(path)) and fragment in str(error.value)


def test_missing_sweep_file(tmp_path):
    with pytest.raises(InputError, match="sweep file not found"):
        load_sweep_file(tmp_path / "nope.toml")


# --- sampling -------------------------------------------------------------------------------


def test_grid_order_is_row_major():
    spec = build_spec(params=["reliability=0.5,0.9", "admission_rule=unanimity,qmv,core"])
    settings = build_design(spec).settings
    assert [(s["reliability"], s["admission_rule"]) for s in settings[:4]] == [
        (0.5, "unanimity"),
        (0.5, "qmv"),
        (0.5, "core"),
        (0.9, "unanimity"),
    ]


def test_sobol_and_morris_sizes_and_determinism():
    params = ["reliability=0.5:0.9", "cost_advantage=3:5", "admission_rule=unanimity,qmv"]
    sobol = build_spec(params=params, sample="sobol", samples=8)
    morris = build_spec(params=params, sample="morris", samples=5)
    assert len(build_design(sobol)) == 8 * (3 + 2)
    assert len(build_design(morris)) == 5 * (3 + 1)
    assert np.array_equal(build_design(sobol).matrix, build_design(sobol).matrix)
    other_seed = build_spec(params=params, sample="sobol", samples=8, seed=2)
    assert not np.array_equal(build_design(sobol).matrix, build_design(other_seed).matrix)
    values = {s["admission_rule"] for s in build_design(morris).settings}
    assert values == {"unanimity", "qmv"}


def test_lhs_covers_each_stratum_once():
    spec = build_spec(params=["reliability=0:1", "cost_advantage=3:5"], sample="lhs", samples=10)
    x = build_design(spec).matrix[:, 0]
    assert sorted(np.floor(x * 10).astype(int)) == list(range(10))


@settings(max_examples=60, deadline=None)
@given(st.floats(-1.0, 6.0))
def test_decode_stays_within_allowed_values(x):
    base = BASE
    cats = parse_param("admission_rule=unanimity,qmv,core", base)
    ints = parse_param("exit_patience=1:4", base)
    reals = parse_param("reliability=0.2:0.8", base)
    assert decode(cats, x) in cats.values
    assert 1 <= decode(ints, x) <= 4 and isinstance(decode(ints, x), int)
    assert 0.2 <= decode(reals, x) <= 0.8
    problem = salib_problem((cats, ints, reals))
    assert problem["bounds"] == [[0.0, 3.0], [1.0, 5.0], [0.2, 0.8]]


# --- seeds ----------------------------------------------------------------------------------


def test_seeds_are_distinct_stable_and_within_schema():
    seeds = {run_seed(1, s, r) for s in range(50) for r in range(20)}
    assert len(seeds) == 1000
    assert all(0 <= seed <= SEED_MASK for seed in seeds)
    assert max(seeds) <= SCHEMA["seed"].high
    # independent of the sweep's size: same (sample, replication) -> same seed
    assert run_seed(1, 3, 2) == run_seed(1, 3, 2) != run_seed(2, 3, 2)
    # many at once equal one at a time
    ids = np.arange(1000)
    assert run_seeds_of(1, ids, 20).tolist() == [run_seed(1, i // 20, i % 20) for i in ids]


@given(st.integers(0, 10_000), st.integers(1, 50))
def test_run_ids_round_trip(rid, reps):
    sample, rep = split_run_id(rid, reps)
    assert run_id(sample, rep, reps) == rid and 0 <= rep < reps


# --- storage --------------------------------------------------------------------------------


def _part(folder, seq, ids, **extra):
    table = pa.table({"run_id": pa.array(ids, pa.int64()), **extra})
    (folder / storage.PARTS).mkdir(exist_ok=True)
    storage.write_table(folder / storage.PARTS / f"runs-{seq:06d}.parquet", table)


def test_consolidate_sorts_dedupes_unifies_and_removes_parts(tmp_path):
    _part(tmp_path, 1, [5, 1, 3], value=[5.0, 1.0, 3.0], error=pa.nulls(3, pa.null()))
    _part(tmp_path, 2, [0, 4, 2, 3], value=[0, 4, 2, 99], error=["boom", None, None, None])
    _part(tmp_path, 3, [6], value=[6.0], extra=["x"])
    n = storage.consolidate(tmp_path, "runs", storage.RUNS, block_rows=2)
    table = pq.read_table(tmp_path / storage.RUNS)
    assert n == 7 and table.column("run_id").to_pylist() == list(range(7))
    assert table.column("value").to_pylist() == [0, 1, 2, 3, 4, 5, 6]  # first source wins
    assert table.schema.field("error").type == pa.string()
    assert table.column("extra").to_pylist() == [None] * 6 + ["x"]
    assert not (tmp_path / storage.PARTS).exists()
    assert list(storage.done_run_ids(tmp_path)) == list(range(7))


def test_consolidate_again_with_new_parts_keeps_earlier_rows(tmp_path):
    _part(tmp_path, 1, [0, 1], value=[0.0, 1.0])
    storage.consolidate(tmp_path, "runs", storage.RUNS)
    _part(tmp_path, 2, [1, 2], value=[-1.0, 2.0])
    storage.consolidate(tmp_path, "runs", storage.RUNS)
    table = pq.read_table(tmp_path / storage.RUNS)
    assert table.column("value").to_pylist() == [0.0, 1.0, 2.0]


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    def broken(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "x.json", broken)
    assert list(tmp_path.iterdir()) == []


def test_part_writer_flushes_by_rows(tmp_path):
    writer = storage.PartWriter(tmp_path, "runs", flush_rows=3)
    writer.add_rows([{"run_id": i} for i in range(2)])
    assert not (tmp_path / storage.PARTS).exists()
    writer.add_rows([{"run_id": i} for i in range(2, 7)])
    assert len(list((tmp_path / storage.PARTS).glob("runs-*.parquet"))) == 1
    writer.add_rows([{"run_id": 7}])
    writer.flush()
    assert writer.written == 8
    again = storage.PartWriter(tmp_path, "runs")
    assert again._next == 3  # numbering continues after a resume


def test_spec_defaults():
    spec = SweepSpec()
    assert spec.sample == "grid" and spec.reps == 1 and spec.seed == 1
    assert tuple(PRESETS["baseline"]["founders"]) == FOUNDERS


def test_a_sweep_file_that_is_not_utf8_is_bad_input(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(b'params = "caf\xe9"\n')
    with pytest.raises(InputError, match=r"latin\.toml: malformed TOML: the file is not UTF-8"):
        load_sweep_file(path)
