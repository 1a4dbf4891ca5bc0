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


#: Resolves once no CSS animation or transition runs (Vuetify slides a tab's content in).
NO_ANIMATION = "() => document.getAnimations().every((a) => a.playState !== 'running')"


def settle(page) -> None:
    """Wait until the page stands still: a tab switch slides its content in for a while.

    Without it the Ensemble picture caught the tab mid-slide, its drawings not yet shown.
    """
    page.wait_for_function(NO_ANIMATION, timeout=10_000)
    page.wait_for_timeout(300)  # a transition that starts after the last frame checked
    page.wait_for_function(NO_ANIMATION, timeout=10_000)


def save(page, path: Path, folder: Path) -> None:
    """Screenshot the page into ``path`` as a 256-colour PNG, once it stands still."""
    from PIL import Image

    page.mouse.move(0, 0)  # no hover highlight in the picture
    settle(page)
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
