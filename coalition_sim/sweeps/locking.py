"""One sweep at a time per folder: an exclusive lock held while a sweep writes it.

Two sweeps writing one folder interleave their part files, and the merge then mixes
their rows under one ``design.parquet`` and ``metadata.json`` while both report success;
a ``--resume`` of a sweep that is still running runs everything a second time. So a
sweep takes ``DIR/.lock`` with ``flock(LOCK_EX | LOCK_NB)`` before it touches anything
(``--force`` clearing and ``--resume`` included) and keeps it to the end; a second sweep
finds it taken and stops at once, naming the holder's pid and host.

The lock belongs to the open file, so it goes away with the process however it ends
(SIGKILL included), and a stale ``.lock`` file left behind by a killed sweep locks
nothing. A sweep that ends removes its lock file while it still holds the lock, so a
finished folder holds only results. Removing a lock file could let two processes lock
two different files of one name; so a process that takes the lock then checks that the
file it locked is still the one at ``DIR/.lock`` (same device and inode) and starts
again when it is not (the usual protocol of lock files that are removed). Advisory
locks work on local file systems; on NFS ``flock`` is emulated with ``fcntl`` locks by
Linux, which also hold across machines.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coalition_sim.errors import FolderLocked, Remedy
from coalition_sim.sweeps.storage import LOCK


def holder(path: Path) -> dict[str, Any]:
    """What the lock file says about the sweep holding it (may be empty or stale)."""
    try:
        return json.loads(Path(path).read_text() or "{}")
    except (OSError, ValueError):
        return {}


def describe(info: dict[str, Any]) -> str:
    """``pid 1234 on host h1 since 2026-05-01T10:00:00+00:00`` from the lock's content."""
    if not info.get("pid"):
        return "a process that has not said who it is yet"
    text = f"pid {info['pid']} on host {info.get('host', '?')}"
    return text + (f" since {info['since']}" if info.get("since") else "")


class FolderLock:
    """The exclusive lock of a sweep folder, as a context manager.

    Args:
        folder: the sweep folder (must exist).
        command: the command line of the holder, written into the lock file so a
            second sweep can say who holds it.

    Raises:
        FolderLocked: on entry, when another process holds the lock (exit code 4).

    """

    def __init__(self, folder: Path, command: str = ""):
        self.folder = Path(folder)
        self.path = self.folder / LOCK
        self.command = command
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        """True while this object holds the lock."""
        return self._fd is not None

    def acquire(self) -> FolderLock:
        """Take the lock or raise :class:`FolderLocked` naming the holder."""
        if self._fd is not None:
            return self
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                raise FolderLocked(
                    subject=self.folder,
                    problem=f"another sweep is writing this folder ({describe(holder(self.path))})",
                    remedy=Remedy.WAIT_OR_OTHER_FOLDER,
                ) from None
            except BaseException:
                os.close(fd)
                raise
            if _same_file(fd, self.path):
                break
            # The holder removed the file between our open and our lock: the lock we
            # hold is on a file nobody else will open. Take the one at the path.
            os.close(fd)
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": self.command,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        """Remove the lock file and let go of the lock (in that order; see the module)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if _same_file(fd, self.path):
                self.path.unlink()
        except OSError:  # a read-only disk must not keep the lock: empty it at least
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def __enter__(self) -> FolderLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _same_file(fd: int, path: Path) -> bool:
    """Whether the open file ``fd`` is the file now at ``path``."""
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (here.st_dev, here.st_ino)


def check_unlocked(folder: Path) -> None:
    """Raise :class:`FolderLocked` when a sweep holds ``folder``'s lock; create nothing.

    Used before refusing or clearing a folder, so that a second sweep is told the folder
    is in use rather than that it "exists and is not empty".
    """
    path = Path(folder) / LOCK
    if not path.exists():
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        raise FolderLocked(
            subject=folder,
            problem=f"another sweep is writing this folder ({describe(holder(path))})",
            remedy=Remedy.WAIT_OR_OTHER_FOLDER,
        ) from None
    finally:
        os.close(fd)
