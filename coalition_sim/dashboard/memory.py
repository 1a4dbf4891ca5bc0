"""Memory a dashboard left running gives back: after each session, after each ensemble.

Python frees a session's objects when Solara closes it, but glibc's allocator keeps the
freed pages in the process (a 5,000-run ensemble left about 110 MB behind after it was
deleted; ``malloc_trim`` returned all of it), and anyio keeps the idle worker threads that
ran the sessions, each with its stack, until another thread is asked for (ten sessions
left thirty idle threads and 20 MB). :func:`trim` collects garbage and hands free pages
back to the system; :func:`release_after_sessions` runs it shortly after every session
ends and, once the session's thread has been idle for anyio's limit, asks anyio for a
thread, which stops the idle ones. The Ensemble tab trims after every ensemble.

Ensembles also take turns (:data:`ENSEMBLE_SLOT`): one 5,000-run ensemble needs about
250 MB while it runs, so four started at once by four analysts would need a gigabyte,
and on two cores they would not finish sooner side by side.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import functools
import gc
import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)

#: One ensemble runs at a time in the server; the others wait for their turn.
ENSEMBLE_SLOT = threading.BoundedSemaphore(1)

#: Seconds after a session closes before memory is trimmed (Solara lets go of the
#: session's widgets on its own threads just after the close).
TRIM_DELAY_S = 1.0
#: anyio stops a worker thread idle for this long, when asked for another thread.
WORKER_IDLE_S = 10.0


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's ``malloc_trim`` (glibc), or None on a system without it (macOS, musl)."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


#: glibc's ``mallopt`` parameter for the number of allocation arenas.
M_ARENA_MAX = -8
#: Arenas the server's allocator may use: each session runs on a thread of its own, and
#: glibc gives threads arenas of their own (up to eight per core), which keep freed
#: memory apart; two keep the threads' memory together, where ``trim`` can return it.
ARENAS = 2


def limit_arenas(arenas: int = ARENAS) -> None:
    """Let the allocator use at most ``arenas`` arenas (glibc; nothing elsewhere).

    Called before the server starts its threads.
    """
    name = ctypes.util.find_library("c")
    try:
        mallopt = ctypes.CDLL(name).mallopt if name else None
    except (OSError, AttributeError):
        mallopt = None
    if mallopt is not None:
        mallopt(M_ARENA_MAX, arenas)


def trim() -> None:
    """Collect garbage and give the allocator's free pages back to the system."""
    gc.collect()
    release = _malloc_trim()
    if release is not None:
        release(0)


#: The server's event loop, where Solara hands each session to a worker thread.
_server_loop: list[asyncio.AbstractEventLoop] = []


def remember_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Note the server's event loop (the guard calls this when the server starts)."""
    _server_loop[:] = [loop]


async def _prune_workers() -> None:
    """Let anyio stop the worker threads idle for longer than its limit (10 s).

    Solara runs each session on one of anyio's worker threads; idle workers are stopped
    only when the next thread is asked for, so after a busy hour dozens of idle threads
    kept their stacks (about 0.7 MB each). Asking for a thread prunes them.
    """
    import anyio.to_thread

    await anyio.to_thread.run_sync(trim)


def _after_session() -> None:
    """Trim now, and again once the session's worker thread has been idle long enough."""
    _schedule(TRIM_DELAY_S, trim)
    loop = _server_loop[0] if _server_loop else None
    if loop is not None and not loop.is_closed():

        def prune() -> None:
            if not loop.is_closed():
                asyncio.run_coroutine_threadsafe(_prune_workers(), loop)

        _schedule(WORKER_IDLE_S + 1, prune)


def _schedule(delay_s: float, action: Callable[[], object]) -> None:
    timer = threading.Timer(delay_s, action)
    timer.daemon = True
    timer.start()


_registered = threading.Event()


def release_after_sessions() -> None:
    """Trim memory shortly after every Solara session ends (registered once per server)."""
    if _registered.is_set():
        return
    _registered.set()
    import solara.lab

    solara.lab.on_kernel_start(lambda: _after_session)
