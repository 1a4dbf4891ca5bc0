"""Reading the package's CSV files: every failure names the file, the row and the column.

Shared by the data modules (:mod:`coalition_sim.datasets`,
:mod:`coalition_sim.indicators`), so that every data file is parsed and checked the same
way.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from coalition_sim.errors import InputError


def text(value: str) -> str:
    """A non-empty string, stripped."""
    if not value.strip():
        raise ValueError("is empty")
    return value.strip()


def iso3(value: str) -> str:
    """An upper-case ISO3 code."""
    value = value.strip()
    if not (len(value) == 3 and value.isalpha() and value.isupper()):
        raise ValueError(f"'{value}' is not an upper-case ISO3 code")
    return value


def boolean(value: str) -> bool:
    """``true`` or ``false``."""
    lowered = value.strip().lower()
    if lowered in {"true", "false"}:
        return lowered == "true"
    raise ValueError(f"'{value}' is not true or false")


def number(low: float, high: float, *, blank_ok: bool = False) -> Callable[[str], float]:
    """A parser of numbers in [low, high] (a blank is NaN when ``blank_ok``)."""

    def parse(value: str) -> float:
        if not value.strip():
            if blank_ok:
                return math.nan
            raise ValueError("is empty; a number is required")
        try:
            parsed = float(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a number") from None
        if not (math.isfinite(parsed) and low <= parsed <= high):
            raise ValueError(f"{value} is outside [{low:g}, {high:g}]")
        return parsed

    return parse


def one_of(choices: tuple[str, ...]) -> Callable[[str], str]:
    """A parser of one of ``choices``."""

    def parse(value: str) -> str:
        if value.strip() not in choices:
            raise ValueError(f"'{value}' is not one of {', '.join(choices)}")
        return value.strip()

    return parse


def cell(value: str) -> str:
    """Any text, stripped (blank allowed)."""
    return value.strip()


def read_rows(
    path: Path | Any,
    columns: Mapping[str, Callable[[str], Any]],
    label: str,
    optional: Mapping[str, Callable[[str], Any]] | None = None,
) -> list[dict[str, Any]]:
    """Read a CSV file, parse every required column, and name file/line/column on error.

    ``optional`` columns are parsed when the file has them and read as blank otherwise
    (a newer column that an analyst's older edition of the file may lack). Rows carry
    their line in the file (``_line``) so that later checks can name it too. A
    byte-order mark (Excel's "CSV UTF-8") is accepted.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"{path}: data file not found") from None
    except UnicodeDecodeError:
        raise InputError(f"{label}: cannot read the file: not UTF-8 text (corrupt?)") from None
    except OSError as error:
        raise InputError(f"{label}: cannot read the file ({error.strerror})") from None
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = reader.fieldnames or []
        missing = [name for name in columns if name not in header]
        if missing:
            raise InputError(f"{label}: missing column(s) {', '.join(missing)}")
        rows = []
        for raw in reader:
            line = reader.line_num
            if None in raw or any(raw.get(name) is None for name in columns):
                raise InputError(f"{label}, row {line}: wrong number of fields")
            row: dict[str, Any] = {"_line": line}
            for name, parse in {**columns, **(optional or {})}.items():
                try:
                    row[name] = parse(raw.get(name) or "")
                except ValueError as error:
                    raise InputError(f"{label}, row {line}, column {name}: {error}") from None
            row["notes"] = (raw.get("notes") or "").strip()
            rows.append(row)
    except csv.Error as error:
        raise InputError(f"{label}, row {reader.line_num}: malformed CSV ({error})") from None
    if not rows:
        raise InputError(f"{label}: no data rows")
    return rows
