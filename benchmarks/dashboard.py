"""Step latency and server memory of the dashboard with 1, 5 and 10 concurrent sessions.

Run: ``.venv/bin/python benchmarks/dashboard.py [--sessions 1,5,10] [--clicks 20]``.

Starts ``coalition-sim dashboard`` on a free loopback port and drives it from one headless
Debian Chromium (Playwright's async API) on the same two cores, as a team's browsers and
the server would share a machine. Each round opens N pages at once, waits for each to
show its Step button and map, then every page clicks Step ``--clicks`` times in a row, all
pages at the same time (each page clicks again as soon as its last click has landed: the
heaviest use a team can make of it). A click's time runs from the click until the
overview, the map, "Why not joining?", the event log and the charts all show the new step
(a MutationObserver in the page): the server's step and render, the websocket both ways
and the browser's DOM update. Then the pages close, half of them abruptly (Chromium's
``Page.crash``: no goodbye reaches the server, as with a crash or a dropped network), and
the server's resident memory is read once the sessions have been reclaimed.

Printed per round: the time to a usable page (median and max), Step median, p90 and max,
and the server's memory at the start of the round, its peak and after the sessions end;
and at the end the ratio of each round's median to the one-session round's (the anchor
measured in the same run). The issue's target is a median under 150 ms and a p90 under
300 ms at 10 sessions.

``--think-ms`` makes each page wait about that long after each of its clicks has landed
(an analyst reading the map: uniform between half and one and a half times it, drawn per
page, so the pages do not click in step); 0, the default, clicks again at once.
Before the rounds, one page presses "Run ensemble" (200 runs of 40 quarters) five times
after one warm-up, timed until every drawing shows the new ensemble. ``--anchor DIR`` first
runs the same rounds against the dashboard of another checkout (``git worktree add DIR
COMMIT``), in the same run and on the same machine: the baseline to compare with.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from browser.harness import (  # the harness lives with the browser tests
    CHROMIUM,
    CHROMIUM_ARGS,
    ENSEMBLE_PANELS,
    RUN_ENSEMBLE_AND_WAIT,
    DashboardServer,
    crash_async,
    missing_browser,
    open_dashboard_async,
    server_rss_mb,
    step_async,
)

WARM_UP = 2


def cpu_seconds(server) -> tuple[float, float]:
    """CPU seconds used so far by the server and by this benchmark's Chromium."""
    import psutil

    def used(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system

    server_cpu = used(psutil.Process(server.process.pid))
    children = psutil.Process().children(recursive=True)
    browsers = [p for p in children if "chrom" in p.name() and p.pid != server.process.pid]
    return server_cpu, sum(used(p) for p in browsers)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (p90 of 200 clicks is the 180th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


async def run_round(
    browser, server, sessions: int, clicks: int, settle_s: float, think_ms: float = 0.0
) -> dict:
    """One round: open ``sessions`` pages, step them together, close them; the figures."""
    start_mb = server_rss_mb(server)
    peak = [start_mb]
    done = asyncio.Event()

    async def sample() -> None:
        while not done.is_set():
            peak.append(server_rss_mb(server))
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample())

    async def open_one() -> tuple[object, float]:
        opened = time.perf_counter()
        page = await open_dashboard_async(browser, server.url)
        return page, time.perf_counter() - opened

    opened = await asyncio.gather(*(open_one() for _ in range(sessions)))
    pages = [page for page, _ in opened]
    ready = [seconds for _, seconds in opened]

    async def click_many(page, count: int, seed: int = 0) -> list[float]:
        pauses = random.Random(seed)  # each analyst reads at a pace of their own
        times = []
        for _ in range(count):
            times.append(await step_async(page))
            if think_ms:
                await asyncio.sleep(think_ms * pauses.uniform(0.5, 1.5) / 1000)
        return times

    await asyncio.gather(*(click_many(page, WARM_UP) for page in pages))
    cpu_before = cpu_seconds(server)
    timed = await asyncio.gather(*(click_many(page, clicks, i) for i, page in enumerate(pages)))
    cpu_server, cpu_browser = (b - a for a, b in zip(cpu_before, cpu_seconds(server), strict=True))
    times = [t for page_times in timed for t in page_times]
    used_mb = max(peak)
    for index, page in enumerate(pages):  # half close normally, half crash
        if index % 2:
            await crash_async(page)
        else:
            await page.close()
    await asyncio.sleep(settle_s)
    done.set()
    await sampler
    return {
        "sessions": sessions,
        "ready": ready,
        "times": times,
        "start_mb": start_mb,
        "peak_mb": max(used_mb, *peak),
        "after_mb": server_rss_mb(server),
        "cpu_ms": (1000 * cpu_server / len(times), 1000 * cpu_browser / len(times)),
    }


async def time_ensembles(page, presses: int = 5) -> list[float]:
    """Milliseconds from "Run ensemble" until every drawing shows it, after one warm-up."""
    await page.get_by_role("tab", name="Ensemble").click()
    await page.get_by_role("button", name="Run ensemble", exact=True).wait_for(timeout=60_000)
    times = [float(await page.evaluate(RUN_ENSEMBLE_AND_WAIT, list(ENSEMBLE_PANELS)))]
    for _ in range(presses):
        times.append(float(await page.evaluate(RUN_ENSEMBLE_AND_WAIT, list(ENSEMBLE_PANELS))))
    await page.get_by_role("tab", name="Run").click()
    return times[1:]


async def measure(args: argparse.Namespace, label: str, server: DashboardServer) -> list[dict]:
    """Every round against one running server; prints one line per round."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        # one page first: every module the sessions use is imported, caches filled
        warm = await open_dashboard_async(browser, server.url)
        for _ in range(3):
            await step_async(warm)
        ensemble_ms = await time_ensembles(warm)
        await warm.close()
        settle = args.session_timeout + 15  # sessions reclaimed, idle threads stopped
        await asyncio.sleep(settle)
        baseline_mb = server_rss_mb(server)
        print(
            f"[{label}] server start to first answer {server.started_in_s:.1f} s; memory "
            f"after one warm-up session {baseline_mb:.0f} MB; think time {args.think_ms:g} ms; "
            f"Run ensemble (200 runs) median {statistics.median(ensemble_ms):.0f} ms, max "
            f"{max(ensemble_ms):.0f} ms",
            flush=True,
        )
        rounds = []
        for _ in range(args.repeat):
            for sessions in args.sessions:
                result = await run_round(
                    browser, server, sessions, args.clicks, settle, args.think_ms
                )
                rounds.append(result)
                report(result, baseline_mb, label)
        await browser.close()
    if "Traceback" in server.log():
        print(f"[{label}] the server logged a traceback:\n" + server.log(), file=sys.stderr)
    return rounds


def summarise(rounds: list[dict], sessions_list: list[int], label: str) -> None:
    """Each round size's median against the smallest round's (the anchor in the run)."""
    anchor = statistics.median(
        statistics.median(r["times"]) for r in rounds if r["sessions"] == min(sessions_list)
    )
    for sessions in sessions_list:
        medians = [statistics.median(r["times"]) for r in rounds if r["sessions"] == sessions]
        print(
            f"[{label}] {sessions:>2} sessions: Step median {statistics.median(medians):.0f} ms, "
            f"{statistics.median(medians) / anchor:.2f} times the {min(sessions_list)}-session "
            "round's"
        )


async def main_async(args: argparse.Namespace) -> int:
    results = {}
    if args.anchor:
        # the other checkout's dashboard: its own package first on the path; Solara reads
        # the session timeout from the environment, which that version passes on
        saved = dict(os.environ)
        os.environ["PYTHONPATH"] = str(Path(args.anchor).resolve())
        os.environ["SOLARA_KERNEL_CULL_TIMEOUT"] = f"{args.session_timeout:g}s"
        try:
            with DashboardServer("--scenario", args.scenario) as server:
                results["anchor"] = await measure(args, "anchor", server)
        finally:
            os.environ.clear()
            os.environ.update(saved)
    server_args = ["--scenario", args.scenario, "--session-timeout", str(args.session_timeout)]
    with DashboardServer(*server_args) as server:
        results["this"] = await measure(args, "this", server)
    for label, rounds in results.items():
        summarise(rounds, args.sessions, label)
    return 0


def report(result: dict, baseline_mb: float, label: str) -> None:
    """One line per round."""
    times, ready = result["times"], result["ready"]
    print(
        f"[{label}] {result['sessions']:>2} sessions: page ready median "
        f"{statistics.median(ready):.1f} s, "
        f"max {max(ready):.1f} s; Step ({len(times)} clicks) median "
        f"{statistics.median(times):.0f} ms, p90 {percentile(times, 0.9):.0f} ms, max "
        f"{max(times):.0f} ms; server memory {result['start_mb']:.0f} MB at the start, "
        f"peak {result['peak_mb']:.0f} MB, {result['after_mb']:.0f} MB after the sessions "
        f"ended ({100 * (result['after_mb'] / baseline_mb - 1):+.1f} % from the warm-up's); "
        f"CPU per click: server {result['cpu_ms'][0]:.0f} ms, browser {result['cpu_ms'][1]:.0f} ms",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sessions",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 5, 10],
        help="concurrent sessions per round, comma-separated (default: 1,5,10)",
    )
    parser.add_argument("--clicks", type=int, default=20, help="timed Step clicks per page")
    parser.add_argument("--repeat", type=int, default=1, help="times to run every round")
    parser.add_argument("--scenario", default="baseline", help="preset the page opens with")
    parser.add_argument(
        "--think-ms",
        type=float,
        default=0.0,
        help="pause of each page after each click has landed (default: 0, at once)",
    )
    parser.add_argument(
        "--anchor",
        metavar="DIR",
        help="another checkout of coalition-sim to measure first, as the baseline",
    )
    parser.add_argument(
        "--session-timeout",
        type=float,
        default=5.0,
        help="seconds before the server reclaims a disconnected session (default: 5)",
    )
    args = parser.parse_args()
    reason = missing_browser()
    if reason:
        print(f"cannot run: {reason}", file=sys.stderr)
        return 1
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
