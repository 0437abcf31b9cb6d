"""Parts worked on a few at once, on threads, with the results in order."""

from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest

from metrics.core import parallel
from metrics.rating import performance as performance_module
from metrics.rating.performance import rate_snapshot
from metrics.snapshot.reading import REPOSITORY_DATA_DIR, data_root, find_snapshot_folders, read_snapshot


def test_results_come_in_the_items_order_however_long_each_takes():
    def slow_first(item: int) -> int:
        time.sleep(0.05 if item == 0 else 0)
        return item * 10

    assert list(parallel.in_order(slow_first, range(7), workers=3)) == [0, 10, 20, 30, 40, 50, 60]


def test_parts_are_worked_on_at_the_same_time_on_threads():
    names, both_started = set(), threading.Barrier(2, timeout=5)

    def wait_for_the_other(item: int) -> int:
        names.add(threading.current_thread().name)
        both_started.wait()  # broken (an error) unless two parts run at once
        return item

    assert list(parallel.in_order(wait_for_the_other, range(2), workers=2)) == [0, 1]
    assert len(names) == 2 and all(name.startswith("prepare") for name in names)


def test_no_more_than_one_result_beyond_the_workers_waits_to_be_taken():
    started = []

    def note(item: int) -> int:
        started.append(item)
        return item

    results = parallel.in_order(note, range(20), workers=2)
    assert next(results) == 0
    time.sleep(0.05)
    assert max(started) <= 3  # parts 0 to 3 at most, not all twenty
    assert list(results) == list(range(1, 20))


def test_an_error_in_a_part_is_raised_in_its_place_and_nothing_more_starts():
    started = []

    def fail_on_two(item: int) -> int:
        started.append(item)
        if item == 2:
            raise ValueError("part 2")
        return item

    results = parallel.in_order(fail_on_two, range(50), workers=2)
    assert [next(results), next(results)] == [0, 1]
    with pytest.raises(ValueError, match="part 2"):
        next(results)
    time.sleep(0.05)
    assert max(started) <= 5


def test_one_worker_works_in_this_thread():
    def where(_item: int) -> str:
        return threading.current_thread().name

    assert set(parallel.in_order(where, range(3), workers=1)) == {threading.current_thread().name}


def test_threads_are_one_per_core_and_at_most_four(monkeypatch):
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert parallel.threads() == 2
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda _pid: set(range(64)), raising=False)
    assert parallel.threads() == parallel.MOST_THREADS


@pytest.mark.parametrize("audience", ["public", "internal"])
def test_a_snapshot_rated_on_threads_equals_one_rated_on_one(monkeypatch, audience):
    root = data_root(REPOSITORY_DATA_DIR)
    snapshot = read_snapshot(root, find_snapshot_folders(root)[0][0])
    monkeypatch.setattr(performance_module, "INDICATORS_AT_ONCE", 2)  # many parts
    monkeypatch.setattr(performance_module, "THREADS_FROM_ROWS", 0)
    monkeypatch.setattr(performance_module, "threads", lambda: 1)
    alone = rate_snapshot(snapshot, audience)
    on_threads = []
    monkeypatch.setattr(performance_module, "threads", lambda: on_threads.append(3) or 3)
    together = rate_snapshot(snapshot, audience)
    assert on_threads  # rated on three threads
    pd.testing.assert_frame_equal(together.figures, alone.figures)
    pd.testing.assert_frame_equal(together.caseloads, alone.caseloads)


def test_a_small_snapshot_is_rated_on_this_thread_alone(monkeypatch):
    root = data_root(REPOSITORY_DATA_DIR)
    snapshot = read_snapshot(root, find_snapshot_folders(root)[0][0])
    monkeypatch.setattr(parallel, "ThreadPoolExecutor", None)  # any use of threads fails
    assert len(rate_snapshot(snapshot, "public").figures)


def test_threads_share_the_rows_in_memory_at_once_among_them(monkeypatch):
    root = data_root(REPOSITORY_DATA_DIR)
    snapshot = read_snapshot(root, find_snapshot_folders(root)[0][0])
    monkeypatch.setattr(performance_module, "THREADS_FROM_ROWS", 0)
    sizes = {}
    for workers in (1, 2, 4):
        monkeypatch.setattr(performance_module, "threads", lambda workers=workers: workers)
        chunks, _ = performance_module._chunks(performance_module.Sources(snapshot), ["internal"])
        sizes[workers] = max(map(len, chunks))
    assert sizes == {1: 4, 2: 2, 4: 1}


def test_each_few_indicators_get_the_rows_they_would_have_resolved_alone():
    from metrics.rating.aggregation import resolve_figures

    root = data_root(REPOSITORY_DATA_DIR)
    snapshot = read_snapshot(root, find_snapshot_folders(root)[0][0])
    sources = performance_module.Sources(snapshot)
    caseload_ids = list(performance_module.CASELOAD_CATALOGUE["indicator_id"])
    values = snapshot.values
    team_figures = performance_module.caseload_figures(snapshot.table("caseloads"))[values.columns]
    # Two indicators out of the snapshot's order, and one with the caseload team figures beside it.
    for names in (["supervision_in_time", "contacts_received"], ["average_caseload", *caseload_ids]):
        parts = [table[table["indicator_id"].isin(names)] for table in (values, team_figures)]
        parts = [part for part in parts if len(part)]
        alone = resolve_figures(
            parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True), sources.indicators
        )
        pd.testing.assert_frame_equal(sources.rows(names), alone)


def test_a_snapshot_prepared_for_both_audiences_is_resolved_once(monkeypatch, tmp_path):
    from metrics.prepare import prepared

    monkeypatch.setenv("PERFORMANCE_CACHE_DIR", str(tmp_path))
    resolved = []
    real = performance_module.resolved_parts
    monkeypatch.setattr(performance_module, "resolved_parts", lambda *args: resolved.append(1) or real(*args))
    root = data_root(REPOSITORY_DATA_DIR)
    prepared.prepare(root, find_snapshot_folders(root)[0][0], ["public", "internal"])
    assert len(resolved) == 2  # the values once, the caseload team figures once


def test_both_audiences_are_rated_in_one_pass_as_each_would_be_alone(monkeypatch):
    """Each chunk's rows, polarity, targets and series order are worked out once for both audiences; only
    the figures differ (hidden in public). The internal rows then come in the public's chunks (linked
    indicators together), so they are compared in series order."""
    from metrics.rating.aggregation import in_series_order

    root = data_root(REPOSITORY_DATA_DIR)
    snapshot = read_snapshot(root, find_snapshot_folders(root)[0][0])
    monkeypatch.setattr(performance_module, "INDICATORS_AT_ONCE", 2)  # many parts
    alone = {audience: rate_snapshot(snapshot, audience) for audience in ("public", "internal")}
    keys = []
    real = performance_module._keys
    monkeypatch.setattr(performance_module, "_keys", lambda *args: keys.append(1) or real(*args))
    parts = list(performance_module.rated_chunks(performance_module.Sources(snapshot), ["public", "internal"]))
    assert len(keys) == len(parts) > 2  # once a chunk, not once an audience
    for audience, rated in alone.items():
        together = pd.concat([part[audience][0] for part in parts], ignore_index=True)
        together = in_series_order(together.astype({"indicator_id": "str", "team": "str"}))
        expected = in_series_order(rated.figures.astype({"indicator_id": "str", "team": "str"}))
        pd.testing.assert_frame_equal(together, expected)
        caseloads = performance_module.caseload_table(
            [part[audience][1] for part in parts if part[audience][1] is not None]
        )
        pd.testing.assert_frame_equal(caseloads, rated.caseloads)
    hidden = pd.concat([part["public"][0] for part in parts])["suppressed"]
    assert hidden.any() and not pd.concat([part["internal"][0] for part in parts])["suppressed"].any()


def test_rated_parts_are_made_ready_for_the_files_on_the_threads_that_rated_them(monkeypatch, tmp_path):
    """The thread that writes the files in order only writes: it was the slowest step when it also turned
    every part into Arrow tables and put them month by month (the rating threads waited on it)."""
    from metrics.prepare import prepared

    monkeypatch.setenv("PERFORMANCE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(performance_module, "THREADS_FROM_ROWS", 0)
    monkeypatch.setattr(performance_module, "threads", lambda: 2)
    where = []
    real = prepared._arrow_part
    monkeypatch.setattr(
        prepared,
        "_arrow_part",
        lambda rated, order: where.append(threading.current_thread().name) or real(rated, order),
    )
    root = data_root(REPOSITORY_DATA_DIR)
    prepared.prepare(root, find_snapshot_folders(root)[0][0], ["public", "internal"])
    assert len(where) > 2 and threading.current_thread().name not in where
    assert all(name.startswith("prepare") for name in where)


def test_two_tables_read_as_one_give_the_rows_a_join_would():
    """The supplied figures and the derived whole service are read as one table without joining them (a
    copy of every row): any positions give what the join's would, whatever each column's type."""
    first = pd.DataFrame(
        {
            "indicator_id": pd.Categorical(["a", "b", "a"], categories=["a", "b"]),
            "period": pd.to_datetime(["2021-01-01", "2021-02-01", "2021-03-01"]),
            "team": pd.Categorical(["T", "", "T"], categories=["T", ""]),
            "value": [1.0, np.nan, 3.0],
            "note": pd.Series(["x", "y", "z"], dtype="str"),
        }
    )
    second = pd.DataFrame(
        {
            "indicator_id": pd.Categorical(["b", "a"], categories=["a", "b"]),
            "period": pd.to_datetime(["2021-04-01", "2021-05-01"]),
            "team": pd.Categorical(["", ""], categories=["T", ""]),
            "value": [4.0, 5.0],
            "note": pd.Series(["v", None], dtype=object),
        }
    )  # another type
    joined = performance_module._Joined(first, second)
    together = pd.concat([first, second], ignore_index=True)
    assert len(joined) == 5
    for positions in ([4, 0, 3, 2], [1, 2], [3, 4], [], [0, 1, 2, 3, 4]):
        positions = np.array(positions, dtype=np.int64)
        pd.testing.assert_frame_equal(joined.take(positions), together.take(positions).reset_index(drop=True))
    pd.testing.assert_frame_equal(joined.keys(), together[["indicator_id", "team", "period"]])


def test_two_tables_read_as_one_whose_categories_come_in_another_order_give_the_joined_names():
    first = pd.DataFrame({"team": pd.Categorical(["A", "B"], categories=["A", "B"])})
    second = pd.DataFrame({"team": pd.Categorical(["A", "B"], categories=["B", "A"])})  # pandas: the same type
    joined = performance_module._Joined(first, second)
    taken = joined.take(np.array([3, 0, 2, 1]))
    assert taken["team"].astype(str).tolist() == ["B", "A", "A", "B"]
