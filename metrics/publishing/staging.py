"""An upload checked and held on this server's own disk until it is published or let go: written as the
snapshot it would be (so it is previewed with the same code as every page), never in the data root.

Reading and checking a month, preparing it and working out its preview take memory in proportion to
the month: a regional-scale upload peaks near a gigabyte. An app server does that work in a process of
its own (`python -m metrics.commands.stage`, at a lower priority), which ends and gives every byte back;
the server itself only reads the few small files the process leaves (the result and each audience's
preview), so its memory stays where it was while an officer checks a month.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from metrics.core.problems import InputError, Problem
from metrics.disclosure.audience import AUDIENCES, PUBLIC
from metrics.prepare import prepared
from metrics.publishing.loading import Source, load
from metrics.publishing.preview import Preview, preview
from metrics.publishing.records import FileRecord, file_record
from metrics.publishing.uploads import Upload, place
from metrics.snapshot.reading import DataRoot, SnapshotFolder, data_root, find_snapshot_folders
from metrics.snapshot.writing import write_snapshot

STAGING_FOLDER = "staging"
KEPT_HOURS = 24  # an upload checked and never published is removed after this long
FOLDER_MODE = 0o700  # the figures before publishing, unsuppressed: this account only
UPLOADED_FOLDER = "uploaded"  # the files as they came, removed once read (their digests are kept)
DATA_FOLDER = "data"
PREVIEW_FOLDER = "preview"
RESULT_FILE = "result.json"
CHECK_SECONDS = 600  # the longest an upload's check is waited for (a regional-scale month takes some 20 s)
LOWER_PRIORITY = 10  # the check's process gives way to the server's pages on a busy machine


def staging_base() -> Path:
    """Where uploads are held: beside the prepared snapshots, or in the temporary folder when the cache is
    off; made private, and cleared of uploads older than KEPT_HOURS."""
    cache = prepared.cache_folder()
    parent = cache if cache is not None else Path(tempfile.gettempdir()) / "childrens-services-performance"
    base = parent / STAGING_FOLDER
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


def check_placed(folder: Path, source: Source, as_at: date, files: list[FileRecord], published: DataRoot) -> Staged:
    """Read and check uploads placed in folder exactly as ingest checks its source and, when they pass,
    hold them there as a snapshot prepared for both audiences, with each audience's preview against the
    newest snapshot published under published. InputError lists every problem."""
    loaded = load(source, as_at)
    shutil.rmtree(folder / UPLOADED_FOLDER, ignore_errors=True)
    staged = Staged(folder, as_at, source.kind, tuple(loaded.notes), tuple(files), loaded.rows)
    write_snapshot(staged.root, as_at, loaded.tables, loaded.extra_files)
    del loaded
    prepared.prepare(staged.root, staged.snapshot, list(AUDIENCES))
    current = newest_valid(published)
    for audience in AUDIENCES:
        new = prepared.performance(staged.root, staged.snapshot, audience)
        before = None if current is None else prepared.performance(published, current, audience)
        public_new = new if audience == PUBLIC else prepared.performance(staged.root, staged.snapshot, PUBLIC)
        keep_preview(folder, audience, preview(new, before, public_new))
    return staged


def newest_valid(root: DataRoot) -> SnapshotFolder | None:
    """The newest snapshot under root that passes its checks (the one pages open on), if any."""
    try:
        folders, _ = find_snapshot_folders(root)
    except InputError:  # no data root yet: this is the first snapshot
        return None
    return next((folder for folder in folders if prepared.check(root, folder).valid), None)


def stage(
    uploads: list[Upload],
    kind: str,
    as_at: date,
    child_population: int | None = None,
    targets: Upload | None = None,
    base: Path | None = None,
    published: DataRoot | None = None,
) -> Staged:
    """Check uploads and hold them as a snapshot with its previews, in this process. InputError lists
    every problem; nothing is kept then."""
    folder = (base or staging_base()) / uuid.uuid4().hex
    try:
        placed = place(uploads, folder / UPLOADED_FOLDER, kind, child_population, targets)
        return check_placed(folder, placed.source, as_at, placed.files, published or data_root())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def stage_apart(
    uploads: list[Upload],
    kind: str,
    as_at: date,
    child_population: int | None = None,
    targets: Upload | None = None,
    base: Path | None = None,
) -> Staged:
    """stage(), with the reading, checking, preparing and previews in a process of their own: the names,
    kinds and sizes are checked here, the files placed, and the rest left to `python -m
    metrics.commands.stage`, whose result this reads back."""
    folder = (base or staging_base()) / uuid.uuid4().hex
    try:
        placed = place(uploads, folder / UPLOADED_FOLDER, kind, child_population, targets)
        arguments = [str(folder), "--kind", kind, "--as-at", as_at.isoformat(), "--source", str(placed.source.path)]
        if placed.source.child_population:
            arguments += ["--child-population", str(placed.source.child_population)]
        if placed.source.targets is not None:
            arguments += ["--targets", str(placed.source.targets)]
        (folder / "files.json").write_text(json.dumps([asdict(record) for record in placed.files]))
        finished = subprocess.run(
            [sys.executable, "-m", "metrics.commands.stage", *arguments, "--lower-priority"],
            capture_output=True,
            text=True,
            timeout=CHECK_SECONDS,
        )
        return read_result(folder, finished.returncode, finished.stderr)
    except subprocess.TimeoutExpired as error:
        shutil.rmtree(folder, ignore_errors=True)
        raise InputError(f"checking the files took over {CHECK_SECONDS // 60} minutes and was stopped") from error
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def keep_result(folder: Path, outcome: Staged | InputError) -> None:
    """What the check found, for the app server to read: the staged upload, or every problem."""
    if isinstance(outcome, InputError):
        found = {"problems": [asdict(problem) for problem in outcome.problems]}
    else:
        found = {
            "as_at": outcome.as_at.isoformat(),
            "kind": outcome.kind,
            "notes": list(outcome.notes),
            "files": [asdict(record) for record in outcome.files],
            "rows": outcome.rows,
        }
    (folder / RESULT_FILE).write_text(json.dumps(found), encoding="utf-8")


def read_result(folder: Path, status: int, said: str) -> Staged:
    """The staged upload a check's process left; InputError with its problems (the folder removed then)."""
    try:
        found = json.loads((folder / RESULT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        shutil.rmtree(folder, ignore_errors=True)
        last = [line for line in said.splitlines() if line.strip()][-1:] or [f"exit status {status}"]
        raise InputError(f"the files could not be checked: {last[0]}") from None
    if "problems" in found:
        shutil.rmtree(folder, ignore_errors=True)
        raise InputError([Problem(**{**problem, "rows": tuple(problem["rows"])}) for problem in found["problems"]])
    return Staged(
        folder,
        date.fromisoformat(found["as_at"]),
        found["kind"],
        tuple(found["notes"]),
        tuple(FileRecord(**record) for record in found["files"]),
        int(found["rows"]),
    )


def files_placed(folder: Path) -> list[FileRecord]:
    """The uploaded files' records the server wrote beside them, or worked out again."""
    try:
        return [FileRecord(**record) for record in json.loads((folder / "files.json").read_text())]
    except (OSError, ValueError, TypeError):
        uploaded = folder / UPLOADED_FOLDER
        return [file_record(path.name, path) for path in sorted(uploaded.iterdir()) if path.is_file()]


# --- previews kept beside the staged snapshot: a table of changes, one of revisions, and the counts ---------


def keep_preview(folder: Path, audience: str, shown: Preview) -> None:
    """One audience's preview as files: only what that audience may see is in them."""
    place_ = folder / PREVIEW_FOLDER
    place_.mkdir(mode=FOLDER_MODE, exist_ok=True)
    shown.changes.to_parquet(place_ / f"changes-{audience}.parquet", index=False)
    shown.revised.to_parquet(place_ / f"revised-{audience}.parquet", index=False)
    facts = {
        "month": shown.month.isoformat(),
        "before": None if shown.before is None else pd.Timestamp(shown.before).date().isoformat(),
        "before_month": None if shown.before_month is None else shown.before_month.isoformat(),
        "hidden": shown.hidden,
        "figures": shown.figures,
        "indicators_added": list(shown.indicators_added),
        "indicators_removed": list(shown.indicators_removed),
        "teams_added": list(shown.teams_added),
        "teams_removed": list(shown.teams_removed),
    }
    (place_ / f"facts-{audience}.json").write_text(json.dumps(facts), encoding="utf-8")


def kept_preview(folder: Path, audience: str) -> Preview:
    """One audience's preview, as its check's process kept it."""
    place_ = folder / PREVIEW_FOLDER
    facts = json.loads((place_ / f"facts-{audience}.json").read_text(encoding="utf-8"))
    return Preview(
        month=pd.Timestamp(facts["month"]),
        before=None if facts["before"] is None else date.fromisoformat(facts["before"]),
        before_month=None if facts["before_month"] is None else pd.Timestamp(facts["before_month"]),
        changes=pd.read_parquet(place_ / f"changes-{audience}.parquet"),
        revised=pd.read_parquet(place_ / f"revised-{audience}.parquet"),
        hidden=int(facts["hidden"]),
        figures=int(facts["figures"]),
        indicators_added=tuple(facts["indicators_added"]),
        indicators_removed=tuple(facts["indicators_removed"]),
        teams_added=tuple(facts["teams_added"]),
        teams_removed=tuple(facts["teams_removed"]),
    )


def discard(staged: Staged) -> None:
    """Let an upload go: its files and what was prepared from them."""
    prepared.forget(staged.root, staged.snapshot)
    shutil.rmtree(staged.folder, ignore_errors=True)
