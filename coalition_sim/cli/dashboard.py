"""``coalition-sim dashboard``: serve the Solara dashboard on this machine.

The page is ``coalition_sim/dashboard/app.py``, served by this process through
:mod:`coalition_sim.dashboard.server` (Solara's app behind a guard: read-only assets, the
server's own host names, same-origin websockets, no host report). It binds to 127.0.0.1
unless ``--host`` says otherwise, and needs no network: the browser assets come from the
``solara-assets`` package. The Sweep tab offers the sweeps named here (``--sweep``, or
every sweep under ``--sweeps-root``) by name; the page never opens a path it is sent.
"""

from __future__ import annotations

import argparse
import errno
import json
import math
import os
import socket
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
#: Seconds a page that went away (closed, crashed, lost its network) keeps its session.
DEFAULT_SESSION_TIMEOUT_S = 120.0

#: Environment variables the page reads (set here, read by ``app.py``).
SCENARIO_ENV = "COALITION_SIM_SCENARIO"
SWEEPS_ENV = "COALITION_SIM_SWEEPS"
SWEEPS_ROOT_ENV = "COALITION_SIM_SWEEPS_ROOT"

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
    sweeps = parser.add_argument_group("sweeps on the Sweep tab (offered by name)")
    sweeps.add_argument(
        "--sweep",
        metavar="DIR",
        action="append",
        default=[],
        help="a sweep results folder (holds runs.parquet), offered by its folder name (repeatable)",
    )
    sweeps.add_argument(
        "--sweeps-root",
        metavar="DIR",
        help="a folder whose sub-folders are sweeps: each finished one is offered by name "
        "(new ones appear when the page is opened)",
    )
    team = parser.add_argument_group("serving a team")
    team.add_argument(
        "--session-timeout",
        type=float,
        default=DEFAULT_SESSION_TIMEOUT_S,
        metavar="SECONDS",
        help="how long a page that went away (closed, crashed, offline) keeps its session "
        f"before the server frees it (default: {DEFAULT_SESSION_TIMEOUT_S:g})",
    )
    team.add_argument(
        "--allow-host",
        metavar="NAME",
        action="append",
        default=[],
        help="also answer requests for this host name, e.g. the name of a reverse proxy "
        "(repeatable; IP addresses, localhost and, off loopback, this machine's names "
        "are always answered)",
    )
    team.add_argument(
        "--allow-origin",
        metavar="ORIGIN",
        action="append",
        default=[],
        help="also accept pages from this origin, e.g. https://sim.example.org behind a "
        "reverse proxy that rewrites the Host header (repeatable)",
    )
    add_data_options(parser)
    parser.set_defaults(handler=handle)


def check_port(host: str, port: int) -> None:
    """Raise :class:`PortInUse` when another program listens on ``host:port``.

    A port taken by another server made the "listening on" line a lie followed by a
    traceback. The probe binds the way the server will (``SO_REUSEADDR``, so a port in
    TIME_WAIT is not "in use").
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
    """The Solara page the server serves."""
    return Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


def sweep_names(folders: list[str]) -> dict[str, str]:
    """``{name: folder}`` of the ``--sweep`` folders: each by its folder name.

    Two folders with the same name are told apart by their parent's name.

    Raises:
        InputError: naming the folder that holds no ``runs.parquet``.
    """
    paths = []
    for folder in folders:
        path = Path(folder).expanduser().resolve()
        if not (path / "runs.parquet").is_file():
            raise InputError(f"--sweep {folder}: no runs.parquet in that folder")
        paths.append(path)
    names: dict[str, str] = {}
    for path in paths:
        name = path.name
        if sum(p.name == name for p in paths) > 1:
            name = f"{path.parent.name}/{path.name}"
        if name in names and names[name] != str(path):
            raise InputError(f"--sweep {path}: two sweeps would have the name '{name}'")
        names[name] = str(path)
    return names


def check_options(args: argparse.Namespace) -> None:
    """Refuse bad options before anything starts (exit code 2)."""
    from coalition_sim.dashboard.server import normal_origin

    if not 0 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: allowed: 0 to 65535")
    timeout = args.session_timeout
    if not (math.isfinite(timeout) and 1 <= timeout <= 7 * 24 * 3600):
        raise InputError(f"--session-timeout {timeout:g}: allowed: 1 to 604800 seconds")
    if args.sweeps_root and not Path(args.sweeps_root).expanduser().is_dir():
        raise InputError(f"--sweeps-root {args.sweeps_root}: not a folder")
    for origin in args.allow_origin:
        try:
            normal_origin(origin)
        except ValueError as error:
            raise InputError(f"--allow-origin: {error}") from None
    for name in args.allow_host:
        if not name.strip() or any(c in name for c in "/: "):
            raise InputError(
                f"--allow-host '{name}': a host name without port, like sim.example.org"
            )


def page_environment(args: argparse.Namespace) -> dict[str, str]:
    """What the page reads at start: the opening scenario, the data files, the sweeps."""
    scenario = args.scenario
    env = {SCENARIO_ENV: str(Path(scenario).resolve()) if scenario.endswith(".toml") else scenario}
    for name, value in (("STATES", args.states), ("BORDERS", args.borders)):
        if value:
            env[f"COALITION_SIM_{name}"] = str(Path(value).resolve())
    env[SWEEPS_ENV] = json.dumps(sweep_names(args.sweep))
    if args.sweeps_root:
        env[SWEEPS_ROOT_ENV] = str(Path(args.sweeps_root).expanduser().resolve())
    return env


def handle(args: argparse.Namespace) -> int:
    """Check the inputs, then serve until interrupted (Ctrl-C: exit code 130)."""
    from coalition_sim.parameters import load_scenario

    check_options(args)
    scenario = load_scenario(args.scenario)  # a bad name or file stops here, exit code 2
    load_data(args)  # so does a bad --states or --borders file
    os.environ.update(page_environment(args))
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
    from coalition_sim.dashboard.server import ServerOptions, serve

    serve(
        ServerOptions(
            host=args.host,
            port=port,
            app=app_path(),
            session_timeout_s=args.session_timeout,
            allow_hosts=tuple(args.allow_host),
            allow_origins=tuple(args.allow_origin),
        )
    )
    return 0
