"""The `coalition-sim` command line.

Each subcommand lives in its own module of this package with a ``register(subparsers)``
function that adds its parser and sets ``handler``. Modules import heavy libraries (Mesa,
pandas, matplotlib) inside their handlers only, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from coalition_sim import __version__
from coalition_sim.errors import InputError

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "run",
    "states",
    "scenarios",
    "landscape",
    "protocols",
    "sweep",
    "compare",
    "sensitivity",
    "discover",
    "features",
    "dashboard",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="coalition-sim",
        description=(
            "Simulate European states negotiating a defence coalition without the "
            "United States: single runs, sweeps, a live dashboard."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        module = importlib.import_module(f"coalition_sim.cli.{name.replace('-', '_')}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; bad input gives one line on stderr and exit code 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # recorded in metadata
    try:
        return int(args.handler(args) or 0)
    except InputError as error:
        print(f"coalition-sim {args.command}: error: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print(f"coalition-sim {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
