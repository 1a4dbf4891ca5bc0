"""``coalition-sim dashboard``: serve the Solara dashboard on this machine.

The page is ``coalition_sim/dashboard/app.py`` served by ``solara run`` in production mode.
It binds to 127.0.0.1 unless ``--host`` says otherwise, and needs no network: the browser
assets come from the ``solara-assets`` package.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path

from coalition_sim.cli.common import add_data_options, load_data
from coalition_sim.errors import (
    EXIT_BAD_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PORT_IN_USE,
    InputError,
    PortInUse,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

#: Solara settings that keep every byte on this machine: no usage telemetry (Solara
#: sends it to a public service by default) and no banner linking to Solara's site.
QUIET_SERVER = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    "SOLARA_THEME_SHOW_BANNER": "False",
}

#: The exit codes this command can give (listed at the end of its --help).
EXIT_CODES = (
    EXIT_OK,
    EXIT_BAD_INPUT,
    EXIT_PORT_IN_USE,
    EXIT_INTERRUPTED,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``dashboard`` subcommand."""
    parser = subparsers.add_parser(
        "dashboard",
        help="serve the live dashboard in the browser (offline, on 127.0.0.1)",
        description=(
            "Serve the Solara dashboard: watch a run step by step on a map of Europe, ask "
            "why a state does not join, see the spread of an ensemble of replications, "
            "compare a sweep's outcomes. Binds to 127.0.0.1 unless --host is given; works "
            "with no network. Stop it with Ctrl-C."
        ),
    )
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default: {DEFAULT_HOST}; 0.0.0.0 exposes it to the network)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port to listen on, 0 for any free port (default: {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--scenario",
        metavar="NAME|FILE",
        default="baseline",
        help="preset name or scenario TOML file the page opens with (default: baseline)",
    )
    parser.add_argument(
        "--sweep",
        metavar="DIR",
        help="sweep results folder (holds runs.parquet) to open on the Sweep tab",
    )
    add_data_options(parser)
    parser.set_defaults(handler=handle)


def check_port(host: str, port: int) -> None:
    """Raise :class:`PortInUse` when another program listens on ``host:port``.

    The server is started by ``execve`` after the "listening on" line; a port taken by
    another server made that line a lie followed by a traceback. The probe binds the
    way the server will (``SO_REUSEADDR``, so a port in TIME_WAIT is not "in use").
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(
                    f"--port {port}: port {port} on {host} is in use by another program; "
                    "choose another with --port N, or --port 0 for any free port"
                ) from None
            raise InputError(f"--host {host}: cannot listen there: {error.strerror}") from None


def free_port(host: str) -> int:
    """A port the OS reports free on ``host`` right now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def app_path() -> Path:
    """The file ``solara run`` serves."""
    return Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def server_command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line serving the dashboard."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(app_path()),
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
        "--log-level",
        "warning",
    ]


def handle(args: argparse.Namespace) -> int:
    """Check the inputs, then run the server until interrupted."""
    from coalition_sim.parameters import load_scenario

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: allowed: 0 to 65535")
    scenario = load_scenario(args.scenario)  # a bad name or file stops here, exit code 2
    load_data(args)  # so does a bad --states or --borders file
    env = dict(os.environ)
    env.update(QUIET_SERVER)
    # Solara warns at every page load that its session cookie falls back to SameSite=Lax
    # on plain http: expected on a loopback server, and noise in the terminal.
    warnings = [env.get("PYTHONWARNINGS", ""), "ignore:Cookies with samesite=none:UserWarning"]
    env["PYTHONWARNINGS"] = ",".join(w for w in warnings if w)
    env["COALITION_SIM_SCENARIO"] = str(
        Path(args.scenario).resolve() if args.scenario.endswith(".toml") else args.scenario
    )
    for name, value in (("STATES", args.states), ("BORDERS", args.borders)):
        if value:
            env[f"COALITION_SIM_{name}"] = str(Path(value).resolve())
    if args.sweep:
        sweep = Path(args.sweep).expanduser().resolve()
        if not (sweep / "runs.parquet").is_file():
            raise InputError(f"--sweep {args.sweep}: no runs.parquet in that folder")
        env["COALITION_SIM_SWEEP_DIR"] = str(sweep)
    try:
        port = args.port or free_port(args.host)
    except OSError as error:
        raise InputError(f"--host {args.host}: cannot listen there: {error.strerror}") from None
    check_port(args.host, port)  # before saying "listening on"
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(
        f"coalition-sim dashboard: scenario {scenario.name}, listening on http://{shown}:{port}/ "
        "(Ctrl-C stops it)",
        flush=True,
    )
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {args.host}, reachable from other machines", flush=True)
    command = server_command(args.host, port)
    # Become the server (no child left behind when this process is stopped by a signal).
    os.execve(command[0], command, env)
    return 0  # pragma: no cover - execve does not return
