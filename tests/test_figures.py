"""Figures a reader does not have to fight: whole-number counts, words not column names,
groups told apart without colour, labels that do not cover each other, axes that count.

Each test draws a figure from small hand-made data (or the packaged calibration) and
inspects the matplotlib objects, not the PNG bytes.
"""

from __future__ import annotations

import itertools

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

from coalition_sim.analysis import plots
from coalition_sim.analysis.labels import words


@pytest.fixture
def figures(monkeypatch):
    """The figures the sweep plot functions save, kept for inspection."""
    kept = []
    save = plots._save

    def keep(fig, path, **kwargs):
        kept.append(fig)
        return save(fig, path, **kwargs)

    monkeypatch.setattr(plots, "_save", keep)
    return kept


def _grid_runs() -> pd.DataFrame:
    """Two rules x three HUN reliabilities x 4 runs; small whole-number counts."""
    rng = np.random.default_rng(5)
    rows = [
        {"admission_rule": rule, "state.HUN.reliability": r}
        for rule, r in itertools.product(["unanimity", "qmv"], [0.1, 0.35, 0.75])
        for _ in range(4)
    ]
    runs = pd.DataFrame(rows)
    n = len(runs)
    runs["run_id"] = np.arange(n)
    runs["status"] = "ok"
    runs["final_members"] = rng.integers(31, 34, n)  # a 3-state span: matplotlib picks halves
    runs["vetoes_unreliable"] = rng.integers(0, 3, n)
    runs["first_parity_step"] = pd.array(rng.integers(1, 4, n), dtype="Int64")
    runs["final_parity"] = 1.2 + 0.01 * rng.random(n)
    return runs


def _ticks_in_view(ax) -> np.ndarray:
    low, high = ax.get_ylim()
    ticks = np.asarray(ax.get_yticks())
    return ticks[(ticks >= low) & (ticks <= high)]


def test_count_outcomes_have_whole_number_ticks(tmp_path, figures):
    metrics = ["final_members", "vetoes_unreliable", "first_parity_step", "final_parity"]
    plots.plot_distributions(
        _grid_runs(), ["admission_rule", "state.HUN.reliability"], metrics, tmp_path / "d.png"
    )
    # panels titled in words, long titles wrapped over lines
    titles = {ax.get_title().replace("\n", " "): ax for ax in figures[-1].axes if ax.get_visible()}
    axes = {metric: titles[words(metric)] for metric in metrics}
    for metric in ("final_members", "vetoes_unreliable"):
        ticks = _ticks_in_view(axes[metric])
        assert len(ticks) >= 2 and np.allclose(ticks, np.round(ticks)), (metric, ticks)
    ticks = _ticks_in_view(axes["first_parity_step"])
    assert np.allclose(ticks, np.round(ticks))
    parity = _ticks_in_view(axes["final_parity"])
    assert not np.allclose(parity, np.round(parity))  # a ratio keeps its decimals


def _steps(runs: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for run in runs.itertuples():
        for step in range(9):
            rows.append(
                {
                    "run_id": run.run_id,
                    "step": step,
                    "parity": 0.4 + 0.1 * step,
                    "members": 10 + step + (run.admission_rule == "qmv"),
                }
            )
    return pd.DataFrame(rows)


def test_time_course_legend_speaks_words_and_each_group_looks_different(tmp_path, figures):
    runs = _grid_runs()
    by = ["admission_rule", "state.HUN.reliability"]
    plots.plot_timecourse(_steps(runs), runs, by, tmp_path / "t.png", title="HUN and the rule")
    fig = figures[-1]
    (legend,) = fig.legends
    entries = [t.get_text() for t in legend.get_texts()]
    assert entries[:6] == [
        "unanimity, 0.1",
        "unanimity, 0.35",
        "unanimity, 0.75",
        "qmv, 0.1",
        "qmv, 0.35",
        "qmv, 0.75",
    ]
    assert "parity = 1" in entries
    assert not any("=" in e or "state." in e for e in entries[:6])
    title = legend.get_title().get_text()
    assert "admission rule" in title and "HUN reliability" in title
    lines = [line for line in fig.axes[0].get_lines() if line.get_label() in entries[:6]]
    looks = {(line.get_color(), line.get_linestyle(), line.get_marker()) for line in lines}
    assert len(looks) == 6  # six groups, six looks
    shapes = {(line.get_linestyle(), line.get_marker()) for line in lines}
    assert len(shapes) == 3  # the second parameter reads without colour
    members = next(ax for ax in fig.axes if ax.get_ylabel().startswith("members"))
    ticks = _ticks_in_view(members)
    assert np.allclose(ticks, np.round(ticks))
    assert fig._suptitle.get_text().splitlines() == [
        "HUN and the rule",
        "Time course of 24 runs by admission rule and HUN reliability (0 to 1)",
    ]


def test_every_sensitivity_warning_is_printed_on_the_figure(tmp_path, figures):
    table = pd.DataFrame(
        [
            {"metric": m, "parameter": p, "S1": 0.3, "S1_conf": 0.3, "ST": 0.4, "ST_conf": 0.3}
            for m in ("final_members", "final_parity")
            for p in ("reliability", "cost_advantage")
        ]
    )
    note = "2 warnings:\n- final_members: too wide\n- final_parity: too wide " + "x" * 200
    plots.plot_sensitivity(table, "sobol", tmp_path / "s.png", note=note)
    fig = figures[-1]
    (note_text,) = [t for t in fig.texts if t is not fig._suptitle]
    text = note_text.get_text()
    assert "- final_members: too wide" in text and "- final_parity: too wide" in text
    lowest_axis = min(ax.get_position().y0 for ax in fig.axes if ax.get_visible())
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()  # the saved figure's canvas is closed
    top_of_note = note_text.get_window_extent(renderer).y1 / fig.bbox.height
    assert top_of_note < lowest_axis  # the note sits below the panels, not over them


@pytest.fixture(scope="module")
def calibration_figure(tmp_path_factory):
    """The packaged calibration drawn by ``calibrate --plot``'s function, kept open."""
    import matplotlib.pyplot as plt

    from coalition_sim.calibration import report, stored

    kept = []
    close = plt.close
    plt.close = kept.append  # the function closes its figure after saving
    try:
        report.plot(stored.load(), tmp_path_factory.mktemp("cal") / "cal.png")
    finally:
        plt.close = close
    yield kept[0]
    close(kept[0])


def test_calibration_labels_do_not_cover_each_other(calibration_figure):
    from matplotlib.text import Text

    fig = calibration_figure
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes[:2]:
        labels = [t for t in ax.texts if len(t.get_text()) == 3]
        assert len(labels) == 12, ax.get_title()
        boxes = [Text.get_window_extent(t, renderer) for t in labels]
        for a, b in itertools.combinations(boxes, 2):
            assert not a.overlaps(b)
        assert "labelled: the 12 the hindcast misses most" in ax.get_title()


def test_calibration_posteriors_count_on_a_shared_axis(calibration_figure):
    fig = calibration_figure
    from coalition_sim.calibration import stored

    result = stored.load()
    posterior = [ax for ax in fig.axes[3:] if ax.patches]
    # one panel per fitted parameter and per threat of the hindcast's history
    assert len(result.parameters) == 13 and len(result.history) == 2
    assert len(posterior) == len(result.parameters) + len(result.history)
    labelled = [ax for ax in posterior if ax.get_ylabel() == "accepted sets"]
    assert len(labelled) == 2  # the first panel of each row
    assert all(len(ax.get_yticklabels()) > 1 for ax in labelled)
    top = {ax.get_ylim() for ax in posterior}
    assert len(top) == 1  # one scale: heights compare across parameters
    assert "weight of threat\n(utility per unit)" in [ax.get_title() for ax in posterior]


def test_two_binned_parameters_of_a_sampled_design_are_drawn(tmp_path, figures):
    """compare --plot on a Latin hypercube of two numeric parameters raised a TypeError:
    the quantile bins are categoricals, which do not add up as strings."""
    runs = _grid_runs()
    runs["reliability"] = pd.Categorical(
        np.where(runs["state.HUN.reliability"] < 0.3, "0.5 to 0.7", "0.7 to 0.9")
    )
    runs["spending_floor_pct"] = pd.Categorical(
        np.where(runs["admission_rule"] == "qmv", "2 to 3.5", "3.5 to 5")
    )
    by = ["reliability", "spending_floor_pct"]
    plots.plot_distributions(runs, by, ["final_members"], tmp_path / "d.png")
    labels = [t.get_text() for t in figures[-1].axes[0].get_xticklabels()]
    assert "0.5 to 0.7\n2 to 3.5" in labels
    plots.plot_timecourse(_steps(runs), runs, by, tmp_path / "t.png")
    entries = [t.get_text() for t in figures[-1].legends[0].get_texts()]
    assert "0.7 to 0.9, 3.5 to 5" in entries
