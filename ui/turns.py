"""Page runs take turns: in one app server, one page run works at a time and the others wait in order,
each address in its turn.

Python runs one thread at a time, so page runs started together share it and all finish together,
when the last is done: 25 people arriving at once on the demo each waited about 3 s for their first
page (benchmarks/load.py, docs/performance.md). Taking turns, the first is served after its
own 50 to 100 ms and each of the others after those before it: the same work, most people served
sooner, and less time lost switching between threads.

Nobody is held up for long by someone else's run:
- a run that is about to wait or work a long while (a snapshot being prepared, two snapshots
  compared) gives up its turn for the rest of its run (`step_aside`);
- a run that has had its turn for LONGEST_TURN_SECONDS (a quarter of a second) without finishing
  keeps running, but no longer holds up the next in line;
- many sessions from one address (one person's twenty tabs, or a script) do not push the others back:
  of the runs waiting, the next is the oldest of the address served least recently, so a run from
  anywhere else waits for at most one of theirs (benchmarks/fairness.py: with one address working the
  slowest pages from 20 sessions, the others' 95th percentile went from 4.4 times its quiet figure,
  served in order of arrival, to the figures in docs/performance.md);
- an address's runs overlap each other past their turn only while nobody else is waiting or being
  served: otherwise a run starts only once its address has none in progress, so another visitor's
  run shares Python with at most one of theirs, not with every one of the twenty that ran long.

Streamlit has no setting for this, so `take_turns` wraps the function its script runner calls to run
a page (`exec_func_with_error_handling`); a test fails if a Streamlit release moves it.
"""

from __future__ import annotations

import ipaddress
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any

log = logging.getLogger(__name__)

RUNS_AT_ONCE = 1  # measured: 1 served a crowd's 95th percentile in 1.05 s, 2 in 1.58 s, no limit 3.3 s
# A run this long stops holding up the next. On the demo a page's run takes 20 to 300 ms; at regional
# scale longer runs (a new month of off target, 0.4 s) then overlap with the next, so the second core
# still helps with the work Arrow and numpy do without Python's lock (measured: 0.25 s kept the crowd's
# 95th percentile and the throughput there at least as good as without turns; 1 s cut the throughput
# from 4.8 to 3.5 runs a second).
LONGEST_TURN_SECONDS = 0.25


PARTIES_KEPT = 10_000  # addresses remembered for fairness; past this the longest unserved are forgotten


class Turns:
    """Runs served RUNS_AT_ONCE at a time, each party (an address) in its turn and each party's runs in
    order of arrival; a turn held too long no longer counts."""

    def __init__(self, at_once: int = RUNS_AT_ONCE, longest: float = LONGEST_TURN_SECONDS):
        self.at_once, self.longest = at_once, longest
        self._changed = threading.Condition()
        self._waiting: deque[tuple[object, Hashable]] = deque()  # (ticket, party), in order of arrival
        self._served: dict[Hashable, int] = {}  # party: when it was last served, counted in turns
        self._turns = itertools.count()
        self._holding: dict[int, tuple[float, Hashable]] = {}  # thread id: when its turn began, for which party
        self._mine = threading.local()

    def run(self, work: Callable[[], Any], party: Hashable = None) -> Any:
        """work() in its turn: once it is the next in line (the oldest waiting run of the party served
        least recently) and the runs before it have finished, given up their turn, or had it for longer
        than `longest`. A run within a run keeps the turn it is in."""
        if getattr(self._mine, "turn", False):
            return work()
        self._wait_for_turn(party)
        try:
            return work()
        finally:
            self.step_aside()

    def step_aside(self) -> None:
        """Give up this thread's turn for the rest of its run (nothing happens if it has none)."""
        if getattr(self._mine, "turn", False):
            self._mine.turn = False
            with self._changed:
                self._holding.pop(threading.get_ident(), None)
                self._changed.notify_all()

    def _next_in_line(self) -> object | None:
        """The ticket of the oldest waiting run of the party served least recently (never: first), of the
        parties with no run in progress; a party's runs overlap each other only while no other party has
        a run waiting or in progress (so twenty sessions of one address, each past its turn, do not all
        share Python's lock with someone else's run). None while every waiting party has one in progress."""
        in_progress = {party for _, party in self._holding.values()}
        everyone = in_progress | {party for _, party in self._waiting}
        free = [waiting for waiting in self._waiting if waiting[1] not in in_progress or everyone == {waiting[1]}]
        if not free:
            return None
        return min(free, key=lambda waiting: self._served.get(waiting[1], -1))[0]

    def _wait_for_turn(self, party: Hashable) -> None:
        ticket = object()
        with self._changed:
            self._waiting.append((ticket, party))
            while True:
                now = time.monotonic()
                current = [began for began, _ in self._holding.values() if now - began < self.longest]
                if len(current) < self.at_once and self._next_in_line() is ticket:
                    break
                # Woken when a turn ends, or when the oldest current turn has lasted too long.
                self._changed.wait(None if not current else max(0.001, min(current) + self.longest - now))
            self._waiting.remove((ticket, party))
            self._served[party] = next(self._turns)
            if len(self._served) > PARTIES_KEPT:
                for forgotten in sorted(self._served, key=self._served.get)[: PARTIES_KEPT // 2]:
                    del self._served[forgotten]
            self._holding[threading.get_ident()] = (time.monotonic(), party)
            self._mine.turn = True
            self._changed.notify_all()  # the next in line looks again: there may be room for it too


TURNS = Turns()
_lock = threading.Lock()
_installed = False


def take_turns() -> bool:
    """From now on, every page run in this process takes its turn (TURNS). Called by the frame on every
    run; the work is done once per process. False if Streamlit no longer runs pages the way it did."""
    global _installed
    if _installed:
        return True
    with _lock:
        if _installed:
            return True
        try:
            from streamlit.runtime.scriptrunner import script_runner

            running = script_runner.exec_func_with_error_handling
        except (ImportError, AttributeError) as error:
            log.warning("page runs cannot take turns with this Streamlit (%s); they share the server", error)
            return False

        def in_turn(func, ctx):
            return TURNS.run(lambda: running(func, ctx), client_address(ctx.session_id))

        in_turn.takes_turns = True
        script_runner.exec_func_with_error_handling = in_turn
        _installed = True
        return True


def client_address(session_id: str) -> str | None:
    """The address a session's browser connects from, None where there is no server (a page under test).
    A connection from this machine is the README's nginx in front: the address is then the last in
    X-Forwarded-For, the one nginx saw (anything a browser wrote there comes before it)."""
    try:
        from streamlit.runtime import Runtime

        context = Runtime.instance().get_client(session_id).client_context
        remote = context.remote_ip
        forwarded = [value for name, value in context.headers if name.lower() == "x-forwarded-for"]
    except (AttributeError, RuntimeError, TypeError):  # no server, no such session, or another Streamlit
        return None
    try:
        from_this_machine = remote is not None and ipaddress.ip_address(remote).is_loopback
    except ValueError:
        from_this_machine = False
    if from_this_machine and forwarded:
        return forwarded[-1].split(",")[-1].strip()
    return remote


def step_aside() -> None:
    """This page run is about to wait or work a long while: let the next in line have its turn."""
    TURNS.step_aside()
