"""What the dashboard shows, read from the domain tables with aggregation done in SQL: a Wales view spans
thousands of reporting organisations and a year of daily reports, and the page shows only counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import CTE, ColumnElement, Exists, and_, exists, func, select
from sqlalchemy.orm import Session, aliased

from bot.directory.models import Organisation
from bot.escalation.models import EscalationReport, ServiceReporter
from bot.escalation.service import list_services

SPARKLINE_DAYS = 14
MISSING_SHOWN = 8


class LevelCounts:
    """How many organisations reported each level (`counts`), for a tile or one of its branches."""

    counts: dict[int, int]

    @property
    def reported(self) -> int:
        return sum(self.counts.values())

    @property
    def worst(self) -> int | None:
        return max(self.counts, default=None)


@dataclass
class ServiceTile(LevelCounts):
    """One service across an organisation subtree today."""

    key: str
    name: str
    counts: dict[int, int] = field(default_factory=dict)
    expected: int = 0
    missing: list[str] = field(default_factory=list)
    missing_total: int = 0
    trend: list[int | None] = field(default_factory=list)


@dataclass
class EscalationPicture:
    tiles: list[ServiceTile]
    days: list[date]
    last_report_at: datetime | None

    @property
    def reported_today(self) -> int:
        return sum(tile.reported for tile in self.tiles)


def _current(day_from: date, day_to: date) -> tuple[ColumnElement[bool], ...]:
    return (
        EscalationReport.day >= day_from,
        EscalationReport.day <= day_to,
        EscalationReport.superseded_at.is_(None),
    )


def _recent_reports(since: date, today: date) -> CTE:
    """Current reports in the window, read once by the day index. MATERIALIZED because PostgreSQL cannot
    estimate a path prefix match and would otherwise loop the index once per organisation (seconds on Wales)."""
    return (
        select(
            EscalationReport.organisation_id,
            EscalationReport.service_id,
            EscalationReport.day,
            EscalationReport.level,
            EscalationReport.reported_at,
        )
        .where(*_current(since, today))
        .cte("recent_reports")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


def escalation_picture(*, session: Session, root: Organisation, today: date) -> EscalationPicture:
    since = today - timedelta(days=SPARKLINE_DAYS - 1)
    days = [since + timedelta(days=n) for n in range(SPARKLINE_DAYS)]
    tiles = {
        s.id: ServiceTile(s.key, s.local_name, trend=[None] * SPARKLINE_DAYS) for s in list_services(session=session)
    }
    in_subtree = Organisation.path.startswith(root.path)
    recent = _recent_reports(since, today)
    reports = (
        select(recent.c.service_id, recent.c.day, recent.c.level, func.count(), func.max(recent.c.reported_at))
        .join(Organisation, Organisation.id == recent.c.organisation_id)
        .where(in_subtree)
        .group_by(recent.c.service_id, recent.c.day, recent.c.level)
    )
    last: datetime | None = None
    for service_id, day, level, count, latest in session.execute(reports):
        last = max(last or latest, latest)
        tile = tiles[service_id]
        index = (day - since).days
        tile.trend[index] = max(level, tile.trend[index] or 0)
        if day == today:
            tile.counts[level] = count
    expected = (
        select(ServiceReporter.service_id, func.count(func.distinct(ServiceReporter.organisation_id)))
        .join(Organisation, Organisation.id == ServiceReporter.organisation_id)
        .where(in_subtree)
        .group_by(ServiceReporter.service_id)
    )
    for service_id, count in session.execute(expected):
        tiles[service_id].expected = count
    for service_id, names in _missing_by_service(session, root, today).items():
        tiles[service_id].missing = names[:MISSING_SHOWN]
        tiles[service_id].missing_total = len(names)
    return EscalationPicture(list(tiles.values()), days, last)


def _reported(day: date) -> Exists:
    return exists().where(
        EscalationReport.organisation_id == ServiceReporter.organisation_id,
        EscalationReport.service_id == ServiceReporter.service_id,
        EscalationReport.day == day,
        EscalationReport.superseded_at.is_(None),
    )


def _missing_by_service(session: Session, root: Organisation, day: date) -> dict[int, list[str]]:
    """Organisations with a reporter for a service but no report for it today, by name."""
    rows = session.execute(
        select(ServiceReporter.service_id, Organisation.name)
        .join(Organisation, Organisation.id == ServiceReporter.organisation_id)
        .where(Organisation.path.startswith(root.path), ~_reported(day))
        .distinct()
        .order_by(ServiceReporter.service_id, Organisation.name)
    )
    missing: dict[int, list[str]] = {}
    for service_id, name in rows:
        missing.setdefault(service_id, []).append(name)
    return missing


@dataclass
class BranchLevels(LevelCounts):
    """One organisation beneath the viewed one (with its own subtree) for one service today."""

    code: str
    name: str
    counts: dict[int, int] = field(default_factory=dict)
    expected: int = 0
    missing: list[str] = field(default_factory=list)


def service_branches(*, session: Session, root: Organisation, service_id: int, today: date) -> list[BranchLevels]:
    """The drill-down: each child of `root` that reports the service or has reporters beneath it."""
    child, member = aliased(Organisation), aliased(Organisation)
    beneath = and_(child.parent_id == root.id, member.path.startswith(child.path))
    branches = {
        code: BranchLevels(code, name)
        for code, name in session.execute(select(child.code, child.name).where(child.parent_id == root.id))
    }
    levels = (
        select(child.code, EscalationReport.level, func.count())
        .select_from(EscalationReport)
        .join(member, member.id == EscalationReport.organisation_id)
        .join(child, beneath)
        .where(EscalationReport.service_id == service_id, *_current(today, today))
        .group_by(child.code, EscalationReport.level)
    )
    for code, level, count in session.execute(levels):
        branches[code].counts[level] = count
    reporters = (
        select(child.code, member.id, member.name, _reported(today))
        .select_from(ServiceReporter)
        .join(member, member.id == ServiceReporter.organisation_id)
        .join(child, beneath)
        .where(ServiceReporter.service_id == service_id)
        .distinct()
        .order_by(member.name, member.id)
    )
    for code, _id, name, has_reported in session.execute(reporters):
        branches[code].expected += 1
        if not has_reported:
            branches[code].missing.append(name)
    shown = [b for b in branches.values() if b.expected or b.counts]
    return sorted(shown, key=lambda b: (-(b.worst or 0), b.name))
