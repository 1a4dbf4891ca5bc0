"""Things declared once: the engine's state fields and the measures a run reports.

A second list of the same names drifts from the first (``members`` once meant a count in
one table and a join order in another). These tests read the source and fail when a
state field is listed again outside its declaration, or when a table keyed by measure
names appears outside the registry (:mod:`coalition_sim.outcomes`).
"""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

import coalition_sim
from coalition_sim.engine.state import State, initial
from coalition_sim.outcomes import REGISTRY

PACKAGE = Path(coalition_sim.__file__).parent
#: What State(...) is given directly: the rest come from the fields' declarations.
CONSTRUCTED = {"step", "terms", "counters", "totals"}


def _keyword_calls(name: str) -> list[tuple[Path, int, set[str]]]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == name:
                found.append((path, node.lineno, {k.arg for k in node.keywords if k.arg}))
    return found


def test_state_fields_are_listed_only_where_they_are_declared():
    calls = _keyword_calls("State")
    assert calls, "State is built somewhere"
    for path, line, named in calls:
        assert named <= CONSTRUCTED, f"{path.name}:{line} lists state fields again: {named}"


def test_every_state_field_is_allocated_from_its_declaration():
    state = initial(3, 5, threat=0.5, us_commitment=0.8, founder=[True] + [False] * 4,
                    pct=2.0, spending=1.0, utilisation=0.33, drones=1.5)  # fmt: skip
    for f in fields(State):
        shape = f.metadata.get("shape")
        value = getattr(state, f.name)
        if shape == "run":
            assert value.shape == (3, 1) and value.dtype == f.metadata["dtype"], f.name
        elif shape == "state":
            assert value.shape == (3, 5) and value.dtype == f.metadata["dtype"], f.name
    assert state.joined_step.tolist()[0] == [0, -1, -1, -1, -1]
    assert state.first_parity_step.tolist() == [[-1]] * 3


def _measure_tables() -> list[tuple[Path, int, set[str]]]:
    """Dict literals (outside the registry) keyed by three or more measure names."""
    names = {m.name for m in REGISTRY}
    found = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "outcomes.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                if len(keys & names) >= 3:
                    found.append((path, node.lineno, keys & names))
    return found


def test_measures_are_declared_only_in_the_registry():
    tables = _measure_tables()
    assert not tables, "tables of measures outside coalition_sim/outcomes.py: " + "; ".join(
        f"{p.relative_to(PACKAGE)}:{line} {sorted(keys)[:4]}" for p, line, keys in tables
    )


def test_the_table_finder_finds_a_second_table(tmp_path, monkeypatch):
    module = PACKAGE / "_second_table_for_the_test.py"
    module.write_text('LABELS = {"final_parity": "a", "final_members": "b", "cohesion": "c"}\n')
    try:
        assert [keys for _, _, keys in _measure_tables()] == [
            {"final_parity", "final_members", "cohesion"}
        ]
    finally:
        module.unlink()


def test_the_dashboards_charts_draw_registered_measures_with_their_legends():
    from coalition_sim.dashboard.charts import PANELS, _drawn
    from coalition_sim.outcomes import METRICS

    for panel in PANELS:
        assert set(panel.names) <= set(METRICS), panel.key
        drawn = _drawn(panel, {name: [0.0, 1.0] for name in panel.names})
        assert list(drawn) == [METRICS[name].legend for name in panel.names]
    # a short legend where the registry gives one, the label where it does not
    assert METRICS["parity"].legend == "parity" != METRICS["parity"].label
    assert METRICS["us_commitment"].legend == METRICS["us_commitment"].label
