"""Writing a snapshot: checked tables, or the files of a snapshot checked already, to a temporary folder
renamed into place (in object storage, claimed first and with its success marker last), never over an
existing one; and withdrawing one, moved under withdrawn/ rather than deleted."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from metrics.core.problems import InputError
from metrics.snapshot.contract import ARROW_TYPES, SUCCESS_MARKER, TABLES, WITHDRAWN_MARKER
from metrics.snapshot.reading import WITHDRAWN_FOLDER, DataRoot


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


# Writes one file of a snapshot: given the filesystem and the file's path on it.
FileWriter = Callable[[pafs.FileSystem, str], None]
CLAIM_PREFIX = "_CLAIM-"  # object storage: who is writing a snapshot folder, while they write it


def _parquet(name: str, frame: pd.DataFrame) -> FileWriter:
    return lambda filesystem, path: pq.write_table(to_arrow(name, frame), path, filesystem=filesystem)


def _content(content: bytes) -> FileWriter:
    def write(filesystem: pafs.FileSystem, path: str) -> None:
        with filesystem.open_output_stream(path) as stream:
            stream.write(content)

    return write


def _copy(source: Path) -> FileWriter:
    def write(filesystem: pafs.FileSystem, path: str) -> None:
        with source.open("rb") as file, filesystem.open_output_stream(path) as stream:
            shutil.copyfileobj(file, stream, 4 * 1024 * 1024)

    return write


def already_there(root: DataRoot, as_at: date) -> InputError:
    return InputError(
        f"a snapshot as at {as_at:%d %B %Y} ({as_at.isoformat()}) already exists under {root.uri}; a snapshot is "
        "never overwritten (withdraw it first if it was published in error)"
    )


def _write_local(root: DataRoot, as_at: date, files: dict[str, FileWriter]) -> str:
    target = Path(root.snapshot_path(as_at))
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".tmp-{as_at.isoformat()}-{uuid.uuid4().hex[:8]}"
    filesystem = pafs.LocalFileSystem()
    try:
        temporary.mkdir()
        for file_name, write in files.items():
            write(filesystem, (temporary / file_name).as_posix())
        if target.exists():  # someone else wrote it meanwhile
            raise already_there(root, as_at)
        _before_rename(target)
        try:
            temporary.rename(target)  # refused once another writer's folder stands there (it is not empty)
        except OSError as error:
            if target.exists():
                raise already_there(root, as_at) from error
            raise
    finally:
        if temporary.exists():
            shutil.rmtree(temporary, ignore_errors=True)
    return target.as_posix()


def _before_rename(target: Path) -> None:
    """Nothing: the moment two writers of one snapshot are made to meet, in the race's test."""


def _claim(root: DataRoot, as_at: date, target: str) -> str:
    """Object storage has no rename that fails when the folder is taken: a writer marks the folder as
    its own, then looks. Only a writer that finds nothing but its own mark goes on; when two mark it at
    once both find two and both stop (neither half-writes). Returns the mark's path."""
    claim = f"{target}/{CLAIM_PREFIX}{uuid.uuid4().hex}"
    _content(b"")(root.filesystem, claim)
    found = root.filesystem.get_file_info(pafs.FileSelector(target, allow_not_found=True))
    if any(info.path.rstrip("/") != claim for info in found):
        root.filesystem.delete_file(claim)
        raise already_there(root, as_at)
    return claim


def _write_object_store(root: DataRoot, as_at: date, files: dict[str, FileWriter]) -> str:
    target = root.snapshot_path(as_at)
    claim = _claim(root, as_at, target)
    try:
        for file_name, write in files.items():
            write(root.filesystem, f"{target}/{file_name}")
        root.filesystem.delete_file(claim)  # before the marker: the folder's files are then final
        _write_success_marker(root, target)
    except BaseException:
        # The folder was this writer's alone (claimed first), so all of it goes.
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


def write_files(root: DataRoot, as_at: date, files: dict[str, FileWriter]) -> str:
    """Write a new snapshot's files, all or none of them; refuses to overwrite. Returns where it went."""
    if snapshot_exists(root, as_at):
        raise already_there(root, as_at)
    if root.object_store:
        return _write_object_store(root, as_at, files)
    return _write_local(root, as_at, files)


def write_snapshot(
    root: DataRoot, as_at: date, tables: dict[str, pd.DataFrame], extra_files: dict[str, bytes] | None = None
) -> str:
    """Write checked tables (and any extra files, such as an import report) as a new snapshot.

    Refuses to overwrite. Returns where it went.
    """
    files = {TABLES[name].file_name: _parquet(name, frame) for name, frame in tables.items()}
    files |= {file_name: _content(content) for file_name, content in (extra_files or {}).items()}
    return write_files(root, as_at, files)


def copy_snapshot(root: DataRoot, as_at: date, folder: Path, extra_files: dict[str, bytes] | None = None) -> str:
    """Publish the files of a snapshot folder written and checked already (an upload's, staged on this
    server's disk) as they are, with any extra files; as write_snapshot, all or none, never over one."""
    files = {path.name: _copy(path) for path in sorted(folder.iterdir()) if path.is_file()}
    files |= {file_name: _content(content) for file_name, content in (extra_files or {}).items()}
    return write_files(root, as_at, files)


def being_withdrawn(root: DataRoot, as_at: date) -> bool:
    """A snapshot whose withdrawal began (its marker is written) but did not finish (object storage)."""
    marker = root.filesystem.get_file_info(f"{root.snapshot_path(as_at)}/{WITHDRAWN_MARKER}")
    return marker.type == pafs.FileType.File


def withdrawn_path(root: DataRoot, as_at: date, when: datetime) -> str:
    """Where a withdrawn snapshot is kept: withdrawn/<as-at>-<when, UTC> beside snapshots/."""
    return f"{root.base.rstrip('/')}/{WITHDRAWN_FOLDER}/{as_at.isoformat()}-{when.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def withdraw_snapshot(root: DataRoot, as_at: date, record: bytes, when: datetime) -> str:
    """Take a snapshot out of use without deleting it: moved under withdrawn/, with the record (who, when,
    why) beside its files. In object storage, where there is no rename, a _WITHDRAWN marker holding the
    record is written first, so every reader skips the folder before its files are copied away.
    Returns where it is kept now."""
    source, kept = root.snapshot_path(as_at), withdrawn_path(root, as_at, when)
    filesystem = root.filesystem
    if not filesystem.get_file_info(pafs.FileSelector(source, allow_not_found=True)):
        raise InputError(f"there is no snapshot as at {as_at:%d %B %Y} to withdraw")
    if not root.object_store:
        Path(kept).parent.mkdir(parents=True, exist_ok=True)
        Path(source).rename(kept)
        _content(record)(filesystem, f"{kept}/{WITHDRAWN_MARKER}")
        return kept
    _content(record)(filesystem, f"{source}/{WITHDRAWN_MARKER}")
    filesystem.create_dir(kept, recursive=True)
    pafs.copy_files(source, kept, source_filesystem=filesystem, destination_filesystem=filesystem)
    filesystem.delete_dir(source)
    return f"{root.uri.rstrip('/')}/{WITHDRAWN_FOLDER}/{kept.rsplit('/', 1)[1]}"
