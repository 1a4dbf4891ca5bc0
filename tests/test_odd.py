"""``docs/odd.md`` describes the model the code runs, and the code cites it.

The ODD page (Grimm et al. 2020) is the model's reference: every parameter of the schema,
every rule module and each of its public functions, and every measure of the outcome
registry must be named in it, so a rule or a parameter added without its description
fails here. The code's docstrings cite ``docs/odd.md`` (by section), never the design
notes outside the repository, and every section they cite exists. Each check is also run
on a page with a name removed, so that it cannot pass vacuously.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import coalition_sim.rules
from coalition_sim.outcomes import REGISTRY
from coalition_sim.parameters import SCHEMA

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "odd.md"
PACKAGE = ROOT / "coalition_sim"
#: A citation of a section: ``docs/odd.md``, *Section*.
CITATION = re.compile(r"docs/odd\.md`*,?\s+\*([^*]+)\*")


def rule_modules() -> dict[str, list[str]]:
    """Each module of ``coalition_sim/rules/`` with the public functions it defines."""
    out = {}
    for info in pkgutil.iter_modules(coalition_sim.rules.__path__):
        module = importlib.import_module(f"coalition_sim.rules.{info.name}")
        out[info.name] = sorted(
            name
            for name, value in inspect.getmembers(module, inspect.isfunction)
            if value.__module__ == module.__name__ and not name.startswith("_")
        )
    return out


def paragraphs(text: str) -> list[str]:
    return re.split(r"\n\s*\n", text)


def missing_parameters(text: str) -> list[str]:
    """Schema parameters not named as `name` in the page."""
    return [name for name in SCHEMA if f"`{name}`" not in text]


def missing_modules(text: str) -> list[str]:
    """Rule modules whose path the page does not give."""
    return [m for m in rule_modules() if f"coalition_sim/rules/{m}.py" not in text]


def missing_functions(text: str) -> list[str]:
    """``module.function`` for each public rule not named beside its module.

    A function counts as named when it appears in backticks in a paragraph that gives its
    module's path (the submodel's "Rules:" line), so that two modules' functions of the
    same name (``orders``) are each accounted for.
    """
    blocks = paragraphs(text)
    out = []
    for module, functions in rule_modules().items():
        path = f"coalition_sim/rules/{module}.py"
        near = "\n".join(b for b in blocks if path in b)
        out += [f"{module}.{f}" for f in functions if f"`{f}`" not in near]
    return out


def missing_measures(text: str) -> list[str]:
    """Measures of the outcome registry not named in the page."""
    return sorted({m.name for m in REGISTRY if f"`{m.name}`" not in text})


def headings(text: str) -> list[str]:
    return [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="module")
def page() -> str:
    return ODD.read_text(encoding="utf-8")


def test_the_page_follows_the_odd_protocol(page):
    titles = headings(page)
    for number, element in enumerate(
        (
            "Purpose and patterns",
            "Entities, state variables and scales",
            "Process overview and scheduling",
            "Design concepts",
            "Initialisation",
            "Input data",
            "Submodels",
        ),
        start=1,
    ):
        assert f"{number} {element}" in titles, element


def test_every_parameter_is_named(page):
    assert missing_parameters(page) == []


def test_every_rule_module_is_named(page):
    assert missing_modules(page) == []


def test_every_public_rule_is_named_beside_its_module(page):
    assert missing_functions(page) == []


def test_every_measure_is_named(page):
    assert missing_measures(page) == []


def test_the_checks_catch_a_missing_name(page):
    parameter = "adversary_ppp_factor"
    assert missing_parameters(page.replace(f"`{parameter}`", parameter)) == [parameter]
    assert missing_modules(page.replace("coalition_sim/rules/sums.py", "sums")) == ["sums"]
    # `next_stock` named only outside its module's paragraphs does not count
    without = page.replace("`next_stock`", "next_stock") + "\n\nAlso `next_stock`.\n"
    assert missing_functions(without) == ["capability.next_stock"]
    # a rule counts only where its own module's paragraph names it
    blocks = [
        b.replace("`war_losses`", "war_losses") if "coalition_sim/rules/adversary.py" in b else b
        for b in paragraphs(page)
    ]
    assert missing_functions("\n\n".join(blocks)) == ["adversary.war_losses"]
    assert missing_measures(page.replace("`gap_closed_step`", "gap closed")) == ["gap_closed_step"]


def test_no_file_of_the_package_cites_the_design_notes():
    assert PACKAGE / "engine" / "batch.py" in package_files()  # the search sees the code
    citing = [str(p.relative_to(PACKAGE)) for p in package_files() if "DESIGN.md" in read(p)]
    assert citing == [], "cite docs/odd.md (with its section) instead of DESIGN.md"


def cited_sections(text: str) -> list[str]:
    """The sections of ``docs/odd.md`` a text cites (``docs/odd.md``, *Section*)."""
    return [" ".join(c.split()) for c in CITATION.findall(" ".join(text.split()))]


def unknown_sections(page: str, sections) -> list[str]:
    """The cited sections that are no heading (nor part of one) of the page."""
    titles = [t.lower() for t in headings(page)]
    return [s for s in sections if not any(s.lower() in t for t in titles)]


def test_every_section_the_package_cites_exists(page):
    cited = {
        f"{p.relative_to(PACKAGE)}: {section}": section
        for p in package_files()
        if p.suffix == ".py"
        for section in cited_sections(read(p))
    }
    assert len(cited) >= 3, "the docstrings should cite sections of docs/odd.md"
    assert [k for k, s in cited.items() if unknown_sections(page, [s])] == []


def test_a_citation_of_a_missing_section_is_caught(page):
    text = """Rules of ``docs/odd.md``, *Weather*; and of
    ``docs/odd.md``, *Process overview and
    scheduling*."""
    sections = cited_sections(text)
    assert sections == ["Weather", "Process overview and scheduling"]
    assert unknown_sections(page, sections) == ["Weather"]
