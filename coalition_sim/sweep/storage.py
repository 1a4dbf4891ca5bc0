"""The on-disk layout of a sweep, written so that a crash never leaves a half file.

A sweep folder holds::

    metadata.json     version, base scenario, design, master seed, counts, timings, host
    design.parquet    one row per sample: its parameter values (and the sampler's raw x)
    runs.parquet      one row per run, sorted by run_id            (written at the end)
    steps.parquet     per-step metrics keyed by run_id, with --keep-steps (at the end)
    events.parquet    the event log keyed by run_id, with --keep-events (at the end)
    .parts/           part files streamed while the sweep runs (removed at the end)

While runs finish, rows are buffered and written as numbered part files
(``.parts/runs-000007.parquet``); each file is written under a temporary name and
renamed, so it is either complete or absent. ``--resume`` reads the run ids present in
``runs.parquet`` and the parts, and runs the rest. At the end the parts are merged into
one file sorted by run id, block by block so memory stays bounded, duplicates (a run
present twice after a crash between two steps of the merge) are dropped, and the parts
are deleted. Nothing is ever appended to an existing parquet dataset.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

PARTS = ".parts"
RUNS = "runs.parquet"
STEPS = "steps.parquet"
EVENTS = "events.parquet"
METADATA = "metadata.json"
DESIGN = "design.parquet"

#: Everything a sweep writes; ``--force`` removes these and nothing else.
SWEEP_FILES = (
    RUNS,
    STEPS,
    EVENTS,
    METADATA,
    DESIGN,
    PARTS,
    "compare.csv",
    "sensitivity.csv",
    "discovery.json",
)


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` then rename ``tmp`` to ``path``: readers never see half a file."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Write JSON atomically."""
    text = json.dumps(data, indent=2, sort_keys=False, default=_json_default) + "\n"
    atomic_write(path, lambda tmp: tmp.write_text(text))


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def write_table(path: Path, table: pa.Table) -> None:
    """Write a parquet file atomically."""
    atomic_write(path, lambda tmp: pq.write_table(table, tmp))


def rows_to_table(rows: Sequence[dict[str, Any]]) -> pa.Table:
    """Build a table from row dicts whose keys may differ (missing values become null).

    Column order is the order keys first appear; the final merge puts columns in their
    canonical order anyway.
    """
    names: dict[str, None] = {}
    for row in rows:
        for key in row:
            names.setdefault(key, None)
    return pa.table({name: pa.array([row.get(name) for row in rows]) for name in names})


def clear_sweep_files(folder: Path) -> None:
    """Remove what a previous sweep wrote in ``folder`` (``--force``), nothing else."""
    for name in SWEEP_FILES:
        target = folder / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def folder_is_free(folder: Path) -> bool:
    """Tell whether ``folder`` does not exist or is empty."""
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


class PartWriter:
    """Buffers rows (or tables) and writes them as numbered, atomically renamed parts.

    A part is written when ``flush_rows`` rows are buffered or ``flush_seconds`` have
    passed since the last one, whichever comes first.
    """

    def __init__(
        self, folder: Path, stem: str, *, flush_rows: int = 2000, flush_seconds: float = 30.0
    ):
        self.dir = Path(folder) / PARTS
        self.stem = stem
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self._last = time.monotonic()
        self._rows: list[dict[str, Any]] = []
        self._tables: list[pa.Table] = []
        self._buffered = 0
        self.written = 0
        existing = [int(p.stem.rsplit("-", 1)[1]) for p in self.dir.glob(f"{stem}-*.parquet")]
        self._next = max(existing, default=0) + 1

    def add_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        """Buffer row dicts (as a columnar table at once); flush when the buffer is full.

        Converting each batch straight away keeps Python objects short-lived, so the
        interpreter's heap does not fragment and grow with the length of the sweep.
        """
        rows = list(rows)
        if rows:
            self.add_table(rows_to_table(rows))

    def add_table(self, table: pa.Table) -> None:
        """Buffer a table; flush when the buffer is full."""
        self._tables.append(table)
        self._buffered += table.num_rows
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if self._buffered >= self.flush_rows or (
            self._buffered and time.monotonic() - self._last >= self.flush_seconds
        ):
            self.flush()

    def flush(self) -> None:
        """Write what is buffered as one part file."""
        tables = list(self._tables)
        if self._rows:
            tables.append(rows_to_table(self._rows))
        if not tables:
            return
        table = pa.concat_tables(tables, promote_options="permissive")
        self.dir.mkdir(parents=True, exist_ok=True)
        write_table(self.dir / f"{self.stem}-{self._next:06d}.parquet", table)
        self._next += 1
        self.written += table.num_rows
        self._rows, self._tables, self._buffered = [], [], 0
        self._last = time.monotonic()


def _sources(folder: Path, stem: str, final: str) -> list[Path]:
    """List the final file (first: it wins over duplicates), then the parts, oldest first."""
    out = []
    if (folder / final).exists():
        out.append(folder / final)
    out += sorted((folder / PARTS).glob(f"{stem}-*.parquet"))
    return out


def done_run_ids(folder: Path) -> set[int]:
    """Run ids already on disk (final file and parts), for ``--resume``."""
    done: set[int] = set()
    for path in _sources(Path(folder), "runs", RUNS):
        column = _read(path, columns=["run_id"]).column("run_id")
        done.update(column.to_pylist())
    return done


def remove_stray_temporaries(folder: Path) -> None:
    """Delete temporary files left by a killed writer."""
    for path in [*Path(folder).glob(".*.tmp-*"), *(Path(folder) / PARTS).glob(".*.tmp-*")]:
        path.unlink(missing_ok=True)


def consolidate(
    folder: Path,
    stem: str,
    final: str,
    *,
    order: Callable[[list[str]], list[str]] | None = None,
    key: str = "run_id",
    block_rows: int = 5_000,
    sort_keys: Sequence[str] = ("run_id",),
    types: dict[str, pa.DataType] | None = None,
) -> int:
    """Merge the final file and the parts into ``final``, sorted, without duplicates.

    Rows are read and written in blocks of run ids, each holding at most about
    ``block_rows`` rows, so memory does not grow with the sweep. A row is a duplicate
    when its ``sort_keys`` repeat; the earliest source wins. ``types`` gives the type of
    columns that are null everywhere (an error column of a sweep without errors). Returns
    the number of rows
    written (0 and no file when there is nothing).
    """
    folder = Path(folder)
    sources = _sources(folder, stem, final)
    if not sources:
        return 0
    schemas = [pq.read_schema(path) for path in sources]
    schema = pa.unify_schemas(schemas, promote_options="permissive")
    names = order(schema.names) if order else schema.names
    fields = []
    for name in names:
        field = schema.field(name)
        if types and name in types and pa.types.is_null(field.type):
            field = field.with_type(types[name])
        fields.append(field)
    schema = pa.schema(fields)
    ranges = []
    total = 0
    for path in sources:
        ids = _read(path, columns=[key]).column(key)
        if len(ids):
            ranges.append((path, pc.min(ids).as_py(), pc.max(ids).as_py(), len(ids)))
            total += len(ids)
    if not ranges:
        return 0
    low = min(r[1] for r in ranges)
    high = max(r[2] for r in ranges)
    span = high - low + 1
    blocks = max(1, -(-total // block_rows))
    width = max(1, -(-span // blocks))
    written = 0

    def write(tmp: Path) -> None:
        nonlocal written
        with pq.ParquetWriter(tmp, schema) as writer:
            for start in range(low, high + 1, width):
                stop = start + width
                pieces = []
                for path, first, last, _ in ranges:
                    if last < start or first >= stop:
                        continue
                    table = _read(path)
                    ids = table.column(key)
                    mask = pc.and_(pc.greater_equal(ids, start), pc.less(ids, stop))
                    table = table.filter(mask)
                    pieces.append(_conform(table, schema))
                if not pieces:
                    continue
                table = pa.concat_tables(pieces)
                table = _sorted_unique(table, sort_keys)
                writer.write_table(table)
                written += table.num_rows

    atomic_write(folder / final, write)
    for path in sources:
        if path.parent.name == PARTS:
            path.unlink()
    parts = folder / PARTS
    if parts.exists() and not any(parts.iterdir()):
        parts.rmdir()
    return written


def _read(path: Path, columns: list[str] | None = None) -> pa.Table:
    """Read one parquet file on this thread (no dataset scanner, no thread pool).

    Arrow's threaded readers keep per-thread memory that does not go back to the system;
    reading single files on one thread keeps the merge's memory flat.
    """
    return pq.ParquetFile(path).read(columns=columns, use_threads=False)


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Reorder and cast columns to ``schema``, adding missing ones as nulls."""
    columns = []
    for field in schema:
        if field.name in table.column_names:
            columns.append(table.column(field.name).cast(field.type))
        else:
            columns.append(pa.nulls(table.num_rows, field.type))
    return pa.table(columns, schema=schema)


def _sorted_unique(table: pa.Table, keys: Sequence[str]) -> pa.Table:
    """Stable sort by ``keys``; keep the first row of each key (earliest source)."""
    with_index = table.append_column("__order", pa.array(np.arange(table.num_rows)))
    ordered = with_index.sort_by([(k, "ascending") for k in keys] + [("__order", "ascending")])
    if ordered.num_rows > 1:
        arrays = [ordered.column(k).to_numpy() for k in keys]
        keep = np.ones(ordered.num_rows, dtype=bool)
        same = np.ones(ordered.num_rows - 1, dtype=bool)
        for values in arrays:
            same &= values[1:] == values[:-1]
        keep[1:] = ~same
        ordered = ordered.filter(pa.array(keep))
    return ordered.drop_columns(["__order"])
