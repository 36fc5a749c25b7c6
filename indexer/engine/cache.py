"""A least-recently-used cache bounded by the total size of what it holds, safe across threads.

The query core keeps several per-index-version caches whose entries differ wildly in size (the
documents of a rare word, the positions of 公开 in 100,000 reports); bounding them by entry count
would let a few large entries blow the server's memory, so each entry is counted by its size.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class SizedLRU(Generic[V]):
    """Keeps the most recently used values while their sizes add up to at most ``budget`` (the
    newest entry is always kept, even alone over budget)."""

    def __init__(self, budget: int, size_of: Callable[[V], int]) -> None:
        self.budget, self._size_of = budget, size_of
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self.size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> V:
        """Store ``value`` (unless another thread stored one first) and return what is stored."""
        with self._lock:
            held = self._items.get(key)
            if held is not None:
                return held
            self._items[key] = value
            self.size += self._size_of(value)
            while self.size > self.budget and len(self._items) > 1:
                _key, old = self._items.popitem(last=False)
                self.size -= self._size_of(old)
            return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._items)
