"""docs/notebook.md works as written: its Python blocks run in order, in one namespace.

They run as a notebook would run them, in a temporary working directory (the page's
``out=`` folder and figures land there), with the sizes the page uses (a few seconds).
docs/example.ipynb is the same page as a notebook and must be current.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _runner():
    spec = importlib.util.spec_from_file_location("run_notebook", DOCS / "run_notebook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_pages_code_runs_in_order_and_shows_what_it_says(tmp_path):
    runner = _runner()
    blocks = runner.python_blocks((DOCS / "notebook.md").read_text(encoding="utf-8"))
    assert len(blocks) >= 6
    namespace = runner.run_blocks(blocks, tmp_path)
    assert (tmp_path / "one-run.png").stat().st_size > 10_000
    assert (tmp_path / "parity-bands.png").stat().st_size > 10_000
    assert (tmp_path / "spread" / "steps.parquet").is_file()
    result = namespace["result"]
    assert result.scenario.name == "us-withdrawal" and result.seed == 7
    table = namespace["table"]
    assert len(table) == 4 and (table["runs"] == 25).all()
    assert table["parity_reached"].between(0, 1).all()
    bands = namespace["bands"]
    assert list(bands.index) == list(range(41))
    assert (bands[0.05] <= bands[0.5]).all() and (bands[0.5] <= bands[0.95]).all()


def test_the_example_notebook_is_the_page():
    runner = _runner()
    text = (DOCS / "notebook.md").read_text(encoding="utf-8")
    assert (DOCS / "example.ipynb").read_text(encoding="utf-8") == runner.notebook_text(text), (
        "docs/example.ipynb is out of date: run python docs/run_notebook.py"
    )


def test_cells_split_prose_from_python_and_keep_other_blocks_in_the_prose():
    runner = _runner()
    text = "# T\n\n```bash\npip install x\n```\n\n```python\na = 1\n```\n\nend\n"
    assert runner.cells(text) == [
        ("markdown", "# T\n\n```bash\npip install x\n```"),
        ("python", "a = 1"),
        ("markdown", "end"),
    ]
