"""Work on a few parts at once, on threads, with the results in order.

Much of the time rating a snapshot goes in numpy, pandas and Arrow routines that let go of
Python's lock while they run, so parts rated on two threads overlap: on a 2-core machine the
regional-scale snapshot of benchmarks/run.py was prepared for both audiences in 22.6 s instead of
29.7 s, with identical files.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MOST_THREADS = 4  # the rest of the work holds Python's lock, so more threads would mostly wait (not measured)


def threads() -> int:
    """One thread per core this process may use, up to MOST_THREADS."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MOST_THREADS))


def in_order(work: Callable[[Item], Result], items: Iterable[Item], workers: int | None = None) -> Iterator[Result]:
    """work(item) for each item, worked on `workers` at a time, yielded in the items' order.

    At most one result more than the workers waits to be taken, so memory holds a few parts, never
    all of them. An exception in any part is raised where its result would have been yielded.
    """
    workers = threads() if workers is None else workers
    if workers <= 1:
        yield from map(work, items)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prepare") as pool:
        pending = deque()
        try:
            for item in items:
                pending.append(pool.submit(work, item))
                if len(pending) > workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:  # stopped early (an error, or the caller stopped taking results): nothing more starts
            for future in pending:
                future.cancel()
