"""A version number per group of tables, raised in the same transaction as any change made to them through
a session. A process may keep answers computed from those tables for as long as the number stays put
(bot/storage/answer_cache.py), whichever process made the change.

The number is raised just before commit, so a transaction holds the row lock only while committing and two
writers cannot deadlock on it.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import BigInteger, Connection, String, bindparam, event, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, SessionTransaction, mapped_column

from bot.storage.base import Base

PLANS = "plans"
# Tables whose rows appear in plan listings (actions, their plans, owners and organisations).
TRACKED_TABLES = {"actions": PLANS, "plans": PLANS, "people": PLANS, "organisations": PLANS}
_CHANGED = "changed_data_versions"
_READ = "data_versions_read"


class DataVersion(Base):
    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


_CURRENT = select(DataVersion.version).where(DataVersion.name == bindparam("name"))


def current_version(session: Session, name: str) -> int:
    """The version as this transaction first read it. Read once: a request asks it for who is speaking and
    again for its answer, and one read as the transaction's first statement serves both. Answers kept under
    it are computed after it was read, so they are never older than the version they are filed under."""
    seen: dict[str, int] = session.info.setdefault(_READ, {})
    if name not in seen:
        seen[name] = _read_version(session.connection(), name)
    return seen[name]


# The same statement as _CURRENT, for the driver itself.
_CURRENT_SQL = "SELECT version FROM data_versions WHERE name = %s"


def _read_version(connection: Connection, name: str) -> int:
    """The version is often all a request reads (its answer kept in memory). On PostgreSQL, before the unit
    of work has opened a transaction (bot/storage/lazy_begin.py), it is read through the driver itself: one
    round trip, and SQLAlchemy's statement machinery cost as much as that round trip."""
    raw = _idle_postgres(connection)
    if raw is None:
        # Plain Core, without the ORM's per-statement work.
        return connection.execute(_CURRENT, {"name": name}).scalar() or 0
    found = raw.execute(_CURRENT_SQL, (name,)).fetchone()
    return int(found[0]) if found else 0


def _idle_postgres(connection: Connection) -> Any:
    """The psycopg connection under `connection` when it is PostgreSQL's, in autocommit and without a
    transaction open, so that a statement sent to it directly begins nothing."""
    if connection.dialect.name != "postgresql":
        return None
    from psycopg.pq import TransactionStatus  # imported where PostgreSQL is in use only

    raw = connection.connection.dbapi_connection
    if raw is None or not raw.autocommit or raw.info.transaction_status != TransactionStatus.IDLE:
        return None
    return raw


def has_unsaved_changes(session: Session) -> bool:
    """True when this transaction has changed tracked data (or may be about to): what it reads now is not
    what other sessions will read, so it must not be shared."""
    return bool(session.info.get(_CHANGED) or session.new or session.dirty or session.deleted)


def _note(session: Session, table_name: str | None) -> None:
    group = TRACKED_TABLES.get(table_name or "")
    if group:
        session.info.setdefault(_CHANGED, set()).add(group)


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session: Session, _flush_context: Any) -> None:
    # The session's new/dirty/deleted collections still show what this flush wrote.
    for instance in chain(session.new, session.dirty, session.deleted):
        _note(session, getattr(instance, "__tablename__", None))


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        _note(state.session, getattr(table, "name", None))


@event.listens_for(Session, "before_commit")
def _raise_versions(session: Session) -> None:
    if session.in_nested_transaction():
        return  # releasing a savepoint: the changes still belong to the enclosing transaction
    session.flush()
    for name in sorted(session.info.pop(_CHANGED, set())):
        session.execute(update(DataVersion).where(DataVersion.name == name).values(version=DataVersion.version + 1))


@event.listens_for(Session, "after_transaction_end")
def _forget_changes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_CHANGED, None)
        session.info.pop(_READ, None)
