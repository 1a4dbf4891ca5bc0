"""The README and docs/ show what their commands print now: docs/generate.py keeps them so.

The drift test reruns every excerpt's command (with the sweeps the README's own bash
blocks make) and compares the text exactly, as ``python docs/generate.py --check`` does;
figures are checked by existence and by a marker naming the command that draws them
(PNG bytes vary across matplotlib versions). The other tests check the machinery on
small hand-made pages.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _generate():
    if "docs_generate" in sys.modules:
        return sys.modules["docs_generate"]
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["docs_generate"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


gen = _generate()


@pytest.mark.slow
def test_every_excerpt_shows_what_its_command_prints_now():
    """About 30 s: the README's excerpts (validate, run, sensitivity, discover, features,
    landscape) and docs/parameters.md. A command that warns on stderr fails too, so the
    README's Sobol example stays large enough not to warn."""
    drifts = gen.check()
    assert not drifts, "\n".join(str(d) for d in drifts) + "\nrun: python docs/generate.py"


def test_every_figure_shown_has_a_command_and_exists():
    assert gen.missing_figures() == []
    shown = {f.image for page in gen.pages() for f in page.figures}
    assert {
        "docs/discovery.png",
        "docs/dashboard.png",
        "docs/dashboard-ensemble.png",
        "docs/notebook-parity-bands.png",
        "experiments/figures/calibration.png",
    } <= shown


def test_the_readme_marks_its_excerpts_and_the_sweeps_they_read():
    readme = gen.load(gen.ROOT / "README.md")
    commands = [b.command for b in readme.blocks]
    assert any(c.startswith("coalition-sim discover results/lhs") for c in commands)
    assert any(c.startswith("coalition-sim run ") for c in commands)
    assert {"results/lhs", "results/sobol"} <= set(readme.setup)
    assert "--samples 256" in readme.setup["results/sobol"]
    for block in readme.blocks:  # text fences: ruff format leaves them alone
        if not block.markdown:
            assert block.body.startswith("```\n") and block.body.endswith("```\n"), block.command
    tables = [b.command for b in readme.blocks if b.markdown]
    assert tables == [
        "python experiments/report.py --calibration-table",
        "python experiments/report.py --holdout-table",
        "python experiments/report.py --coverage-table",
        "python experiments/report.py --stability-table",
        "python experiments/report.py --identification-table",
        "python experiments/report.py --hypotheses-table",
    ]


PAGE = """\
# A page

```bash
coalition-sim sweep --param a=1,2 \\
    --reps 2 --out results/x   # a comment
.venv/bin/coalition-sim sweep --out results/y
```

Before.

<!-- generated: cat results/x/made -->
```
stale
```
<!-- end generated -->

Between.

<!-- generated: echo two -->
```
two
```
<!-- end generated -->

After.
"""


def _page(tmp_path, text, setup=None):
    path = tmp_path / "page.md"
    path.write_text(text, encoding="utf-8")
    page = gen.load(path)
    if setup is not None:
        page.setup = setup
    return page


def test_blocks_are_found_and_replaced_leaving_the_rest_unchanged(tmp_path):
    page = _page(tmp_path, PAGE)
    assert [b.command for b in page.blocks] == ["cat results/x/made", "echo two"]
    assert [b.line for b in page.blocks] == [11, 19]
    fresh = gen.replace(page.text, page.blocks, ["```\nnew\n```\n", page.blocks[1].body])
    assert fresh == PAGE.replace("```\nstale\n```", "```\nnew\n```")
    again = gen.parse(fresh)[0]
    assert gen.replace(fresh, again, [b.body for b in again]) == fresh  # idempotent


def test_the_bash_blocks_give_the_command_that_makes_each_folder(tmp_path):
    page = _page(tmp_path, PAGE)
    assert page.setup == {
        "results/x": "coalition-sim sweep --param a=1,2 --reps 2 --out results/x",
        "results/y": "coalition-sim sweep --out results/y",
    }
    assert page.folders("coalition-sim discover results/x --plot a.png") == ["results/x"]
    assert page.folders("cat results/x/made") == ["results/x"]
    assert page.folders("cat results/xy") == []


def test_a_folder_is_made_once_before_the_commands_that_read_it(tmp_path):
    setup = {"results/x": "mkdir -p results/x && echo fresh >> results/x/made"}
    page = _page(tmp_path, PAGE, setup)
    work = tmp_path / "work"
    work.mkdir()
    workspace = gen.Workspace(page, work)
    assert gen.excerpts(page, workspace) == ["```\nfresh\n```\n", "```\ntwo\n```\n"]
    assert workspace.run("cat results/x/made; true") == "fresh\n"  # made once only


def test_check_reports_the_stale_block_only(tmp_path):
    setup = {"results/x": "mkdir -p results/x && echo fresh > results/x/made"}
    page = _page(tmp_path, PAGE, setup)
    drifts = gen.check([page])
    assert len(drifts) == 1
    assert drifts[0].command == "cat results/x/made"
    message = str(drifts[0])
    assert "page.md line 11: `cat results/x/made` now prints otherwise" in message
    assert "line 2 of the block shows 'stale', the command now prints 'fresh'" in message


def test_a_failing_or_warning_command_is_an_error_naming_it(tmp_path):
    page = _page(tmp_path, "")
    workspace = gen.Workspace(page, tmp_path)
    with pytest.raises(gen.DocsError, match=r"exit code 3: boom"):
        workspace.run("echo boom >&2; exit 3")
    with pytest.raises(gen.DocsError, match=r"`?echo out; echo careful >&2.*wrote on stderr"):
        workspace.run("echo out; echo careful >&2")
    with pytest.raises(gen.DocsError, match="exit code 1"):
        workspace.run("false | cat")  # a failure inside a pipe is not hidden
    assert workspace.run("echo out; (echo shown >&2) 2>&1") == "out\nshown\n"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<!-- generated: echo a -->\n```\na\n```\n", "line 1: a '<!-- generated"),
        ("x\n<!-- end generated -->\n", "line 2"),
        ("<!-- figure: echo a -->\n\n![a](a.png)\n", "line 1: a '<!-- figure"),
    ],
)
def test_malformed_markers_are_errors_naming_the_line(text, fragment):
    with pytest.raises(gen.DocsError, match=r"page\.md " + fragment.replace("(", r"\(")):
        gen.parse(text, "page.md")


def test_output_is_fenced_as_text_without_trailing_spaces():
    assert gen.render("a  \nb\n\n") == "```\na\nb\n```\n"
    assert gen.render("```python\nx\n```") == "````\n```python\nx\n```\n````\n"
    assert gen.render_markdown("| a |  \n|---|\n") == "\n| a |\n|---|\n\n"


def test_a_markdown_block_is_inserted_without_a_fence(tmp_path):
    text = "<!-- generated-markdown: printf '| a |\\n|---|\\n' -->\nold\n<!-- end generated -->\n"
    page = _page(tmp_path, text)
    (block,) = page.blocks
    assert block.markdown and block.command == "printf '| a |\\n|---|\\n'"
    fresh = gen.excerpts(page, gen.Workspace(page, tmp_path))
    assert fresh == ["\n| a |\n|---|\n\n"]


def test_an_image_without_a_marker_or_file_is_reported(tmp_path):
    text = "![a](a.png)\n\n<!-- figure: echo -->\n![b](b.png)\n"
    page = _page(tmp_path, text)
    problems = gen.missing_figures([page])
    assert len(problems) == 2
    assert "line 1: a.png has no '<!-- figure" in problems[0]
    assert "line 4: b.png does not exist" in problems[1]


def test_an_opening_marker_without_its_closing_arrow_is_named(tmp_path):
    text = "<!-- generated: echo a\n```\na\n```\n<!-- end generated -->\n"
    with pytest.raises(gen.DocsError, match=r"page\.md line 1: a '<!-- generated"):
        gen.parse(text, "page.md")
