"""Deciding the daily escalation check-in, the late-morning chaser, and the midday note to managers.

Services that work weekdays are asked on working days only; services that run every day (GP out of hours,
community hospitals…) are asked every day, bank holidays included. A reporter who is away is not asked:
only a named reporter may answer a check-in, so a delegate could not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation, Person
from bot.escalation.latest import expected_on, reported_days
from bot.escalation.models import Service, ServiceReporter, Subscription
from scheduler.away import away_on
from scheduler.outbox import Planned, person_recipient, queued_since

CHECKIN = "checkin"
CHASER = "chaser"
MISSED_REPORTS = "missed_reports"
ESCALATION_ALERTS = "escalation_alerts"
# A chaser or a note to managers only follows a check-in asked at least this long ago: after a restart
# at 15:00 the caught-up check-in is not chased in the same minute.
MIN_WAIT = timedelta(hours=1)


@dataclass(frozen=True)
class Expected:
    """One reporter expected to report one service for one organisation today."""

    person_id: int
    manager_id: int | None
    organisation_id: int
    organisation_path: str
    service_id: int

    @property
    def subject(self) -> str:
        return f"checkin:{self.organisation_id}:{self.service_id}"


def expected_reporters(*, session: Session, day: date) -> list[Expected]:
    away = away_on(session=session, day=day)
    rows = session.execute(
        select(
            ServiceReporter.person_id,
            Person.manager_id,
            ServiceReporter.organisation_id,
            Organisation.path,
            ServiceReporter.service_id,
        )
        .join(Person, Person.id == ServiceReporter.person_id)
        .join(Organisation, Organisation.id == ServiceReporter.organisation_id)
        .join(Service, Service.id == ServiceReporter.service_id)
        .where(expected_on(day))
        .order_by(ServiceReporter.id)
    )
    return [
        Expected(person_id, manager_id, org_id, path, service_id)
        for person_id, manager_id, org_id, path, service_id in rows
        if person_id not in away
    ]


def decide_checkins(*, session: Session, today: date) -> list[Planned]:
    return [
        Planned(
            CHECKIN,
            person_recipient(e.person_id),
            e.subject,
            today,
            {"organisation_id": e.organisation_id, "service_id": e.service_id},
        )
        for e in expected_reporters(session=session, day=today)
    ]


def _unreported(session: Session, today: date, now: datetime) -> list[Expected]:
    reported = reported_days(session=session, day_from=today, day_to=today)
    asked = queued_since(session=session, kind=CHECKIN, for_day=today)
    return [
        e
        for e in expected_reporters(session=session, day=today)
        if (e.organisation_id, e.service_id, today) not in reported
        and e.subject in asked
        and asked[e.subject] <= now - MIN_WAIT
    ]


def decide_chasers(*, session: Session, today: date, now: datetime) -> list[Planned]:
    return [
        Planned(
            CHASER,
            person_recipient(e.person_id),
            e.subject,
            today,
            {"organisation_id": e.organisation_id, "service_id": e.service_id},
        )
        for e in _unreported(session, today, now)
    ]


def _health_board_leads(session: Session) -> list[tuple[str, int]]:
    """(organisation path, person) for each person subscribed to escalation alerts of an organisation."""
    rows = session.execute(
        select(Organisation.path, Subscription.person_id)
        .join(Organisation, Organisation.id == Subscription.organisation_id)
        .where(Subscription.kind == ESCALATION_ALERTS, Subscription.person_id.is_not(None))
    )
    return [(path, person_id) for path, person_id in rows if person_id is not None]


def decide_missed_reports(*, session: Session, today: date, now: datetime) -> list[Planned]:
    """One note per manager listing their reporters' missing reports. A reporter with no manager is
    covered by whoever is subscribed to escalation alerts for an organisation above theirs."""
    leads = _health_board_leads(session)
    missing: dict[int, list[list[int]]] = {}
    for e in _unreported(session, today, now):
        told = [e.manager_id] if e.manager_id else [p for path, p in leads if e.organisation_path.startswith(path)]
        for person_id in told:
            entry = [e.organisation_id, e.service_id, e.person_id]
            if entry not in missing.setdefault(person_id, []):
                missing[person_id].append(entry)
    return [
        Planned(MISSED_REPORTS, person_recipient(person_id), "missed_reports", today, {"missing": entries})
        for person_id, entries in sorted(missing.items())
    ]
