"""A small per-process memo with a time limit, for answers every page asks for and that change rarely (the
menu a role sees, the province pages open on, a level of the unit tree, whose units an account reads). Each
worker process keeps its own. `clear()` empties every memo (tests start each from nothing).

A memo that `depends_on` named data ("units", "accounts") is also emptied, in every process, as soon as that
data changes: writers call `changed(name)` (the apps do it from their model signals and bulk writes), which
moves a stamp — the modification time of a file in the data directory, written to the nanosecond — and each
read compares the stamp it was computed under with the current one (one `stat`, a microsecond or two). The
stamp moves when the change is made and again when its transaction commits, so a process that recomputed in
between (still seeing the old rows) does not keep the old answer. The time limit stays as a backstop for
writes that bypass both (raw SQL, another server's data directory)."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_ALL: list[Memo] = []
logger = logging.getLogger(__name__)


def _stamp_path(name: str) -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / "generations" / name


def stamp(names: tuple[str, ...]) -> tuple[int, ...]:
    """The current stamps of `names` (0 for data never changed since the data directory was made)."""
    stamps = []
    for name in names:
        try:
            stamps.append(os.stat(_stamp_path(name)).st_mtime_ns)
        except FileNotFoundError:
            stamps.append(0)
    return tuple(stamps)


def _bump(name: str) -> None:
    path = _stamp_path(name)
    try:
        path.parent.mkdir(mode=0o700, exist_ok=True)
        previous = stamp((name,))[0]
        path.touch(mode=0o600)
        now = max(time.time_ns(), previous + 1)  # never the same stamp twice, whatever the clock's resolution
        os.utime(path, ns=(now, now))
    except OSError:  # memos then refresh on their time limit only
        logger.warning("cannot mark %s as changed at %s", name, path, exc_info=True)


def changed(name: str) -> None:
    """`name` data was (or is being) written: memos depending on it recompute, in every process — now, and once
    more when the current transaction commits."""
    from django.db import transaction

    _bump(name)
    transaction.on_commit(lambda: _bump(name))


def changed_on_write(name: str, *senders, signals: tuple | None = None) -> None:
    """Call `changed(name)` whenever one of `senders` (models, or m2m through models with `m2m_changed`) is
    written: by default when a row is saved or deleted. For the apps' `ready()`."""
    from django.db.models.signals import post_delete, post_save

    def on_write(sender, **kwargs) -> None:
        changed(name)

    for sender in senders:
        for signal in signals or (post_save, post_delete):
            signal.connect(on_write, sender=sender, weak=False,
                           dispatch_uid=f"tinhso.memo.{name}.{sender._meta.label_lower}.{id(signal)}")


class Memo:
    def __init__(self, seconds: float, max_entries: int = 5000, depends_on: tuple[str, ...] = ()):
        self.seconds = seconds
        self.max_entries = max_entries
        self.depends_on = depends_on
        self._entries: dict[Hashable, tuple[float, tuple[int, ...], object]] = {}
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        current = stamp(self.depends_on) if self.depends_on else ()  # read before computing (see the module)
        entry = self._entries.get(key)
        now = time.monotonic()
        if entry is not None and entry[0] > now and entry[1] == current:
            return entry[2]  # type: ignore[return-value]
        value = compute()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (now + self.seconds, current, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def clear() -> None:
    for memo in _ALL:
        memo.clear()
