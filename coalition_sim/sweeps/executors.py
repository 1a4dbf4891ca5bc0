"""Where the runs of a sweep execute: one interface, three backends.

The runner hands an :class:`Executor` a function, a stream of tasks (chunks of runs) and
one shared object (the base scenario, the data set, what to collect); it gets back
``(task, result)`` pairs as tasks finish, in any order. It never learns which backend it
has. Every backend is a context manager that stops its workers on exit, so an
interrupted sweep leaves no process behind (dask connects on entry; the local pool forks
its workers when the first tasks come, once it has the shared object to give them).

- :class:`SerialExecutor`: in this process; for one worker, debugging and tests.
- :class:`PoolExecutor`: a local process pool (``fork``: workers inherit the loaded
  code and the shared object without pickling it). A worker that dies takes the pool
  down; the pool is restarted and the lost tasks resubmitted, a few times at most.
- :class:`DaskExecutor`: a dask.distributed cluster, existing (``--scheduler
  tcp://HOST:PORT``) or started here on loopback (``--dask-local N``). A worker that dies
  is replaced by its nanny and dask reruns its tasks; each task is submitted once under
  a unique key and yielded once, so no run is lost or duplicated.

The number of tasks in flight is bounded, so memory does not grow with the sweep.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import re
import signal
import uuid
import warnings
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from coalition_sim.errors import InputError, SchedulerError

T = TypeVar("T")

#: A task function: ``fn(shared, task) -> result``; must be importable (module level).
TaskFn = Callable[[Any, Any], Any]

#: How many times a broken local pool is restarted before its tasks are given up.
POOL_RESTARTS = 3

#: Seconds to wait for a dask scheduler before giving up (``--connect-timeout``): long
#: enough for a scheduler across a network, short enough that a wrong address fails fast.
DEFAULT_CONNECT_TIMEOUT = 5.0
#: Seconds to wait when disconnecting from a scheduler (it may be gone).
CLOSE_TIMEOUT = 2.0


def available_cores() -> int:
    """Cores this process may use (affinity-aware)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


class Executor(ABC):
    """Runs tasks somewhere and yields ``(task, result)`` pairs as they finish.

    A result is whatever ``fn`` returned, or the exception raised when the task could
    not be run at all (the runner records it against every run of the task).
    """

    #: Short backend name recorded in metadata.json.
    name: str = "executor"

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:  # noqa: B027 - optional hook
        """Stop the workers (no-op for the serial backend)."""

    @property
    @abstractmethod
    def workers(self) -> int:
        """Number of tasks that can run at the same time."""

    @abstractmethod
    def imap_unordered(
        self, fn: TaskFn, tasks: Iterable[T], shared: Any
    ) -> Iterator[tuple[T, Any]]:
        """Run ``fn(shared, task)`` for every task; yield pairs in completion order."""

    def describe(self) -> dict[str, Any]:
        """Describe where the sweep ran, for metadata.json."""
        return {"backend": self.name, "workers": self.workers}


class SerialExecutor(Executor):
    """Runs every task in this process, one after the other."""

    name = "serial"

    @property
    def workers(self) -> int:
        """One."""
        return 1

    def imap_unordered(
        self, fn: TaskFn, tasks: Iterable[T], shared: Any
    ) -> Iterator[tuple[T, Any]]:
        """Run the tasks in order."""
        for task in tasks:
            yield task, fn(shared, task)


# --- local process pool ---------------------------------------------------------------------

_SHARED: Any = None

#: ``prctl`` option: the signal a process gets when its parent dies (Linux).
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> str:
    """Make this worker end when the sweep that started it ends, however it ends.

    A SIGKILLed sweep cannot stop its pool; its workers would go on computing chunks
    nobody reads (27 s and more). On Linux the kernel sends SIGKILL to the worker when
    its parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere a daemon thread polls the
    parent's pid. Returns which of the two is in place.
    """
    how = "watchdog"
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0:
            how = "pdeathsig"
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    if how == "watchdog":  # pragma: no cover - not Linux
        import threading
        import time

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()
    return how


def _pool_init(shared: Any, parent: int | None = None) -> None:
    """Keep the shared object in the worker; leave Ctrl-C to the parent; die with it."""
    global _SHARED  # noqa: PLW0603 - one value per worker process, set once
    _SHARED = shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's SIGTERM handler (raise, as Ctrl-C) is inherited through fork; a
    # worker told to stop by the pool just stops.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if parent is not None:
        die_with_parent(parent)


def _pool_call(fn: TaskFn, task: Any) -> Any:
    return fn(_SHARED, task)


class PoolExecutor(Executor):
    """A local pool of worker processes started with ``fork``."""

    name = "local-pool"

    def __init__(self, workers: int | None = None, *, max_pending: int | None = None):
        self._workers = workers or available_cores()
        self._max_pending = max_pending or 2 * self._workers
        self._pool = None
        self._shared: Any = None
        self.restarts = 0

    @property
    def workers(self) -> int:
        """Number of worker processes."""
        return self._workers

    def _start(self, shared: Any) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with warnings.catch_warnings():
            # Python 3.12 warns about fork() in any process with threads; here those are
            # pyarrow's and OpenBLAS's pools, which re-initialise themselves after a fork.
            warnings.filterwarnings(
                "ignore", "This process .* is multi-threaded", DeprecationWarning
            )
            self._pool = ProcessPoolExecutor(
                max_workers=self._workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_pool_init,
                initargs=(shared, os.getpid()),
            )
            self._pool.submit(int).result()  # fork every worker now, inside this filter

    def close(self) -> None:
        """Stop the pool; queued tasks are cancelled, running ones finish."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def imap_unordered(
        self, fn: TaskFn, tasks: Iterable[T], shared: Any
    ) -> Iterator[tuple[T, Any]]:
        """Submit tasks with a bounded number in flight; yield as they complete."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        self.close()
        self._start(shared)
        source = iter(tasks)
        pending: dict[Any, T] = {}
        retry: deque[T] = deque()
        while True:
            broken: BaseException | None = None
            while len(pending) < self._max_pending:
                task = retry.popleft() if retry else next(source, _END)
                if task is _END:
                    break
                try:
                    pending[self._pool.submit(_pool_call, fn, task)] = task
                except BrokenProcessPool as error:  # a worker died since the last wait
                    retry.appendleft(task)
                    broken = error
                    break
            if not pending and broken is None:
                return
            if broken is None:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task = pending.pop(future)
                    error = future.exception()
                    if isinstance(error, BrokenProcessPool):
                        retry.append(task)
                        broken = error
                    elif error is not None:
                        yield task, error
                    else:
                        yield task, future.result()
            if broken is not None:
                # every task in flight died with the pool: run them again on a new one
                retry.extend(pending.values())
                pending.clear()
                if self.restarts >= POOL_RESTARTS:
                    for task in [*retry, *source]:
                        yield task, broken
                    return
                self.restarts += 1
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._start(shared)

    def describe(self) -> dict[str, Any]:
        """Backend, workers and start method."""
        return {"backend": self.name, "workers": self.workers, "start_method": "fork"}


_END = object()


# --- dask.distributed -----------------------------------------------------------------------

_DASK_SHARED: dict[str, Any] = {}


def _dask_call(fn: TaskFn, token: str, payload: bytes, task: Any) -> Any:
    """Run one task on a dask worker, unpickling the shared object once per process."""
    shared = _DASK_SHARED.get(token)
    if shared is None:
        _DASK_SHARED.clear()
        shared = pickle.loads(payload)
        _DASK_SHARED[token] = shared
    return fn(shared, task)


class DaskExecutor(Executor):
    """A dask.distributed cluster: an existing scheduler, or a local one on loopback.

    Args:
        address: ``tcp://HOST:PORT`` of a running scheduler; its workers must have
            coalition-sim installed.
        local_workers: start a ``LocalCluster`` with this many single-threaded worker
            processes, listening on 127.0.0.1 only, without a dashboard.
        max_pending: tasks in flight (default: twice the cluster's threads).

    """

    name = "dask"

    def __init__(
        self,
        address: str | None = None,
        *,
        local_workers: int | None = None,
        max_pending: int | None = None,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
    ):
        if (address is None) == (local_workers is None):
            raise ValueError("give either a scheduler address or a number of local workers")
        self.address = address
        self.local_workers = local_workers
        self._max_pending = max_pending
        self.connect_timeout = connect_timeout
        self.cluster = None
        self.client = None
        self._log_levels: dict[str, int] = {}

    def __enter__(self) -> DaskExecutor:
        from distributed import Client, LocalCluster

        if self.address is None:
            try:
                self.cluster = LocalCluster(
                    n_workers=self.local_workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                )
                self.client = Client(self.cluster)
            except (OSError, TimeoutError) as error:
                self.close()
                raise SchedulerError(
                    field="dask_local",
                    subject=self.local_workers,
                    problem=f"the local dask cluster did not start ({error}); try {{workers}} "
                    "N for a local pool instead",
                    names=("workers",),
                ) from None
            return self
        self._quiet_reconnects()
        try:
            self.client = Client(self.address, timeout=f"{self.connect_timeout}s")
        except (OSError, TimeoutError) as error:
            self.close()
            raise SchedulerError(
                field="scheduler",
                subject=self.address,
                problem=f"cannot reach the dask scheduler within {self.connect_timeout:g} s "
                f"({_first_line(error)}); check the address and that the scheduler runs, or "
                "raise {connect_timeout}",
                names=("connect_timeout",),
            ) from None
        return self

    def _quiet_reconnects(self) -> None:
        """Silence distributed's logged tracebacks while it retries a lost scheduler.

        The loss is reported once, as one line (:class:`SchedulerLost`); the client's
        retries would otherwise print pages of tracebacks on the analyst's terminal.
        """
        import logging

        import distributed  # noqa: F401 - its loggers exist once it is imported

        names = [
            name
            for name in logging.Logger.manager.loggerDict
            if name.split(".")[0] in ("distributed", "tornado", "asyncio")
        ]
        for name in {"distributed", "tornado", "asyncio", *names}:
            logger = logging.getLogger(name)
            self._log_levels[name] = logger.level
            logger.setLevel(logging.CRITICAL + 1)

    def close(self) -> None:
        """Disconnect, and stop the local cluster if this executor started it."""
        import logging

        if self.client is not None:
            # A few seconds at most: a lost scheduler would make close() wait its timeout.
            with contextlib.suppress(OSError, TimeoutError):
                self.client.close(timeout=CLOSE_TIMEOUT)
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None
        for name, level in self._log_levels.items():
            logging.getLogger(name).setLevel(level)
        self._log_levels = {}

    @property
    def workers(self) -> int:
        """Total threads of the cluster's workers (at least one)."""
        if self.client is None:
            return self.local_workers or 1
        info = self.client.scheduler_info()
        return max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def imap_unordered(
        self, fn: TaskFn, tasks: Iterable[T], shared: Any
    ) -> Iterator[tuple[T, Any]]:
        """Submit tasks under unique keys, a bounded number at a time."""
        from distributed import as_completed

        payload = pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL)
        token = hashlib.sha256(payload).hexdigest()[:16]
        prefix = f"coalition-sweep-{uuid.uuid4().hex[:12]}"
        max_pending = self._max_pending or 2 * self.workers
        source = iter(tasks)
        by_key: dict[str, T] = {}
        counter = 0

        def submit_next(stream: Any) -> bool:
            nonlocal counter
            task = next(source, _END)
            if task is _END:
                return False
            key = f"{prefix}-{counter}"
            counter += 1
            future = self.client.submit(
                _dask_call, fn, token, payload, task, key=key, pure=False, retries=2
            )
            by_key[key] = task
            stream.add(future)
            return True

        stream = as_completed()
        for _ in range(max_pending):
            if not submit_next(stream):
                break
        for future in stream:
            task = by_key.pop(future.key)
            if future.status == "cancelled":
                # Futures are cancelled when the client loses its scheduler; the tasks
                # are not failed runs, they are runs still to do (--resume runs them).
                raise SchedulerLost(
                    field="scheduler",
                    subject=self.describe().get("scheduler"),
                    problem="lost the dask scheduler mid-sweep (connection closed)",
                )
            if future.status == "error":
                yield task, future.exception()
            else:
                yield task, future.result()
            future.release()
            submit_next(stream)

    def describe(self) -> dict[str, Any]:
        """Backend, scheduler address and workers."""
        where = self.address or (self.cluster.scheduler_address if self.cluster else None)
        return {
            "backend": self.name,
            "workers": self.workers,
            "scheduler": where,
            "local_cluster": self.address is None,
        }


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


class SchedulerLost(SchedulerError):
    """The scheduler went away while tasks were in flight (they are not lost runs)."""


_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$")


def check_scheduler_address(address: str) -> str:
    """Return ``address`` when it has the form ``tcp://HOST:PORT``, else raise InputError.

    Checked before anything starts, so ``--scheduler notanaddress`` is one line with the
    allowed form, not a traceback from deep inside distributed.
    """
    match = _ADDRESS.match(address.strip())
    if not match or not 1 <= int(match.group(3)) <= 65535:
        raise InputError(
            field="scheduler",
            subject=repr(address),
            problem="not a scheduler address; write tcp://HOST:PORT (for example "
            "tcp://10.0.0.5:8786, as 'dask scheduler' prints it)",
        )
    return address.strip()


def make_executor(
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
) -> Executor:
    """Pick the backend from the command-line choices (default: all local cores)."""
    if scheduler is not None:
        return DaskExecutor(check_scheduler_address(scheduler), connect_timeout=connect_timeout)
    if dask_local is not None:
        return DaskExecutor(local_workers=dask_local)
    count = workers or available_cores()
    if count == 1:
        return SerialExecutor()
    return PoolExecutor(count)
