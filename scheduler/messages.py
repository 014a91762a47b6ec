"""Turning an outbox row back into a Reply at send time, so the message shows the latest state, and a
message that stopped making sense (the action was closed, the service already reported) is skipped."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation, Person
from bot.escalation.models import EscalationReport, Service
from bot.escalation.service import list_levels, previous_level
from bot.plans.models import Action
from commands.escalation import level_badge
from commands.prompts import checkin_prompt, status_prompt
from commands.replies import Reply, Section, Text, line
from commands.views import format_date, mention
from scheduler.alerts import LEVEL_ALERT, RISE_FLAGGED
from scheduler.checkins import CHASER, CHECKIN, MISSED_REPORTS
from scheduler.digest import DIGEST, build_digest
from scheduler.status_prompts import STATUS_PROMPT


class Obsolete(Exception):
    """The message no longer needs sending; the reason is kept on the row."""


def build_message(*, session: Session, kind: str, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise Obsolete(f"unknown message kind {kind!r}")
    return builder(session, payload, for_day, now)


def _status(session: Session, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    action = session.get(Action, payload["action_id"])
    if action is None or not action.is_open:
        raise Obsolete("the action is closed or gone")
    return status_prompt(action, today=for_day, now=now)


def _already_reported(session: Session, org_id: int, service_id: int, day: date) -> bool:
    return (
        session.scalar(
            select(EscalationReport.id)
            .where(
                EscalationReport.organisation_id == org_id,
                EscalationReport.service_id == service_id,
                EscalationReport.day == day,
            )
            .limit(1)
        )
        is not None
    )


def _checkin(session: Session, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    organisation = session.get(Organisation, payload["organisation_id"])
    service = session.get(Service, payload["service_id"])
    if organisation is None or service is None:
        raise Obsolete("the organisation or service is gone")
    if _already_reported(session, organisation.id, service.id, for_day):
        raise Obsolete("already reported")
    return checkin_prompt(service, organisation, list_levels(session=session), for_day)


def _chaser(session: Session, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    reply = _checkin(session, payload, for_day, now)
    reply.title = f"Reminder: no report yet today. {reply.title}"
    return reply


def _missed(session: Session, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    levels = {lvl.number: lvl for lvl in list_levels(session=session)}
    lines = []
    for org_id, service_id, person_id in payload["missing"]:
        organisation, service = session.get(Organisation, org_id), session.get(Service, service_id)
        reporter = session.get(Person, person_id)
        if organisation is None or service is None or reporter is None:
            continue
        if _already_reported(session, org_id, service_id, for_day):
            continue
        last = previous_level(session=session, organisation=organisation, service=service, before=for_day)
        known = level_badge(last, levels) if last is not None else Text("no earlier report", "muted")
        lines.append(line(f"{service.name} at {organisation.name} (", mention(reporter), ") · last known: ", known))
    if not lines:
        raise Obsolete("everyone has reported since")
    return Reply(
        title=f"Not yet reported today ({format_date(for_day)})",
        sections=[Section(lines=lines)],
        footer="They were asked at the morning check-in and chased since.",
    )


def _alert(session: Session, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    report = session.get(EscalationReport, payload["report_id"])
    if report is None:
        raise Obsolete("the report is gone")
    levels = {lvl.number: lvl for lvl in list_levels(session=session)}
    previous: int | None = payload.get("previous")
    rise = previous is not None and report.level - previous >= RISE_FLAGGED
    title = f"{report.service.name} at {report.organisation.name}: level {report.level}"
    pieces = [line("Reported ", level_badge(report.level, levels), f" for {format_date(report.day)}")]
    if report.reported_by is not None:
        pieces.append(line("by ", mention(report.reported_by)))
    if rise and previous is not None:
        pieces.append(
            line(Text(f"Up {report.level - previous} levels since the last report (level {previous}).", "bold"))
        )
    if report.note:
        pieces.append(line(Text(f"“{report.note}”", "muted")))
    return Reply(
        title=("Sharp rise — " if rise else "Escalation — ") + title, sections=[Section(lines=pieces)], tone="error"
    )


def _digest(session: Session, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    root = session.get(Organisation, payload["organisation_id"])
    if root is None:
        raise Obsolete("the organisation is gone")
    return build_digest(session=session, root=root, today=for_day, now=now)


_BUILDERS = {
    STATUS_PROMPT: _status,
    CHECKIN: _checkin,
    CHASER: _chaser,
    MISSED_REPORTS: _missed,
    LEVEL_ALERT: _alert,
    DIGEST: _digest,
}
