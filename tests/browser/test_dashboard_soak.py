"""A soak test of the dashboard: sessions opened, stepped and closed, some abruptly.

The server runs with a short ``--session-timeout`` so that sessions whose pages crashed
(Chromium's ``Page.crash``: no goodbye reaches the server) are reclaimed within the test.
After each round the server's resident memory is read once the sessions are gone; the
test fails when memory grows from round to round (a session that stays in memory, as
each one did while Play used ``solara.lab.use_task``) or ends more than 10 % above the
memory after one warm-up session. Chromium runs in the same test, on the same cores.
"""

from __future__ import annotations

import asyncio
import os

import pytest

from .harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DashboardServer,
    crash_async,
    missing_browser,
    open_dashboard_async,
    server_rss_mb,
    step_async,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(420)]

ROUNDS = 3
SESSIONS = 6
STEPS = 4
SESSION_TIMEOUT_S = 2
#: Seconds after a round before memory is read: the crashed pages' sessions are
#: reclaimed after SESSION_TIMEOUT_S, idle worker threads stopped after about 11 s.
SETTLE_S = SESSION_TIMEOUT_S + 14
#: Growth from the first round's end to the last's that still counts as no growth (MB):
#: one session holds about 2.5 MB, so a leak of one session per round shows.
GROWTH_MB = 4.0


async def soak() -> tuple[float, list[float], str]:
    from playwright.async_api import async_playwright

    with DashboardServer("--session-timeout", str(SESSION_TIMEOUT_S)) as server:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            warm = await open_dashboard_async(browser, server.url)
            await step_async(warm)
            await warm.close()
            await asyncio.sleep(SETTLE_S)
            start = server_rss_mb(server)
            after = []
            for _ in range(ROUNDS):
                pages = await asyncio.gather(
                    *(open_dashboard_async(browser, server.url) for _ in range(SESSIONS))
                )

                async def use(page) -> None:
                    for _ in range(STEPS):
                        await step_async(page)

                await asyncio.gather(*(use(page) for page in pages))
                for index, page in enumerate(pages):
                    if index % 2:
                        await crash_async(page)
                    else:
                        await page.close()
                await asyncio.sleep(SETTLE_S)
                after.append(server_rss_mb(server))
            await browser.close()
        return start, after, server.log()


def test_memory_returns_after_sessions_end_and_does_not_grow():
    reason = missing_browser()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run under CI: {reason}")
        pytest.skip(reason)
    start, after, log = asyncio.run(soak())
    rounds = ", ".join(f"{mb:.0f}" for mb in after)
    assert after[-1] - after[0] <= GROWTH_MB, f"grew: {start:.0f} MB, then {rounds} MB"
    assert after[-1] <= 1.10 * start, f"not given back: {start:.0f} MB, then {rounds} MB"
    assert "Traceback" not in log
