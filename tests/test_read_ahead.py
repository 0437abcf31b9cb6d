"""Other snapshots read ahead in the background, so that choosing one under Snapshot is quick."""

from __future__ import annotations

import threading
import time

import pytest

from metrics.core.kept import KeptWithin
from metrics.core.settings import memory_bytes
from metrics.prepare import prepared
from metrics.rating.performance import Performance
from metrics.snapshot.reading import data_root, find_snapshot_folders
from tests.apptest_helpers import open_page
from tests.conftest import tiny_tables
from tests.helpers import write_snapshot
from ui import loaders

AS_AT = ["2021-02-10", "2021-03-10", "2021-04-10"]


@pytest.fixture
def three_snapshots(tmp_path, monkeypatch):
    """A data root of three tiny snapshots, the two older prepared for the public, the newest not; and
    an app server's memory holding nothing yet."""
    for as_at in AS_AT:
        write_snapshot(tmp_path, as_at, tiny_tables())
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(loaders, "_PERFORMANCES", KeptWithin(memory_bytes, Performance.memory_bytes))
    monkeypatch.setattr(loaders, "_READ_AHEAD", set())
    root = data_root()
    folders, _ = find_snapshot_folders(root)
    for folder in folders[1:]:
        prepared.prepare(root, folder, ["public"])
    return root, [prepared.check(root, folder) for folder in folders]


def held(root) -> list[str]:
    return sorted(str(as_at) for location, as_at, _, _ in loaders._PERFORMANCES.keys() if location == root.uri)


def test_the_prepared_snapshots_are_read_with_their_every_month_scorecard(three_snapshots):
    root, valid = three_snapshots
    thread = loaders.read_ahead(root.uri, valid, "public")
    thread.join(timeout=30)
    assert held(root) == AS_AT[:2]  # the newest, not prepared, is left for whoever chooses it
    assert not prepared.is_prepared(root, find_snapshot_folders(root)[0][0], "public")  # nor prepared here
    for snapshot in valid[1:]:
        performance = loaders._PERFORMANCES.get((root.uri, snapshot.as_at, snapshot.path, "public"), None)
        assert ("scorecard",) in performance._kept  # choosing a month there takes its rows from it


def test_once_per_list_of_snapshots_and_audience(three_snapshots):
    root, valid = three_snapshots
    loaders.read_ahead(root.uri, valid, "public").join(timeout=30)
    assert loaders.read_ahead(root.uri, valid, "public") is None
    assert loaders.read_ahead(root.uri, valid[1:], "public") is not None  # a new list: read again (nothing new)
    loaders.read_ahead(root.uri, valid, "internal").join(timeout=30)  # not prepared for it: nothing read
    assert held(root) == AS_AT[:2]


def test_nothing_more_is_read_once_half_the_budget_is_held(three_snapshots, monkeypatch):
    root, valid = three_snapshots
    monkeypatch.setattr(loaders, "memory_bytes", lambda: 1)  # the first snapshot read passes half of it
    loaders.read_ahead(root.uri, valid, "public").join(timeout=30)
    assert held(root) == [AS_AT[1]]


def test_each_piece_of_work_takes_its_turn_like_a_page_run(three_snapshots, monkeypatch):
    root, valid = three_snapshots
    turns = []
    real = loaders.TURNS.run
    monkeypatch.setattr(loaders.TURNS, "run", lambda work: turns.append(threading.current_thread().name) or real(work))
    loaders.read_ahead(root.uri, valid, "public").join(timeout=30)
    assert turns == ["read-ahead"] * 4  # two snapshots: each read, then its every-month scorecard


def test_a_snapshot_gone_meanwhile_is_skipped(three_snapshots, monkeypatch):
    root, valid = three_snapshots
    real = loaders.performance

    def gone(location, as_at, path, audience):
        if str(as_at) == AS_AT[1]:
            raise OSError("removed meanwhile")
        return real(location, as_at, path, audience)

    monkeypatch.setattr(loaders, "performance", gone)
    loaders.read_ahead(root.uri, valid, "public").join(timeout=30)
    assert held(root) == [AS_AT[0]]  # the next one was still read


def test_the_frame_reads_the_other_snapshots_ahead(three_snapshots):
    root, _ = three_snapshots
    assert not open_page("pages/glossary.py").exception  # opens on the newest, prepared for it now
    for thread in threading.enumerate():
        if thread.name == "read-ahead":
            thread.join(timeout=30)
    assert held(root) == AS_AT


def test_a_snapshot_without_an_every_month_scorecard_is_only_read(three_snapshots, monkeypatch):
    """A large snapshot builds each month's scorecard when asked: reading ahead does not build one to
    throw it away."""
    root, valid = three_snapshots
    monkeypatch.setattr(loaders, "shares_every_month", lambda performance: False)
    built = []
    monkeypatch.setattr(loaders, "build_scorecard", lambda *args: built.append(args))
    loaders.read_ahead(root.uri, valid, "public").join(timeout=30)
    assert held(root) == AS_AT[:2] and built == []


def test_at_the_process_end_a_read_under_way_finishes_and_no_more_is_read(three_snapshots, monkeypatch):
    """An Arrow read cut off by the interpreter's end aborted a page process; at exit the read under way
    is waited for, and the rest are left."""
    root, valid = three_snapshots
    monkeypatch.setattr(loaders, "_EXITING", threading.Event())
    monkeypatch.setattr(loaders, "_READ_AHEAD_THREADS", [])
    reading = threading.Event()
    real = prepared.is_prepared

    def slow_is_prepared(*args):
        reading.set()
        time.sleep(0.5)  # a read under way when the process ends
        return real(*args)

    monkeypatch.setattr(prepared, "is_prepared", slow_is_prepared)
    thread = loaders.read_ahead(root.uri, valid, "public")
    assert reading.wait(timeout=30)
    loaders._finish_reading_ahead()
    assert not thread.is_alive()
    assert held(root) == []  # the newest (not prepared) was being looked at; the two after it were left
