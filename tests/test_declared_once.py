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
