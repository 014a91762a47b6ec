"""How many outbox senders are running on this database, so each takes its share of an app-wide rate limit
(bot/delivery/pacing.py). On PostgreSQL each sender holds a session-level advisory lock in a key class of its
own, on a connection of its own (like the leader lock): a process that dies loses its lock with its
connection, so the count follows the processes alive. On SQLite one process is assumed."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, text

from bot.storage.database import Database

log = logging.getLogger(__name__)
# "mlsp" in ASCII; the leader lock uses the one-key form, so the two never meet.
PRESENCE_CLASS = 0x6D6C7370
MAX_SENDERS = 64
RECOUNT_SECONDS = 5.0
_COUNT = text(
    "select count(*) from pg_locks where locktype = 'advisory' and granted and objsubid = 2 "
    "and classid::bigint = :key and database = (select oid from pg_database where datname = current_database())"
)


@dataclass
class SenderPresence:
    database: Database
    monotonic: Callable[[], float] = time.monotonic
    _connection: Connection | None = None
    _count: int = 1
    _counted_at: float = float("-inf")

    def join(self) -> None:
        """Takes a free slot; without one (a full house or no database) this process counts as one sender."""
        if self.database.is_sqlite or self._connection is not None:
            return
        try:
            self._take_slot()
        except Exception:  # the database is away: the sender's own rounds will say so
            log.warning("could not count this sender in; pacing as if it were alone", exc_info=True)

    def _take_slot(self) -> None:
        connection = self.database.engine.connect()
        for slot in range(MAX_SENDERS):
            taken = connection.execute(text("select pg_try_advisory_lock(:key, :slot)"),
                                       {"key": PRESENCE_CLASS, "slot": slot}).scalar()  # fmt: skip
            connection.commit()
            if taken:
                self._connection = connection
                return
        connection.close()
        log.warning("all %s sender slots are taken; pacing as if this sender were alone", MAX_SENDERS)

    def leave(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()  # ends the session, which releases its advisory lock

    def senders(self) -> int:
        """The senders running now, recounted every few seconds."""
        if self._connection is None or self.monotonic() - self._counted_at < RECOUNT_SECONDS:
            return self._count
        try:
            self._count = max(1, int(self._connection.execute(_COUNT, {"key": PRESENCE_CLASS}).scalar() or 1))
            self._connection.commit()
        except Exception:  # a lost connection: keep the last count rather than stop sending
            log.warning("counting the outbox senders failed; keeping %s", self._count, exc_info=True)
        self._counted_at = self.monotonic()
        return self._count
