"""Escalation reporting: who reports what for whom, recording a day's level, and reading the picture back."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.directory.models import Organisation, Person
from bot.escalation.latest import latest_between, runs_on
from bot.escalation.models import EscalationReport, Level, Service, ServiceReporter
from bot.storage.row_lock import lock_for_change


def list_services(*, session: Session) -> list[Service]:
    return list(session.scalars(select(Service).order_by(Service.position, Service.name)))


def list_levels(*, session: Session) -> list[Level]:
    return list(session.scalars(select(Level).order_by(Level.number)))


@dataclass(frozen=True)
class ServiceNotFound:
    text: str
    suggestions: list[str]


def find_service(*, session: Session, text: str) -> Service | ServiceNotFound:
    """By key (`dental`), name or any alias, case-insensitively; close matches are suggested."""
    needle = text.strip().lower().replace("-", " ").replace("_", " ")
    services = list_services(session=session)
    names: dict[str, Service] = {}
    for service in services:
        for name in (service.key, service.name, *service.aliases):
            names[name.lower().replace("_", " ").replace("-", " ")] = service
    if needle in names:
        return names[needle]
    close = difflib.get_close_matches(needle, list(names), n=5, cutoff=0.6)
    suggestions = list(dict.fromkeys(names[c].key for c in close))
    return ServiceNotFound(text, suggestions or [s.key for s in services])


def reporter_assignments(*, session: Session, person: Person, service: Service | None = None) -> list[ServiceReporter]:
    query = select(ServiceReporter).where(ServiceReporter.person_id == person.id)
    if service is not None:
        query = query.where(ServiceReporter.service_id == service.id)
    return list(session.scalars(query))


def record_report(
    *,
    session: Session,
    organisation: Organisation,
    service: Service,
    level: int,
    reporter: Person,
    day: date,
    now: datetime,
    note: str | None = None,
    source: str = "console",
    idempotency_key: str | None = None,
) -> EscalationReport | None:
    """Records a level for the day. Earlier reports for the same organisation, service and day are marked
    superseded, never deleted. Returns None for an idempotency key seen before. Reports for one organisation
    are recorded one at a time (its row is locked), so two reports at once never both stay current."""
    lock_for_change(session, organisation)
    if idempotency_key and session.scalar(
        select(EscalationReport.id).where(EscalationReport.idempotency_key == idempotency_key)
    ):
        return None
    report = EscalationReport(
        organisation=organisation,
        service=service,
        day=day,
        level=level,
        note=note,
        reported_by=reporter,
        reported_at=now,
        source=source,
        idempotency_key=idempotency_key,
    )
    try:
        with session.begin_nested():
            session.execute(
                update(EscalationReport)
                .where(
                    EscalationReport.organisation_id == organisation.id,
                    EscalationReport.service_id == service.id,
                    EscalationReport.day == day,
                    EscalationReport.superseded_at.is_(None),
                )
                .values(superseded_at=now)
            )
            session.add(report)
            session.flush()
    except IntegrityError:
        return None
    return report


def previous_level(*, session: Session, organisation: Organisation, service: Service, before: date) -> int | None:
    """The latest level reported before `before`: what a rise is measured against."""
    return session.scalar(
        select(EscalationReport.level)
        .where(
            EscalationReport.organisation_id == organisation.id,
            EscalationReport.service_id == service.id,
            EscalationReport.day < before,
            EscalationReport.superseded_at.is_(None),
        )
        .order_by(EscalationReport.day.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class CurrentLevel:
    organisation: Organisation
    level: int
    note: str | None
    reported_by: Person | None
    reported_at: datetime


@dataclass(frozen=True)
class ServiceDay:
    """One service on one day across an organisation subtree: who reported what, and who has not. `expected`
    is False for a weekday-only service at a weekend or on a bank holiday: then nobody is missing."""

    service: Service
    reports: list[CurrentLevel]
    missing: list[tuple[Organisation, list[Person]]]
    expected: bool = True

    @property
    def worst(self) -> int | None:
        return max((r.level for r in self.reports), default=None)


def service_day(*, session: Session, service: Service, root: Organisation, day: date) -> ServiceDay:
    reports = session.scalars(
        select(EscalationReport)
        .join(Organisation, Organisation.id == EscalationReport.organisation_id)
        .where(
            EscalationReport.service_id == service.id,
            *latest_between(day, day),
            Organisation.path.startswith(root.path),
        )
    ).all()
    current = [CurrentLevel(r.organisation, r.level, r.note, r.reported_by, r.reported_at) for r in reports]
    current.sort(key=lambda c: (-c.level, c.organisation.name))
    if not runs_on(service.runs_every_day, day):
        return ServiceDay(service, current, [], expected=False)
    reported = {r.organisation.id for r in current}
    expected: dict[int, tuple[Organisation, list[Person]]] = {}
    assignments = session.scalars(
        select(ServiceReporter)
        .join(Organisation, Organisation.id == ServiceReporter.organisation_id)
        .where(ServiceReporter.service_id == service.id, Organisation.path.startswith(root.path))
    )
    for assignment in assignments:
        if assignment.organisation_id not in reported:
            expected.setdefault(assignment.organisation_id, (assignment.organisation, []))[1].append(assignment.person)
    return ServiceDay(service, current, sorted(expected.values(), key=lambda pair: pair[0].name))


def level_history(
    *, session: Session, service: Service, root: Organisation, today: date, days: int
) -> list[tuple[date, Organisation, int, str | None]]:
    """Every current (not superseded) report in the window, newest first."""
    since = today - timedelta(days=days - 1)
    rows = session.execute(
        select(EscalationReport.day, Organisation, EscalationReport.level, EscalationReport.note)
        .join(Organisation, Organisation.id == EscalationReport.organisation_id)
        .where(
            EscalationReport.service_id == service.id,
            *latest_between(since, today),
            Organisation.path.startswith(root.path),
        )
        .order_by(EscalationReport.day.desc(), Organisation.name)
    )
    return [(d, org, level, note) for d, org, level, note in rows]
