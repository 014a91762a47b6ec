"""The schema Alembic builds is the schema the models describe, migrations go down and up again, and the
`overdue` statements are written so that each database can use the partial indexes built for them."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from psycopg.pq import TransactionStatus
from sqlalchemy import event, func, inspect, select, text
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.directory.models import Organisation, Person
from bot.directory.service import find_organisation
from bot.plans.listing import ActionFilter, FilterShape, overdue_actions
from bot.plans.models import Action
from bot.storage.base import Base
from bot.storage.database import Database
from bot.storage.delivery import DELIVERIES_KEPT, ProcessedDelivery, first_seen
from bot.storage.lazy_begin import reads_without_transaction
from bot.storage.migrate import alembic_config, upgrade_to_head
from bot.storage.versions import PLANS, current_version
from scheduler.digest_data import stale_count
from scheduler.jobs import daily_jobs
from tests.conftest import PostgresCluster
from tests.helpers import action

OVERDUE_INDEXES = {"ix_actions_overdue_by_org", "ix_actions_overdue_by_plan"}


# SQLite cannot reflect expression indexes (ix_people_email_lower), so that one is compared on PostgreSQL only.
@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning", "ignore:.*expression-based index")
def test_migrations_build_the_schema_the_models_describe(seeded_db: Database) -> None:
    with seeded_db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrations_go_down_to_the_first_revision_and_up_again(seeded_url: str) -> None:
    config = alembic_config(seeded_url)
    command.downgrade(config, "0001")
    database = Database.from_url(seeded_url)
    with database.engine.connect() as connection:
        assert not OVERDUE_INDEXES & {ix["name"] for ix in inspect(connection).get_indexes("actions")}
    upgrade_to_head(seeded_url)
    with database.engine.connect() as connection:
        assert {ix["name"] for ix in inspect(connection).get_indexes("actions")} >= OVERDUE_INDEXES
        # The shipped plans survived the round trip.
        assert connection.execute(text("SELECT count(*) FROM actions")).scalar_one() > 50
    database.engine.dispose()


@pytest.mark.parametrize("scope", [{}, {"plan_key": "esr"}, {"organisation": "bcuhb"}], ids=["wales", "plan", "board"])
def test_the_overdue_counts_can_use_a_partial_index(seeded_db: Database, scope: dict[str, str]) -> None:
    """A partial index is only usable when the query states its condition literally; a bound parameter in
    the wrong place silently turns the board view into a scan of every action. The statement checked is
    the one `overdue_actions` really sends."""

    def run(session: Session) -> None:
        organisation = (
            find_organisation(session=session, text=scope["organisation"]) if "organisation" in scope else None
        )
        flt = ActionFilter(plan_key=scope.get("plan_key"), organisation=organisation)
        overdue_actions(session=session, today=date(2021, 6, 1), flt=flt)

    # The live count (the snapshot's page, tried first, holds another day and counts with a window).
    details = _plan_of_the_statement_sent(seeded_db, run, "count(*) AS")
    assert any(index in details for index in OVERDUE_INDEXES), details


def test_the_digest_counts_actions_with_no_recent_update_from_the_open_parts_index(seeded_db: Database) -> None:
    def run(session: Session) -> None:
        board = find_organisation(session=session, text="bcuhb")
        assert isinstance(board, Organisation)
        stale_count(session=session, root=board, now=datetime(2021, 6, 7, 7, 0, tzinfo=UTC))

    details = _plan_of_the_statement_sent(seeded_db, run, "count(*)")
    assert "ix_actions_open_parts_by_org" in details, details


def _plan_of_the_statement_sent(database: Database, run: Callable[[Session], None], marker: str) -> str:
    """How the database would run the first statement containing `marker` that `run` sends."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    if not database.is_sqlite:
        # As autovacuum would after loading: without statistics and a visibility map, every index of a table
        # this small costs about the same and the planner chooses among them by a hair.
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE actions"))
    with database.unit_of_work() as session:
        event.listen(database.engine, "before_cursor_execute", capture)
        try:
            run(session)
        finally:
            event.remove(database.engine, "before_cursor_execute", capture)
        statement, parameters = next((s, p) for s, p in sent if marker in s)
        cursor = session.connection().connection.cursor()
        if database.is_sqlite:
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            return " ".join(str(row[3]) for row in cursor.fetchall())
        # The seed data is small enough that a scan wins on cost; ask whether the index is usable at all. Sent
        # through SQLAlchemy, which opens the transaction the settings and the savepoint below live in.
        session.connection().exec_driver_sql("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # At this size the plain (plan_id, due_end) index costs about the same as the partial ones and may be
        # picked instead once the seed's recurring actions add their occurrences; set it aside for the
        # question, and put it back.
        cursor.execute("SAVEPOINT plain_index_aside")
        cursor.execute("DROP INDEX ix_actions_plan_due")
        cursor.execute(f"EXPLAIN {statement}", parameters)
        details = " ".join(str(row[0]) for row in cursor.fetchall())
        cursor.execute("ROLLBACK TO SAVEPOINT plain_index_aside")
        return details


def test_filter_shapes_name_the_parameters_they_bind() -> None:
    assert ActionFilter(plan_key="ESR", lead="WG").shape == FilterShape(True, False, True)
    assert ActionFilter(plan_key="ESR", lead="WG").parameters() == {"plan_key": "esr", "lead_pattern": "%wg%"}


def test_a_unit_of_work_is_atomic_across_savepoints(seeded_db: Database) -> None:
    """Every command runs inside a savepoint; releasing it must not commit the enclosing unit of work."""
    with pytest.raises(RuntimeError), seeded_db.unit_of_work() as session:
        with session.begin_nested():
            action(session, "esr/1.a").status = "done"
        raise RuntimeError("the surface failed after the command")
    with seeded_db.unit_of_work() as session:
        assert action(session, "esr/1.a").status == "not_started"


def test_sqlite_commits_in_wal_mode_without_a_sync_per_commit(sqlite_db: Database) -> None:
    """WAL with synchronous=NORMAL (README, DATABASE_URL): durable across a crash of the process, synced at
    checkpoints rather than at every commit."""
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


def test_an_inbound_delivery_is_first_seen_once_and_a_repeat_leaves_the_database_usable(seeded_db: Database) -> None:
    at = datetime(2021, 1, 15, 10, 0, tzinfo=UTC)
    assert first_seen(seeded_db, "slack:request:1:v0=a", at=at)
    assert not first_seen(seeded_db, "slack:request:1:v0=a", at=at)
    assert first_seen(seeded_db, "slack:request:2:v0=b", at=at)
    with seeded_db.unit_of_work() as session:
        recorded = session.get(ProcessedDelivery, "slack:request:1:v0=a")
        assert recorded is not None and recorded.received_at == at


def test_delivery_records_older_than_a_week_are_forgotten_by_the_daily_job(seeded_db: Database) -> None:
    """Past any platform's retries a record refuses nothing, so the table keeps a week, not every request."""
    now = datetime(2021, 6, 8, 23, 5, tzinfo=UTC)
    ages = {"old": timedelta(days=8), "just inside": DELIVERIES_KEPT - timedelta(minutes=1), "new": timedelta(hours=1)}
    for key, age in ages.items():
        assert first_seen(seeded_db, key, at=now - age)
    job = next(job for job in daily_jobs(Settings()) if job.name == "delivery_records")
    with seeded_db.unit_of_work() as session:
        assert job.decide(session, now.date(), now, Settings()) == []
    assert first_seen(seeded_db, "old", at=now), "a forgotten delivery is recorded anew"
    assert not first_seen(seeded_db, "just inside", at=now)
    assert not first_seen(seeded_db, "new", at=now)


@pytest.mark.postgres
def test_a_pooled_postgresql_connection_the_server_closed_is_replaced_at_checkout(
    postgres_cluster: PostgresCluster,
) -> None:
    """No pool_pre_ping round trip: a connection the server ended while it sat in the pool (a restart, an idle
    timeout) is noticed at checkout and replaced, so the next request does not fail."""
    database = Database.from_url(postgres_cluster.create())
    try:
        with database.engine.connect() as connection:
            ended = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with postgres_cluster.admin.connect() as admin:
            assert admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": ended}).scalar()
            deadline = time.monotonic() + 10
            while admin.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": ended}
            ).scalar():
                assert time.monotonic() < deadline, "the backend did not end"
                time.sleep(0.05)
        with database.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar() != ended
    finally:
        database.engine.dispose()


def test_reads_open_no_transaction_and_a_change_after_them_is_still_atomic(seeded_db: Database) -> None:
    """On PostgreSQL a unit of work's plain reads run without BEGIN (bot/storage/lazy_begin.py); from its
    first write everything up to the commit is one transaction, as before."""
    with seeded_db.unit_of_work() as session:
        current_version(session, PLANS)
        overdue_actions(session=session, today=date(2021, 6, 1), flt=ActionFilter())
        raw = session.connection().connection.dbapi_connection
        if not seeded_db.is_sqlite:
            assert raw is not None and raw.info.transaction_status == TransactionStatus.IDLE
    with pytest.raises(RuntimeError), seeded_db.unit_of_work() as session:
        current_version(session, PLANS)
        action(session, "esr/1.a").status = "done"
        session.flush()
        if not seeded_db.is_sqlite:
            raw = session.connection().connection.dbapi_connection
            assert raw is not None and raw.info.transaction_status == TransactionStatus.INTRANS
        session.add(Person(name="Not kept", email="not.kept@example.nhs.wales"))
        session.flush()
        raise RuntimeError("the surface failed after the change")
    with seeded_db.unit_of_work() as session:
        assert action(session, "esr/1.a").status == "not_started"
        assert session.scalar(select(Person).where(Person.email == "not.kept@example.nhs.wales")) is None


@pytest.mark.postgres
def test_a_row_lock_taken_before_any_write_lasts_until_the_commit(
    postgres_cluster: PostgresCluster, seeded_postgres_template: str
) -> None:
    """SELECT ... FOR UPDATE must not run outside a transaction, where its lock would end with the statement.
    (SQLite has no row locks: its writers take the whole database with BEGIN IMMEDIATE.)"""
    database = Database.from_url(postgres_cluster.create(template=seeded_postgres_template))
    with database.unit_of_work() as session:
        session.scalars(select(Action).where(Action.ref == "1.a").with_for_update()).all()
        raw = session.connection().connection.dbapi_connection
        assert raw is not None and raw.info.transaction_status == TransactionStatus.INTRANS
    database.engine.dispose()


def test_rows_streamed_through_a_server_side_cursor_arrive_in_full(seeded_db: Database) -> None:
    """PostgreSQL keeps a server-side cursor only inside a transaction, so a streamed read begins one."""
    with seeded_db.unit_of_work() as session:
        expected = session.scalar(select(func.count()).select_from(Action))
        streamed = session.scalars(select(Action.id).execution_options(yield_per=7)).all()
        assert len(streamed) == expected and expected > 7


@pytest.mark.parametrize(
    ("statement", "outside"),
    [
        ("SELECT version FROM data_versions WHERE name = %s", True),
        ("\n  select 1", True),
        ("SELECT id FROM actions WHERE id = 1 FOR UPDATE", False),
        ("SELECT id FROM actions FOR NO KEY UPDATE SKIP LOCKED", False),
        ("SELECT id FROM actions FOR KEY SHARE", False),
        ("SELECT pg_advisory_xact_lock(1)", False),
        ("WITH moved AS (DELETE FROM actions RETURNING id) SELECT count(*) FROM moved", False),
        ("UPDATE actions SET status = 'done'", False),
        ("SAVEPOINT sa_savepoint_1", False),
        ("SET LOCAL enable_seqscan = off", False),
    ],
)
def test_only_plain_selects_run_outside_a_transaction(statement: str, outside: bool) -> None:
    assert reads_without_transaction(statement) is outside
