"""The figures an operator watches that the database holds, read at the moment of a scrape: the same from
every replica, and true across restarts. Counts and ages only: no names, no texts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import Clock, london_today
from bot.escalation.models import EscalationReport, Service
from bot.governance.models import IdentifierRefusal
from bot.storage.outbox import OutboxMessage

WAITING = ("pending", "sending")
# An outbox row gets its platform when it is delivered; until then it has none.
NO_PLATFORM_YET = "unassigned"


@dataclass(frozen=True)
class OutboxFigures:
    messages: list[tuple[str, str, str, int]]  # kind, platform, status, count
    depth: int
    oldest_waiting_seconds: float


@dataclass(frozen=True)
class Figures:
    outbox: OutboxFigures
    reports_today: list[tuple[str, int]]  # service key, organisations that reported
    refusals: list[tuple[str, str, int]]  # kind, source, count since records began (or the last purge)


def read_figures(session: Session, clock: Clock) -> Figures:
    return Figures(outbox_figures(session, clock.now()), reports_today(session, london_today(clock)), refusals(session))


def outbox_figures(session: Session, now: datetime) -> OutboxFigures:
    platform = func.coalesce(OutboxMessage.platform, NO_PLATFORM_YET)
    rows = session.execute(
        select(OutboxMessage.kind, platform, OutboxMessage.status, func.count())
        .group_by(OutboxMessage.kind, platform, OutboxMessage.status)
        .order_by(OutboxMessage.kind, platform, OutboxMessage.status)
    )
    messages = [(kind, where, status, count) for kind, where, status, count in rows]
    waiting = OutboxMessage.status.in_(WAITING)
    depth, oldest = session.execute(select(func.count(), func.min(OutboxMessage.created_at)).where(waiting)).one()
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return OutboxFigures(messages, depth, age)


def reports_today(session: Session, today: date) -> list[tuple[str, int]]:
    """Every service, with the organisations whose report for today (London's day) stands."""
    standing = (
        (EscalationReport.service_id == Service.id)
        & (EscalationReport.day == today)
        & EscalationReport.superseded_at.is_(None)
    )
    rows = session.execute(
        select(Service.key, func.count(EscalationReport.id))
        .outerjoin(EscalationReport, standing)
        .group_by(Service.key, Service.position)
        .order_by(Service.position)
    )
    return [(key, count) for key, count in rows]


def refusals(session: Session) -> list[tuple[str, str, int]]:
    rows = session.execute(
        select(IdentifierRefusal.kind, IdentifierRefusal.source, func.count())
        .group_by(IdentifierRefusal.kind, IdentifierRefusal.source)
        .order_by(IdentifierRefusal.kind, IdentifierRefusal.source)
    )
    return [(kind, source, count) for kind, source, count in rows]
