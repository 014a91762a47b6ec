"""Several processes sharing one PostgreSQL database: one leader decides, every sender delivers, and each
message goes out exactly once."""

from __future__ import annotations

import threading
import time as wallclock
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from bot.clock import FixedClock
from bot.config import Settings
from bot.console.port import RecordingPort
from bot.storage.database import Database
from bot.storage.outbox import OutboxMessage
from scheduler.checkins import decide_checkins
from scheduler.leader import LOCK_KEY, LeaderLock
from scheduler.outbox import Planned, enqueue
from scheduler.sender import Sender
from scheduler.service import SchedulerService
from tests.conftest import PostgresCluster

pytestmark = pytest.mark.postgres
FAST = Settings(sender_poll_seconds=0.05, leader_retry_seconds=0.2, sender_batch_size=10)


@pytest.fixture
def pg_url(postgres_cluster: PostgresCluster, seeded_postgres_template: str) -> str:
    return postgres_cluster.create(template=seeded_postgres_template)


@pytest.fixture
def two_processes(pg_url: str) -> Iterator[tuple[Database, Database]]:
    """Two engines, as two server processes would have."""
    first, second = Database.from_url(pg_url), Database.from_url(pg_url)
    yield first, second
    first.engine.dispose()
    second.engine.dispose()


def _queue_checkins(database: Database, first_day: date, days: int, now: datetime) -> int:
    with database.unit_of_work() as session:
        planned: list[Planned] = []
        for n in range(days):
            planned += decide_checkins(session=session, today=first_day + timedelta(days=n))
        return enqueue(session=session, planned=planned, now=now)


def test_two_senders_deliver_each_message_once(two_processes: tuple[Database, Database]) -> None:
    clock = FixedClock(datetime(2021, 6, 1, 9, 0, tzinfo=UTC))
    queued = _queue_checkins(two_processes[0], date(2021, 5, 1), 20, clock.now())
    ports = [RecordingPort(), RecordingPort()]
    senders = [
        Sender(db, [port], clock, FAST, worker=f"p{n}")
        for n, (db, port) in enumerate(zip(two_processes, ports, strict=True))
    ]
    threads = [threading.Thread(target=s.drain) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = Counter(sent.key for port in ports for sent in port.sent)
    assert queued > 300 and len(keys) == queued and set(keys.values()) == {1}
    assert all(port.sent for port in ports), "both processes took a share"
    with two_processes[0].unit_of_work() as session:
        assert session.scalar(select(func.count()).where(OutboxMessage.status != "sent")) == 0


def test_the_leader_lock_passes_on_when_its_holder_dies(two_processes: tuple[Database, Database]) -> None:
    first, second = LeaderLock(two_processes[0]), LeaderLock(two_processes[1])
    assert first.try_acquire() and not second.try_acquire()
    with two_processes[1].engine.connect() as connection:  # the leader's process dies: its connection goes
        connection.execute(
            text("select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and objid = :key"),
            {"key": LOCK_KEY},
        )
    assert not first.still_held()
    assert second.try_acquire()
    second.release()


def test_one_leader_catches_up_and_the_other_takes_over(two_processes: tuple[Database, Database]) -> None:
    clock = FixedClock(datetime(2021, 5, 4, 9, 30, tzinfo=UTC))  # 10:30 in London: check-in time has passed
    ports = [RecordingPort(), RecordingPort()]
    services = [
        SchedulerService(db, clock, FAST, [port], worker=f"p{n}")
        for n, (db, port) in enumerate(zip(two_processes, ports, strict=True))
    ]
    for service in services:
        service.start()
    _wait(lambda: sum(len(p.sent) for p in ports) >= 28 and any(s.is_leader for s in services))
    leaders = [s for s in services if s.is_leader]
    assert len(leaders) == 1
    leaders[0].stop()
    follower = next(s for s in services if s is not leaders[0])
    _wait(lambda: follower.is_leader)
    follower.stop()
    kinds = Counter(sent.reply.prompt.kind for port in ports for sent in port.sent if sent.reply.prompt)
    # The 09:00 check-in and 10:00 prompts were caught up once, although both processes led in turn.
    keys = Counter(sent.key for port in ports for sent in port.sent)
    assert kinds["escalation"] == 28 and set(keys.values()) == {1}


def _wait(condition, seconds: float = 20) -> None:  # type: ignore[no-untyped-def]
    deadline = wallclock.monotonic() + seconds
    while not condition():
        assert wallclock.monotonic() < deadline, "timed out"
        wallclock.sleep(0.05)
