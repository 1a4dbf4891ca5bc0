"""Output folders: checked before any work, tidied after a fault, named per process.

Shared by ``coalition-sim run`` (:mod:`coalition_sim.results`) and sweeps
(:mod:`coalition_sim.sweeps.storage`), so that a read-only or full disk gives the same one
line everywhere (exit code 3), and a run killed half-way leaves nothing that the next
run does not clean up.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import socket
from collections.abc import Callable, Sequence
from pathlib import Path

from coalition_sim.errors import InputError, OutputError, Remedy, write_fault


def check_writable(folder: Path, advice: Remedy | str = Remedy.OTHER_FOLDER) -> list[Path]:
    """Create ``folder`` (and parents) and write a probe file in it, before any work.

    Returns the folders this call created, outermost first, so a caller that fails
    later can remove them again and leave nothing behind. Raises :class:`InputError`
    when a part of the path is a file (``afile/sub``), and :class:`OutputError` naming
    the folder when it cannot be created or written (read-only, full, no permission, a
    place such as ``/proc`` that holds no files): the analyst learns it at once, not
    after an hour of runs.
    """
    folder = Path(folder)
    check_not_a_file(folder, advice)
    created: list[Path] = []
    missing = [p for p in [folder, *folder.parents] if not p.exists()]
    try:
        for path in reversed(missing):
            path.mkdir()
            created.append(path)
        probe = folder / owned_name("write", "probe")
        try:
            with open(probe, "wb") as handle:
                handle.write(b"probe")
                handle.flush()
                os.fsync(handle.fileno())
        finally:
            with contextlib.suppress(OSError):
                probe.unlink(missing_ok=True)
    except OSError as error:
        remove_created(created)
        reason = write_fault(error) or _why(error)
        if isinstance(advice, Remedy):
            raise OutputError(
                subject=folder, problem=f"cannot write there: {reason}", remedy=advice,
                path=folder, reason=reason,
            ) from None  # fmt: skip
        raise OutputError(
            f"{folder}: cannot write there: {reason}; {advice}", path=folder, reason=reason
        ) from None
    return created


def check_not_a_file(path: Path, advice: Remedy | str, *, given: str = "") -> None:
    """Refuse a folder path that runs through a file (``afile`` or ``afile/sub``).

    ``mkdir`` would say "Not a directory" about the deepest part; the analyst needs to
    know which part is the file. ``given`` starts the message (``--plot afile/x.png``)
    when the path checked is not what the analyst typed.
    """
    path = Path(path)
    for part in [path, *path.parents]:
        if part.is_dir():
            return
        if part.exists() or part.is_symlink():
            what = "is a file, not a folder" if part.is_file() else "is not a folder"
            if isinstance(advice, Remedy):
                problem = f"{part} {what}" if part == path else f"{path}: {part} {what}"
                raise InputError(problem=problem, remedy=advice)
            if given:
                start = f"{given}: {part} {what}"
            elif part == path:
                start = f"{part} {what}"
            else:
                start = f"{path}: {part} {what}"
            raise InputError(f"{start}; {advice}")


def _why(error: OSError) -> str:
    """An operating-system refusal in words, for errors that are not write faults."""
    if error.errno == errno.ENOENT:
        return "no files can be created in it (No such file or directory)"
    return error.strerror or type(error).__name__


def remove_created(created: Sequence[Path]) -> None:
    """Remove folders made by :func:`check_writable`, innermost first, while empty."""
    for path in reversed(list(created)):
        try:
            path.rmdir()
        except OSError:
            break


def output_error(path: Path, error: BaseException, advice: str = "") -> OutputError | None:
    """An :class:`OutputError` naming ``path`` when ``error`` is the place's fault."""
    if isinstance(error, OutputError):
        return error
    reason = write_fault(error)
    if reason is None:
        return None
    advice = advice or "free space or choose another place"
    return OutputError(f"{path}: cannot write: {reason}; {advice}", path=path, reason=reason)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` then rename ``tmp`` to ``path``: readers never see half a file.

    A full, read-only or forbidden place raises :class:`OutputError` naming ``path``
    (one line for the CLI, exit code 3), and the half-written temporary is removed.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except OSError as error:
        fault = output_error(path, error)
        if fault is None:
            raise
        raise fault from None
    finally:
        if tmp.exists():
            tmp.unlink()


# --- per-process hidden folders ----------------------------------------------------------------


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", socket.gethostname()) or "host"


def owned_name(stem: str, kind: str) -> str:
    """A hidden name that says which process made it: ``.STEM.KIND-HOST-PID-TOKEN``.

    A later run can then tell a leftover of a killed process (its pid is gone) from the
    folder of a run still going on beside it.
    """
    return f".{stem}.{kind}-{_host()}-{os.getpid()}-{os.urandom(3).hex()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def owner_of(name: str, kind: str) -> tuple[str, int] | None:
    """``(host, pid)`` from a name made by :func:`owned_name`, or None."""
    if not name.startswith(".") or f".{kind}-" not in name:
        return None
    parts = name.rpartition(f".{kind}-")[2].split("-")
    if len(parts) != 3 or not parts[0] or not parts[1].isdigit():
        return None
    return parts[0], int(parts[1])


def remove_stale(parent: Path, kinds: Sequence[str] = ("staging", "old", "probe")) -> list[Path]:
    """Delete hidden entries of ``kinds`` in ``parent`` left by dead processes of this host.

    A ``run`` killed with SIGKILL cannot remove its staging folder (or its write probe);
    the next run in the same parent folder does, when the pid in the name is no longer
    alive. Entries of other hosts (a shared file system) and of live processes are left
    alone.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return removed
    host = _host()
    for entry in entries:
        for kind in kinds:
            owner = owner_of(entry.name, kind)
            if owner is None or owner[0] != host or owner[1] == os.getpid():
                continue
            if _alive(owner[1]):
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed
