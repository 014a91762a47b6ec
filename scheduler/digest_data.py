"""What the weekly digest reports for an organisation subtree, gathered with a handful of set queries so
a hundred digests over 100,000 actions stay quick."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, ScalarSelect, Select, func, select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation
from bot.escalation.latest import latest_between, reported_days, runs_on
from bot.escalation.models import EscalationReport, Service, ServiceReporter
from bot.plans.models import Action, Plan, StatusUpdate, open_part
from bot.storage.membership import InSubquery

WEEK = 7
STALE_DAYS = 30


@dataclass(frozen=True)
class StatusChange:
    label: str
    title: str
    previous: str | None
    status: str
    at: datetime


@dataclass(frozen=True)
class ServiceTrend:
    """A service's worst level each day of the week (None: nobody reported), oldest first."""

    name: str
    levels: list[int | None]


@dataclass(frozen=True)
class MissedCheckins:
    organisation: str
    service: str
    days: int


def _in_subtree(root: Organisation) -> ColumnElement[bool]:
    return Organisation.path.startswith(root.path)


def _subtree_ids(root: Organisation) -> Select[int]:
    return select(Organisation.id).where(_in_subtree(root))


def status_changes(
    *, session: Session, root: Organisation, now: datetime, limit: int
) -> tuple[list[StatusChange], int]:
    query = (
        select(
            Plan.key,
            Action.ref,
            Action.title,
            StatusUpdate.previous_status,
            StatusUpdate.status,
            StatusUpdate.recorded_at,
        )
        .join(Action, Action.id == StatusUpdate.action_id)
        .join(Plan, Plan.id == Action.plan_id)
        .join(Organisation, Organisation.id == Action.organisation_id)
        .where(StatusUpdate.recorded_at >= now - timedelta(days=WEEK), _in_subtree(root))
    )
    # The count rides on the rows (a window over every change before the limit): one round trip.
    rows = session.execute(
        query.add_columns(func.count().over()).order_by(StatusUpdate.recorded_at.desc()).limit(limit)
    ).all()
    total = int(rows[0][-1]) if rows else 0
    return [StatusChange(f"{k}/{r}", t, p, s, at) for k, r, t, p, s, at, _ in rows], total


def stale_count(*, session: Session, root: Organisation, now: datetime) -> int:
    """Open actions whose status has not been recorded for 30 days (or ever)."""
    cutoff = now - timedelta(days=STALE_DAYS)

    def open_parts(recorded: ColumnElement[bool]) -> ScalarSelect[int]:
        # An id list, not a join on the path: the database walks the open parts' index for each organisation
        # of the subtree, and never visits the table. The two conditions are counted apart because each is a
        # range of that index, where `IS NULL OR < cutoff` would be a filter on every open part of the subtree.
        return (
            select(func.count())
            .select_from(Action)
            .where(InSubquery(Action.organisation_id, _subtree_ids(root)), *open_part(), recorded)
            .scalar_subquery()
        )

    never, long_ago = open_parts(Action.status_changed_at.is_(None)), open_parts(Action.status_changed_at < cutoff)
    return session.scalar(select(never + long_ago)) or 0


def week_days(today: date) -> list[date]:
    """The seven days before the digest's day, oldest first."""
    return [today - timedelta(days=n) for n in range(WEEK, 0, -1)]


def level_trends(*, session: Session, root: Organisation, today: date) -> list[ServiceTrend]:
    days = week_days(today)
    rows = session.execute(
        select(Service.name, Service.position, EscalationReport.day, func.max(EscalationReport.level))
        .join(Service, Service.id == EscalationReport.service_id)
        .where(
            *latest_between(days[0], days[-1]),
            EscalationReport.organisation_id.in_(_subtree_ids(root)),
        )
        .group_by(Service.name, Service.position, EscalationReport.day)
    )
    worst: dict[tuple[int, str], dict[date, int]] = {}
    for name, position, day, level in rows:
        worst.setdefault((position, name), {})[day] = level
    return [ServiceTrend(name, [levels.get(d) for d in days]) for (_, name), levels in sorted(worst.items())]


def missed_checkins(*, session: Session, root: Organisation, today: date) -> list[MissedCheckins]:
    """Organisation and service pairs with a day last week when a report was expected and none came."""
    days = week_days(today)
    expected = session.execute(
        select(Organisation.id, Organisation.name, Service.id, Service.name, Service.runs_every_day)
        .join(ServiceReporter, ServiceReporter.organisation_id == Organisation.id)
        .join(Service, Service.id == ServiceReporter.service_id)
        .where(_in_subtree(root))
        .distinct()
    ).all()
    reported = reported_days(session=session, day_from=days[0], day_to=days[-1], organisation_ids=_subtree_ids(root))
    missed = []
    for org_id, org_name, service_id, service_name, every_day in expected:
        due = [d for d in days if runs_on(every_day, d)]
        count = sum((org_id, service_id, d) not in reported for d in due)
        if count:
            missed.append(MissedCheckins(org_name, service_name, count))
    return sorted(missed, key=lambda m: (-m.days, m.organisation, m.service))
