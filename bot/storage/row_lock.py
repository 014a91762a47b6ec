"""One read-modify-write at a time per row. A status change, an owner change, a snooze or an escalation
report reads the row it changes under a lock and re-reads it, so the decision (the previous status, who owns
it, whether a report supersedes another) is made on what is committed now, not on what this session read
earlier. Without it, ten people updating one action at once on PostgreSQL left a row with the status of one
update and the note, time and author of another, and history entries whose "previous status" no entry had.

PostgreSQL: `SELECT … FOR NO KEY UPDATE` (a row lock that still lets other transactions insert rows that
refer to the locked one). SQLite locks the whole database instead: the first savepoint of a transaction
opens it with BEGIN IMMEDIATE (see bot/storage/database.py), which takes the write lock."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from bot.storage.base import Base


def lock_for_change(session: Session, row: Base) -> None:
    """Waits for the row's lock and reloads it as committed. Pending changes are flushed first, so none is
    lost by the reload. A row not yet in the database needs no lock."""
    if not inspect(row).persistent:
        return
    session.flush()
    # A savepoint makes SQLite open its transaction with the write lock before the re-read; on PostgreSQL
    # it costs one round trip and the row lock below does the work.
    with session.begin_nested():
        pass
    session.refresh(row, with_for_update={"key_share": True})
