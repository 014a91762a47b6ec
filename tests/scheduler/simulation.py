"""Drives the real deciding jobs and the real sender with a moved clock, day by day, recording what each
recipient received and when (London time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from bot.clock import LONDON, FixedClock
from bot.config import Settings
from bot.console.port import RecordingPort
from bot.storage.database import Database
from bot.storage.outbox import OutboxMessage
from scheduler.jobs import alert_scan, daily_jobs, run_decision
from scheduler.sender import Sender


@dataclass(frozen=True)
class Delivery:
    at: datetime  # London wall-clock time the sender delivered it
    kind: str
    to: str
    subject: str
    title: str
    payload: dict = field(default_factory=dict, compare=False)  # type: ignore[type-arg]


@dataclass
class Simulation:
    database: Database
    settings: Settings = field(default_factory=lambda: Settings(delivery_backoff_seconds=60))
    clock: FixedClock = field(default_factory=FixedClock)
    port: RecordingPort = field(default_factory=RecordingPort)

    def __post_init__(self) -> None:
        self.sender = Sender(self.database, [self.port], self.clock, self.settings, worker="simulation")

    def at(self, day: date, when: time) -> None:
        self.clock.set(datetime.combine(day, when, tzinfo=LONDON))

    def run_day(self, day: date, start: time = time.min, end: time = time.max) -> None:
        """Runs the day's jobs whose time is in [start, end), each followed by the sender."""
        for job in daily_jobs(self.settings):
            if job.runs_on(day) and start <= job.at < end:
                self.at(day, job.at)
                self.decide(job.decide)
                self.sender.drain()

    def scan_alerts(self) -> None:
        self.decide(alert_scan)
        self.sender.drain()

    def decide(self, decide) -> None:  # type: ignore[no-untyped-def]
        with self.database.unit_of_work() as session:
            run_decision(session=session, decide=decide, clock=self.clock, settings=self.settings)

    def run_days(self, first: date, last: date) -> None:
        day = first
        while day <= last:
            self.run_day(day)
            day += timedelta(days=1)

    def deliveries(self, kind: str | None = None) -> list[Delivery]:
        """Every message the port received, in order, with the London time its outbox row was sent."""
        with self.database.unit_of_work() as session:
            query = select(OutboxMessage).where(OutboxMessage.status == "sent").order_by(OutboxMessage.message_id)
            rows = session.scalars(query).all()
        assert len(rows) == len(self.port.sent), "each sent row reached the port exactly once"
        found = []
        for row in sorted(rows, key=lambda r: int(r.message_id or 0)):
            sent = self.port.sent[int(row.message_id or 0) - 1]
            assert row.sent_at is not None
            found.append(Delivery(row.sent_at.astimezone(LONDON), row.kind, sent.to, row.subject, sent.reply.title,
                                  row.payload))  # fmt: skip
        return [d for d in found if kind is None or d.kind == kind]
