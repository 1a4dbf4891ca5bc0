"""Is a calibration reproduced? Ids exactly, floating-point numbers within a tolerance.

``coalition-sim calibrate --check`` reruns the stored calibration's settings and
compares the result with the stored one. What is exact by construction is compared
exactly: the settings, the names, and which parameter sets were accepted, in order (their
ids, the rows of the Latin hypercube). Floating-point numbers (the parameter values, the
distances, the summary statistics, the fit) are computed by numpy, scipy and SALib,
which do not promise the same last digits across versions, processors or builds: a
fresh install (numpy 2.5.5, pandas 3.1.1, scipy 1.18.1) changed distances by up to
3.6e-15 with the same accepted sets. They are compared with :data:`TOLERANCE`: far above
such rounding (a million times the largest difference seen), far below anything the
report prints (three decimals) or any change of the model.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from coalition_sim.calibration.abc import Calibration


@dataclass(frozen=True)
class Tolerance:
    """Two numbers agree when ``|a - b| <= absolute + relative * |stored|``."""

    relative: float = 1e-9
    absolute: float = 1e-12

    def agree(self, stored: float, rerun: float) -> bool:
        """Whether two floating-point numbers agree (two NaNs agree, as "not computed")."""
        if math.isnan(stored) or math.isnan(rerun):
            return math.isnan(stored) and math.isnan(rerun)
        return abs(stored - rerun) <= self.absolute + self.relative * abs(stored)

    def __str__(self) -> str:
        return f"{self.relative:g} relative plus {self.absolute:g} absolute"


#: The tolerance of ``calibrate --check`` (stated in its --help, its output and the README).
TOLERANCE = Tolerance()

#: Packages whose versions a calibration records: they compute its numbers.
PACKAGES = ("coalition-sim", "numpy", "pandas", "scipy", "SALib")


def versions() -> dict[str, str]:
    """The installed versions of :data:`PACKAGES` and of Python, for the provenance."""
    import platform

    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def describe_versions(provenance: dict[str, Any]) -> str:
    """``numpy 2.5.5, pandas 3.1.1, ...`` from a provenance, or say they were not recorded."""
    recorded = provenance.get("versions")
    if not recorded:
        return "versions not recorded (written before calibrations recorded them)"
    return ", ".join(f"{name} {version}" for name, version in recorded.items())


@dataclass(frozen=True)
class Comparison:
    """The outcome of a check: the differences beyond the tolerance, and the largest within."""

    differences: list[str]
    compared: int
    largest: float
    tolerance: Tolerance

    @property
    def reproduced(self) -> bool:
        """True when nothing differs beyond the tolerance."""
        return not self.differences

    def summary(self, accepted: int) -> str:
        """The verdict in words, with the tolerance (what ``--check`` prints)."""
        if self.reproduced:
            return (
                f"check: the stored calibration is reproduced: the {accepted} accepted sets "
                f"(ids and order) are identical, and all {self.compared} floating-point "
                f"numbers (parameter values, distances, statistics, fit) agree within "
                f"{self.tolerance} (largest difference {self.largest:.2g})"
            )
        shown = "; ".join(self.differences[:5])
        more = f"; and {len(self.differences) - 5} more" if len(self.differences) > 5 else ""
        return (
            f"check: the stored calibration is NOT reproduced ({len(self.differences)} "
            f"difference(s); ids compared exactly, numbers within {self.tolerance}): "
            f"{shown}{more}"
        )


def compare(
    stored: Calibration, rerun: Calibration, tolerance: Tolerance = TOLERANCE
) -> Comparison:
    """Compare a rerun with the stored calibration: ids exactly, numbers within ``tolerance``.

    A stored calibration written before ids were recorded (no ``accepted_ids``) is
    compared by its accepted parameter values alone.
    """
    differences: list[str] = []
    for name in ("seed", "samples", "hindcast_reps", "join_reps", "parameters", "history"):
        if getattr(stored, name) != getattr(rerun, name):
            differences.append(f"{name}: {getattr(stored, name)} against {getattr(rerun, name)}")
    if not tolerance.agree(stored.accept, rerun.accept):
        differences.append(f"accept: {stored.accept} against {rerun.accept}")
    if stored.accepted_ids and stored.accepted_ids != rerun.accepted_ids:
        differences.append(_first_id_difference(stored.accepted_ids, rerun.accepted_ids))
    compared, largest = 0, 0.0
    fields = ("priors", "accepted", "distances", "statistics", "fit")
    for name in fields:
        for path, one, other in _pairs(getattr(stored, name), getattr(rerun, name), name):
            floating = isinstance(one, float) or isinstance(other, float)
            if floating and _number(one) and _number(other):
                compared += 1
                a, b = float(one), float(other)
                if not tolerance.agree(a, b):
                    differences.append(f"{path}: {a!r} against {b!r}")
                elif not (math.isnan(a) or math.isnan(b)):
                    largest = max(largest, abs(a - b))
            elif one != other:
                differences.append(f"{path}: {one!r} against {other!r}")
    return Comparison(differences, compared, largest, tolerance)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _first_id_difference(stored: list[int], rerun: list[int]) -> str:
    if len(stored) != len(rerun):
        return f"accepted ids: {len(stored)} sets stored, {len(rerun)} accepted by the rerun"
    position = next(k for k, (a, b) in enumerate(zip(stored, rerun, strict=True)) if a != b)
    changed = sum(a != b for a, b in zip(stored, rerun, strict=True))
    return (
        f"accepted ids differ at {changed} position(s), first at {position}: set "
        f"{stored[position]} stored, {rerun[position]} in the rerun"
    )


def _pairs(one: Any, other: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    """Walk two JSON-like values side by side, yielding the leaves (and any mismatch)."""
    if isinstance(one, dict) and isinstance(other, dict):
        if one.keys() != other.keys():
            yield f"{path} keys", sorted(one), sorted(other)
            return
        for key in one:
            yield from _pairs(one[key], other[key], f"{path}[{key!r}]")
    elif isinstance(one, list) and isinstance(other, list):
        if len(one) != len(other):
            yield f"{path} length", len(one), len(other)
            return
        for k, (a, b) in enumerate(zip(one, other, strict=True)):
            yield from _pairs(a, b, f"{path}[{k}]")
    else:
        yield path, one, other
