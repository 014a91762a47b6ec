"""The sender against real databases: retries, Retry-After, bounded attempts, unreachable people, leases."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select

from bot.config import Settings
from bot.console.port import RecordingPort
from bot.delivery.port import Delivered, DeliveryFailed
from bot.directory.models import Person
from bot.storage.database import Database
from bot.storage.outbox import OutboxMessage
from commands.replies import Reply
from scheduler.checkins import decide_checkins
from scheduler.outbox import enqueue
from scheduler.sender import Sender, claim_due
from tests.scheduler.simulation import Simulation

DAY = date(2021, 5, 4)


@dataclass
class FlakyPort(RecordingPort):
    """Fails with the given problems first (a platform answering 429 or 500), then delivers."""

    failures: list[DeliveryFailed] = field(default_factory=list)
    reachable: bool = True

    def can_reach(self, person: Person) -> bool:
        return self.reachable

    def send_to_person(self, person: Person, reply: Reply) -> Delivered:
        if self.failures:
            raise self.failures.pop(0)
        return super().send_to_person(person, reply)


def _one_checkin(sim: Simulation) -> int:
    sim.at(DAY, sim.settings.checkin_time)
    with sim.database.unit_of_work() as session:
        planned = decide_checkins(session=session, today=DAY)[:1]
        assert enqueue(session=session, planned=planned, now=sim.clock.now()) == 1
        assert enqueue(session=session, planned=planned, now=sim.clock.now()) == 0  # the unique key holds
        return session.scalars(select(OutboxMessage.id)).one()


def _row(database: Database, row_id: int) -> OutboxMessage:
    with database.unit_of_work() as session:
        row = session.get(OutboxMessage, row_id)
        assert row is not None
        return row


def test_deciding_twice_queues_once(sim: Simulation) -> None:
    sim.run_day(DAY, end=sim.settings.chaser_time)
    sim.run_day(DAY, end=sim.settings.chaser_time)
    assert len(sim.deliveries("checkin")) == 28 and len(sim.port.sent) == len(sim.deliveries())


def test_retry_after_then_backoff_then_delivered(sim: Simulation) -> None:
    port = FlakyPort(failures=[DeliveryFailed("rate limited", retry_after=30), DeliveryFailed("HTTP 503")])
    sender = Sender(sim.database, [port], sim.clock, sim.settings, worker="a")
    row_id = _one_checkin(sim)
    start = sim.clock.now()

    assert sender.run_once() == 1
    row = _row(sim.database, row_id)
    assert (row.status, row.attempts, row.next_attempt_at, row.last_error) == (
        "pending",
        1,
        start + timedelta(seconds=30),
        "rate limited",
    )
    assert sender.run_once() == 0  # not due yet
    sim.clock.advance(timedelta(seconds=30))
    sender.run_once()
    row = _row(sim.database, row_id)
    backoff = sim.settings.delivery_backoff_seconds * 2  # second attempt: doubled, then jittered in [½, 1]
    assert row.status == "pending" and row.last_error == "HTTP 503"
    assert backoff / 2 <= (row.next_attempt_at - sim.clock.now()).total_seconds() <= backoff
    sim.clock.advance(timedelta(seconds=backoff))
    sender.run_once()
    row = _row(sim.database, row_id)
    assert (row.status, row.attempts, row.platform, row.message_id) == ("sent", 3, "console", "1")
    assert len(port.sent) == 1


def test_bounded_attempts_and_permanent_failures_end_as_failed(sim: Simulation) -> None:
    settings = Settings(delivery_max_attempts=2, delivery_backoff_seconds=1)
    port = FlakyPort(failures=[DeliveryFailed("HTTP 500"), DeliveryFailed("HTTP 500")])
    sender = Sender(sim.database, [port], sim.clock, settings, worker="a")
    row_id = _one_checkin(sim)
    sender.run_once()
    sim.clock.advance(timedelta(seconds=5))
    sender.run_once()
    row = _row(sim.database, row_id)
    assert (row.status, row.attempts, row.last_error) == ("failed", 2, "HTTP 500")
    assert port.sent == []


def test_nobody_can_reach_them_fails_as_unreachable(sim: Simulation) -> None:
    sender = Sender(sim.database, [FlakyPort(reachable=False)], sim.clock, sim.settings, worker="a")
    row_id = _one_checkin(sim)
    sender.run_once()
    row = _row(sim.database, row_id)
    assert (row.status, row.last_error) == ("failed", "unreachable")


def test_a_dead_senders_lease_runs_out_and_another_delivers(sim: Simulation) -> None:
    row_id = _one_checkin(sim)
    lease = timedelta(seconds=sim.settings.delivery_lease_seconds)
    with sim.database.unit_of_work() as session:  # sender "a" claims, then dies before sending
        assert claim_due(session=session, worker="a", now=sim.clock.now(), lease=lease, limit=10) == [row_id]
    other = Sender(sim.database, [sim.port], sim.clock, sim.settings, worker="b")
    assert other.run_once() == 0  # still leased to "a"
    sim.clock.advance(lease + timedelta(seconds=1))
    assert other.run_once() == 1
    row = _row(sim.database, row_id)
    assert (row.status, row.claimed_by, row.attempts) == ("sent", "b", 2)
    assert [s.key for s in sim.port.sent] == [f"outbox-{row_id}"]
