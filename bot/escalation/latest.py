"""The one read model of escalation reports: the latest report per organisation, service and day, and who is
expected to report on a day. Exports, check-ins, digests, replies and the dashboard all read it here.

A later report the same day supersedes the earlier one (it stays, for the audit): the latest is the one not
superseded. Weekday-only services (`runs_every_day: false`: GP in hours, pharmacy, dental, optometry) are not
expected at weekends or on Welsh bank holidays, so nobody counts or chases them as missing then."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Exists, Select, exists, select, true
from sqlalchemy.orm import Session

from bot.calendar import is_working_day
from bot.escalation.models import EscalationReport, Service, ServiceReporter


def latest_between(day_from: date, day_to: date) -> tuple[ColumnElement[bool], ...]:
    """Conditions selecting the latest reports of the days from `day_from` to `day_to`, both included."""
    return (
        EscalationReport.day >= day_from,
        EscalationReport.day <= day_to,
        EscalationReport.superseded_at.is_(None),
    )


def reported_days(
    *, session: Session, day_from: date, day_to: date, organisation_ids: Select[Any] | None = None
) -> set[tuple[int, int, date]]:
    """(organisation id, service id, day) of every report in the window, optionally among some organisations."""
    query = select(EscalationReport.organisation_id, EscalationReport.service_id, EscalationReport.day).where(
        *latest_between(day_from, day_to)
    )
    if organisation_ids is not None:
        query = query.where(EscalationReport.organisation_id.in_(organisation_ids))
    return {(org_id, service_id, day) for org_id, service_id, day in session.execute(query)}


def reporter_has_reported(day: date) -> Exists:
    """Whether the organisation of the ServiceReporter row in the enclosing query reported its service on `day`."""
    return exists().where(
        EscalationReport.organisation_id == ServiceReporter.organisation_id,
        EscalationReport.service_id == ServiceReporter.service_id,
        *latest_between(day, day),
    )


def runs_on(runs_every_day: bool, day: date) -> bool:
    """Whether a service (24/7 or weekday-only) expects reports on `day`."""
    return runs_every_day or is_working_day(day)


def expected_on(day: date) -> ColumnElement[bool]:
    """The condition on Service (joined in the query) for a report to be expected on `day`."""
    return true() if is_working_day(day) else Service.runs_every_day.is_(True)


def expected_reporting(*, session: Session, organisation_ids: Select[Any]) -> list[tuple[int, int, bool]]:
    """(organisation id, service id, runs every day) for each organisation expected to report a service."""
    query = (
        select(ServiceReporter.organisation_id, ServiceReporter.service_id, Service.runs_every_day)
        .join(Service, Service.id == ServiceReporter.service_id)
        .where(ServiceReporter.organisation_id.in_(organisation_ids))
        .distinct()
    )
    return [(org_id, service_id, every_day) for org_id, service_id, every_day in session.execute(query)]


MISSING_WINDOW_DAYS = 31


def missing_reports(
    *, session: Session, day_from: date, day_to: date, organisation_ids: Select[Any]
) -> Iterator[tuple[int, int, date]]:
    """(organisation id, service id, day), day by day, for each report that was expected and not made: the
    organisation has a reporter for the service, the service runs that day (weekday-only services not at
    weekends or on Welsh bank holidays), and no current report exists. Reads a month of reports at a time,
    so a year of Wales stays small in memory."""
    expected = expected_reporting(session=session, organisation_ids=organisation_ids)
    start = day_from
    while start <= day_to:
        end = min(day_to, start + timedelta(days=MISSING_WINDOW_DAYS - 1))
        made = reported_days(session=session, day_from=start, day_to=end, organisation_ids=organisation_ids)
        for day in (start + timedelta(days=n) for n in range((end - start).days + 1)):
            for org_id, service_id, every_day in expected:
                if runs_on(every_day, day) and (org_id, service_id, day) not in made:
                    yield org_id, service_id, day
        start = end + timedelta(days=1)
