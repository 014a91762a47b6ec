"""The overdue snapshot (issue 14): counts and lines kept on write must answer `overdue` exactly as counting
live does, for all of Wales, a board, a cluster and a practice, page after page, on SQLite and PostgreSQL,
before and after writes made through the real services; a day later, or after a write it cannot follow, it
is not read until rebuilt."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, event, inspect, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.generate import generate
from bot.config import Settings
from bot.directory.models import Organisation, Person
from bot.governance.retention import purge_notes
from bot.plans import overdue_upkeep
from bot.plans.due_dates import set_due_date
from bot.plans.listing import ActionFilter, OverdueReport, overdue_actions
from bot.plans.models import Action
from bot.plans.occurrences import extend_occurrences, is_occurrence
from bot.plans.overdue_snapshot import snapshot_counts
from bot.plans.overdue_tables import OverduePendingLine, OverdueSnapshot
from bot.plans.overdue_upkeep import rebuild_if_stale, rebuild_overdue_snapshot
from bot.plans.service import assign_owner, record_status
from bot.storage.database import Database
from bot.storage.migrate import alembic_config, upgrade_to_head
from scheduler.jobs import daily_jobs, keep_overdue_snapshot
from tests.conftest import PostgresCluster

TODAY = date(2021, 6, 1)
NOW = datetime(2021, 6, 1, 9, 0, tzinfo=UTC)
# (plans_from, rows_from): the first page, the next plans, the next lines, both, and a page past every plan.
PAGES = ((0, 0), (8, 0), (0, 5), (8, 5), (500, 0))


def _generate(url: str) -> None:
    generate(url, actions=1_500, plans=14, people=300, seed=3)


@pytest.fixture(scope="module")
def generated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("generated") / "generated.db"
    _generate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="module")
def generated_postgres(postgres_cluster: PostgresCluster) -> str:
    url = postgres_cluster.create()
    _generate(url)
    return make_url(url).database or ""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A copy of the generated workload, its snapshot built for TODAY."""
    if request.param == "sqlite":
        copy = tmp_path / "generated.db"
        shutil.copyfile(request.getfixturevalue("generated_sqlite"), copy)
        url = f"sqlite:///{copy}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create(template=request.getfixturevalue("generated_postgres"))
    database = Database.from_url(url, cache_answers=False)
    with database.unit_of_work() as session:
        rebuild_overdue_snapshot(session, as_of=TODAY, now=NOW)
    yield database
    database.engine.dispose()


def _questions(session: Session) -> tuple[list[Organisation | None], str]:
    """All of Wales, and a practice holding overdue work with its cluster and its board; and the plan of
    that work, for the plan filter."""
    practices = select(Organisation.id).where(Organisation.kind == "practice")
    overdue = _overdue(session, Action.organisation_id.in_(practices))
    practice = session.get_one(Organisation, overdue.organisation_id)
    cluster = practice.parent
    assert cluster is not None and cluster.parent is not None
    return [None, cluster.parent, cluster, practice], overdue.plan.key.upper()


def _answers(session: Session, today: date = TODAY) -> list[OverdueReport]:
    scopes, plan_key = _questions(session)
    reports = []
    for organisation in scopes:
        for plans_from, rows_from in PAGES:
            flt = ActionFilter(organisation=organisation)
            reports.append(overdue_actions(session=session, today=today, flt=flt, plans_from=plans_from,
                                           rows_from=rows_from, per_plan=3))  # fmt: skip
        by_plan = ActionFilter(organisation=organisation, plan_key=plan_key)
        reports.append(overdue_actions(session=session, today=today, flt=by_plan))
    return reports


def _from_snapshot(database: Database, today: date = TODAY) -> list[OverdueReport]:
    with database.unit_of_work() as session:
        assert _usable(session, today), "the snapshot should answer"
        return _answers(session, today)


def _counted_live(database: Database, today: date = TODAY) -> list[OverdueReport]:
    """The same questions with the snapshot switched off inside a transaction that is rolled back."""
    with database.sessions() as session:
        session.execute(update(OverdueSnapshot).values(usable=False))
        assert not _usable(session, today)
        reports = _answers(session, today)
        session.rollback()
    return reports


def _usable(session: Session, today: date) -> bool:
    return snapshot_counts(session.connection(), today=today, organisation_id=None, plan_key=None) is not None


def _assert_snapshot_is_live(database: Database) -> None:
    snapshot, live = _from_snapshot(database), _counted_live(database)
    assert len(snapshot) == len(live) == 4 * (len(PAGES) + 1)
    assert snapshot == live
    # Not vacuous: every scope has overdue lines, shown on its first page.
    assert all(report.total > 0 for report in live)
    assert all(live[first].groups for first in range(0, len(live), len(PAGES) + 1))


def _overdue(session: Session, *where: object) -> Action:
    query = select(Action).where(
        Action.status.not_in(("done", "dropped")),
        Action.is_rollup.is_(False),
        Action.open_ended.is_(False),
        Action.due_end < TODAY,
        *where,  # type: ignore[arg-type]
    )
    found = session.scalars(query.order_by(Action.due_end, Action.id)).first()
    assert found is not None
    return found


def _actor(session: Session) -> Person:
    found = session.scalars(select(Person).order_by(Person.id)).first()
    assert found is not None
    return found


def test_the_snapshot_answers_as_counting_live_does_before_and_after_writes(database: Database) -> None:
    _assert_snapshot_is_live(database)
    with database.unit_of_work() as session:
        delivery = _overdue(session, Action.parent_id.is_not(None))
        plain = _overdue(session, Action.parent_id.is_(None), Action.whole_id.is_(None))
        ids = delivery.id, plain.id
    for status in ("done", "on_track"):  # a status update to done, and back to an open status
        with database.unit_of_work() as session:
            for action_id in ids:
                action = session.get_one(Action, action_id)
                record_status(session=session, action=action, status=status, actor=_actor(session), now=NOW)
        _assert_snapshot_is_live(database)

    with database.unit_of_work() as session:  # deadlines moved: one out of the past, one into it
        later = _overdue(session, Action.parent_id.is_(None), Action.id != plain.id)
        set_due_date(session=session, action=later, due=TODAY + timedelta(days=30), actor=_actor(session), now=NOW,
                     source="test")  # fmt: skip
        future = session.scalars(
            select(Action).where(Action.due_end > TODAY, Action.is_rollup.is_(False), Action.status == "on_track")
        ).first()
        assert future is not None
        set_due_date(session=session, action=future, due=TODAY - timedelta(days=400), actor=_actor(session),
                     now=NOW, source="test")  # fmt: skip
    _assert_snapshot_is_live(database)

    with database.unit_of_work() as session:  # owned by someone in another organisation: the action moves
        action = session.get_one(Action, plain.id)
        stranger = session.scalars(
            select(Person).where(Person.organisation_id.is_not(None), Person.organisation_id != action.organisation_id)
        ).first()
        assert stranger is not None
        assign_owner(action=action, owner=stranger, actor=_actor(session), now=NOW, source="test")
        session.flush()
        assert action.organisation_id == stranger.organisation_id
    _assert_snapshot_is_live(database)

    with database.unit_of_work() as session:  # an occurrence deleted, then made again by the daily job
        past_parts = session.scalars(select(Action).where(Action.parent_id.is_not(None), Action.due_end < TODAY))
        occurrence = next(child for child in past_parts if is_occurrence(child))
        ref = occurrence.ref
        session.delete(occurrence)
    _assert_snapshot_is_live(database)
    with database.unit_of_work() as session:
        assert extend_occurrences(session=session, today=TODAY) >= 1
        assert session.scalar(select(Action.id).where(Action.ref == ref)) is not None
    _assert_snapshot_is_live(database)

    with database.unit_of_work() as session:  # an action moved to another plan and renamed, and a new one added
        moved = _overdue(session, Action.parent_id.is_(None), Action.whole_id.is_(None), Action.id.not_in(ids))
        other_plan = session.scalars(select(Action.plan_id).where(Action.plan_id != moved.plan_id)).first()
        assert other_plan is not None
        moved.plan_id, moved.ref = other_plan, "0.moved"
        added = Action(plan_id=other_plan, ref="0.added", title="Added late", due_end=TODAY - timedelta(days=3),
                       organisation_id=moved.organisation_id, status="blocked")  # fmt: skip
        session.add(added)
    _assert_snapshot_is_live(database)

    with database.unit_of_work() as session:  # an action deleted (one without history, which would stop it)
        session.delete(_overdue(session, Action.parent_id.is_not(None), Action.id.not_in(ids)))
    _assert_snapshot_is_live(database)


def test_a_day_later_the_snapshot_is_not_read_until_rebuilt(database: Database) -> None:
    tomorrow = TODAY + timedelta(days=1)
    with database.unit_of_work() as session:
        assert not _usable(session, tomorrow)
        # Counted live meanwhile: parts due today are overdue tomorrow.
        live = _answers(session, tomorrow)
        assert live == _counted_live(database, tomorrow)
        assert rebuild_if_stale(session, today=tomorrow, now=NOW + timedelta(days=1))
    with database.unit_of_work() as session:
        assert not rebuild_if_stale(session, today=tomorrow, now=NOW + timedelta(days=1))
    assert _from_snapshot(database, tomorrow) == live


@pytest.mark.parametrize("write", ["bulk update", "retention purge", "organisation moved"])
def test_a_write_the_session_cannot_follow_turns_the_snapshot_off_until_the_leader_rebuilds(
    database: Database, write: str
) -> None:
    with database.unit_of_work() as session:
        if write == "bulk update":
            session.execute(update(Action).where(Action.due_end < date(2020, 1, 1)).values(status="done"))
        elif write == "retention purge":
            purge_notes(session=session, before=NOW)
        else:
            practice = session.scalars(select(Organisation).where(Organisation.kind == "practice")).first()
            assert practice is not None
            practice.path = practice.path.replace("/", "/moved-", 1)
    with database.unit_of_work() as session:
        assert not _usable(session, TODAY)
        live = _answers(session)  # the live path answers meanwhile
    assert live == _counted_live(database)
    job = next(job for job in daily_jobs(Settings()) if job.name == "overdue_snapshot")
    assert job.decide is keep_overdue_snapshot
    with database.unit_of_work() as session:
        assert keep_overdue_snapshot(session, TODAY, NOW, Settings()) == []
    assert _from_snapshot(database) == live


def test_a_large_write_turns_the_snapshot_off_rather_than_recount_line_by_line(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overdue_upkeep, "MAX_TOUCHED_LINES", 10)
    with database.unit_of_work() as session:
        rows = session.scalars(select(Action).where(Action.is_rollup.is_(False), Action.due_end < TODAY)).all()
        assert len(rows) > 10
        for action in rows:
            action.due_end = action.due_end - timedelta(days=1)  # type: ignore[operator,assignment]
    with database.unit_of_work() as session:
        assert not _usable(session, TODAY)
    assert _from_snapshot_after_rebuild(database) == _counted_live(database)


def _from_snapshot_after_rebuild(database: Database) -> list[OverdueReport]:
    with database.unit_of_work() as session:
        assert rebuild_if_stale(session, today=TODAY, now=NOW)
    return _from_snapshot(database)


def test_the_migration_adds_an_unusable_snapshot_and_goes_down_and_up_again(seeded_url: str) -> None:
    config = alembic_config(seeded_url)
    command.downgrade(config, "0012")
    database = Database.from_url(seeded_url)
    with database.engine.connect() as connection:
        assert not {"overdue_snapshot", "overdue_lines", "overdue_tallies"} & set(inspect(connection).get_table_names())
    upgrade_to_head(seeded_url)
    with database.unit_of_work() as session:
        assert session.execute(select(OverdueSnapshot.as_of, OverdueSnapshot.usable)).one() == (None, False)
        assert not _usable(session, TODAY)
        rebuild_overdue_snapshot(session, as_of=TODAY, now=NOW)
    with database.unit_of_work() as session:
        assert _usable(session, TODAY)
    database.engine.dispose()


@pytest.fixture
def postgres_database(postgres_cluster: PostgresCluster, generated_postgres: str) -> Iterator[Database]:
    database = Database.from_url(postgres_cluster.create(template=generated_postgres), cache_answers=False)
    with database.unit_of_work() as session:
        rebuild_overdue_snapshot(session, as_of=TODAY, now=NOW)
    yield database
    database.engine.dispose()


@pytest.mark.postgres
def test_writers_to_one_line_take_turns_and_each_sees_what_the_other_committed(postgres_database: Database) -> None:
    """Two transactions close two deliveries of one action (one national line). The second to commit waits
    until the first, which recounted the line without the second's change, has committed; it then recounts
    the line with both: the line ends with neither delivery."""
    database = postgres_database
    with database.unit_of_work() as session:
        first = _overdue(session, Action.parent_id.is_not(None), Action.whole_id == Action.parent_id)
        second = _overdue(session, Action.parent_id == first.parent_id, Action.id != first.id)
        first_id, second_id = first.id, second.id
    waited: list[bool] = []

    def commit_second() -> None:
        with database.unit_of_work() as session:
            record_status(session=session, action=session.get_one(Action, second_id), status="done",
                          actor=_actor(session), now=NOW)  # fmt: skip

    def while_holding_the_lock(session: Session) -> None:
        if session.in_nested_transaction():
            return  # a savepoint released
        # Runs after this session's own recount, before its COMMIT: the other writer must wait for it (behind
        # the data version's row lock, then the snapshot's).
        other = threading.Thread(target=commit_second)
        other.start()
        other.join(timeout=1.0)
        waited.append(other.is_alive())
        threads.append(other)

    threads: list[threading.Thread] = []
    with database.sessions() as session, session.begin():
        event.listen(session, "before_commit", while_holding_the_lock)
        record_status(session=session, action=session.get_one(Action, first_id), status="done",
                      actor=_actor(session), now=NOW)  # fmt: skip
    for thread in threads:
        thread.join(timeout=30)
    assert waited == [True]
    with database.unit_of_work() as session:
        assert {session.get_one(Action, i).status for i in (first_id, second_id)} == {"done"}
    _assert_snapshot_is_live(database)


@dataclass
class HeldRebuild:
    """A rebuild in the background whose fill waits twice in its own transaction: before its statements
    (`at_start`, until `fill`) and after them, still uncommitted (`at_end`, until `finish`)."""

    at_start: threading.Event = field(default_factory=threading.Event)
    fill: threading.Event = field(default_factory=threading.Event)
    at_end: threading.Event = field(default_factory=threading.Event)
    finish: threading.Event = field(default_factory=threading.Event)
    recounted: list[overdue_upkeep.Touched] = field(default_factory=list)


@pytest.fixture
def held_rebuild(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldRebuild]:
    held = HeldRebuild()
    fill, recompute = overdue_upkeep._fill, overdue_upkeep.recompute_lines

    def held_fill(connection: Connection, *, as_of: date) -> None:
        held.at_start.set()
        assert held.fill.wait(timeout=60)
        fill(connection, as_of=as_of)
        held.at_end.set()
        assert held.finish.wait(timeout=60)

    def noted_recompute(connection: Connection, *, as_of: date, touched: overdue_upkeep.Touched) -> None:
        held.recounted.append(touched)
        recompute(connection, as_of=as_of, touched=touched)

    monkeypatch.setattr(overdue_upkeep, "_fill", held_fill)
    monkeypatch.setattr(overdue_upkeep, "recompute_lines", noted_recompute)
    yield held
    held.fill.set()
    held.finish.set()


def _rebuild(database: Database, now: datetime = NOW) -> bool:
    with database.unit_of_work() as session:
        return rebuild_overdue_snapshot(session, as_of=TODAY, now=now)


def _close(database: Database, action_id: int) -> float:
    """A status update to done in its own transaction; seconds until its commit returned."""
    started = time.perf_counter()
    with database.unit_of_work() as session:
        record_status(session=session, action=session.get_one(Action, action_id), status="done",
                      actor=_actor(session), now=NOW)  # fmt: skip
    return time.perf_counter() - started


@pytest.mark.postgres
def test_writers_during_a_rebuild_do_not_wait_for_its_fill_and_are_counted(
    postgres_database: Database, held_rebuild: HeldRebuild
) -> None:
    database, held = postgres_database, held_rebuild
    with database.unit_of_work() as session:
        early = _overdue(session, Action.parent_id.is_not(None))
        late = _overdue(session, Action.parent_id.is_not(None), Action.whole_id != early.whole_id)
        early_id, late_id, late_line = early.id, late.id, late.whole_id
    with ThreadPoolExecutor(max_workers=2) as pool:
        rebuilt = pool.submit(_rebuild, database)
        assert held.at_start.wait(timeout=60)
        # Marked as building: read live meanwhile; a writer before the fill's statements is read by them.
        assert pool.submit(_close, database, early_id).result(timeout=10) < 5
        with database.unit_of_work() as session:
            assert not _usable(session, TODAY)
        held.fill.set()
        assert held.at_end.wait(timeout=120)
        # The fill's transaction is open and has read the actions: this writer commits without waiting for
        # it, and is not in what it wrote.
        assert pool.submit(_close, database, late_id).result(timeout=10) < 5
        assert not rebuilt.done()
        held.finish.set()
        assert rebuilt.result(timeout=60)
    # The last step recounted the line written after the fill read the actions, and only then was usable.
    assert late_line in held.recounted[-1].national
    _assert_snapshot_is_live(database)


@pytest.mark.postgres
def test_a_write_that_cannot_be_followed_during_a_rebuild_leaves_the_snapshot_unusable(
    postgres_database: Database, held_rebuild: HeldRebuild
) -> None:
    database, held = postgres_database, held_rebuild
    with ThreadPoolExecutor(max_workers=1) as pool:
        rebuilt = pool.submit(_rebuild, database)
        assert held.at_start.wait(timeout=60)
        held.fill.set()
        assert held.at_end.wait(timeout=120)
        with database.unit_of_work() as session:
            session.execute(update(Action).where(Action.due_end < date(2020, 1, 1)).values(status="done"))
        held.finish.set()
        assert rebuilt.result(timeout=60)
    with database.unit_of_work() as session:
        assert not _usable(session, TODAY)
        assert session.execute(select(OverdueSnapshot.building_since, OverdueSnapshot.missed)).one() == (None, False)
        live = _answers(session)
    assert live == _counted_live(database)
    held.fill.set()
    with database.unit_of_work() as session:  # the leader's next check
        assert rebuild_if_stale(session, today=TODAY, now=NOW)
    assert _from_snapshot(database) == live


@pytest.mark.postgres
def test_a_rebuild_that_died_is_retried_after_the_timeout_and_one_that_failed_at_once(
    postgres_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = postgres_database
    with database.engine.begin() as connection:  # as a rebuild that died after its first step leaves it
        connection.execute(update(OverdueSnapshot).values(usable=False, building_since=NOW))
    with database.unit_of_work() as session:
        delivery_id = _overdue(session, Action.parent_id.is_not(None)).id
    _close(database, delivery_id)  # noted for the rebuild that never finishes
    with database.unit_of_work() as session:
        assert not rebuild_if_stale(session, today=TODAY, now=NOW + timedelta(minutes=1))
        assert not rebuild_overdue_snapshot(session, as_of=TODAY, now=NOW + timedelta(minutes=1))
        assert not _usable(session, TODAY)
    later = NOW + overdue_upkeep.REBUILD_TIMEOUT + timedelta(seconds=1)
    with database.unit_of_work() as session:
        assert rebuild_if_stale(session, today=TODAY, now=later)
    _assert_snapshot_is_live(database)

    def failing_fill(connection: Connection, *, as_of: date) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(overdue_upkeep, "_fill", failing_fill)
    with pytest.raises(RuntimeError):
        _rebuild(database, later)
    with database.unit_of_work() as session:
        assert not _usable(session, TODAY)
        assert session.execute(select(OverdueSnapshot.building_since)).scalar_one() is None  # no wait for a retry
    monkeypatch.undo()
    with database.unit_of_work() as session:
        assert rebuild_if_stale(session, today=TODAY, now=later)
    _assert_snapshot_is_live(database)


@pytest.mark.postgres
def test_a_rebuild_taken_over_after_the_timeout_leaves_the_end_to_the_one_that_took_over(
    postgres_database: Database, held_rebuild: HeldRebuild
) -> None:
    database, held = postgres_database, held_rebuild
    with database.unit_of_work() as session:
        delivery_id = _overdue(session, Action.parent_id.is_not(None)).id
    later = NOW + overdue_upkeep.REBUILD_TIMEOUT + timedelta(seconds=1)
    with ThreadPoolExecutor(max_workers=1) as pool:
        slow = pool.submit(_rebuild, database)
        assert held.at_start.wait(timeout=60)
        with database.engine.begin() as connection:  # another process's first step, taking the slow one for dead
            assert overdue_upkeep._start_building(connection, as_of=TODAY, now=later, unless_fresh=True)
        _close(database, delivery_id)  # noted for the one that took over
        held.fill.set()
        held.finish.set()
        assert slow.result(timeout=120)
    with database.unit_of_work() as session:
        assert not _usable(session, TODAY)
        assert session.execute(select(OverdueSnapshot.building_since)).scalar_one() == later
        assert session.scalars(select(OverduePendingLine.line_id)).all()  # left for the last step of the other
