"""The dashboard's web server: Solara's app behind a guard, run by uvicorn in this process.

``coalition-sim dashboard`` used to hand over to ``solara run``; it now builds the same
Starlette app and puts :class:`Guard` in front of it, so that a team can leave it running:

- **Assets are read-only.** Solara's own handler of ``/_solara/cdn/`` removes, with
  ``shutil.rmtree``, any folder of the asset cache that a GET names (a leftover of an old
  Windows fix in ``solara/server/cdn_helper.py``, ``get_path``: present in every release
  checked, 1.31.0 to 1.64.1), and fetches what it lacks from a public CDN into that
  folder. Any web page the analyst opens could delete the installed assets with an
  ``<img>`` tag. :func:`asset_file` serves the packaged files (``solara-assets``) itself,
  GET and HEAD only, regular files inside the folder only: no request reaches Solara's
  handler, and none can write, delete or fetch anything.
- **Only the server's own host names** are answered (DNS rebinding: a page of
  ``evil.example`` whose name now points at 127.0.0.1 would otherwise talk to the server
  as if it were the analyst), plus any IP address and the names given with
  ``--allow-host``.
- **Websockets only from the same origin** (or an origin given with ``--allow-origin``,
  for a reverse proxy that rewrites the Host header); a browser always sends ``Origin``,
  so another site's page cannot open a session. Requests that change something (POST)
  obey the same rule, and other sites' pages cannot load anything from the server
  (``Sec-Fetch-Site``), except by a link.
- **No host report**: Solara's ``/resourcez`` (session counts, the machine's CPU and
  memory) answers 404.

Websocket compression is off: on a loopback or local network it costs more CPU than it
saves (measured: 6 % of the server's time per Step with ten sessions).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Where Solara's page asks for its browser assets.
ASSET_PREFIX = "/_solara/cdn/"
#: Solara routes that report on the host and its sessions: not served.
HIDDEN_PATHS = frozenset({"/resourcez"})
#: Host names that always mean this machine.
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})
#: Methods that only read.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: ``Sec-Fetch-Site`` values of requests made by the dashboard's own page (or typed in).
OWN_FETCH_SITES = frozenset({"same-origin", "none"})


def normal_origin(text: str) -> str:
    """``scheme://host[:port]`` in lower case, without a default port or a trailing slash.

    Raises:
        ValueError: when ``text`` is not an http(s) origin.
    """
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"'{text}' is not an origin like https://dashboard.example.org")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(f"'{text}' is not an origin (no path): like https://dashboard.example.org")
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{host}{port}"


def host_name(header: str) -> str:
    """The name part of a Host header (``[::1]:8765`` gives ``::1``), lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


def is_ip_address(name: str) -> bool:
    """Whether ``name`` is an IP address: no DNS name, so no DNS rebinding through it."""
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Access:
    """Which Host names the server answers and which other origins it trusts.

    Attributes:
        hosts: Host names (lower case, no port) answered besides IP addresses and
            ``localhost``: this machine's names and those given with ``--allow-host``.
        origins: Origins (``scheme://host[:port]``) trusted besides the page's own.
    """

    hosts: frozenset[str]
    origins: frozenset[str] = frozenset()

    @classmethod
    def for_server(
        cls, bind_host: str, allow_hosts: Iterable[str] = (), allow_origins: Iterable[str] = ()
    ) -> Access:
        """The access rules of a server bound to ``bind_host``.

        A loopback server answers ``localhost`` and IP addresses only; one bound to another
        address also answers this machine's own names, as the team would type them.
        """
        hosts = {name.strip().lower().rstrip(".") for name in allow_hosts if name.strip()}
        if not is_ip_address(bind_host) and bind_host not in LOCAL_NAMES:
            hosts.add(bind_host.lower())
        if bind_host not in ("127.0.0.1", "::1", "localhost"):
            for name in (socket.gethostname(), socket.getfqdn()):
                if name:
                    hosts.add(name.lower())
        return cls(frozenset(hosts), frozenset(normal_origin(o) for o in allow_origins))

    def host_allowed(self, header: str | None) -> bool:
        """Whether a request's Host header names this server."""
        if not header:
            return False
        name = host_name(header)
        return name in LOCAL_NAMES or name in self.hosts or is_ip_address(name)

    def origin_allowed(self, origin: str, host_header: str) -> bool:
        """Whether ``origin`` is the page's own (same host and port) or a trusted one."""
        try:
            origin = normal_origin(origin)
        except ValueError:
            return False
        if origin in self.origins:
            return True
        netloc = origin.split("://", 1)[1]
        own = {netloc, f"{netloc}:80", f"{netloc}:443"}
        return host_header.strip().lower() in own


def asset_file(root: Path, path: str) -> Path | None:
    """The packaged asset a request path names, or None; nothing is ever written.

    Args:
        root: The folder of the packaged assets (``share/solara/cdn``), resolved.
        path: The part of the URL path after ``/_solara/cdn/``, decoded.

    A bare package name (``requirejs@2.3.6``) means its ``__main.js``, as Solara stores
    it. Empty, ``.`` and ``..`` segments, backslashes and NUL characters are refused; the
    file must exist, be a regular file and lie inside ``root`` after links are followed.
    """
    if len(path) > 1024:
        return None
    parts = path.split("/")
    if any(part in ("", ".", "..") or "\\" in part or "\x00" in part for part in parts):
        return None
    if len(parts) == 1:
        parts.append("__main.js")
    try:
        found = root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not found.is_relative_to(root) or not found.is_file():
        return None
    return found


class Guard:
    """ASGI middleware in front of Solara's app (see the module docstring)."""

    def __init__(self, app: App, access: Access, asset_root: Path) -> None:
        self.app = app
        self.access = access
        self.asset_root = asset_root.resolve()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check a request or websocket, then serve it, hand it to Solara or refuse it."""
        kind = scope["type"]
        if kind not in ("http", "websocket"):  # lifespan
            from coalition_sim.dashboard.memory import remember_loop

            remember_loop(asyncio.get_running_loop())
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if not self.access.host_allowed(host):
            logger.warning("refused a %s request for unknown host %r", kind, host[:100])
            if kind == "websocket":  # refused before the handshake: HTTP 403
                await send({"type": "websocket.close", "code": 1008})
                return
            await self._refuse(
                scope,
                send,
                421,
                "unknown host: start the dashboard with --allow-host NAME to answer this name",
            )
        elif kind == "websocket":
            await self._websocket(scope, receive, send, headers.get("origin"), host)
        elif not self._own_request(scope["method"], headers, host):
            await self._refuse(scope, send, 403, "cross-site request refused")
        elif scope["path"] in HIDDEN_PATHS:
            await self._refuse(scope, send, 404, "not found")
        elif scope["path"].startswith(ASSET_PREFIX):
            await self._asset(scope, receive, send, scope["path"][len(ASSET_PREFIX) :])
        else:
            await self.app(scope, receive, send)

    async def _websocket(
        self, scope: Scope, receive: Receive, send: Send, origin: str | None, host: str
    ) -> None:
        """Hand a websocket to Solara when it comes from the page's own origin (or none)."""
        if origin is not None and not self.access.origin_allowed(origin, host):
            logger.warning("refused a websocket from origin %r", origin[:100])
            await send({"type": "websocket.close", "code": 1008})
            return
        await self.app(scope, receive, send)

    def _own_request(self, method: str, headers: dict[str, str], host: str) -> bool:
        """Whether a plain request may come from where it comes from.

        Reading requests are refused only when the browser says that another site's page
        made them for its own use (an image, a script, a fetch); a link followed from
        elsewhere is fine. Changing requests need the page's own origin.
        """
        site = headers.get("sec-fetch-site")
        origin = headers.get("origin")
        if method in SAFE_METHODS:
            if site is None or site in OWN_FETCH_SITES:
                return True
            return headers.get("sec-fetch-mode") == "navigate" and method == "GET"
        if origin is not None:
            return self.access.origin_allowed(origin, host)
        return site is None or site in OWN_FETCH_SITES

    async def _asset(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        """Serve a packaged asset read-only (GET and HEAD), or 404/405."""
        from starlette.responses import FileResponse, PlainTextResponse

        if scope["method"] not in ("GET", "HEAD"):
            response = PlainTextResponse("method not allowed", 405, {"Allow": "GET, HEAD"})
        else:
            found = asset_file(self.asset_root, path)
            if found is None:
                response = PlainTextResponse("not found", 404)
            else:
                response = FileResponse(found, headers={"Cache-Control": "public, max-age=86400"})
        await response(scope, receive, send)

    async def _refuse(self, scope: Scope, send: Send, status: int, text: str) -> None:
        from starlette.responses import PlainTextResponse

        async def nothing() -> Message:  # the body of a refused request is never read
            return {"type": "http.disconnect"}

        await PlainTextResponse(text, status)(scope, nothing, send)


@dataclass(frozen=True)
class ServerOptions:
    """What ``coalition-sim dashboard`` serves and to whom."""

    host: str
    port: int
    app: Path
    session_timeout_s: float
    allow_hosts: tuple[str, ...] = ()
    allow_origins: tuple[str, ...] = ()


#: Solara settings read from the environment when Solara is imported: production mode,
#: no usage telemetry (Solara sends it to a public service by default), no "made with
#: Solara" banner, and how long a page that went away keeps its session.
def solara_environment(options: ServerOptions) -> dict[str, str]:
    """The environment variables that configure Solara for this server."""
    return {
        "SOLARA_APP": str(options.app),
        "SOLARA_MODE": "production",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_KERNEL_CULL_TIMEOUT": f"{options.session_timeout_s:g}s",
    }


#: Warnings and errors of the server and of Solara on stderr; no access log.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        "uvicorn.access": {"handlers": [], "level": "ERROR", "propagate": False},
        "solara": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "reacton": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
        "coalition_sim": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}


def build_app(options: ServerOptions) -> Guard:
    """Solara's Starlette app for ``options.app`` behind the :class:`Guard`."""
    os.environ.update(solara_environment(options))
    from solara.server import settings
    from solara.server import starlette as solara_starlette

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    settings.theme.show_banner = False
    access = Access.for_server(options.host, options.allow_hosts, options.allow_origins)
    return Guard(solara_starlette.app, access, Path(settings.assets.proxy_cache_dir))


def serve(options: ServerOptions) -> None:
    """Serve until interrupted; Ctrl-C raises ``KeyboardInterrupt`` once the server stopped.

    uvicorn stops gracefully on SIGINT and SIGTERM, then raises the signal again, so the
    command's usual handling applies (Ctrl-C: exit code 130).
    """
    import warnings

    import uvicorn

    from coalition_sim.dashboard.memory import limit_arenas

    limit_arenas()

    # Solara warns at every page load that its session cookie falls back to SameSite=Lax
    # on plain http: expected on a loopback server, and noise in the terminal.
    warnings.filterwarnings("ignore", "Cookies with samesite=none", UserWarning)
    config = uvicorn.Config(
        build_app(options),
        host=options.host,
        port=options.port,
        loop="asyncio",
        lifespan="on",
        log_config=LOGGING,
        access_log=False,
        server_header=False,
        ws_per_message_deflate=False,
    )
    uvicorn.Server(config).run()
