"""Pacing to the platforms' published limits: the pacer's arithmetic on a fake clock, the outbox's claim
order (everyone's first message before anyone's second), and a paced row put back without losing an attempt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import FixedClock
from bot.config import Settings
from bot.console.port import RecordingPort
from bot.delivery.pacing import APP_HEADROOM, CONVERSATION_MARGIN, SLACK_LIMITS, TEAMS_LIMITS, Pacer
from bot.directory.models import Organisation
from bot.escalation.models import Service
from bot.storage.database import Database
from bot.storage.outbox import OutboxMessage
from scheduler.checkins import CHECKIN
from scheduler.outbox import Planned, enqueue, spread_by_recipient
from scheduler.sender import MAX_PACING_WAIT_SECONDS, Sender, claim_due
from tests.helpers import person

NOW = datetime(2021, 6, 1, 8, 0, tzinfo=UTC)


@dataclass
class FakeTime:
    now: float = 100.0

    def __call__(self) -> float:
        return self.now


def test_one_slack_message_a_second_in_a_conversation_others_go_at_once() -> None:
    clock = FakeTime()
    pacer = Pacer(monotonic=clock)
    assert pacer.book("slack", "D1", SLACK_LIMITS) == 0
    assert pacer.book("slack", "D2", SLACK_LIMITS) == 0
    assert pacer.conversation_wait("slack", "D1", SLACK_LIMITS) == pytest.approx(CONVERSATION_MARGIN)
    clock.now += 0.5
    assert pacer.book("slack", "D1", SLACK_LIMITS) == pytest.approx(CONVERSATION_MARGIN - 0.5)


def test_teams_sixty_in_thirty_seconds_per_conversation() -> None:
    clock = FakeTime()
    pacer = Pacer(monotonic=clock)
    for _ in range(60):
        clock.now += pacer.book("teams", "a:chat", TEAMS_LIMITS)
    # Seven a second allowed the first sixty within nine seconds; the sixty-first waits for the first to age out.
    assert clock.now - 100 < 9
    assert clock.now + pacer.conversation_wait("teams", "a:chat", TEAMS_LIMITS) == pytest.approx(
        100 + 30 * CONVERSATION_MARGIN
    )


def test_each_sender_keeps_to_its_share_of_the_app_limit() -> None:
    clock = FakeTime()
    pacer = Pacer(senders=lambda: 4, monotonic=clock)
    waits = [pacer.book("teams", f"a:chat-{n}", TEAMS_LIMITS) for n in range(5)]
    spacing = 4 / (50 * APP_HEADROOM)
    assert waits == pytest.approx([n * spacing for n in range(5)])


def test_claims_take_everyones_first_message_before_anyones_second(sqlite_db: Database) -> None:
    planned = [Planned(CHECKIN, f"person:{p}", f"checkin:{p}:{k}", date(2021, 6, 1)) for p in (1, 2) for k in (1, 2, 3)]
    dues = [due for _, due in spread_by_recipient(planned, NOW)]
    assert dues == [NOW - timedelta(microseconds=2 - k) for _ in (1, 2) for k in range(3)]
    with sqlite_db.unit_of_work() as session:
        enqueue(session=session, planned=planned, now=NOW)
        ids = claim_due(session=session, worker="w", now=NOW, lease=timedelta(minutes=1), limit=6)
        order = [session.get_one(OutboxMessage, i).subject for i in ids]
    assert order == [f"checkin:{p}:{k}" for k in (1, 2, 3) for p in (1, 2)]


def test_a_conversation_that_must_wait_long_is_put_back_without_losing_an_attempt(sqlite_db: Database) -> None:
    port = RecordingPort(limits=SLACK_LIMITS)
    clock = FakeTime()
    sender = Sender(sqlite_db, [port], FixedClock(NOW), Settings(), pacer=Pacer(monotonic=clock))
    with sqlite_db.unit_of_work() as session:
        someone = person(session, "admin@example.nhs.wales").id
        about = {"organisation_id": session.scalars(select(Organisation.id)).first(),
                 "service_id": session.scalars(select(Service.id)).first()}  # fmt: skip
        checkin = Planned(CHECKIN, f"person:{someone}", "checkin", date(2021, 6, 1), about)
        enqueue(session=session, planned=[checkin], now=NOW)
    for _ in range(3):  # three messages to them just booked: the next may go in over 3 seconds
        sender.pacer.book("console", f"person:{someone}", SLACK_LIMITS)
    assert sender.pacer.conversation_wait("console", f"person:{someone}", SLACK_LIMITS) > MAX_PACING_WAIT_SECONDS
    sender.run_once()
    with sqlite_db.unit_of_work() as session:
        row = session.scalars(select(OutboxMessage)).one()
    assert port.sent == [] and (row.status, row.attempts, row.claimed_by) == ("pending", 0, None)
    assert row.next_attempt_at > NOW
