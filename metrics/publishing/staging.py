"""An upload checked and held on this server's own disk until it is published or let go: written as
the snapshot it would be (so it is previewed with the same code as every page), never in the data root."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from metrics.disclosure.audience import AUDIENCES
from metrics.prepare import prepared
from metrics.publishing.loading import load
from metrics.publishing.records import FileRecord
from metrics.publishing.uploads import Upload, place
from metrics.snapshot.reading import DataRoot, SnapshotFolder, data_root
from metrics.snapshot.writing import write_snapshot

STAGING_FOLDER = "staging"
KEPT_HOURS = 24  # an upload checked and never published is removed after this long
FOLDER_MODE = 0o700  # the figures before publishing, unsuppressed: this account only
UPLOADED_FOLDER = "uploaded"  # the files as they came, removed once read (their digests are kept)
DATA_FOLDER = "data"


def staging_base() -> Path:
    """Where uploads are held: beside the prepared snapshots, or in the temporary folder when the cache is
    off; made private, and cleared of uploads older than KEPT_HOURS."""
    cache = prepared.cache_folder()
    base = (
        cache if cache is not None else Path(tempfile.gettempdir()) / "childrens-services-performance"
    ) / STAGING_FOLDER
    base.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(base, FOLDER_MODE)
    stale_before = time.time() - KEPT_HOURS * 3600
    for folder in base.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < stale_before:
            shutil.rmtree(folder, ignore_errors=True)
    return base


@dataclass(frozen=True)
class Staged:
    """A checked upload, written as the snapshot it would be on this server's disk."""

    folder: Path  # this upload's own folder under the staging base
    as_at: date
    kind: str
    notes: tuple[str, ...]
    files: tuple[FileRecord, ...]  # each uploaded file's name, SHA-256 and size
    rows: int

    @property
    def root(self) -> DataRoot:
        return data_root(self.folder / DATA_FOLDER)

    @property
    def snapshot(self) -> SnapshotFolder:
        return SnapshotFolder(self.as_at, self.root.snapshot_path(self.as_at))

    @property
    def snapshot_path(self) -> Path:
        return Path(self.snapshot.path)


def stage(
    uploads: list[Upload],
    kind: str,
    as_at: date,
    child_population: int | None = None,
    targets: Upload | None = None,
    base: Path | None = None,
) -> Staged:
    """Check uploads exactly as ingest checks its source and, when they pass, hold them as a snapshot
    prepared for both audiences (for the preview). InputError lists every problem; nothing is kept then."""
    folder = (base or staging_base()) / uuid.uuid4().hex
    try:
        placed = place(uploads, folder / UPLOADED_FOLDER, kind, child_population, targets)
        loaded = load(placed.source, as_at)
        shutil.rmtree(folder / UPLOADED_FOLDER)
        staged = Staged(folder, as_at, kind, tuple(loaded.notes), tuple(placed.files), loaded.rows)
        write_snapshot(staged.root, as_at, loaded.tables, loaded.extra_files)
        del loaded
        prepared.prepare(staged.root, staged.snapshot, list(AUDIENCES))
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return staged


def discard(staged: Staged) -> None:
    """Let an upload go: its files and what was prepared from them."""
    prepared.forget(staged.root, staged.snapshot)
    shutil.rmtree(staged.folder, ignore_errors=True)
