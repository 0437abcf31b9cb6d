"""Objects made once and shared by every session, kept in memory within a budget."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class KeptWithin(Generic[Value]):
    """Values made once per key and kept while they fit a memory budget.

    When the values kept hold more than the budget, the least recently used are let go until they fit,
    but the newest is always kept. Each value's size is asked again whenever one is added, since a
    value can grow after it is made (a snapshot reads a team's rows when a view first needs them).
    Sessions asking for the same key at once make it once: the others wait for it.
    """

    def __init__(self, budget_bytes: Callable[[], int], size: Callable[[Value], int]):
        self._budget = budget_bytes
        self._size = size
        self._kept: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    def get(self, key: Hashable, make: Callable[[], Value]) -> Value:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            making = self._making.setdefault(key, threading.Lock())
        with making:
            with self._lock:
                if key in self._kept:  # made by another session while this one waited
                    self._kept.move_to_end(key)
                    return self._kept[key]
            try:
                value = make()
            finally:
                with self._lock:
                    self._making.pop(key, None)
            with self._lock:
                self._kept[key] = value
                self._let_go_beyond_budget()
            return value

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._kept

    def values(self) -> list[Value]:
        with self._lock:
            return list(self._kept.values())

    def keys(self) -> list[Hashable]:
        """Keys kept, least recently used first."""
        with self._lock:
            return list(self._kept)

    def held_bytes(self) -> int:
        """How much the values kept hold now, by the size each says."""
        with self._lock:
            return sum(self._size(value) for value in self._kept.values())

    def _let_go_beyond_budget(self) -> None:
        sizes = {key: self._size(value) for key, value in self._kept.items()}
        total = sum(sizes.values())
        while total > self._budget() and len(self._kept) > 1:
            key, _ = self._kept.popitem(last=False)
            total -= sizes[key]
