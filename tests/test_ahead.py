"""Large snapshots prepared ahead by a process of their own, and pages that open on a ready one meanwhile."""

from __future__ import annotations

import sys
import time

import pandas as pd
import pytest

from metrics.commands.prepare import LOWER_PRIORITY
from metrics.commands.prepare import main as prepare_main
from metrics.prepare import ahead, prepared
from metrics.prepare.ahead import Ahead, estimated_rows, large
from metrics.prepare.prepared import CheckedSnapshot
from metrics.snapshot.reading import data_root, find_snapshot_folders
from tests.apptest_helpers import all_text, open_page
from tests.conftest import tiny_tables
from tests.helpers import write_snapshot

NEWER, OLDER = "2021-03-10", "2021-02-10"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(prepared.CACHE_VARIABLE, str(folder))
    return folder


@pytest.fixture
def two_snapshots(tmp_path, monkeypatch):
    """A data root with two tiny snapshots; returns it and its folders, newest first."""
    root_path = tmp_path / "data"
    for as_at in (OLDER, NEWER):
        write_snapshot(root_path, as_at, tiny_tables())
    monkeypatch.setenv("PERFORMANCE_DATA_DIR", str(root_path))
    root = data_root(root_path)
    return root, find_snapshot_folders(root)[0]


def checked(months: int, teams: int, indicators: int) -> CheckedSnapshot:
    first = pd.Timestamp("2020-01-01")
    return CheckedSnapshot(
        pd.Timestamp("2022-04-10").date(),
        "x",
        (),
        months=tuple(first + pd.DateOffset(months=step) for step in range(months)),
        teams=tuple(f"Team {number}" for number in range(teams)),
        indicator_count=indicators,
    )


def test_a_snapshot_is_large_from_a_quarter_of_a_million_rows():
    # 24 months x (9 teams + the whole service) x 40 indicators = 9,600 rows: the demo's size
    assert estimated_rows(checked(24, 9, 40)) == 9_600
    assert not large(checked(24, 9, 40))
    # 60 months x (999 teams + 1) x 83 indicators = 4,980,000 rows: benchmarks/run.py's regional scale
    assert estimated_rows(checked(60, 999, 83)) == 4_980_000
    assert large(checked(60, 999, 83))
    assert large(checked(50, 99, 50))  # exactly 250,000
    assert not large(checked(50, 99, 49))  # 245,000


def test_prepare_command_prepares_one_snapshot_for_the_audiences_asked(two_snapshots, cache, monkeypatch, capsys):
    root, (newer, older) = two_snapshots
    niceness = []
    monkeypatch.setattr("os.nice", niceness.append)
    assert prepare_main(["--snapshot", NEWER, "--audience", "internal", "--lower-priority"]) == 0
    assert capsys.readouterr().out.splitlines()[0].startswith(f"{NEWER}: prepared for internal in ")
    assert niceness == [LOWER_PRIORITY]
    assert prepared.is_prepared(root, newer, "internal")
    assert not prepared.is_prepared(root, newer, "public")
    assert not prepared.is_prepared(root, older, "internal")


def test_prepare_command_says_when_no_snapshot_has_that_date(two_snapshots, cache, capsys):
    assert prepare_main(["--snapshot", "2021-04-10"]) == 1
    assert "there is no snapshot as at 2021-04-10 under" in capsys.readouterr().err


def test_a_process_of_its_own_prepares_a_snapshot_once(two_snapshots, cache, monkeypatch):
    root, (newer, _) = two_snapshots

    def refuse(*_args, **_kwargs):
        raise AssertionError("prepared in the app server's own process")

    monkeypatch.setattr(prepared, "prepare", refuse)
    monkeypatch.setattr(prepared, "performance", refuse)
    jobs = Ahead()
    assert jobs.start(root, newer, ["public", "internal"])
    assert jobs.running(root, newer)
    assert not jobs.start(root, newer, ["public"])  # already at it: not a second process
    jobs.wait(root, newer, "public")
    assert prepared.is_prepared(root, newer, "public")
    deadline = time.monotonic() + 60
    while jobs.running(root, newer) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert prepared.is_prepared(root, newer, "internal")
    assert not jobs.start(root, newer, ["public", "internal"])  # prepared already: nothing to start


def test_waiting_ends_when_the_process_fails(two_snapshots, cache, monkeypatch):
    root, (newer, _) = two_snapshots
    monkeypatch.setattr(ahead, "prepare_command", lambda *_: [sys.executable, "-c", "import sys; sys.exit(3)"])
    jobs = Ahead()
    assert jobs.start(root, newer, ["public"])
    started = time.monotonic()
    jobs.wait(root, newer, "public")
    assert time.monotonic() - started < 30
    assert not jobs.running(root, newer) and not prepared.is_prepared(root, newer, "public")
    assert jobs.start(root, newer, ["public"])  # a failed process may be tried again
    jobs.wait(root, newer, "public")


def test_nobody_waits_for_ever_for_a_process_that_seems_stuck(two_snapshots, cache, monkeypatch):
    root, (newer, _) = two_snapshots
    monkeypatch.setattr(ahead, "prepare_command", lambda *_: [sys.executable, "-c", "import time; time.sleep(60)"])
    monkeypatch.setattr(ahead, "WAIT_AT_MOST_SECONDS", 0.5)
    jobs = Ahead()
    assert jobs.start(root, newer, ["public"])
    started = time.monotonic()
    jobs.wait(root, newer, "public")
    assert 0.5 <= time.monotonic() - started < 5
    assert jobs.running(root, newer)
    jobs._jobs[(root.uri, newer.path)].kill()


def test_a_process_that_cannot_start_leaves_the_work_to_the_pages(two_snapshots, cache, monkeypatch, tmp_path):
    root, (newer, _) = two_snapshots
    monkeypatch.setattr(ahead, "prepare_command", lambda *_: [str(tmp_path / "no-such-program")])
    jobs = Ahead()
    assert not jobs.start(root, newer, ["public"])
    assert not jobs.running(root, newer)


def test_nothing_is_started_without_a_cache(two_snapshots, monkeypatch):
    root, (newer, _) = two_snapshots
    monkeypatch.setenv(prepared.CACHE_VARIABLE, prepared.CACHE_OFF)
    assert not Ahead().start(root, newer, ["public"])


@pytest.fixture
def ahead_pages(two_snapshots, cache, monkeypatch):
    """Every snapshot counts as large; starting a process is recorded instead of done."""
    monkeypatch.setattr(ahead, "AHEAD_FROM_ROWS", 0)
    started = []
    monkeypatch.setattr(
        ahead.AHEAD,
        "start",
        lambda root, folder, audiences: started.append((folder.as_at.isoformat(), list(audiences))) or True,
    )
    return two_snapshots, started


def test_pages_open_on_the_newest_ready_snapshot_while_a_newer_one_is_prepared(ahead_pages):
    (root, (newer, older)), started = ahead_pages
    prepared.prepare(root, older, ["public"])
    prepared.check(root, newer)  # checked, and being rated
    at = open_page("streamlit_app.py")
    assert not at.exception
    assert at.sidebar.selectbox(key="frame.snapshot").value == OLDER
    text = all_text(at)
    assert "The newest snapshot, as at 10 March 2021, is still being prepared" in text
    assert "shows the one as at 10 February 2021" in text
    assert started == [(NEWER, ["public"])]
    assert "snapshot" in at.query_params  # the link reproduces the view: the older snapshot
    # Once it is ready, this session is told so, and stays on what it shows until it chooses the newest.
    prepared.prepare(root, newer, ["public"])
    at.run()
    assert at.sidebar.selectbox(key="frame.snapshot").value == OLDER
    assert "The newest snapshot, as at 10 March 2021, is ready now: choose it under Snapshot." in all_text(at)
    at.sidebar.selectbox(key="frame.snapshot").set_value(NEWER).run()
    assert "ready now" not in all_text(at) and "still being prepared" not in all_text(at)
    at.sidebar.selectbox(key="frame.snapshot").set_value(OLDER).run()
    assert "ready now" not in all_text(at)  # chosen now, not waited for
    # A new visit opens on it and says nothing more.
    at = open_page("pages/explore.py")
    assert not at.exception
    assert at.sidebar.selectbox(key="frame.snapshot").value == NEWER
    assert "still being prepared" not in all_text(at)


def test_with_nothing_ready_the_page_waits_for_the_newest(ahead_pages):
    (root, (newer, _)), started = ahead_pages
    at = open_page("streamlit_app.py")
    assert not at.exception
    assert at.sidebar.selectbox(key="frame.snapshot").value == NEWER
    assert "still being prepared" not in all_text(at)
    assert started == []  # worked out for this visitor, who waits for it either way
    assert prepared.is_prepared(root, newer, "public")


def test_data_page_compares_the_snapshot_it_shows_not_one_still_being_prepared(ahead_pages, tmp_path):
    (root, (newer, _)), started = ahead_pages
    write_snapshot(tmp_path / "data", "2021-01-10", tiny_tables())
    folders = find_snapshot_folders(root)[0]
    prepared.prepare(root, folders[1], ["public"])
    for folder in (folders[0], folders[2]):
        prepared.check(root, folder)
    at = open_page("pages/data.py")
    assert not at.exception
    assert at.sidebar.selectbox(key="frame.snapshot").value == OLDER
    assert (at.selectbox(key="data.older").value, at.selectbox(key="data.newer").value) == ("2021-01-10", OLDER)
    assert started == [(NEWER, ["public"])]
    assert not prepared.is_prepared(root, newer, "public")  # nobody waited for it to be worked out here


def test_data_page_compares_a_chosen_snapshot_with_the_one_before_or_after_it():
    at = open_page("pages/data.py", snapshot="2021-12-13")
    assert (at.selectbox(key="data.older").value, at.selectbox(key="data.newer").value) == ("2021-11-12", "2021-12-13")
    at = open_page("pages/data.py", snapshot="2021-10-12")  # the oldest: with the one after it
    assert (at.selectbox(key="data.older").value, at.selectbox(key="data.newer").value) == ("2021-10-12", "2021-11-12")


def test_data_page_does_not_wait_for_a_snapshot_being_prepared(ahead_pages, monkeypatch):
    (root, (newer, older)), _ = ahead_pages
    prepared.prepare(root, older, ["public"])
    prepared.check(root, newer)
    monkeypatch.setattr(ahead.AHEAD, "running", lambda root, folder: folder.as_at.isoformat() == NEWER)

    def refuse(root, folder, audience):
        if folder.as_at.isoformat() == NEWER:
            raise AssertionError("waited for the snapshot being prepared")

    monkeypatch.setattr(ahead.AHEAD, "wait", refuse)
    at = open_page("pages/data.py")
    assert not at.exception
    assert (at.selectbox(key="data.older").value, at.selectbox(key="data.newer").value) == (OLDER, NEWER)
    assert "The snapshot as at 10 March 2021 is still being prepared, so it cannot be compared yet" in all_text(at)
    assert not prepared.is_prepared(root, newer, "public")


def test_a_large_new_snapshot_is_checked_by_its_own_process_and_listed_once_checked(ahead_pages, monkeypatch):
    (root, (newer, older)), started = ahead_pages
    prepared.prepare(root, older, ["public"])
    monkeypatch.setattr(ahead.AHEAD, "running", lambda root, folder: folder.as_at.isoformat() == NEWER)
    for _ in range(2):  # while its process is at it: not listed, and not checked here
        at = open_page("pages/off_target.py")
        assert not at.exception
        assert at.sidebar.selectbox(key="frame.snapshot").options == ["As at 10 February 2021"]
        assert prepared.checked_before(root, newer) is None
    assert started == [(NEWER, ["public"])] * 2  # asked each run; Ahead.start starts one process
    prepared.check(root, newer)  # what its process does first
    at = open_page("pages/off_target.py")
    assert at.sidebar.selectbox(key="frame.snapshot").options == ["As at 10 March 2021", "As at 10 February 2021"]
    assert at.sidebar.selectbox(key="frame.snapshot").value == OLDER
    assert "is still being prepared" in all_text(at)


def test_a_new_snapshot_whose_process_ended_without_checking_it_is_checked_here(ahead_pages):
    (root, (newer, older)), started = ahead_pages
    prepared.prepare(root, older, ["public"])
    open_page("streamlit_app.py")
    assert started == [(NEWER, ["public"])] and prepared.checked_before(root, newer) is None
    at = open_page("streamlit_app.py")  # no process is at it (start was only recorded): checked here
    assert prepared.checked_before(root, newer) is not None
    assert at.sidebar.selectbox(key="frame.snapshot").options == ["As at 10 March 2021", "As at 10 February 2021"]


def test_a_small_new_snapshot_is_checked_here_at_once(two_snapshots, cache, monkeypatch):
    root, (newer, older) = two_snapshots
    prepared.prepare(root, older, ["public"])
    monkeypatch.setattr(ahead.AHEAD, "start", lambda *_: pytest.fail("a process started for a small snapshot"))
    at = open_page("streamlit_app.py")
    assert at.sidebar.selectbox(key="frame.snapshot").value == NEWER
    assert "still being prepared" not in all_text(at)


def test_the_spinner_says_a_large_snapshot_takes_a_while_the_first_time(two_snapshots, cache, monkeypatch):
    from ui.loaders import waiting_words

    root, (newer, _) = two_snapshots
    assert waiting_words(root, newer, "public") == "Working out the figures…"  # not checked: unknown size
    prepared.check(root, newer)
    assert waiting_words(root, newer, "public") == "Working out the figures…"  # small
    monkeypatch.setattr(ahead, "AHEAD_FROM_ROWS", 0)
    assert waiting_words(root, newer, "public").startswith(
        "The snapshot as at 10 March 2021 is large and is being prepared on this server for the first time"
    )
    prepared.prepare(root, newer, ["public"])
    assert waiting_words(root, newer, "public") == "Working out the figures…"  # prepared: only read
