"""Regenerate every excerpt of command output and every figure of README.md and docs/.

Usage, from the repository root, with the package installed (``pip install -e .``)::

    python docs/generate.py                     # rerun everything: excerpts, figures
    python docs/generate.py --check             # rerun the excerpts, compare, write nothing
    python docs/generate.py --list              # every block and figure, with its command
    python docs/generate.py --skip-screenshots  # no Chromium: keep the dashboard pictures
    python docs/generate.py --experiments       # also rerun experiments/report.py (minutes)

In a Markdown file (``README.md``, ``docs/*.md``) an excerpt is written as::

    <!-- generated: coalition-sim discover results/lhs --where "first_parity_step.notna()" -->
    ```
    what the command prints
    ```
    <!-- end generated -->

(``<!-- generated-markdown: COMMAND -->`` inserts output that is itself Markdown, a
table, without the fence), and a figure as an image line right below
``<!-- figure: COMMAND -->``. A reader of the source sees which command made each one.

The script runs each ``coalition-sim`` command with bash (pipes such as
``| fold -s -w 100`` work as in a terminal) in a scratch folder, one per Markdown file,
where a folder the command reads (``results/lhs``) is first made by the command of the
file's own ```` ```bash ```` blocks that writes it (``--out results/lhs``): the README
shows exactly the sweep its excerpts come from. The command's standard output replaces
the block (trailing spaces dropped); anything it writes on standard error is an error,
so a documented example cannot warn unnoticed. A ``coalition-sim`` figure command writes
the image path of its link inside the scratch folder, and the file is copied beside the
Markdown file. A ``python SCRIPT`` command is a script of this repository (it prints a
table or writes its own files) and runs from the repository root;
``docs/screenshots.py`` needs Chromium. ``--experiments`` also reruns
``experiments/report.py --protocols``, which rewrites ``experiments/README.md``, its
figures and ``figures/hypotheses.csv`` (the README's hypotheses table reads it; several
minutes). ``docs/parameters.md`` is written in full by ``coalition-sim scenarios reference``.

``--check`` reruns every excerpt's command and every whole generated file and reports
each one that differs; figures are checked by existence only (PNG bytes vary with the
matplotlib version). ``tests/test_docs_generated.py`` runs the same check.

Exit codes: 0 done (or no drift), 1 drift found by ``--check``, 2 a command failed or a
marker is malformed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"

#: Files written in full by one command (the path is relative to the repository root).
WHOLE_FILES = {"docs/parameters.md": "coalition-sim scenarios reference"}
#: The figure script that needs Chromium; the experiments' report, run with ``--experiments``.
SCREENSHOTS = "python docs/screenshots.py"
EXPERIMENTS = "python experiments/report.py --protocols"
#: Longest a single command may run, in seconds.
TIMEOUT = 1200

_BLOCK = re.compile(
    r"^<!-- generated(?P<markdown>-markdown)?: (?P<command>[^\n]+?) -->\n(?P<body>.*?)"
    r"^<!-- end generated -->$",
    re.MULTILINE | re.DOTALL,
)
_OPEN = re.compile(r"^<!-- generated(?:-markdown)?: .*$", re.MULTILINE)
_CLOSE = re.compile(r"^<!-- end generated -->$", re.MULTILINE)
_FIGURE = re.compile(
    r"^<!-- figure: (?P<command>.+?) -->\n!\[[^\]]*\]\((?P<image>[^)\s]+)\)", re.MULTILINE
)
_FIGURE_MARK = re.compile(r"^<!-- figure: .*$", re.MULTILINE)
_IMAGE = re.compile(r"!\[[^\]]*\]\((?P<image>[^)\s]+)\)")
_BASH = re.compile(r"^```(?:bash|sh|console)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)


class DocsError(Exception):
    """A malformed marker or a failed command: one line naming the file or the command."""


@dataclass(frozen=True)
class Block:
    """One generated excerpt: its command and where its body sits in the file's text."""

    command: str
    start: int
    end: int
    line: int
    body: str
    markdown: bool = False


@dataclass(frozen=True)
class Figure:
    """One generated figure: the command that draws it and the image path of its link."""

    command: str
    image: str
    line: int


@dataclass
class Page:
    """A Markdown file with its generated blocks, figures and the sweeps its bash blocks make."""

    path: Path
    text: str
    blocks: list[Block] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    setup: dict[str, str] = field(default_factory=dict)

    def folders(self, command: str) -> list[str]:
        """The folders made by this page's bash blocks that ``command`` names (or a file in)."""
        tokens = shlex.split(command)
        return [
            folder
            for folder in self.setup
            if any(token == folder or token.startswith(folder + "/") for token in tokens)
        ]

    @property
    def name(self) -> str:
        """The path relative to the repository root, for messages."""
        return (
            self.path.relative_to(ROOT).as_posix()
            if self.path.is_relative_to(ROOT)
            else str(self.path)
        )


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def parse(text: str, name: str = "<text>") -> tuple[list[Block], list[Figure]]:
    """The generated blocks and figures of a Markdown text, in order.

    Raises DocsError for an opening marker without its end (or the reverse), and for a
    figure marker not followed at once by an image line.
    """
    blocks = [
        Block(
            m["command"].strip(),
            m.start("body"),
            m.end("body"),
            _line(text, m.start()),
            m["body"],
            markdown=bool(m["markdown"]),
        )
        for m in _BLOCK.finditer(text)
    ]
    opened = {_line(text, m.start()) for m in _OPEN.finditer(text)}
    if len(opened) != len(blocks) or len(_CLOSE.findall(text)) != len(blocks):
        matched = {b.line for b in blocks}
        lines = sorted(opened - matched) or [_line(text, m.start()) for m in _CLOSE.finditer(text)]
        raise DocsError(
            f"{name} line {lines[0]}: a '<!-- generated: COMMAND -->' marker needs its own "
            "'<!-- end generated -->' line (and the reverse), without nesting"
        )
    for block in blocks:
        if "<!-- generated:" in block.body:
            raise DocsError(f"{name} line {block.line}: generated blocks cannot be nested")
    figures = [
        Figure(m["command"].strip(), m["image"], _line(text, m.start()))
        for m in _FIGURE.finditer(text)
    ]
    if len(figures) != len(_FIGURE_MARK.findall(text)):
        marked = {f.line for f in figures}
        bad = [_line(text, m.start()) for m in _FIGURE_MARK.finditer(text)]
        line = next(n for n in bad if n not in marked)
        raise DocsError(
            f"{name} line {line}: a '<!-- figure: COMMAND -->' marker must be followed at "
            "once by the image line ![...](PATH) it draws"
        )
    return blocks, figures


def render_markdown(output: str) -> str:
    """A command's output that is Markdown (a table), inserted as it is.

    Trailing spaces dropped; blank lines around it, so no renderer reads the markers
    as part of a table or paragraph.
    """
    lines = [line.rstrip() for line in output.strip("\n").split("\n")]
    return "\n".join(["", *lines, "", ""])


def render(output: str) -> str:
    """A command's output as the body of a block: a fenced text block, trailing spaces dropped.

    The fence has no language, so formatters (``ruff format`` formats Python blocks in
    Markdown) leave it alone; a longer fence is used if the output holds one.
    """
    lines = [line.rstrip() for line in output.rstrip("\n").split("\n")]
    fence = "```"
    while any(line.startswith(fence) for line in lines):
        fence += "`"
    return "\n".join([fence, *lines, fence]) + "\n"


def replace(text: str, blocks: Sequence[Block], bodies: Sequence[str]) -> str:
    """The text with each block's body replaced; everything outside the blocks unchanged."""
    out, position = [], 0
    for block, body in zip(blocks, bodies, strict=True):
        out += [text[position : block.start], body]
        position = block.end
    out.append(text[position:])
    return "".join(out)


def _commands(body: str) -> Iterator[str]:
    """The commands of a bash block: continuation lines joined, comments dropped."""
    for line in body.replace("\\\n", " ").splitlines():
        tokens = shlex.split(line, comments=True)
        if tokens:
            yield shlex.join(tokens)


def setup_commands(text: str) -> dict[str, str]:
    """Folder -> the ``coalition-sim`` command of a bash block that writes it (``--out``).

    ``.venv/bin/coalition-sim`` is read as ``coalition-sim``.
    """
    out: dict[str, str] = {}
    for match in _BASH.finditer(text):
        for command in _commands(match["body"]):
            tokens = shlex.split(command)
            if not tokens[0].endswith("coalition-sim"):
                continue
            tokens[0] = "coalition-sim"
            for flag, value in itertools.pairwise(tokens):
                if flag == "--out":
                    out.setdefault(value.rstrip("/"), shlex.join(tokens))
    return out


def load(path: Path) -> Page:
    """Read a Markdown file and find its generated blocks, figures and sweeps."""
    text = path.read_text(encoding="utf-8")
    page = Page(path, text)
    page.blocks, page.figures = parse(text, page.name)
    page.setup = setup_commands(text)
    return page


def pages() -> list[Page]:
    """README.md and every Markdown page of docs/."""
    return [load(ROOT / "README.md"), *(load(p) for p in sorted(DOCS.glob("*.md")))]


def _environment() -> dict[str, str]:
    """The commands' environment: this interpreter's scripts first on PATH, no progress bars.

    A fixed terminal width keeps ``--help`` text and wrapped tables the same everywhere.
    """
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(COLUMNS="100", TQDM_DISABLE="1", MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    if shutil.which("coalition-sim", path=env["PATH"]) is None:
        raise DocsError(
            f"coalition-sim is not installed beside {sys.executable}: run pip install -e . "
            "with this interpreter"
        )
    return env


class Workspace:
    """A scratch folder where a page's commands run, each once, after the sweeps they read."""

    def __init__(self, page: Page, folder: Path) -> None:
        """Prepare ``folder`` for ``page``'s commands (the parents of its figures exist)."""
        self.page = page
        self.folder = folder
        self.outputs: dict[str, str] = {}
        self.made: set[str] = set()
        self.env = _environment()
        for figure in page.figures:
            (folder / figure.image).parent.mkdir(parents=True, exist_ok=True)

    def _needs(self, command: str) -> list[str]:
        """Setup commands for the folders the command names, not yet made."""
        needed = []
        for folder in self.page.folders(command):
            setup = self.page.setup[folder]
            if folder not in self.made and setup != command:
                self.made.add(folder)
                needed.append(setup)
        return needed

    def run(self, command: str) -> str:
        """Standard output of ``command``; DocsError if it fails or writes on stderr.

        It runs in the scratch folder, or from the repository root for a ``python
        SCRIPT`` command (a script of the repository, named by its path there).
        """
        if command in self.outputs:
            return self.outputs[command]
        for setup in self._needs(command):
            print(f"  setup: {setup}", flush=True)
            self._execute(setup, self.folder, quiet_stderr=True)
        print(f"  run:   {command}", flush=True)
        cwd = ROOT if _figure_script(command) is not None else self.folder
        self.outputs[command] = self._execute(command, cwd, quiet_stderr=False)
        return self.outputs[command]

    def _execute(self, command: str, cwd: Path, *, quiet_stderr: bool) -> str:
        done = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=cwd,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        where = f"{self.page.name}: {command}"
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-1:] or ["(nothing on stderr)"]
            raise DocsError(f"{where}: exit code {done.returncode}: {tail[0]}")
        if done.stderr.strip() and not quiet_stderr:
            first = done.stderr.strip().splitlines()[0]
            raise DocsError(
                f"{where}: wrote on stderr ({first}); a documented example must run "
                "cleanly (or show its stderr with 2>&1)"
            )
        return done.stdout


def excerpts(page: Page, workspace: Workspace) -> list[str]:
    """The fresh body of every block of the page."""
    return [
        (render_markdown if block.markdown else render)(workspace.run(block.command))
        for block in page.blocks
    ]


@dataclass(frozen=True)
class Drift:
    """A block or file whose text differs from what its command prints now."""

    where: str
    command: str
    expected: str
    found: str

    def __str__(self) -> str:
        """One line: where, which command, and the first line that differs."""
        shown, now = self.found.splitlines(), self.expected.splitlines()
        k = next(
            (i for i, (a, b) in enumerate(zip(shown, now, strict=False)) if a != b),
            min(len(shown), len(now)),
        )
        first = shown[k] if k < len(shown) else "(nothing)"
        fresh = now[k] if k < len(now) else "(nothing)"
        return (
            f"{self.where}: `{self.command}` now prints otherwise; line {k + 1} of the block "
            f"shows {first!r}, the command now prints {fresh!r}"
        )


def check(selected: Sequence[Page] | None = None) -> list[Drift]:
    """Rerun every excerpt's command (and the whole generated files); what has drifted."""
    drifts: list[Drift] = []
    for page in selected if selected is not None else pages():
        if not page.blocks:
            continue
        with tempfile.TemporaryDirectory(prefix="coalition-docs-") as tmp:
            workspace = Workspace(page, Path(tmp))
            for block, body in zip(page.blocks, excerpts(page, workspace), strict=True):
                if body != block.body:
                    drifts.append(
                        Drift(f"{page.name} line {block.line}", block.command, body, block.body)
                    )
    if selected is None:
        drifts += check_whole_files()
    return drifts


def check_whole_files() -> list[Drift]:
    """Each file of WHOLE_FILES against its command's output."""
    drifts = []
    page = Page(ROOT / "README.md", "")
    with tempfile.TemporaryDirectory(prefix="coalition-docs-") as tmp:
        workspace = Workspace(page, Path(tmp))
        for name, command in WHOLE_FILES.items():
            fresh = workspace.run(command)
            found = (ROOT / name).read_text(encoding="utf-8")
            if fresh != found:
                drifts.append(Drift(name, command, fresh, found))
    return drifts


def missing_figures(selected: Sequence[Page] | None = None) -> list[str]:
    """Images shown without a figure marker, and marked figures whose file is missing."""
    problems = []
    for page in selected if selected is not None else pages():
        marked = {f.image for f in page.figures}
        for match in _IMAGE.finditer(page.text):
            image = match["image"]
            if image.startswith(("http://", "https://")):
                continue
            line = _line(page.text, match.start())
            if image not in marked:
                problems.append(
                    f"{page.name} line {line}: {image} has no '<!-- figure: COMMAND -->' "
                    "marker naming the command that draws it"
                )
            elif not (page.path.parent / image).is_file():
                problems.append(f"{page.name} line {line}: {image} does not exist")
    return problems


def _figure_script(command: str) -> str | None:
    """The repository script a ``python SCRIPT`` command runs, else None."""
    tokens = shlex.split(command)
    if tokens[0] == "python" and len(tokens) > 1:
        return tokens[1]
    return None


def regenerate(*, screenshots: bool = True, experiments: bool = False) -> list[str]:
    """Rewrite every block, figure and whole file; what was written or skipped, line by line."""
    report: list[str] = []
    scripts: dict[str, list[str]] = {}
    for page in pages():
        print(f"{page.name}:", flush=True)
        with tempfile.TemporaryDirectory(prefix="coalition-docs-") as tmp:
            workspace = Workspace(page, Path(tmp))
            text = replace(page.text, page.blocks, excerpts(page, workspace))
            for figure in page.figures:
                if _figure_script(figure.command) is not None:
                    scripts.setdefault(figure.command, []).append(f"{page.name}: {figure.image}")
                    continue
                workspace.run(figure.command)
                made = Path(tmp) / figure.image
                if not made.is_file():
                    raise DocsError(
                        f"{page.name} line {figure.line}: `{figure.command}` did not write "
                        f"{figure.image}"
                    )
                shutil.copyfile(made, page.path.parent / figure.image)
                report.append(f"drew {page.name}: {figure.image}")
        if text != page.text:
            page.path.write_text(text, encoding="utf-8")
            report.append(f"rewrote {page.name} ({len(page.blocks)} excerpts)")
        elif page.blocks:
            report.append(f"unchanged {page.name} ({len(page.blocks)} excerpts)")
    with tempfile.TemporaryDirectory(prefix="coalition-docs-") as tmp:
        workspace = Workspace(Page(ROOT / "README.md", ""), Path(tmp))
        for name, command in WHOLE_FILES.items():
            (ROOT / name).write_text(workspace.run(command), encoding="utf-8")
            report.append(f"wrote {name}")
    env = _environment()
    for command, shown in scripts.items():
        if command.startswith(SCREENSHOTS) and not screenshots:
            report.append(f"skipped `{command}` (--skip-screenshots): {', '.join(shown)}")
            continue
        _run_script(command, env)
        report.append(f"ran `{command}`: {', '.join(shown)}")
    if experiments:
        _run_script(EXPERIMENTS, env)
        report.append(f"ran `{EXPERIMENTS}`: experiments/README.md and experiments/figures/")
    return report


def _run_script(command: str, env: dict[str, str]) -> None:
    """Run a repository script from the repository root, its output shown as it comes."""
    print(f"run: {command}", flush=True)
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], cwd=ROOT, env=env, timeout=TIMEOUT, check=False
    )
    if done.returncode != 0:
        hint = " (without Chromium, use --skip-screenshots)" if command == SCREENSHOTS else ""
        raise DocsError(
            f"`{command}` (run from the repository root): exit code {done.returncode}{hint}"
        )


def listing() -> list[str]:
    """Every generated block, figure and file, with its command."""
    out = []
    for page in pages():
        for block in page.blocks:
            out.append(f"{page.name} line {block.line}: excerpt of `{block.command}`")
        for figure in page.figures:
            out.append(
                f"{page.name} line {figure.line}: figure {figure.image} by `{figure.command}`"
            )
        used = {f for item in [*page.blocks, *page.figures] for f in page.folders(item.command)}
        out += [f"{page.name}: {f} made by `{page.setup[f]}`" for f in page.setup if f in used]
    out += [f"{name}: written by `{command}`" for name, command in WHOLE_FILES.items()]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate, check or list; see the module's docstring."""
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare only; exit 1 on drift")
    mode.add_argument("--list", action="store_true", help="list the blocks, figures and files")
    parser.add_argument(
        "--skip-screenshots",
        action="store_true",
        help=f"do not run `{SCREENSHOTS}` (it needs Chromium)",
    )
    parser.add_argument(
        "--experiments",
        action="store_true",
        help=f"also run `{EXPERIMENTS}` (minutes; rewrites experiments/README.md)",
    )
    args = parser.parse_args(argv)
    try:
        if args.list:
            print("\n".join(listing()))
            return 0
        if args.check:
            drifts = check()
            problems = [str(d) for d in drifts] + missing_figures()
            for problem in problems:
                print(problem)
            if problems:
                print(f"{len(problems)} drifted or missing; run python docs/generate.py")
                return 1
            print("every excerpt matches what its command prints; every figure exists")
            return 0
        for line in regenerate(screenshots=not args.skip_screenshots, experiments=args.experiments):
            print(line)
        problems = missing_figures()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    except DocsError as error:
        print(f"docs/generate.py: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
