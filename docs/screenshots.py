"""Take the README's screenshots of the dashboard from real runs, in Chromium.

``python docs/screenshots.py [--scenario us-withdrawal] [--steps 12] [--runs 200]``
starts ``coalition-sim dashboard`` on a free loopback port (the browser tests' harness)
and, in headless Debian Chromium, saves ``docs/dashboard.png`` (the Run tab after
``--steps`` Step clicks) and ``docs/dashboard-ensemble.png`` (the Ensemble tab after
"Run ensemble", once every drawing shows it). Pictures are reduced to 256 colours (the
page is flat colour: no visible change) so the README stays light, under 200 KB each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser.harness import (  # noqa: E402 - the harness lives with the browser tests
    DashboardServer,
    NetworkLog,
    launch_chromium,
    missing_browser,
    open_dashboard,
    run_ensemble,
    step,
)

DOCS = ROOT / "docs"


def save(page, path: Path, folder: Path) -> None:
    """Screenshot the page into ``path`` as a 256-colour PNG."""
    from PIL import Image

    page.mouse.move(0, 0)  # no hover highlight in the picture
    raw = folder / "raw.png"
    page.screenshot(path=str(raw))
    picture = Image.open(raw).convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    picture.save(path, optimize=True)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


def main() -> int:
    """Start the server, step the run, run the ensemble, save both pages."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="us-withdrawal", help="preset the page opens with")
    parser.add_argument("--steps", type=int, default=12, help="Step clicks on the Run tab")
    parser.add_argument("--runs", type=int, default=200, help="replications")
    args = parser.parse_args()
    reason = missing_browser()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    with (
        DashboardServer("--scenario", args.scenario) as server,
        sync_playwright() as pw,
        tempfile.TemporaryDirectory() as tmp,
    ):
        browser = launch_chromium(pw)
        network = NetworkLog()
        page = open_dashboard(browser, server.url, network, width=1440, height=1330)
        for _ in range(args.steps):
            step(page)
        save(page, DOCS / "dashboard.png", Path(tmp))
        page.get_by_role("tab", name="Ensemble").click()
        box = page.get_by_label("Runs (replications of the current controls)")
        box.fill(str(args.runs))
        box.blur()
        run_ensemble(page)
        save(page, DOCS / "dashboard-ensemble.png", Path(tmp))
        browser.close()
    if network.outside_loopback or network.failures:
        print(f"requests that failed or left: {network.failures}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
