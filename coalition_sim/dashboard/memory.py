"""Memory a dashboard left running gives back: after each session, after each ensemble.

Python frees a session's objects when Solara closes it, but glibc's allocator keeps the
freed pages in the process (a 5,000-run ensemble left about 110 MB behind after it was
deleted; ``malloc_trim`` returned all of it). :func:`trim` collects garbage and hands free
pages back to the system; :func:`release_after_sessions` runs it shortly after every
session ends, and the Ensemble tab after every ensemble.

Ensembles also take turns (:data:`ENSEMBLE_SLOT`): one 5,000-run ensemble needs about
250 MB while it runs, so four started at once by four analysts would need a gigabyte,
and on two cores they would not finish sooner side by side.
"""

from __future__ import annotations

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


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's ``malloc_trim`` (glibc), or None on a system without it (macOS, musl)."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def trim() -> None:
    """Collect garbage and give the allocator's free pages back to the system."""
    gc.collect()
    release = _malloc_trim()
    if release is not None:
        release(0)


def _later() -> None:
    timer = threading.Timer(TRIM_DELAY_S, trim)
    timer.daemon = True
    timer.start()


_registered = threading.Event()


def release_after_sessions() -> None:
    """Trim memory shortly after every Solara session ends (registered once per server)."""
    if _registered.is_set():
        return
    _registered.set()
    import solara.lab

    solara.lab.on_kernel_start(lambda: _later)
