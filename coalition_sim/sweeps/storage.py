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

from coalition_sim.errors import write_fault
from coalition_sim.folders import atomic_write, output_error, remove_stale

PARTS = ".parts"
RUNS = "runs.parquet"
STEPS = "steps.parquet"
EVENTS = "events.parquet"
METADATA = "metadata.json"
DESIGN = "design.parquet"
#: The lock file a running sweep holds (:mod:`coalition_sim.sweeps.locking`).
LOCK = ".lock"
#: Space set aside at the start so the final metadata fits on a disk that fills up.
RESERVE = ".reserve"
#: Suffix of a damaged final file moved aside by ``--resume``: ``runs.parquet.damaged-T``.
DAMAGED = ".damaged-"

#: Everything a sweep writes; ``--force`` removes these and nothing else.
SWEEP_FILES = (
    RUNS,
    STEPS,
    EVENTS,
    METADATA,
    DESIGN,
    PARTS,
    RESERVE,
    "compare.csv",
    "sensitivity.csv",
    "discovery.json",
    f".{RUNS}.footer",
    f".{STEPS}.footer",
    f".{EVENTS}.footer",
)


def is_sweep_file(name: str) -> bool:
    """Tell whether a folder entry is something a sweep wrote (``--force`` may remove it)."""
    if name in SWEEP_FILES or name == LOCK:
        return True
    stems = (RUNS, STEPS, EVENTS, f".{RUNS}", f".{STEPS}", f".{EVENTS}")
    temporary = name.startswith(".") and (".tmp-" in name or name.startswith(".write.probe-"))
    return temporary or any(name.startswith(stem + DAMAGED) for stem in stems)


class Reserve:
    """A small file that holds disk space so the last metadata can still be written.

    When the disk fills up mid-sweep, the sweep deletes the reserve and then writes
    ``metadata.json`` with status "failed" and the reason, instead of leaving it at
    "running". The size is a few times what the metadata takes.
    """

    def __init__(self, folder: Path, size: int = 64 * 1024):
        self.path = Path(folder) / RESERVE
        self.size = size

    def hold(self) -> None:
        """Allocate the reserve (a disk too full for it raises OutputError)."""
        try:
            with open(self.path, "wb") as handle:
                try:
                    os.posix_fallocate(handle.fileno(), 0, self.size)
                except (AttributeError, OSError) as error:
                    if isinstance(error, OSError) and write_fault(error):
                        raise
                    handle.write(b"\0" * self.size)  # no fallocate on this file system
        except OSError as error:
            self.release()
            fault = output_error(self.path.parent, error)
            if fault is None:
                raise
            raise fault from None

    def release(self) -> None:
        """Give the space back."""
        self.path.unlink(missing_ok=True)


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
    """Remove what a previous sweep wrote in ``folder`` (``--force``), nothing else.

    The lock file stays: the sweep that clears the folder holds it.
    """
    for target in sorted(Path(folder).iterdir()):
        if target.name == LOCK or not is_sweep_file(target.name):
            continue
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink()


def folder_is_free(folder: Path) -> bool:
    """Tell whether ``folder`` does not exist or is empty (its lock file aside)."""
    folder = Path(folder)
    if not folder.exists():
        return True
    return folder.is_dir() and all(p.name == LOCK for p in folder.iterdir())


def other_files(folder: Path) -> list[str]:
    """Entries of ``folder`` that no sweep wrote (what ``--force`` will not remove)."""
    return sorted(p.name for p in Path(folder).iterdir() if not is_sweep_file(p.name))


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


def _ids_in(path: Path, key: str = "run_id", *, ok_only: bool = False) -> np.ndarray:
    """Distinct run ids in one parquet file, one row group at a time (memory stays flat)."""
    reader = pq.ParquetFile(path)
    found: list[np.ndarray] = []
    columns = [key, "status"] if ok_only else [key]
    for i in range(reader.metadata.num_row_groups):
        table = reader.read_row_group(i, columns=columns, use_threads=False)
        if ok_only:
            table = table.filter(pc.equal(table.column("status"), "ok"))
        found.append(np.unique(table.column(key).to_numpy(zero_copy_only=False)))
    if not found:
        return np.empty(0, dtype=np.int64)
    return np.unique(np.concatenate(found)).astype(np.int64)


def done_run_ids(folder: Path, *, keep_steps: bool = False) -> np.ndarray:
    """Run ids already on disk (final file and parts), sorted, for ``--resume``.

    With ``keep_steps``, a successful run counts as done only when its steps are on disk
    too: runs and steps are flushed separately, so a crash can save a run's row without
    its steps, and that run must be run again (the duplicate row is dropped at the end).
    A numpy array, not a set: ten million ids take 80 MB rather than a gigabyte.
    """
    folder = Path(folder)
    runs = [_ids_in(path) for path in _sources(folder, "runs", RUNS)]
    done = np.unique(np.concatenate(runs)) if runs else np.empty(0, dtype=np.int64)
    if not keep_steps or not len(done):
        return done.astype(np.int64)
    ok = [_ids_in(path, ok_only=True) for path in _sources(folder, "runs", RUNS)]
    ok_ids = np.unique(np.concatenate(ok)) if ok else np.empty(0, dtype=np.int64)
    stepped = [_ids_in(path) for path in _sources(folder, "steps", STEPS)]
    with_steps = np.unique(np.concatenate(stepped)) if stepped else np.empty(0, dtype=np.int64)
    missing = np.setdiff1d(ok_ids, with_steps, assume_unique=True)
    return np.setdiff1d(done, missing, assume_unique=True).astype(np.int64)


def remove_stray_temporaries(folder: Path) -> None:
    """Delete temporary files left by a killed writer."""
    folder = Path(folder)
    for path in [*folder.glob(".*.tmp-*"), *(folder / PARTS).glob(".*.tmp-*")]:
        path.unlink(missing_ok=True)
    remove_stale(folder, ("probe",))


# --- damaged final files ----------------------------------------------------------------------


def _footer_path(path: Path) -> Path:
    """Where versions before 0.2 kept a copy of a final file's footer (removed at merges)."""
    return path.with_name(f".{path.name}.footer")


def readable(path: Path) -> bool:
    """Tell whether a parquet file opens and every row group's ids can be read."""
    try:
        reader = pq.ParquetFile(path)
        for i in range(reader.metadata.num_row_groups):
            reader.read_row_group(i, columns=["run_id"], use_threads=False)
    except (OSError, pa.ArrowException):
        return False
    return True


def quarantine(folder: Path, final: str, stamp: str) -> Path | None:
    """Move a damaged final file aside (``runs.parquet.damaged-TIME``); return where.

    Returns None when the file is missing or readable. Nothing is deleted: the damaged
    file stays for a closer look, and ``--resume`` runs its runs again (a run is
    deterministic in its seed, so the result is the same). A parquet file is unreadable
    without its footer, which comes last, so a truncated copy (an interrupted transfer)
    loses every row; the sweep's own writes never truncate a final file (each is
    written under a temporary name and renamed whole).
    """
    path = Path(folder) / final
    if not path.exists() or readable(path):
        return None
    target = path.with_name(f"{final}{DAMAGED}{stamp}")
    os.replace(path, target)
    old_footer = _footer_path(path)
    if old_footer.exists():
        os.replace(old_footer, _footer_path(target))
    return target


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
    transform: Callable[[pa.Table], pa.Table] | None = None,
    schema_metadata: dict[bytes, bytes] | None = None,
    group_rows: int | None = None,
) -> int:
    """Merge the final file and the parts into ``final``, sorted, without duplicates.

    Rows are read and written in blocks of run ids, each holding at most about
    ``block_rows`` rows, so memory does not grow with the sweep. A row is a duplicate
    when its ``sort_keys`` repeat; the earliest source wins. ``types`` gives the type of
    columns that are null everywhere (an error column of a sweep without errors);
    ``transform`` is applied to every block read (parts of an older version);
    ``schema_metadata`` is stored in the file (pandas dtypes such as ``Int64``). Each
    block is one row group (whole runs, for tables of many rows per run) or, with
    ``group_rows`` (one row per key), row groups of that many rows; pages carry
    checksums, so a damaged copy is detected when read.
    Returns the number of rows written (0 and no file when there is nothing).
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
    schema = pa.schema(fields, metadata=schema_metadata)
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
        with pq.ParquetWriter(tmp, schema, write_page_checksum=True) as writer:
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
                    if transform is not None:
                        table = transform(table)
                    pieces.append(_conform(table, schema))
                if not pieces:
                    continue
                table = pa.concat_tables(pieces)
                table = _sorted_unique(table, sort_keys)
                writer.write_table(table, row_group_size=max(1, group_rows or table.num_rows))
                written += table.num_rows

    atomic_write(folder / final, write)
    _footer_path(folder / final).unlink(missing_ok=True)  # left by an older version
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
