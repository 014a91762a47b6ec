"""Engine and sessions. One engine per URL per process; a `Database` is passed to whatever needs storage."""

from __future__ import annotations

import select
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.answer_cache import PEOPLE_KEY, SESSION_KEY, AnswerCache
from bot.storage.lazy_begin import open_transactions_lazily

# Platform users remembered per process (bot/directory/known_people.py): a few MB at most.
PEOPLE_KEPT = 5_000
# PostgreSQL connections are replaced after this long in the pool (see _drop_closed_connections).
RECYCLE_SECONDS = 1800


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL lets the web server read while the scheduler writes.
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the process crashing,
        # and only a power cut or OS crash can undo the last few. FULL's fsync per commit was a fifth of a Slack
        # request's server time (its replay record is one commit).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "savepoint")
    def _on_savepoint(connection, _name) -> None:  # type: ignore[no-untyped-def]
        # Python's sqlite3 opens a transaction only before its first INSERT/UPDATE/DELETE, so a SAVEPOINT
        # issued before any write became the transaction itself and releasing it committed the whole unit
        # of work. Open the real transaction first. IMMEDIATE takes the write lock now (waiting up to
        # busy_timeout): a deferred one that read first would fail at its first write with "database is
        # locked" whenever another writer had committed in between. Plain reads stay outside transactions,
        # so they never wait for a writer.
        if not connection.connection.dbapi_connection.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    if not url.startswith("postgresql"):
        return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    # JIT compilation pays off for long analytic queries; on the bot's short indexed ones a misestimated row count
    # crosses its threshold and compiling costs more than the query (hundreds of milliseconds for `mine`). A
    # board's overdue lines at a million actions (64,000 parts) are grouped in memory above the default 4 MB,
    # which spilled them to disk and tripled the time.
    engine = create_engine(url, pool_size=10, max_overflow=10, pool_recycle=RECYCLE_SECONDS,
                           connect_args={"options": "-c jit=off -c work_mem=32MB"})  # fmt: skip
    _drop_closed_connections(engine)
    open_transactions_lazily(engine)
    return engine


def _drop_closed_connections(engine: Engine) -> None:
    """Instead of pool_pre_ping's round trip to the server at every checkout (one of the few statements a
    request makes): a pooled connection has nothing to read while it sits idle, unless the server has closed
    it (a restart, pg_terminate_backend, an idle timeout), so its socket is polled without waiting. A closed
    one is discarded and the pool hands out another; RECYCLE_SECONDS bounds how old any may get."""

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
        try:
            poller = select.poll()
            poller.register(dbapi_connection.fileno(), select.POLLIN)
            closed = bool(poller.poll(0))
        except Exception as problem:  # a connection the driver already knows is closed has no socket
            raise DisconnectionError("the pooled connection is closed") from problem
        if closed:
            raise DisconnectionError("the server closed the pooled connection")


@dataclass
class Database:
    """`cache_answers`: keep listing answers, and who platform users are, in memory until the data changes
    (off to measure the queries)."""

    engine: Engine
    cache_answers: bool = True
    sessions: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        info = {SESSION_KEY: AnswerCache(), PEOPLE_KEY: AnswerCache(PEOPLE_KEPT)} if self.cache_answers else {}
        self.sessions = sessionmaker(self.engine, expire_on_commit=False, info=info)

    @classmethod
    def from_url(cls, url: str, *, cache_answers: bool = True) -> Database:
        return cls(make_engine(url), cache_answers)

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session that commits when the block succeeds and rolls back when it raises."""
        with self.sessions() as session, session.begin():
            yield session

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"
