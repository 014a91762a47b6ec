"""The one read model of escalation reports: the latest report per organisation, service and day, and who is
expected to report on a day. Exports, check-ins, digests, replies and the dashboard all read it here.

A later report the same day supersedes the earlier one (it stays, for the audit): the latest is the one not
superseded. Weekday-only services (`runs_every_day: false`: GP in hours, pharmacy, dental, optometry) are not
expected at weekends or on Welsh bank holidays, so nobody counts or chases them as missing then."""

from __future__ import annotations

from datetime import date
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
