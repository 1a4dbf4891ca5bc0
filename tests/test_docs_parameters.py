"""docs/parameters.md is the schema's reference, current, and every parameter is documented."""

from __future__ import annotations

from pathlib import Path

from coalition_sim.parameters import SCHEMA, reference_markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "parameters.md"


def test_the_reference_page_is_current():
    assert DOC.read_text(encoding="utf-8") == reference_markdown(), (
        "docs/parameters.md is stale: run coalition-sim scenarios reference > docs/parameters.md"
    )


def test_every_parameter_has_a_unit_a_range_a_default_and_a_source():
    for p in SCHEMA.values():
        assert p.unit and p.help and p.source, p.name
        assert p.describe_allowed(), p.name
        if p.kind in ("int", "float"):
            assert p.low is not None and p.high is not None, p.name
            assert p.default is None or p.low <= p.default <= p.high, p.name
        assert f"| {p.name} |" in DOC.read_text(encoding="utf-8"), p.name
