"""One scheduler leader per database. On PostgreSQL the leader holds a session-level advisory lock on a
connection of its own: if the process dies the connection drops, the server releases the lock, and the
next process to try takes over. On SQLite a single process is assumed, so it always leads."""

from __future__ import annotations

import logging

from sqlalchemy import Connection, text

from bot.storage.database import Database

log = logging.getLogger(__name__)
# Any constant shared by every process of this application; "mlst" in ASCII.
LOCK_KEY = 0x6D6C7374


class LeaderLock:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._connection: Connection | None = None

    @property
    def held(self) -> bool:
        return self.database.is_sqlite or self._connection is not None

    def try_acquire(self) -> bool:
        if self.held:
            return True
        connection = self.database.engine.connect()
        got = bool(connection.execute(text("select pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar())
        connection.commit()
        if got:
            self._connection = connection
        else:
            connection.close()
        return got

    def still_held(self) -> bool:
        """False when the lock's connection was lost (the server released the lock with it)."""
        if self.database.is_sqlite:
            return True
        if self._connection is None:
            return False
        try:
            self._connection.execute(text("select 1"))
            self._connection.commit()
        except Exception:
            log.warning("lost the scheduler leader lock's connection")
            self._drop()
            return False
        return True

    def release(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.execute(text("select pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            self._connection.commit()
        finally:
            self._drop()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
                connection.close()
            except Exception:  # already broken: nothing left to release
                log.debug("closing a broken leader connection", exc_info=True)
