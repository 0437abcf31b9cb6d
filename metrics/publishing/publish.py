"""Publishing a month and withdrawing one: the snapshot written all or nothing, prepared for both
audiences, and who did it recorded in the snapshot's folder and the log."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from metrics.core.problems import InputError
from metrics.disclosure.audience import AUDIENCES
from metrics.prepare import prepared
from metrics.publishing.loading import Loaded
from metrics.publishing.records import PUBLISHED_FILE, WITHDRAW, Publication, append_to_log
from metrics.snapshot.reading import DataRoot, SnapshotFolder, find_snapshot_folders
from metrics.snapshot.writing import being_withdrawn, copy_snapshot, withdraw_snapshot, write_snapshot


def publish_loaded(root: DataRoot, loaded: Loaded, publication: Publication) -> str:
    """Write checked tables as the snapshot the publication names, its record inside; then the log."""
    as_at = date.fromisoformat(publication.as_at)
    where = write_snapshot(root, as_at, loaded.tables, {**loaded.extra_files, PUBLISHED_FILE: publication.to_json()})
    append_to_log(root, publication.log_entry(where))
    return where


def publish_staged(root: DataRoot, staged_folder: Path, publication: Publication) -> str:
    """Publish a snapshot already written and checked on this server's disk (an upload's), its files as
    they are and its record beside them; then the log."""
    as_at = date.fromisoformat(publication.as_at)
    where = copy_snapshot(root, as_at, staged_folder, {PUBLISHED_FILE: publication.to_json()})
    append_to_log(root, publication.log_entry(where))
    return where


def prepare_published(root: DataRoot, as_at: date) -> None:
    """Check and rate a new snapshot for both audiences in one pass, so that no visitor waits for it."""
    if prepared.cache_folder() is not None:
        prepared.prepare(root, SnapshotFolder(as_at, root.snapshot_path(as_at)), list(AUDIENCES))


@dataclass(frozen=True)
class Withdrawal:
    """A snapshot taken out of use: which, who, when, why, and where it is kept now."""

    as_at: str
    by: str
    at: str
    why: str
    kept_at: str

    def log_entry(self) -> dict:
        return {
            "action": WITHDRAW,
            "as_at": self.as_at,
            "by": self.by,
            "at": self.at,
            "why": self.why,
            "where": self.kept_at,
        }


def withdraw(root: DataRoot, as_at: date, by: str, why: str, when: datetime) -> Withdrawal:
    """Take a snapshot published in error out of every page and command, kept under withdrawn/ (never
    deleted), and log who and why. Refused without a reason, and for the last valid snapshot (the app
    would have nothing to show)."""
    why = " ".join(why.split())
    if not why:
        raise InputError("say why the snapshot is withdrawn: the log keeps the reason")
    folders, _ = find_snapshot_folders(root)
    unfinished = being_withdrawn(root, as_at)  # begun before and cut off: finished now
    if as_at not in {folder.as_at for folder in folders} and not unfinished:
        raise InputError(f"there is no snapshot as at {as_at:%d %B %Y} to withdraw")
    others = [folder for folder in folders if folder.as_at != as_at]
    if not unfinished and not any(prepared.check(root, folder).valid for folder in others):
        raise InputError(
            f"the snapshot as at {as_at:%d %B %Y} is the only valid one, so it cannot be withdrawn: publish "
            "the corrected month first, then withdraw this one"
        )
    record = {"as_at": as_at.isoformat(), "by": by, "at": when.isoformat(), "why": why}
    kept_at = withdraw_snapshot(root, as_at, json.dumps(record, indent=2).encode("utf-8"), when)
    withdrawal = Withdrawal(as_at.isoformat(), by, when.isoformat(), why, kept_at)
    append_to_log(root, withdrawal.log_entry())
    return withdrawal
