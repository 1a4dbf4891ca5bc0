"""Start the dashboard and drive it in headless Chromium with Playwright.

Shared by the browser tests and ``benchmarks/dashboard.py``. Chromium is Debian's
``/usr/bin/chromium`` (``playwright install`` cannot download here); ``.ci/run`` installs
it when it is missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = "127.0.0.1"

#: Elements that carry the step they show in ``data-step``: one per panel of the Run tab.
PANELS = ("#run-figures", "#coalition-map", "#why-not", "#coalition-events", "#coalition-charts")
#: Elements of the Ensemble tab that carry the number of runs they show in ``data-runs``.
ENSEMBLE_PANELS = ("#ensemble-summary", "#ensemble-bands", "#ensemble-map", "#ensemble-histogram")

#: Click "Run ensemble" and resolve with the milliseconds until the summary line and
#: every drawing show the new ensemble (its number in ``data-number``; a MutationObserver
#: sees the DOM change, as for a Step click).
RUN_ENSEMBLE_AND_WAIT = """
(panels) => new Promise((resolve, reject) => {
  const read = () => panels.map((sel) => document.querySelector(sel)?.dataset.number);
  const before = Number(read()[0] || 0);
  const button = [...document.querySelectorAll('button')]
    .find((b) => b.innerText.trim().toUpperCase() === 'RUN ENSEMBLE');
  if (!button) { reject(new Error('no Run ensemble button')); return; }
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('timeout')); }, 30000);
  const observer = new MutationObserver(() => {
    if (read().every((value) => Number(value) === before + 1)) {
      const elapsed = performance.now() - start;
      clearTimeout(timer);
      observer.disconnect();
      resolve(elapsed);
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true});
  const start = performance.now();
  button.click();
})
"""


#: Click Mesa's Step button and resolve with the milliseconds until every panel shows a
#: new step (a MutationObserver sees the DOM change; no polling interval in the figure).
STEP_AND_WAIT = """
(panels) => new Promise((resolve, reject) => {
  const read = () => panels.map((sel) => document.querySelector(sel)?.dataset.step);
  const before = read();
  const button = [...document.querySelectorAll('button')]
    .find((b) => b.innerText.trim().toUpperCase() === 'STEP');
  if (!button) { reject(new Error('no Step button')); return; }
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('timeout')); }, 15000);
  const observer = new MutationObserver(() => {
    const now = read();
    if (now.every((value, i) => value !== undefined && value !== before[i])) {
      const elapsed = performance.now() - start;
      clearTimeout(timer);
      observer.disconnect();
      resolve(elapsed);
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true});
  const start = performance.now();
  button.click();
})
"""


def missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -e '.[test]')"
    return None


def free_port() -> int:
    """A port free on the loopback interface right now."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


class DashboardServer:
    """``coalition-sim dashboard`` on a free loopback port, for the duration of a block."""

    def __init__(self, *args: str, startup_timeout: float = 90.0) -> None:
        self.port = free_port()
        self.url = f"http://{LOOPBACK}:{self.port}/"
        self.args = args
        self.startup_timeout = startup_timeout
        self.log_path = Path(tempfile.mkstemp(prefix="dashboard-server-", suffix=".log")[1])
        self.process: subprocess.Popen | None = None
        self.started_in_s = float("nan")

    def __enter__(self) -> DashboardServer:
        command = [sys.executable, "-m", "coalition_sim", "dashboard", "--port", str(self.port)]
        started = time.perf_counter()
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [*command, *self.args], stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ)
            )
        deadline = started + self.startup_timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dashboard server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url, timeout=2) as response:
                    if response.status == 200:
                        self.started_in_s = time.perf_counter() - started
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(
            f"no answer from {self.url} in {self.startup_timeout:.0f} s:\n{self.log()}"
        )

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        """Stop the server (it is the CLI process itself: the CLI execs Solara)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def log(self) -> str:
        """What the server printed."""
        return self.log_path.read_text(errors="replace")


@dataclass
class NetworkLog:
    """Every request the page made, and the ones that matter for working offline."""

    requests: list[str] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)

    def attach(self, page) -> None:
        """Record the requests and failed responses of a Playwright page."""
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "response",
            lambda response: (
                self.failures.append((response.status, response.url))
                if response.status >= 400
                else None
            ),
        )
        page.on("requestfailed", lambda request: self.failures.append((0, request.url)))

    @property
    def outside_loopback(self) -> list[str]:
        """Requests to any host but 127.0.0.1 (blob: and data: URLs stay in the page)."""
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("blob", "data", "about"):
                continue
            if parts.hostname != LOOPBACK:
                out.append(url)
        return out

    @property
    def cdn_not_found(self) -> list[str]:
        """Solara assets the server could not serve (what fails offline)."""
        return [url for status, url in self.failures if "/_solara/cdn/" in url]


def launch_chromium(playwright):
    """Headless Debian Chromium with the flags that keep it off the network."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


def open_dashboard(
    browser, url: str, network: NetworkLog, *, width: int = 1500, height: int = 1300
):
    """A new page on the dashboard, ready once the Step button and the map are there."""
    page = browser.new_page(viewport={"width": width, "height": height})
    network.attach(page)
    page.goto(url)
    page.get_by_role("button", name="Step", exact=True).wait_for(timeout=60_000)
    page.locator("#coalition-map svg").wait_for(timeout=60_000)
    return page


def panel_steps(page) -> dict[str, int]:
    """The step each panel shows."""
    return {selector: int(page.locator(selector).get_attribute("data-step")) for selector in PANELS}


def step(page) -> float:
    """Click Step; the milliseconds until every panel shows the new step."""
    return float(page.evaluate(STEP_AND_WAIT, list(PANELS)))


def run_ensemble(page) -> float:
    """Click "Run ensemble" on the Ensemble tab; the milliseconds until it is all drawn.

    Waits for the button first: the tab draws its content only once it is chosen.
    """
    page.get_by_role("button", name="Run ensemble", exact=True).wait_for(timeout=30_000)
    return float(page.evaluate(RUN_ENSEMBLE_AND_WAIT, list(ENSEMBLE_PANELS)))


# --------------------------------------------------------------------------- many sessions
async def open_dashboard_async(browser, url: str, *, width: int = 1500, height: int = 1300):
    """Like :func:`open_dashboard`, for Playwright's async API (many pages at once)."""
    page = await browser.new_page(viewport={"width": width, "height": height})
    await page.goto(url)
    await page.get_by_role("button", name="Step", exact=True).wait_for(timeout=180_000)
    await page.locator("#coalition-map svg").wait_for(timeout=180_000)
    return page


async def step_async(page) -> float:
    """Click Step; the milliseconds until every panel shows the new step (async API)."""
    return float(await page.evaluate(STEP_AND_WAIT, list(PANELS)))


async def crash_async(page) -> None:
    """End a page the way a crash or a dropped network does: no goodbye to the server.

    Chromium's ``Page.crash`` kills the renderer, so the page never sends Solara's
    close request; the server only sees the websocket drop.
    """
    import asyncio
    import contextlib

    session = await page.context.new_cdp_session(page)
    # the renderer dies before it can answer: wait a moment, no more (a timeout or a
    # closed target are both expected)
    with contextlib.suppress(Exception):
        await asyncio.wait_for(session.send("Page.crash"), timeout=1.0)
    await page.close()


def server_rss_mb(server: DashboardServer) -> float:
    """Resident memory of the dashboard server process, in MB."""
    import psutil

    assert server.process is not None
    return psutil.Process(server.process.pid).memory_info().rss / 1e6
