"""KeptWithin: what an app server keeps in memory (snapshots' performances) within a budget."""

from __future__ import annotations

import threading
import time

import pytest

from metrics.core.kept import KeptWithin


def kept_within(budget: int) -> KeptWithin[list[int]]:
    return KeptWithin(lambda: budget, lambda value: sum(value))  # a value's "size" is the sum of its list


def test_values_are_made_once_then_shared():
    made = []
    cache = kept_within(100)
    first = cache.get("a", lambda: made.append("a") or [10])
    assert cache.get("a", lambda: made.append("again") or [99]) is first
    assert made == ["a"]


def test_the_least_recently_used_is_let_go_once_the_budget_is_passed():
    cache = kept_within(100)
    cache.get("a", lambda: [40])
    cache.get("b", lambda: [40])
    cache.get("a", lambda: [0])  # a is now the most recently used
    cache.get("c", lambda: [40])  # 120 > 100: b goes, a and c stay (80)
    assert cache.keys() == ["a", "c"]


def test_the_newest_stays_even_alone_over_budget():
    cache = kept_within(100)
    cache.get("a", lambda: [10])
    cache.get("big", lambda: [500])
    assert cache.keys() == ["big"]


def test_a_value_that_grew_counts_at_its_new_size():
    cache = kept_within(100)
    grows = cache.get("a", lambda: [10])
    cache.get("b", lambda: [10])
    grows.append(85)  # a snapshot read every team's rows after it was kept
    cache.get("c", lambda: [10])  # 95 + 10 + 10 > 100: a, the least recently used, goes
    assert cache.keys() == ["b", "c"]


def test_sessions_asking_at_once_make_it_once():
    made = []
    cache = kept_within(100)

    def slow():
        made.append(1)
        time.sleep(0.2)
        return [1]

    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("a", slow))) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert made == [1]
    assert all(result is results[0] for result in results) and len(results) == 5


def test_a_failure_is_not_kept_and_the_next_asker_tries_again():
    cache = kept_within(100)
    with pytest.raises(RuntimeError):
        cache.get("a", lambda: (_ for _ in ()).throw(RuntimeError("unreadable")))
    assert "a" not in cache
    assert cache.get("a", lambda: [5]) == [5]


def test_a_performance_counts_the_rows_it_has_read():
    from metrics.prepare.prepared import open_performance

    performance = open_performance("2022-02-10", "public")
    before = performance.memory_bytes()
    assert before >= performance.whole_service.memory_usage(index=True).sum() > 0
    every_team = performance.table  # every team's rows, read when a view first needs them
    assert performance.memory_bytes() >= before + every_team.memory_usage(index=True).sum()


def test_held_bytes_is_what_the_values_kept_hold_now():
    cache = kept_within(100)
    grows = cache.get("a", lambda: [30])
    cache.get("b", lambda: [20])
    grows.append(5)
    assert cache.held_bytes() == 55
    cache.get("c", lambda: [60])  # 115 > 100: a goes
    assert cache.held_bytes() == 80
