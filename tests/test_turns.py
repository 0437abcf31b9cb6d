"""Page runs take turns in one app server (ui/turns.py): in order of arrival, one at a time, and a run
that steps aside or takes too long does not hold up the others."""

from __future__ import annotations

import inspect
import threading
import time

import pytest

from tests.apptest_helpers import open_page
from ui import turns
from ui.turns import Turns


class Log:
    """What the runs did and when, from several threads."""

    def __init__(self):
        self.events: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.working = 0
        self.most_at_once = 0

    def work(self, name: str, seconds: float, during=None):
        def run():
            with self.lock:
                self.events.append(("start", name))
                self.working += 1
                self.most_at_once = max(self.most_at_once, self.working)
            try:
                if during is not None:
                    during()
                time.sleep(seconds)
            finally:
                with self.lock:
                    self.working -= 1
                    self.events.append(("end", name))

        return run


def arrive_in_order(queue: Turns, runs: list, gap: float = 0.03) -> list[threading.Thread]:
    threads = []
    for run in runs:
        thread = threading.Thread(target=queue.run, args=(run,))
        thread.start()
        threads.append(thread)
        time.sleep(gap)  # each arrives after the one before is in the queue
    return threads


def finish(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.join(timeout=10)
        assert not thread.is_alive()


def test_runs_that_arrive_together_are_served_one_at_a_time_in_order_of_arrival():
    queue, log = Turns(at_once=1, longest=5.0), Log()
    finish(arrive_in_order(queue, [log.work(name, 0.1) for name in "ABCD"]))
    assert log.events == [(what, name) for name in "ABCD" for what in ("start", "end")]
    assert log.most_at_once == 1


def test_with_two_at_once_two_work_together_and_the_rest_wait():
    queue, log = Turns(at_once=2, longest=5.0), Log()
    finish(arrive_in_order(queue, [log.work(name, 0.2) for name in "ABCD"]))
    assert log.most_at_once == 2
    assert [name for what, name in log.events if what == "start"] == list("ABCD")


def test_a_run_that_steps_aside_lets_the_next_one_start_before_it_ends():
    queue, log = Turns(at_once=1, longest=5.0), Log()
    finish(
        arrive_in_order(queue, [log.work("waits for a snapshot", 0.5, during=queue.step_aside), log.work("next", 0.05)])
    )
    assert log.events.index(("end", "next")) < log.events.index(("end", "waits for a snapshot"))


def test_a_run_that_takes_too_long_stops_holding_up_the_next():
    queue, log = Turns(at_once=1, longest=0.2), Log()
    started = time.monotonic()
    finish(arrive_in_order(queue, [log.work("long", 1.5), log.work("next", 0.05)]))
    assert log.events.index(("end", "next")) < log.events.index(("end", "long"))
    assert time.monotonic() - started < 3


def test_a_run_that_fails_gives_up_its_turn():
    queue, log = Turns(at_once=1, longest=5.0), Log()

    def fails():
        raise ValueError("a page went wrong")

    with pytest.raises(ValueError):
        queue.run(fails)
    finish(arrive_in_order(queue, [log.work("next", 0.01)]))
    assert log.events == [("start", "next"), ("end", "next")]


def test_a_run_within_a_run_keeps_the_turn_it_is_in():
    queue = Turns(at_once=1, longest=30.0)
    started = time.monotonic()
    assert queue.run(lambda: queue.run(lambda: "inner")) == "inner"
    assert time.monotonic() - started < 1  # it did not wait for its own turn to run out


def test_stepping_aside_without_a_turn_does_nothing():
    queue, log = Turns(at_once=1, longest=5.0), Log()
    queue.step_aside()
    finish(arrive_in_order(queue, [log.work(name, 0.05) for name in "AB"]))
    assert log.most_at_once == 1


def test_many_people_at_once_are_all_served_one_at_a_time():
    queue, log = Turns(at_once=1, longest=5.0), Log()
    threads = [threading.Thread(target=queue.run, args=(log.work(str(n), 0.005),)) for n in range(40)]
    for thread in threads:
        thread.start()
    finish(threads)
    assert len(log.events) == 80 and log.most_at_once == 1


def test_streamlits_script_runner_runs_pages_in_turn_once_the_frame_has_run():
    from streamlit.runtime.scriptrunner import script_runner

    assert not open_page("pages/glossary.py").exception
    wrapped = script_runner.exec_func_with_error_handling
    assert getattr(wrapped, "takes_turns", False)  # the frame put it in place
    assert turns.take_turns() and script_runner.exec_func_with_error_handling is wrapped  # once per process


def test_loading_a_snapshot_steps_aside(monkeypatch):
    """A page that reads or waits for a snapshot lets the others go first meanwhile."""
    from ui import loaders

    asides = []
    monkeypatch.setattr(loaders, "step_aside", lambda: asides.append(inspect.stack()[1].function))
    monkeypatch.setattr(loaders, "_PERFORMANCES", loaders.KeptWithin(lambda: 10**12, lambda performance: 0))
    assert not open_page("pages/glossary.py").exception
    assert "prepare" in asides  # the snapshot was loaded afresh, in a run that had stepped aside


def test_many_runs_from_one_address_do_not_push_another_address_back():
    """Twenty tabs at one address wait their turn among themselves: a run from elsewhere goes next."""
    queue, log = Turns(at_once=1, longest=5.0), Log()
    threads = []
    for name, party in [("greedy 1", "A"), ("greedy 2", "A"), ("greedy 3", "A"), ("greedy 4", "A"), ("other", "B")]:
        thread = threading.Thread(target=queue.run, args=(log.work(name, 0.3), party))
        thread.start()
        threads.append(thread)
        time.sleep(0.03)
    finish(threads)
    started = [name for what, name in log.events if what == "start"]
    assert started == ["greedy 1", "other", "greedy 2", "greedy 3", "greedy 4"]
    assert log.most_at_once == 1


def test_an_address_past_its_turn_starts_no_other_run_while_another_address_is_served():
    """A1 runs past its turn, so B1 starts beside it; A2 then waits for B1 to end, not only for its turn."""
    queue, log = Turns(at_once=1, longest=0.1), Log()
    threads = []
    for name, party, seconds in [("A1", "A", 1.0), ("B1", "B", 0.5), ("A2", "A", 0.05)]:
        thread = threading.Thread(target=queue.run, args=(log.work(name, seconds), party))
        thread.start()
        threads.append(thread)
        time.sleep(0.2)
    finish(threads)
    assert log.events.index(("start", "B1")) < log.events.index(("end", "A1"))  # past its turn: B1 goes beside it
    assert log.events.index(("start", "A2")) > log.events.index(("end", "B1"))


def test_an_address_alone_on_the_server_still_overlaps_its_own_runs_past_their_turn():
    queue, log = Turns(at_once=1, longest=0.1), Log()
    finish(arrive_in_order(queue, [log.work("A1", 0.6), log.work("A2", 0.05)], gap=0.2))
    assert log.events.index(("end", "A2")) < log.events.index(("end", "A1"))


def test_addresses_take_turns_one_run_each_in_order_of_arrival_within_each():
    queue, log = Turns(at_once=1, longest=5.0), Log()
    threads = []
    arrivals = [("A1", "A"), ("A2", "A"), ("A3", "A"), ("B1", "B"), ("B2", "B"), ("C1", "C")]
    for name, party in arrivals:
        thread = threading.Thread(target=queue.run, args=(log.work(name, 0.08), party))
        thread.start()
        threads.append(thread)
        time.sleep(0.01)
    finish(threads)
    # A1 is already working when the rest arrive; then B and C (not yet served), then each in turn.
    assert [name for what, name in log.events if what == "start"] == ["A1", "B1", "C1", "A2", "B2", "A3"]


class FakeClient:
    def __init__(self, remote_ip, headers):
        self.client_context = type("Context", (), {"remote_ip": remote_ip, "headers": headers})()


@pytest.mark.parametrize(
    ("remote_ip", "headers", "address"),
    [
        # behind the README's nginx: the last address in X-Forwarded-For is the one nginx saw
        ("127.0.0.1", [("X-Forwarded-For", "203.0.113.9")], "203.0.113.9"),
        ("127.0.0.1", [("x-forwarded-for", "10.1.1.1, 198.51.100.4")], "198.51.100.4"),  # a browser's own first
        ("::1", [("X-Forwarded-For", "198.51.100.4")], "198.51.100.4"),
        # straight to the app server: what a browser writes there is not believed
        ("198.51.100.7", [("X-Forwarded-For", "203.0.113.9")], "198.51.100.7"),
        ("127.0.0.2", [], "127.0.0.2"),
    ],
)
def test_the_address_a_run_is_for_is_the_one_nginx_saw_or_the_connections_own(monkeypatch, remote_ip, headers, address):
    from streamlit.runtime import Runtime

    runtime = type("FakeRuntime", (), {"get_client": lambda self, session_id: FakeClient(remote_ip, headers)})()
    monkeypatch.setattr(Runtime, "instance", classmethod(lambda cls: runtime))
    assert turns.client_address("a session") == address


def test_without_a_server_a_run_is_for_no_address():
    assert turns.client_address("no such session") is None
