"""`coalition_sim.sweep(result="ema")`: the EMA workbench's (experiments, outcomes) pair.

The pair must hold the same runs as the DataFrame the same call returns by default, typed
as EMA's ``perform_experiments`` types its own, and go straight into EMA's analysis.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import coalition_sim
from coalition_sim.errors import InputError
from coalition_sim.outcomes import OUTCOMES

#: A small grid touching every kind of varied parameter: a choice, a float range, an
#: optional integer with "never", a plain integer; two replications of each point.
PARAMS = {
    "admission_rule": ["unanimity", "qmv"],
    "readiness": (0.5, 0.9, 2),
    "us_withdrawal_step": [None, 4],
    "steps": [6, 10],
}
CALL = {"params": PARAMS, "reps": 2, "seed": 11}


@pytest.fixture(scope="module")
def both():
    runs = coalition_sim.sweep(**CALL)
    experiments, outcomes = coalition_sim.sweep(**CALL, result="ema")
    return runs, experiments, outcomes


def test_experiments_hold_the_varied_parameters_and_emas_id_columns(both):
    runs, experiments, _ = both
    assert len(experiments) == len(runs) == 2 * 2 * 2 * 2 * 2
    assert experiments.columns.tolist() == [*PARAMS, "scenario", "policy", "model"]
    assert experiments.index.equals(pd.RangeIndex(len(runs)))  # row i is run i
    assert runs["run_id"].tolist() == list(range(len(runs)))
    dtypes = experiments.dtypes.astype(str).to_dict()
    assert dtypes == {
        "admission_rule": "category",
        "readiness": "float64",
        "us_withdrawal_step": "category",  # 'never' and 4: a set of values, as discover reads it
        "steps": "int64",
        "scenario": "category",
        "policy": "category",
        "model": "category",
    }
    assert experiments["admission_rule"].astype(str).tolist() == runs["admission_rule"].tolist()
    assert experiments["readiness"].tolist() == runs["readiness"].tolist()
    assert experiments["steps"].tolist() == runs["steps"].tolist()
    never = runs["us_withdrawal_step"].isna().to_numpy()
    withdrawal = experiments["us_withdrawal_step"].astype(object).to_numpy()
    assert never.any() and (~never).any()
    assert (withdrawal[never] == "never").all()
    assert (withdrawal[~never] == "4").all()  # text, as EMA sorts a category's values
    # the design point: the same for a point's two replications, new for the next point
    assert experiments["scenario"].astype(int).tolist() == runs["sample_id"].tolist()
    assert experiments["scenario"].astype(int).tolist()[:4] == [0, 0, 1, 1]
    assert set(experiments["policy"]) == {"None"} and set(experiments["model"]) == {"coalition_sim"}


def test_outcomes_are_the_registrys_stored_outcomes_as_arrays(both):
    runs, _, outcomes = both
    assert list(outcomes) == list(OUTCOMES)  # every stored outcome, in registry order
    assert all(type(values) is np.ndarray for values in outcomes.values())  # none failed
    assert all(values.shape == (len(runs),) for values in outcomes.values())
    for name, values in outcomes.items():
        kind = OUTCOMES[name].kind
        expected = {"count": np.int64, "flag": np.bool_, "text": np.object_}.get(kind, np.float64)
        assert values.dtype == expected, name
        column = runs[name]
        if kind == "step":  # missing (never reached) is NaN, not -1
            np.testing.assert_array_equal(values, column.to_numpy(dtype=float, na_value=np.nan))
        elif values.dtype == np.float64:  # NaN where a milestone lies beyond the horizon
            np.testing.assert_array_equal(values, column.to_numpy(dtype=float), err_msg=name)
        else:
            assert values.tolist() == column.tolist(), name
    assert np.isnan(outcomes["first_parity_step"]).any()  # some runs never reach parity
    # 2027's parity is a figure of step 8: missing in the runs of six quarters only
    np.testing.assert_array_equal(np.isnan(outcomes["parity_2027"]), runs["steps"] == 6)
    reached = ~np.isnan(outcomes["first_parity_step"])
    np.testing.assert_array_equal(outcomes["parity_reached"], reached)


def test_the_pair_is_the_same_runs_as_the_dataframe_for_the_same_seeds(both):
    runs, _, outcomes = both
    # the two calls ran separately: same master seed, so same run seeds and numbers
    np.testing.assert_array_equal(outcomes["final_parity"], runs["final_parity"].to_numpy())
    assert outcomes["join_order"].tolist() == runs["join_order"].tolist()


@pytest.mark.filterwarnings("ignore::Warning:ema_workbench.*")  # its pandas deprecations
def test_the_pair_goes_straight_into_the_ema_workbenchs_prim(both):
    _, experiments, outcomes = both
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA warns about optional packages at import
        from ema_workbench.analysis import prim

    # EMA drops 'scenario' and the single-valued 'policy' and 'model' by itself
    box = prim.Prim(experiments, outcomes["final_parity"] >= 0.45, mass_min=0.1).find_box()
    restricted = {name for name in box.box_lim.columns if name in PARAMS}
    assert set(box.box_lim.columns) <= set(PARAMS)
    # usable strength is equipment fielded at its readiness: parity rises with readiness
    assert "readiness" in restricted
    assert box.box_lim["readiness"].min() > 0.5
    assert 0 < box.density <= 1 and 0 < box.coverage <= 1


def test_failed_runs_are_masked_as_ema_masks_failed_experiments(monkeypatch):
    from coalition_sim.engine import inputs

    real = inputs.build

    def build(dataset, scenarios, *args, **kwargs):
        if any(s["reliability"] == 0.8 for s in scenarios):
            raise RuntimeError("a deliberate failure at reliability 0.8")
        return real(dataset, scenarios, *args, **kwargs)

    monkeypatch.setattr(inputs, "build", build)
    call = {"params": {"reliability": [0.4, 0.8]}, "reps": 3, "steps": 6, "seed": 2}
    with pytest.warns(RuntimeWarning, match="3 of 6 runs failed"):
        runs = coalition_sim.sweep(**call)
    with pytest.warns(RuntimeWarning, match="3 of 6 runs failed"):
        experiments, outcomes = coalition_sim.sweep(**call, result="ema")
    failed = (runs["status"] == "error").to_numpy()
    assert failed.tolist() == [False] * 3 + [True] * 3
    assert experiments["reliability"].tolist() == [0.4] * 3 + [0.8] * 3  # every run has a row
    for name, values in outcomes.items():
        assert isinstance(values, np.ma.MaskedArray), name
        np.testing.assert_array_equal(np.ma.getmaskarray(values), failed)
        kept, expected = values.compressed(), runs.loc[~failed, name]
        if OUTCOMES[name].kind == "step":
            np.testing.assert_array_equal(kept, expected.to_numpy(dtype=float, na_value=np.nan))
        elif kept.dtype == np.float64:  # NaN where a milestone lies beyond the horizon
            np.testing.assert_array_equal(kept, expected.to_numpy(dtype=float), err_msg=name)
        else:
            assert kept.tolist() == expected.tolist(), name
    assert outcomes["final_parity"].mean() == pytest.approx(runs["final_parity"].mean())


def test_an_unknown_result_is_refused_before_anything_runs(tmp_path):
    out = tmp_path / "never-written"
    with pytest.raises(InputError) as error:
        coalition_sim.sweep(params={"reliability": [0.5]}, result="xarray", out=out)
    assert str(error.value) == "result: 'xarray' is not allowed; allowed: runs, ema"
    assert not out.exists()
