"""The exceptions every face reports the same way, and the exit codes they map to.

Each kind of failure a user can meet is one exception class carrying its exit code, so
the command line (``coalition_sim.cli.main``) turns any of them into one line on stderr
and that code, without a traceback, and every command's ``--help`` lists the same codes.
A script driving a sweep can then tell "fix your input" (2) from "the disk is full" (3),
"another sweep is writing that folder" (4) and "the cluster went away" (5).
"""

from __future__ import annotations

import errno as _errno
from enum import StrEnum

#: Every run (or every run of the sweep) succeeded.
EXIT_OK = 0
#: Some runs of a sweep failed (rows with status "error"), or a check did not pass.
EXIT_RUNS_FAILED = 1
#: Bad input: a parameter, a file, a name, an option.
EXIT_BAD_INPUT = 2
#: The output cannot be written: read-only or full file system, no permission.
EXIT_OUTPUT = 3
#: The sweep folder is locked by another sweep that is writing it.
EXIT_LOCKED = 4
#: The dask scheduler cannot be reached, or was lost during the sweep.
EXIT_SCHEDULER = 5
#: The dashboard's port is taken by another program.
EXIT_PORT_IN_USE = 6
#: Interrupted (Ctrl-C, SIGINT, or SIGTERM); finished runs of a sweep are saved.
EXIT_INTERRUPTED = 130

#: What each code means, in one line, for ``--help`` and the README.
EXIT_MEANINGS: dict[int, str] = {
    EXIT_OK: "success",
    EXIT_RUNS_FAILED: "some runs or checks failed (sweep: rows with status 'error'; "
    "validate, calibrate --check: a check did not pass)",
    EXIT_BAD_INPUT: "bad input (a parameter, file, name or option, or more work than the "
    "command's limit); nothing written",
    EXIT_OUTPUT: "output not writable (read-only or full disk, no permission, a place that "
    "takes no files)",
    EXIT_LOCKED: "the sweep folder is in use by another sweep",
    EXIT_SCHEDULER: "dask scheduler unreachable or lost (finished runs are saved)",
    EXIT_PORT_IN_USE: "the port is in use by another program",
    EXIT_INTERRUPTED: "interrupted (Ctrl-C or SIGTERM); a sweep keeps its finished runs",
}


def exit_codes_help(*codes: int) -> str:
    """The "exit codes:" paragraph of a command's ``--help`` epilog, for ``codes``."""
    lines = ["exit codes:"]
    lines += [f"  {code:<4} {EXIT_MEANINGS[code]}" for code in sorted(codes)]
    return "\n".join(lines)


class Remedy(StrEnum):
    """What the user can do about a failure, in words no face owns.

    The layers below the faces name the remedy; each face says it in its own words
    (``choose another --out`` on the command line, ``choose another out folder`` in
    Python): :class:`Face`.
    """

    OTHER_FOLDER = "choose another output folder"
    OTHER_FOLDER_OR_REPLACE = "choose another output folder, or replace it"
    REPLACE_ONLY_RUN = "replacing removes a run's results only; move them or choose another folder"
    REPLACE_OR_CONTINUE = "replace its results, or continue the sweep in it"
    REPLACE_ONLY_RESULTS = "replacing removes sweep results only; choose another output folder"
    WAIT_OR_OTHER_FOLDER = "wait for it to end, stop it, or choose another output folder"
    CONTINUE = "continue the sweep in {folder}"
    FREE_SPACE_AND_CONTINUE = "free space, then continue the sweep in {folder}"
    RECONNECT_AND_CONTINUE = "continue the sweep in {folder}, on a cluster again if wanted"
    GIVE_A_SWEEP_FOLDER = "give the folder of a sweep to continue"
    SMALLER_DESIGN = "check the number of points of each range, or split the sweep"


class Face:
    """How one face (the command line, the Python API) says fields and remedies.

    ``fields`` maps a neutral field name (``samples``) to the face's (``--samples``);
    ``remedies`` maps a :class:`Remedy` to the face's words, which may name ``{folder}``.
    """

    def __init__(
        self, fields: dict[str, str], remedies: dict[Remedy, str], value: str = "{field} {subject}"
    ) -> None:
        self.fields = fields
        self.remedies = remedies
        self.value = value

    def field(self, name: str) -> str:
        """The face's name of a field (the neutral name when it has none of its own)."""
        return self.fields.get(name, name)

    def head(self, name: str | None, subject: object) -> str:
        """What a message is about: a field, its value (a folder), or both."""
        if name is None:
            return "" if subject is None else str(subject)
        if subject is None:
            return self.field(name)
        return self.value.format(field=self.field(name), subject=subject)

    def remedy(self, remedy: Remedy, **context: object) -> str:
        """The face's words for a remedy, with its context (the folder) filled in."""
        return self.remedies.get(remedy, remedy.value).format(**context)


#: Neutral words: a field's own name, ``field 'value'``.
NEUTRAL = Face({}, {}, "{field} '{subject}'")


class CoalitionSimError(Exception):
    """A failure the user can act on; the message is one line naming what and what to do.

    Subclasses set :attr:`exit_code`; the CLI prints ``coalition-sim CMD: error: MESSAGE``
    and exits with it. A lower layer may give the parts instead of a sentence: the
    ``field`` (or ``subject``) the failure is about, the ``problem`` and a
    :class:`Remedy`; a face renders them in its own words (:meth:`render`), and
    ``str()`` renders them in neutral words.
    """

    exit_code: int = EXIT_BAD_INPUT

    def __init__(
        self,
        message: str = "",
        *,
        field: str | None = None,
        subject: object = None,
        problem: str = "",
        remedy: Remedy | None = None,
        context: dict[str, object] | None = None,
        names: tuple[str, ...] = (),
    ) -> None:
        self.field, self.subject, self.problem = field, subject, problem
        self.names = names
        self.remedy, self.context = remedy, dict(context or {})
        self.face: Face | None = None
        super().__init__(message)

    def render(self, face: Face | None) -> str:
        """The message in a face's words (neutral words without a face)."""
        if not self.problem:
            return super().__str__()
        face = face or NEUTRAL
        head = face.head(self.field, self.subject)
        problem = self.problem
        for name in self.names:  # fields named in the problem: "{samples}=N"
            problem = problem.replace("{" + name + "}", face.field(name))
        text = f"{head}: {problem}" if head else problem
        if self.remedy is not None:
            text += "; " + face.remedy(self.remedy, **self.context)
        return text

    def __str__(self) -> str:
        return self.render(self.face)

    def in_words_of(self, face: Face) -> CoalitionSimError:
        """Show this error in ``face``'s words from now on; return it."""
        self.face = face
        return self


class InputError(CoalitionSimError, ValueError):
    """Bad input from a user: a parameter, a file, a name.

    The message is one line that names what is wrong and what is allowed; the CLI prints
    it on stderr and exits with code 2, the dashboard shows it next to the control.
    """

    exit_code = EXIT_BAD_INPUT


class OutputError(CoalitionSimError):
    """The results cannot be written where asked (exit code 3).

    Raised before any work when the folder is not writable, and during the writes when
    the disk fills up; whatever was written before is kept whole, and half-written files
    are removed.
    """

    exit_code = EXIT_OUTPUT

    def __init__(
        self, message: str = "", *, path: object = None, reason: str | None = None, **parts
    ):
        super().__init__(message, **parts)
        #: The file or folder that could not be written, and why in words.
        self.path = path
        self.reason = reason


class FolderLocked(CoalitionSimError):
    """Another sweep holds the lock of the sweep folder (exit code 4)."""

    exit_code = EXIT_LOCKED


class SchedulerError(CoalitionSimError):
    """The dask scheduler cannot be reached, or was lost mid-sweep (exit code 5)."""

    exit_code = EXIT_SCHEDULER


class PortInUse(CoalitionSimError):
    """The dashboard's port is taken (exit code 6)."""

    exit_code = EXIT_PORT_IN_USE


class Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a batch scheduler's time limit, ``systemctl stop``): as Ctrl-C.

    The command line turns SIGTERM into this exception, so every place that saves work
    on Ctrl-C (a sweep's finished runs, its metadata set to "interrupted") does the same
    for SIGTERM; the exit code is 130 in both cases.
    """


#: errno values that mean "this place cannot take the results", with what to say.
WRITE_FAULTS: dict[int, str] = {
    _errno.ENOSPC: "no space left on the device",
    _errno.EDQUOT: "disk quota exceeded",
    _errno.EFBIG: "file too large for this file system or limit",
    _errno.EROFS: "read-only file system",
    _errno.EACCES: "permission denied",
    _errno.EPERM: "operation not permitted",
}


def brief(text: object, width: int = 160) -> str:
    """The first line of a library's message, shortened at a word if longer than ``width``.

    A message quoted inside ours must stay one line and short, and must never stop in
    the middle of a word ("Either the file is co").
    """
    import textwrap

    lines = str(text).strip().splitlines()
    return textwrap.shorten(lines[0] if lines else "", width, placeholder=" ...")


def write_fault(error: BaseException) -> str | None:
    """Say in words why a write failed, when it is the place's fault (None otherwise).

    pyarrow raises a plain ``OSError`` whose ``errno`` is set; the words come from
    :data:`WRITE_FAULTS` so every message reads the same.
    """
    if isinstance(error, OutputError):
        return error.reason or str(error)
    if isinstance(error, OSError) and error.errno in WRITE_FAULTS:
        return WRITE_FAULTS[error.errno]
    return None
