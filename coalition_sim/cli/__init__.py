"""The `coalition-sim` command line.

Each subcommand lives in its own module of this package with a ``register(subparsers)``
function that adds its parser and sets ``handler``. Modules import heavy libraries (Mesa,
pandas, matplotlib) inside their handlers only, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import signal
import sys
import threading
from collections.abc import Iterator

from coalition_sim.errors import (
    EXIT_INTERRUPTED,
    EXIT_OUTPUT,
    CoalitionSimError,
    Terminated,
    exit_codes_help,
    write_fault,
)
from coalition_sim.version import __version__

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "run",
    "states",
    "scenarios",
    "landscape",
    "protocols",
    "sweep",
    "calibrate",
    "validate",
    "compare",
    "sensitivity",
    "discover",
    "features",
    "dashboard",
)


def exit_codes() -> dict[str, tuple[int, ...]]:
    """The exit codes each command declares (``EXIT_CODES`` of its module), by name."""
    return {name: _module(name).EXIT_CODES for name in COMMANDS}


def _module(name: str):
    return importlib.import_module(f"coalition_sim.cli.{name.replace('-', '_')}")


class HelpFormatter(argparse.HelpFormatter):
    """Wrap one-line descriptions as usual; keep text laid out in lines as it is.

    Epilogs (examples, the exit codes) are written line by line and must stay so.
    """

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text.strip():
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


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
        _module(name).register(subparsers)
    for name, sub in subparsers.choices.items():
        codes = exit_codes_help(*_module(name).EXIT_CODES)
        sub.epilog = f"{sub.epilog.rstrip()}\n\n{codes}\n" if sub.epilog else f"{codes}\n"
        sub.formatter_class = HelpFormatter
    return parser


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Raise :class:`~coalition_sim.errors.Terminated` (a KeyboardInterrupt) on SIGTERM.

    ``kill PID``, a batch scheduler's time limit and a service manager stop a process
    with SIGTERM, whose default ends it at once: a sweep would leave its metadata at
    "running" and say nothing. As an exception it is handled as Ctrl-C is. Further
    SIGTERMs while the first is handled are ignored, so the saving is not cut short;
    the previous handler is restored at the end. Only the main thread can set handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise Terminated("SIGTERM")

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; every known failure gives one line on stderr and its exit code.

    The codes live in :mod:`coalition_sim.errors` (each exception class carries its
    own); every command's ``--help`` lists the ones it can give.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = list(sys.argv[1:] if argv is None else argv)  # recorded in metadata
    try:
        with sigterm_as_interrupt():
            return int(args.handler(args) or 0)
    except CoalitionSimError as error:
        from coalition_sim.cli.common import CLI

        print(f"coalition-sim {args.command}: error: {error.render(CLI)}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except KeyboardInterrupt as error:
        how = " (SIGTERM)" if isinstance(error, Terminated) else ""
        print(f"coalition-sim {args.command}: interrupted{how}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as error:
        # A write the command did not expect to fail (each command handles its own
        # results folder): still one line naming the file, not a traceback.
        reason = write_fault(error)
        if reason is None:
            raise
        where = f"{error.filename}: " if error.filename else ""
        print(
            f"coalition-sim {args.command}: error: {where}cannot write: {reason}; "
            "free space or choose another place",
            file=sys.stderr,
        )
        return EXIT_OUTPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
