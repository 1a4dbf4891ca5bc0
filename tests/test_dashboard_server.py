"""The dashboard server's guard: read-only assets, host names, origins, no host report.

The guard is an ASGI middleware; most cases call it directly with a request scope and a
stand-in for Solara's app. Two cases use a real ``coalition-sim dashboard`` on a free
loopback port: every kind of asset path is requested and nothing on disk may change, and
Solara's own handler is shown to delete a folder (the defect the guard keeps away).
"""

from __future__ import annotations

import asyncio
import http.client
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from coalition_sim.dashboard.server import (
    Access,
    Guard,
    asset_file,
    host_name,
    normal_origin,
)

LOOPBACK = Access.for_server("127.0.0.1")


class Inner:
    """Stands for Solara's app: records what reached it and answers 200."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    async def __call__(self, scope, receive, send) -> None:
        self.seen.append((scope["type"], scope.get("path", "")))
        if scope["type"] == "websocket":
            await send({"type": "websocket.accept"})
            return
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"solara"})


def call(guard: Guard, path: str, headers: dict[str, str], *, kind="http", method="GET"):
    """Run one request (or websocket handshake) through the guard; the messages it sent."""
    scope = {
        "type": kind,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "scheme": "ws" if kind == "websocket" else "http",
        "server": ("127.0.0.1", 8765),
        "client": ("127.0.0.1", 50000),
        "root_path": "",
        "http_version": "1.1",
    }
    if kind == "http":
        scope["method"] = method
    sent = []
    received = []

    async def receive():  # the request once, then nothing more (the client waits)
        if received:
            await asyncio.sleep(3600)
        received.append(True)
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(guard(scope, receive, send))
    return sent


def status(sent) -> int | str:
    first = sent[0]
    if first["type"] == "http.response.start":
        return first["status"]
    return first["type"]  # websocket.accept / websocket.close


@pytest.fixture
def assets(tmp_path):
    root = tmp_path / "cdn"
    (root / "pkg@1.0" / "dist").mkdir(parents=True)
    (root / "pkg@1.0" / "dist" / "pkg.js").write_text("// js")
    (root / "solo@2.0").mkdir()
    (root / "solo@2.0" / "__main.js").write_text("// main")
    (tmp_path / "secret.txt").write_text("s3cr3t")
    (root / "link.js").symlink_to(tmp_path / "secret.txt")
    return root


@pytest.fixture
def guarded(assets):
    inner = Inner()
    return Guard(inner, LOOPBACK, assets), inner


# --------------------------------------------------------------------------- assets
def test_asset_paths_resolve_to_packaged_files_only(assets):
    root = assets.resolve()
    assert asset_file(root, "pkg@1.0/dist/pkg.js") == root / "pkg@1.0/dist/pkg.js"
    assert asset_file(root, "solo@2.0") == root / "solo@2.0/__main.js"  # Solara's layout
    for refused in (
        "pkg@1.0/dist",  # a folder: Solara's handler deletes it
        "pkg@1.0",
        "pkg@1.0/dist/",
        "pkg@1.0/../../secret.txt",
        "../secret.txt",
        "link.js",  # a link out of the folder
        "pkg@1.0/./dist/pkg.js",
        "pkg@1.0\\dist\\pkg.js",
        "pkg@1.0/dist/pkg.js\x00.png",
        "missing@9/x.js",
        "a/" * 3000,  # too long a name for the file system
    ):
        assert asset_file(root, refused) is None, refused[:40]


def test_the_guard_serves_assets_read_only_and_never_passes_them_on(guarded, assets):
    guard, inner = guarded
    local = {"host": "127.0.0.1:8765"}
    sent = call(guard, "/_solara/cdn/pkg@1.0/dist/pkg.js", local)
    assert status(sent) == 200 and b"// js" in b"".join(m.get("body", b"") for m in sent)
    assert status(call(guard, "/_solara/cdn/pkg@1.0/dist", local)) == 404
    for method in ("POST", "PUT", "DELETE"):
        assert status(call(guard, "/_solara/cdn/pkg@1.0/dist/pkg.js", local, method=method)) == 405
    assert inner.seen == []  # Solara's handler never saw one of them
    assert (assets / "pkg@1.0" / "dist" / "pkg.js").exists()


def test_solaras_own_asset_handler_deletes_a_folder_named_in_a_request(tmp_path, monkeypatch):
    """The defect the guard keeps away, shown on a copy (the installed Solara, 1.58.2)."""
    import requests
    from solara.server import cdn_helper

    cache = tmp_path / "cache"
    (cache / "pkg@1.0" / "src").mkdir(parents=True)
    (cache / "pkg@1.0" / "src" / "index.js").write_text("// source")

    def offline(url, *args, **kwargs):
        raise requests.ConnectionError(f"no network in tests: {url}")

    monkeypatch.setattr(requests, "get", offline)
    with pytest.raises(requests.ConnectionError):
        cdn_helper.get_path(cache, "pkg@1.0/src")
    assert not (cache / "pkg@1.0" / "src").exists()  # removed by a GET


# --------------------------------------------------------------------------- hosts, origins
@pytest.mark.parametrize(
    "host",
    ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST", "10.1.2.3:8765"],
)
def test_the_servers_own_names_and_ip_addresses_are_answered(guarded, host):
    guard, inner = guarded
    assert status(call(guard, "/", {"host": host})) == 200
    assert inner.seen == [("http", "/")]


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example", ""]
)
def test_other_host_names_are_refused_dns_rebinding(guarded, host):
    guard, inner = guarded
    sent = call(guard, "/", {"host": host} if host else {})
    assert status(sent) == 421
    websocket = call(guard, "/jupyter/api/kernels/k/channels", {"host": host}, kind="websocket")
    assert websocket == [{"type": "websocket.close", "code": 1008}]
    assert inner.seen == []


def test_allowed_host_names_are_answered():
    inner = Inner()
    guard = Guard(inner, Access.for_server("127.0.0.1", ["sim.example.org"]), Path("/nowhere"))
    assert status(call(guard, "/", {"host": "sim.example.org"})) == 200
    assert status(call(guard, "/", {"host": "sim.example.org.evil.example"})) == 421


def test_websockets_from_another_origin_get_no_session(guarded):
    guard, inner = guarded
    path = "/jupyter/api/kernels/k/channels"
    host = {"host": "127.0.0.1:8765"}
    for origin in (
        "http://evil.example",
        "http://127.0.0.1:9999",
        "null",
        "https://127.0.0.1:8765.x",
    ):
        sent = call(guard, path, {**host, "origin": origin}, kind="websocket")
        assert sent == [{"type": "websocket.close", "code": 1008}], origin
    assert inner.seen == []
    sent = call(guard, path, {**host, "origin": "http://127.0.0.1:8765"}, kind="websocket")
    assert status(sent) == "websocket.accept"
    assert status(call(guard, path, host, kind="websocket")) == "websocket.accept"  # not a browser


def test_a_reverse_proxys_origin_can_be_allowed():
    inner = Inner()
    access = Access.for_server("127.0.0.1", allow_origins=["https://sim.example.org/"])
    guard = Guard(inner, access, Path("/nowhere"))
    headers = {"host": "127.0.0.1:8765", "origin": "https://sim.example.org"}
    assert status(call(guard, "/ws", headers, kind="websocket")) == "websocket.accept"
    # a proxy that keeps the Host header needs nothing: same origin
    same = {"host": "sim.example.org", "origin": "https://sim.example.org"}
    guard = Guard(inner, Access.for_server("127.0.0.1", ["sim.example.org"]), Path("/nowhere"))
    assert status(call(guard, "/ws", same, kind="websocket")) == "websocket.accept"


def test_other_sites_cannot_load_or_post_but_links_work(guarded):
    guard, inner = guarded
    host = {"host": "127.0.0.1:8765"}
    image = {**host, "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors"}
    assert status(call(guard, "/_solara/cdn/pkg@1.0/dist/pkg.js", image)) == 403
    assert status(call(guard, "/static/main.js", image)) == 403
    link = {**host, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"}
    assert status(call(guard, "/", link)) == 200
    post = {**host, "origin": "http://evil.example"}
    assert status(call(guard, "/_solara/api/close/k", post, method="POST")) == 403
    assert inner.seen == [("http", "/")]  # only the link reached Solara
    own = {**host, "origin": "http://127.0.0.1:8765", "sec-fetch-site": "same-origin"}
    assert status(call(guard, "/_solara/api/close/k", own, method="POST")) == 200


def test_the_host_report_is_not_served(guarded):
    guard, inner = guarded
    assert status(call(guard, "/resourcez", {"host": "127.0.0.1:8765"})) == 404
    assert inner.seen == []


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ("https://Sim.Example.org:443/", "https://sim.example.org"),
        ("http://[::1]:80", "http://[::1]"),
    ],
)
def test_origins_are_compared_in_one_form(text, origin):
    assert normal_origin(text) == origin


@pytest.mark.parametrize("text", ["sim.example.org", "ftp://x", "https://x/path", "null"])
def test_a_malformed_origin_is_refused(text):
    with pytest.raises(ValueError, match="origin"):
        normal_origin(text)


def test_host_names_drop_the_port():
    assert host_name("127.0.0.1:8765") == "127.0.0.1"
    assert host_name("[::1]:8765") == "::1"
    assert host_name("Sim.Example.org") == "sim.example.org"


# --------------------------------------------------------------------------- a real server
def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file and folder under ``folder`` with its size and modification time."""
    found = {}
    for top, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(top) / name
            info = path.lstat()
            found[str(path.relative_to(folder))] = (info.st_size, info.st_mtime_ns)
    return found


@pytest.fixture(scope="module")
def server():
    """``coalition-sim dashboard`` on a free loopback port."""
    sys.path.insert(0, str(Path(__file__).parent))
    from browser.harness import DashboardServer

    with DashboardServer() as running:
        yield running


def request(server, method: str, path: str, headers: dict[str, str] | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.timeout(180)
def test_no_request_changes_a_file_of_the_installed_assets(server):
    from solara.server import settings

    root = Path(settings.assets.proxy_cache_dir)
    before = snapshot(root)
    assert before, f"no assets in {root}"
    folders = sorted({p.rsplit("/", 1)[0] for p in before if "/" in p})
    paths = [
        "@widgetti/solara-milkdown@6.3.0/src",  # the two cases
        "@widgetti/solara-vuetify-app@10.1.1/dist",
        *folders[:300],  # every other kind: folders, deep folders
        *[f"{f}/" for f in folders[:20]],
        "requirejs@2.3.6",  # a bare package name
        "no-such-package@1.0.0/x.js",  # missing: Solara would fetch it into the folder
        "../../../../etc/passwd",
        "%2e%2e/%2e%2e/secret",
        "vega@5",
    ]
    statuses = {}
    for path in paths:
        for method in ("GET", "HEAD", "DELETE"):
            statuses[(method, path)] = request(server, method, f"/_solara/cdn/{path}")[0]
    assert snapshot(root) == before
    assert {s for (m, _), s in statuses.items() if m == "DELETE"} == {405}
    assert statuses[("GET", "@widgetti/solara-milkdown@6.3.0/src")] == 404
    first_file = next(p for p in sorted(before) if (root / p).is_file())
    assert request(server, "GET", f"/_solara/cdn/{first_file}")[0] == 200
    assert "Traceback" not in server.log()


def test_the_real_server_refuses_another_host_and_the_host_report(server):
    assert request(server, "GET", "/", {"Host": "evil.example"})[0] == 421
    assert request(server, "GET", "/resourcez?verbose")[0] == 404
    with urllib.request.urlopen(server.url, timeout=30) as response:
        assert response.status == 200


@pytest.mark.timeout(120)
def test_ctrl_c_stops_the_server_with_exit_code_130(tmp_path):
    sys.path.insert(0, str(Path(__file__).parent))
    from browser.harness import free_port

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "coalition_sim", "dashboard", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                break
        except OSError:
            time.sleep(0.2)
    process.send_signal(2)  # SIGINT, as Ctrl-C sends it
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "Aborted" not in err and "Traceback" not in err
    assert "coalition-sim dashboard: interrupted" in err
    assert "listening on" in out
