"""Writing checked tables as a snapshot: to a temporary folder renamed into place (or, in object
storage, with its success marker last), never over an existing one."""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from metrics.core.problems import InputError
from metrics.snapshot.contract import ARROW_TYPES, SUCCESS_MARKER, TABLES
from metrics.snapshot.reading import DataRoot


def _arrow_column(series: pd.Series, kind: str) -> pa.Array:
    """One checked column in its contract's Arrow type; missing cells (None, NaN, NaT) become nulls."""
    if kind == "string" and not isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    array = pa.Array.from_pandas(series)
    return array if array.type == ARROW_TYPES[kind] else array.cast(ARROW_TYPES[kind])


def to_arrow(name: str, frame: pd.DataFrame) -> pa.Table:
    """A checked table with exactly the contract's Arrow types, a column at a time (no copy of the whole)."""
    table = TABLES[name]
    return pa.Table.from_arrays(
        [_arrow_column(frame[column.name], column.kind) for column in table.columns],
        schema=pa.schema([(column.name, ARROW_TYPES[column.kind]) for column in table.columns]),
    )


def _write_local(root: DataRoot, as_at: date, tables: dict[str, pd.DataFrame], extra_files: dict[str, bytes]) -> str:
    target = Path(root.snapshot_path(as_at))
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".tmp-{as_at.isoformat()}-{uuid.uuid4().hex[:8]}"
    try:
        temporary.mkdir()
        for name, frame in tables.items():
            pq.write_table(to_arrow(name, frame), temporary / TABLES[name].file_name)
        for file_name, content in extra_files.items():
            (temporary / file_name).write_bytes(content)
        if target.exists():  # someone else wrote it meanwhile
            raise InputError(f"snapshot {as_at} already exists at {target}; a snapshot is never overwritten")
        temporary.rename(target)
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
    return target.as_posix()


def _write_object_store(
    root: DataRoot, as_at: date, tables: dict[str, pd.DataFrame], extra_files: dict[str, bytes]
) -> str:
    target = root.snapshot_path(as_at)
    try:
        for name, frame in tables.items():
            path = f"{target}/{TABLES[name].file_name}"
            pq.write_table(to_arrow(name, frame), path, filesystem=root.filesystem)
        for file_name, content in extra_files.items():
            path = f"{target}/{file_name}"
            with root.filesystem.open_output_stream(path) as stream:
                stream.write(content)
        _write_success_marker(root, target)
    except BaseException:
        # The folder did not exist before this write (checked first), so all of it goes.
        root.filesystem.delete_dir(target)
        raise
    return f"{root.uri.rstrip('/')}/snapshots/{as_at.isoformat()}"


def _write_success_marker(root: DataRoot, target: str) -> None:
    """The empty marker, written last: until it exists readers ignore the folder."""
    with root.filesystem.open_output_stream(f"{target}/{SUCCESS_MARKER}") as marker:
        marker.write(b"")


def snapshot_exists(root: DataRoot, as_at: date) -> bool:
    """Does anything already stand at this snapshot's folder?"""
    info = root.filesystem.get_file_info(root.snapshot_path(as_at))
    if info.type == pafs.FileType.NotFound:
        return False
    if root.object_store:
        selector = pafs.FileSelector(root.snapshot_path(as_at), allow_not_found=True)
        return bool(root.filesystem.get_file_info(selector))
    return True


def write_snapshot(
    root: DataRoot, as_at: date, tables: dict[str, pd.DataFrame], extra_files: dict[str, bytes] | None = None
) -> str:
    """Write checked tables (and any extra files, such as an import report) as a new snapshot.

    Refuses to overwrite. Returns where it went.
    """
    if snapshot_exists(root, as_at):
        raise InputError(f"snapshot {as_at} already exists under {root.uri}; a snapshot is never overwritten")
    if root.object_store:
        return _write_object_store(root, as_at, tables, extra_files or {})
    return _write_local(root, as_at, tables, extra_files or {})
