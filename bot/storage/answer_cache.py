"""Answers kept in memory until the data behind them changes: `/milestones overdue` for all of Wales reads
tens of thousands of index entries, while the plans it summarises change a few times a day. Each entry
remembers the data version it was computed at (bot/storage/versions.py); a different version is a miss.
Who a platform user is (bot/directory/known_people.py) is kept the same way, in a cache of its own so that
many people do not push the answers out.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from bot.i18n import current_language
from bot.storage.versions import current_version, has_unsaved_changes

T = TypeVar("T")
SESSION_KEY = "answer_cache"
PEOPLE_KEY = "people_cache"


class AnswerCache:
    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._lock = Lock()

    def get_or_compute(self, key: Hashable, version: int, compute: Callable[[], T]) -> T:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] == version:
                self._entries.move_to_end(key)
                return entry[1]  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._entries[key] = (version, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value


def cached(session: Session, group: str, key: Hashable, compute: Callable[[], T], *, store: str = SESSION_KEY) -> T:
    """`compute()` through the session's cache (`store`) when it has one. The version is read before
    computing, so an answer is never filed under a newer version than the data it saw. Answers are kept per
    language: the same question asked in Welsh is a different answer."""
    cache: AnswerCache | None = session.info.get(store)
    if cache is None or has_unsaved_changes(session):
        return compute()
    full_key = (group, current_language(), *_as_tuple(key))
    return cache.get_or_compute(full_key, current_version(session, group), compute)


def _as_tuple(key: Hashable) -> tuple[Hashable, ...]:
    return key if isinstance(key, tuple) else (key,)
