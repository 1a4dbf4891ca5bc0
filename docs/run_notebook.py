"""Run the code of ``docs/notebook.md``, write ``docs/example.ipynb``, refresh its figure.

``python docs/run_notebook.py`` runs every ```python block of ``notebook.md`` in order in
one namespace, in a temporary folder (the page's ``out=`` folders and figures land
there), copies its figure of parity bands to ``docs/notebook-parity-bands.png`` (the
README shows it), and writes ``docs/example.ipynb``: the same page as a notebook, one
cell per block, without outputs. ``--check`` only runs the code. The tests run the same
code (``tests/test_docs_notebook.py``) and check that the notebook is current.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
PAGE = DOCS / "notebook.md"
NOTEBOOK = DOCS / "example.ipynb"
FIGURE = DOCS / "notebook-parity-bands.png"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n?", re.MULTILINE | re.DOTALL)


def cells(text: str) -> list[tuple[str, str]]:
    """The page as ``(kind, source)`` pairs: ``python`` for code blocks, ``markdown`` else.

    Fenced blocks in another language (a shell command) stay in the markdown around them.
    """
    out: list[tuple[str, str]] = []
    position = 0
    for match in _FENCE.finditer(text):
        if match.group(1) != "python":
            continue
        prose = text[position : match.start()].strip()
        if prose:
            out.append(("markdown", prose))
        out.append(("python", match.group(2).rstrip("\n")))
        position = match.end()
    tail = text[position:].strip()
    if tail:
        out.append(("markdown", tail))
    return out


def python_blocks(text: str) -> list[str]:
    """The page's Python code blocks, in order."""
    return [source for kind, source in cells(text) if kind == "python"]


def run_blocks(blocks: list[str], folder: Path) -> dict:
    """Run the blocks in order in one namespace with ``folder`` as the working directory.

    Matplotlib draws off screen (Agg). Returns the namespace.
    """
    import matplotlib

    matplotlib.use("Agg")
    namespace: dict = {"__name__": "__notebook__"}
    here = Path.cwd()
    os.chdir(folder)
    try:
        for number, source in enumerate(blocks, start=1):
            code = compile(source, f"notebook.md block {number}", "exec")
            exec(code, namespace)  # the page's own code, as a notebook runs it
    finally:
        os.chdir(here)
        import matplotlib.pyplot as plt

        plt.close("all")
    return namespace


def notebook(text: str) -> dict:
    """The page as an nbformat 4 notebook without outputs (deterministic cell ids)."""

    def lines(source: str) -> list[str]:
        parts = source.split("\n")
        return [line + "\n" for line in parts[:-1]] + [parts[-1]]

    out = []
    for number, (kind, source) in enumerate(cells(text), start=1):
        cell = {"cell_type": "markdown" if kind == "markdown" else "code", "id": f"cell-{number}"}
        cell["metadata"] = {}
        if kind == "python":
            cell.update(execution_count=None, outputs=[])
        cell["source"] = lines(source)
        out.append(cell)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def notebook_text(text: str) -> str:
    """The notebook file's text, as written to ``example.ipynb``."""
    return json.dumps(notebook(text), indent=1, ensure_ascii=False) + "\n"


def main() -> int:
    """Run the page; unless ``--check``, write the notebook and the README's figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only run the code")
    args = parser.parse_args()
    text = PAGE.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="coalition-notebook-") as tmp:
        run_blocks(python_blocks(text), Path(tmp))
        if not args.check:
            shutil.copyfile(Path(tmp) / "parity-bands.png", FIGURE)
    if not args.check:
        NOTEBOOK.write_text(notebook_text(text), encoding="utf-8")
        print(f"wrote {NOTEBOOK.name} and {FIGURE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
