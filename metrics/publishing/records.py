"""Who published each snapshot, and who withdrew one and why: a record in the snapshot's folder
(published.json) and one line each in an append-only log under the data root (publications.jsonl)."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.fs as pafs

from metrics.snapshot.reading import DataRoot

PUBLISHED_FILE = "published.json"
LOG_FILE = "publications.jsonl"
PUBLISH, WITHDRAW = "publish", "withdraw"
READ_CHUNK = 4 * 1024 * 1024


@dataclass(frozen=True)
class FileRecord:
    """One file as it was loaded: its name, SHA-256 and size, so the file a figure came from can be found."""

    name: str
    sha256: str
    bytes: int


def file_record(name: str, path: Path) -> FileRecord:
    """The record of a file on disk, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(READ_CHUNK):
            digest.update(chunk)
    return FileRecord(name, digest.hexdigest(), path.stat().st_size)


def file_records(source: Path) -> list[FileRecord]:
    """A workbook's record, or each file's of a folder (in name order)."""
    paths = [source] if source.is_file() else sorted(path for path in source.iterdir() if path.is_file())
    return [file_record(path.name, path) for path in paths]


def now() -> datetime:
    """The time of a publication or withdrawal: UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Publication:
    """Who published a snapshot, when, how, and the files it was made from."""

    as_at: str  # YYYY-MM-DD
    by: str  # the officer's verified email address, or the account that ran the ingest command
    at: str  # when, in UTC (ISO 8601)
    how: str  # "Load data page" or "python -m metrics.ingest"
    files: list[FileRecord] = field(default_factory=list)

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=2).encode("utf-8")

    def log_entry(self, where: str) -> dict:
        return {"action": PUBLISH, **asdict(self), "where": where}

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at)


def publication_from(data: bytes) -> Publication | None:
    """A published.json's record; None when it is not one."""
    try:
        fields = json.loads(data.decode("utf-8"))
        files = [FileRecord(**record) for record in fields.pop("files", [])]
        datetime.fromisoformat(fields["at"])  # a time that is not one makes the record unreadable
        return Publication(**fields, files=files)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def read_publication(root: DataRoot, snapshot_path: str) -> Publication | None:
    """The record kept in a snapshot's folder; None for a snapshot written before records were kept,
    or by other means. OSError when object storage does not answer (the record may be there)."""
    try:
        with root.filesystem.open_input_stream(f"{snapshot_path}/{PUBLISHED_FILE}") as stream:
            return publication_from(stream.read())
    except FileNotFoundError:
        return None
    except (OSError, pa.ArrowException):
        if root.object_store:
            raise
        return None


def log_path(root: DataRoot) -> str:
    return f"{root.base.rstrip('/')}/{LOG_FILE}"


def append_to_log(root: DataRoot, entry: dict) -> None:
    """One line added to the log. On a folder it is appended under a lock, never rewritten. Object
    storage cannot append: there the log is read and written back whole, so two officers writing in
    the same second could lose one line (the snapshot's own published.json still says who published it)."""
    line = json.dumps(entry, sort_keys=True) + "\n"
    path = log_path(root)
    if not root.object_store:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        with os.fdopen(descriptor, "a", encoding="utf-8") as log:
            fcntl.flock(log, fcntl.LOCK_EX)
            log.write(line)
            log.flush()
        return
    before = b""
    if root.filesystem.get_file_info(path).type == pafs.FileType.File:
        with root.filesystem.open_input_stream(path) as stream:
            before = stream.read()
    with root.filesystem.open_output_stream(path) as stream:
        stream.write(before + line.encode("utf-8"))


def read_log(root: DataRoot) -> list[dict]:
    """Every line of the log, oldest first (a line that cannot be read is left out); empty when none.
    OSError when object storage does not answer."""
    try:
        with root.filesystem.open_input_stream(log_path(root)) as stream:
            text = stream.read().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return []
    except (OSError, pa.ArrowException):
        if root.object_store:
            raise
        return []
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("action") in (PUBLISH, WITHDRAW):
            entries.append(entry)
    return entries
