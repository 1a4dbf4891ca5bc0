"""Helpers for the fault tests: real small file systems, real processes.

The disk cases use a real file system that is full or read-only, mounted for the test:
a tmpfs of a few hundred kilobytes gives ``ENOSPC`` exactly where a full disk does (in
the middle of a parquet write), and a read-only bind mount gives ``EROFS``, which root
gets too (root ignores ``chmod``, so permissions cannot make a folder unwritable here).
Mounting needs ``CAP_SYS_ADMIN`` (root in this sandbox and in CI). Where it is missing
the tests skip with the reason, except under ``CI``, where they fail: a fault test that
cannot reproduce its fault must not pass silently.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"fault tests must run under CI: {why}")
    pytest.skip(why)


def _run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, check=False)


@contextlib.contextmanager
def small_tmpfs(where: Path, size: str) -> Iterator[Path]:
    """Mount a tmpfs of ``size`` (``300k``) at ``where``; unmount at the end."""
    where.mkdir(parents=True, exist_ok=True)
    done = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where))
    if done.returncode != 0:
        _unavailable(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield where
    finally:
        _run("umount", "-l", str(where))


def resize_tmpfs(where: Path, size: str) -> None:
    """Give a mounted tmpfs more room (as an analyst frees disk space)."""
    done = _run("mount", "-o", f"remount,size={size}", str(where))
    assert done.returncode == 0, done.stderr


@contextlib.contextmanager
def read_only(where: Path) -> Iterator[Path]:
    """Make ``where`` a read-only bind mount of itself; undo it at the end."""
    where.mkdir(parents=True, exist_ok=True)
    done = _run("mount", "--bind", str(where), str(where))
    if done.returncode != 0:
        _unavailable(f"cannot bind-mount here: {done.stderr.strip() or done.returncode}")
    try:
        done = _run("mount", "-o", "remount,ro,bind", str(where))
        if done.returncode != 0:
            _unavailable(f"cannot remount read-only: {done.stderr.strip()}")
        probe = where / ".probe"
        try:
            probe.write_text("x")
        except OSError:
            pass
        else:  # pragma: no cover - the mount did not take
            probe.unlink()
            _unavailable("the read-only bind mount still accepts writes")
        yield where
    finally:
        _run("umount", "-l", str(where))


def listing(folder: Path) -> list[str]:
    """Every entry of a folder, hidden ones included, sorted."""
    return sorted(p.name for p in folder.iterdir())


def process_gone(pid: int) -> bool:
    """True when ``pid`` has exited (a zombie waiting for init counts as gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return fields[0] in ("Z", "X")


def children(pid: int) -> list[int]:
    """Pids of the direct children of ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def wait_for(condition, *, timeout: float = 30.0, what: str = "a condition") -> None:
    """Poll ``condition()`` until true; fail (not hang) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")
