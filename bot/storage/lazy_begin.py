"""PostgreSQL transactions opened at the first statement that needs one, as Python's sqlite3 already does.

psycopg opens a transaction before a connection's first statement and SQLAlchemy commits it at the end of
a unit of work: two round trips of six for an uncached `overdue`, which only reads. Here pooled connections
run in psycopg's autocommit mode, and a plain SELECT runs outside any transaction; the first statement
that writes, locks (SELECT ... FOR UPDATE/SHARE), opens a savepoint, streams its rows through a
server-side cursor or is anything but a plain read sends BEGIN first, so everything from there to the
commit is one transaction as before. Nothing that could change data ever runs outside it.

The reads before it lose nothing: under READ COMMITTED (the only isolation level the bot uses) every
statement sees what was committed before it began, inside a transaction or not, and a plain SELECT takes no
lock that a transaction would have held. psycopg's commit and rollback send nothing when no transaction was
opened. A connection given an explicit isolation level (VACUUM's AUTOCOMMIT, say) is left as SQLAlchemy set it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, Engine, event

# A statement that may run outside a transaction: a SELECT that neither locks rows nor calls a function
# the bot uses for transaction-scoped locks. Anything else (WITH, SET, SHOW, DDL, SAVEPOINT) begins first.
_PLAIN_READ = re.compile(r"\s*select\b", re.IGNORECASE)
_NEEDS_TRANSACTION = re.compile(r"\bfor\s+(?:no\s+key\s+update|update|key\s+share|share)\b|_xact_", re.IGNORECASE)


@lru_cache(maxsize=2048)
def reads_without_transaction(statement: str) -> bool:
    # Remembered: SQLAlchemy sends the same few hundred statements over and over, some of them kilobytes long,
    # and scanning each one again cost about 4% of an uncached `overdue`.
    return bool(_PLAIN_READ.match(statement)) and not _NEEDS_TRANSACTION.search(statement)


def open_transactions_lazily(engine: Engine) -> None:
    """Install on a PostgreSQL (psycopg) engine."""
    from psycopg import ServerCursor  # imported where PostgreSQL is in use only
    from psycopg.pq import TransactionStatus

    idle = TransactionStatus.IDLE

    @event.listens_for(engine, "checkout")
    def _autocommit_until_needed(dbapi_connection, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
        # The pool rolled the connection back when it came in, so no transaction is open here; SQLAlchemy
        # resets a connection it gave an isolation level to before pooling it.
        if dbapi_connection.info.transaction_status == idle:
            dbapi_connection.autocommit = True

    @event.listens_for(engine, "before_cursor_execute")
    def _begin_before_writing(
        connection: Connection, cursor: Any, statement: str, _parameters: Any, _context: Any, _many: bool
    ) -> None:
        raw = connection.connection.dbapi_connection
        if raw is None or not raw.autocommit or raw.info.transaction_status != idle:
            return
        if "isolation_level" in connection.get_execution_options():
            return
        # A streamed result (yield_per, stream_results) is read through a server-side cursor, which
        # PostgreSQL keeps only inside a transaction.
        if isinstance(cursor, ServerCursor) or not reads_without_transaction(statement):
            raw.execute("BEGIN")  # on the connection: a server-side cursor would declare itself over it
