"""A small per-process memo with a time limit, for answers every page asks for and that change rarely (the
menu a role sees, the province pages open on). Each worker process keeps its own; a change shows within
`seconds`. `clear()` empties every memo (tests start each from nothing)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
_ALL: list[Memo] = []


class Memo:
    def __init__(self, seconds: float, max_entries: int = 5000):
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, object]] = {}
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and entry[0] > now:
            return entry[1]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (now + self.seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def clear() -> None:
    for memo in _ALL:
        memo.clear()
