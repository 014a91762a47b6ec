"""What the scheduler would send over a period, decided against a moved clock inside a transaction that is
rolled back: the same jobs as production, and nothing written or sent."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.clock import LONDON, FixedClock
from bot.config import Settings
from bot.directory.models import Person
from bot.i18n import _, format_day
from bot.storage.database import Database
from scheduler.jobs import daily_jobs, run_decision
from scheduler.messages import Lookup, Obsolete, build_message
from scheduler.outbox import Planned, recipient_person_id


@dataclass(frozen=True)
class Preview:
    at: datetime  # London
    kind: str
    to: str
    what: str

    def line(self) -> str:
        when = f"{format_day(self.at.date(), 'EEE dd MMM y')} {self.at:%H:%M}"
        return f"{when}  {self.kind:<15} {self.to:<45} {self.what}"


def preview(*, database: Database, settings: Settings, first: date, last: date) -> Iterator[Preview]:
    clock = FixedClock()
    with database.sessions() as session:
        session.begin()
        try:
            day = first
            while day <= last:
                for job in daily_jobs(settings):
                    if not job.runs_on(day):
                        continue
                    clock.set(datetime.combine(day, job.at, tzinfo=LONDON))
                    for planned in run_decision(session=session, decide=job.decide, clock=clock, settings=settings):
                        yield _describe(session, planned, clock.now())
                day += timedelta(days=1)
        finally:
            session.rollback()


def _describe(session: Session, planned: Planned, now: datetime) -> Preview:
    person_id = recipient_person_id(planned.recipient)
    person = session.get(Person, person_id) if person_id is not None else None
    to = f"{person.name} <{person.email}>" if person else planned.recipient
    try:
        what = build_message(
            lookup=Lookup(session), kind=planned.kind, payload=planned.payload, for_day=planned.for_day, now=now
        ).title
    except Obsolete as reason:
        what = _("(would be skipped: {reason})").format(reason=reason)
    return Preview(now.astimezone(LONDON), planned.kind, to, what)
