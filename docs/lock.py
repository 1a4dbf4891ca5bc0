"""Write requirements-lock.txt: the exact versions of every package coalition-sim runs on.

Usage, from the repository root, in the environment whose versions are to be locked::

    python docs/lock.py            # write requirements-lock.txt
    python docs/lock.py --check    # exit 1 when the file differs from the environment

The lock holds the installed version of each package that ``coalition-sim`` needs to
run, directly or through another package (its dependencies' dependencies, with the
extras they ask for, for this platform), and nothing else: not coalition-sim itself,
not the test and lint tools of the ``test`` extra, not whatever else the environment
happens to hold. Installing it with ``pip install -r requirements-lock.txt -e .`` gives
the versions the stored calibration was produced with, for reruns that agree to the
last digit (``calibrate --check`` needs only its tolerance; see docs/calibration.md).
"""

from __future__ import annotations

import argparse
import sys
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements-lock.txt"
PACKAGE = "coalition-sim"


def closure(name: str = PACKAGE) -> dict[str, str]:
    """Installed versions of everything ``name`` needs to run, by canonical name."""
    found: dict[str, str] = {}
    visited: set[tuple[str, tuple[str, ...]]] = set()

    def walk(requirement: str, extras: tuple[str, ...]) -> None:
        key = canonicalize_name(requirement)
        if (key, extras) in visited:
            return
        visited.add((key, extras))
        distribution = metadata.distribution(requirement)
        found[key] = distribution.version
        for line in distribution.requires or []:
            needed = Requirement(line)
            wanted = needed.marker is None or any(
                needed.marker.evaluate({**default_environment(), "extra": extra})
                for extra in ("", *extras)
            )
            if wanted:
                walk(needed.name, tuple(sorted(needed.extras)))

    walk(name, ())
    found.pop(canonicalize_name(name), None)
    return found


def text() -> str:
    """The lock file's contents."""
    import platform

    versions = closure()
    head = [
        "# Exact versions coalition-sim was run and calibrated with (written by",
        "# `python docs/lock.py`; Python "
        f"{platform.python_version()}, {sys.platform}). For bit-identical reruns:",
        "#   pip install -r requirements-lock.txt -e .",
        "# Without it, `pip install -e .` takes the newest releases, and the stored",
        "# calibration is still reproduced within calibrate --check's tolerance.",
    ]
    return "\n".join([*head, *(f"{name}=={v}" for name, v in sorted(versions.items()))]) + "\n"


def main() -> int:
    """Write or check the lock file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args()
    wanted = text()
    if args.check:
        current = LOCK.read_text() if LOCK.exists() else ""
        same = [ln for ln in current.splitlines() if not ln.startswith("#")] == [
            ln for ln in wanted.splitlines() if not ln.startswith("#")
        ]
        print("lock file up to date" if same else "lock file differs: run python docs/lock.py")
        return 0 if same else 1
    LOCK.write_text(wanted)
    print(f"written: {LOCK.relative_to(ROOT)} ({len(wanted.splitlines()) - 5} packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
