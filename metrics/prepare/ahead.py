"""Large snapshots prepared ahead, by a process of their own beside the app server.

Preparing a regional-scale snapshot (checks done, then suppression and ratings) takes a quarter of
a minute of work that mostly holds Python's lock. Done inside an app server, every page of
everyone on that server would be slowed meanwhile, and the visitor who asked first would wait for
all of it. So an app server that meets a large snapshot not yet prepared starts
`python -m metrics.commands.prepare --snapshot … --lower-priority` for it; its pages show the
newest snapshot that is ready until then (ui/frame.py), and a visitor who asks for that snapshot
before it is done waits for that process rather than starting the same work again. Small
snapshots, like the demo's, are prepared where they are asked for, in well under a second.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from metrics.core.settings import CACHE_DIR, DATA_DIR
from metrics.prepare import prepared
from metrics.prepare.prepared import CheckedSnapshot
from metrics.rating.performance import READ_WHOLE_UP_TO_ROWS
from metrics.snapshot.contract import TABLES
from metrics.snapshot.reading import DataRoot, SnapshotFolder

# From this many rows (months x teams and the whole service x indicators), a snapshot is prepared by a
# process of its own: the size from which a page reads slices rather than the whole table.
AHEAD_FROM_ROWS = READ_WHOLE_UP_TO_ROWS
POLL_SECONDS = 0.25  # how often a waiting visitor looks (on object storage, a listing each time)
WAIT_AT_MOST_SECONDS = 600  # then a visitor stops waiting for a process that seems stuck, and works it out
REPOSITORY = Path(__file__).resolve().parents[2]

log = logging.getLogger(__name__)


def estimated_rows(snapshot: CheckedSnapshot) -> int:
    """About how many rated rows the snapshot makes (each indicator, team and the whole service, month)."""
    return len(snapshot.months) * (len(snapshot.teams) + 1) * snapshot.indicator_count


def large(snapshot: CheckedSnapshot) -> bool:
    """Worth a process of its own: preparing it would hold up the server's pages for seconds."""
    return estimated_rows(snapshot) >= AHEAD_FROM_ROWS


def large_folder(root: DataRoot, folder: SnapshotFolder) -> bool:
    """Large by its values rows, before it is checked (a Parquet file says how many rows it holds); a
    file that cannot be read is for the checks to report, so it is not large."""
    try:
        rows = pq.read_metadata(f"{folder.path}/{TABLES['values'].file_name}", filesystem=root.filesystem).num_rows
    except (OSError, pa.ArrowException):
        return False
    return rows >= AHEAD_FROM_ROWS


def prepare_command(root: DataRoot, folder: SnapshotFolder, audiences: list[str]) -> list[str]:
    """The command that prepares one snapshot for these audiences (in one pass), at a lower priority."""
    command = [
        sys.executable,
        "-m",
        "metrics.commands.prepare",
        "--snapshot",
        folder.as_at.isoformat(),
        "--lower-priority",
    ]
    for audience in audiences:
        command += ["--audience", audience]
    return command


class Ahead:
    """The preparing processes this app server has started, one at most per snapshot."""

    def __init__(self):
        self._jobs: dict[tuple[str, str], subprocess.Popen] = {}
        self._lock = threading.Lock()

    def start(self, root: DataRoot, folder: SnapshotFolder, audiences: list[str]) -> bool:
        """Start preparing the snapshot for the audiences it is not yet prepared for, unless a process is
        already at it or there is no cache to keep it in; True if a process was started."""
        cache = prepared.cache_folder()
        if cache is None or self.running(root, folder):  # pages ask on every run while it works
            return False
        waiting = [audience for audience in audiences if not prepared.is_prepared(root, folder, audience)]
        if not waiting:
            return False
        with self._lock:
            job = self._jobs.get((root.uri, folder.path))
            if job is not None and job.poll() is None:  # started meanwhile by another session
                return False
            environment = {**os.environ, DATA_DIR.name: root.uri, CACHE_DIR.name: str(cache)}
            # Its one line of news ("prepared … in 14.2 s", or what went wrong) goes to the server's log.
            try:
                job = subprocess.Popen(
                    prepare_command(root, folder, waiting), cwd=REPOSITORY, env=environment, stdin=subprocess.DEVNULL
                )
            except OSError as error:  # then the pages check and prepare it themselves, as for a small one
                log.warning("could not start preparing %s ahead: %s", folder.path, error)
                return False
            self._jobs[(root.uri, folder.path)] = job
        # Collected as soon as it ends, so that no finished process lingers in the process table.
        threading.Thread(target=job.wait, name="prepare-ahead", daemon=True).start()
        return True

    def running(self, root: DataRoot, folder: SnapshotFolder) -> bool:
        """True while a process this server started is preparing the snapshot."""
        with self._lock:
            job = self._jobs.get((root.uri, folder.path))
        return job is not None and job.poll() is None

    def wait(self, root: DataRoot, folder: SnapshotFolder, audience: str) -> None:
        """Return once the snapshot is prepared for the audience, or its process has ended (at once if
        none is at it), or after WAIT_AT_MOST_SECONDS; the caller then reads it, or works it out itself."""
        deadline = time.monotonic() + WAIT_AT_MOST_SECONDS
        while (
            self.running(root, folder)
            and not prepared.is_prepared(root, folder, audience)
            and time.monotonic() < deadline
        ):
            time.sleep(POLL_SECONDS)


AHEAD = Ahead()  # one per app server process
