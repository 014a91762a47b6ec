"""Level alerts: a report at one of the top two levels tells the health board's subscribers at once, and a
rise of two or more levels since the previous day's report is flagged.

A job scans the day's reports every minute or so instead of hooking every place a report is recorded: the
surfaces stay unaware of the scheduler, and the outbox key (one alert per report per recipient) makes the
scan safe to repeat."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation
from bot.escalation.models import EscalationReport, Level, Subscription
from scheduler.checkins import ESCALATION_ALERTS
from scheduler.outbox import Planned, person_recipient

LEVEL_ALERT = "level_alert"
RISE_FLAGGED = 2


@dataclass(frozen=True)
class Alertable:
    report_id: int
    organisation_path: str
    level: int
    previous: int | None


def _previous_levels(session: Session, today: date) -> dict[tuple[int, int], int]:
    """Each organisation and service's latest level on a day before today."""
    latest = (
        select(
            EscalationReport.organisation_id, EscalationReport.service_id, func.max(EscalationReport.day).label("day")
        )
        .where(EscalationReport.day < today, EscalationReport.superseded_at.is_(None))
        .group_by(EscalationReport.organisation_id, EscalationReport.service_id)
        .subquery()
    )
    rows = session.execute(
        select(EscalationReport.organisation_id, EscalationReport.service_id, EscalationReport.level)
        .join(
            latest,
            (latest.c.organisation_id == EscalationReport.organisation_id)
            & (latest.c.service_id == EscalationReport.service_id)
            & (latest.c.day == EscalationReport.day),
        )
        .where(EscalationReport.superseded_at.is_(None))
    )
    return {(org, service): level for org, service, level in rows}


def alertable_reports(*, session: Session, today: date) -> list[Alertable]:
    top = set(session.scalars(select(Level.number).order_by(Level.number.desc()).limit(2)))
    previous = _previous_levels(session, today)
    rows = session.execute(
        select(
            EscalationReport.id,
            EscalationReport.organisation_id,
            EscalationReport.service_id,
            EscalationReport.level,
            Organisation.path,
        )
        .join(Organisation, Organisation.id == EscalationReport.organisation_id)
        .where(EscalationReport.day == today)
        .order_by(EscalationReport.id)
    )
    found = []
    for report_id, org_id, service_id, level, path in rows:
        before = previous.get((org_id, service_id))
        if level in top or (before is not None and level - before >= RISE_FLAGGED):
            found.append(Alertable(report_id, path, level, before))
    return found


def decide_level_alerts(*, session: Session, today: date) -> list[Planned]:
    reports = alertable_reports(session=session, today=today)
    if not reports:
        return []
    subscriptions = session.execute(
        select(Organisation.path, Subscription.person_id, Subscription.channel)
        .join(Organisation, Organisation.id == Subscription.organisation_id)
        .where(Subscription.kind == ESCALATION_ALERTS)
    ).all()
    planned = []
    for report in reports:
        for path, person_id, channel in subscriptions:
            if not report.organisation_path.startswith(path):
                continue
            recipient = person_recipient(person_id) if person_id else channel
            if recipient:
                planned.append(
                    Planned(
                        LEVEL_ALERT,
                        recipient,
                        f"report:{report.report_id}",
                        today,
                        {"report_id": report.report_id, "previous": report.previous},
                    )
                )
    return planned
