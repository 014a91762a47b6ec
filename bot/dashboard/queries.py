"""What the dashboard shows, read from the domain tables with aggregation done in SQL: a Wales view spans
thousands of reporting organisations and a year of daily reports, and the page shows only counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import CTE, ColumnElement, Select, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from bot.directory.models import Organisation
from bot.escalation.latest import expected_on, latest_between, reporter_has_reported, runs_on
from bot.escalation.models import EscalationReport, Service, ServiceReporter
from bot.escalation.service import list_services
from bot.i18n import _

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
    # False for a weekday-only service at a weekend or on a bank holiday: nobody is expected to report it.
    runs_today: bool = True

    @property
    def reported_text(self) -> str:
        if self.runs_today:
            return _("{reported} of {expected} reported").format(reported=self.reported, expected=self.expected)
        if self.reported:
            return _("{reported} reported, not expected today").format(reported=self.reported)
        return _("Not expected today")


@dataclass
class EscalationPicture:
    tiles: list[ServiceTile]
    days: list[date]
    last_report_at: datetime | None

    @property
    def reported_today(self) -> int:
        return sum(tile.reported for tile in self.tiles)


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
        .where(*latest_between(since, today))
        .cte("recent_reports")
        .prefix_with("MATERIALIZED", dialect="postgresql")
    )


def escalation_picture(*, session: Session, root: Organisation, today: date) -> EscalationPicture:
    since = today - timedelta(days=SPARKLINE_DAYS - 1)
    days = [since + timedelta(days=n) for n in range(SPARKLINE_DAYS)]
    tiles = {
        s.id: ServiceTile(
            s.key, s.local_name, trend=[None] * SPARKLINE_DAYS, runs_today=runs_on(s.runs_every_day, today)
        )
        for s in list_services(session=session)
    }
    recent = _recent_reports(since, today)
    reports = (
        select(recent.c.service_id, recent.c.day, recent.c.level, func.count(), func.max(recent.c.reported_at))
        .join(Organisation, Organisation.id == recent.c.organisation_id)
        .where(Organisation.path.startswith(root.path))
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
    reporting = _reporting(ServiceReporter.service_id, Organisation, today).where(
        Organisation.path.startswith(root.path)
    )
    for service_id, (expected, missing) in _expected_and_missing(session, reporting).items():
        tiles[service_id].expected = expected
        tiles[service_id].missing = missing[:MISSING_SHOWN]
        tiles[service_id].missing_total = len(missing)
    return EscalationPicture(list(tiles.values()), days, last)


def _reporting(group: ColumnElement[Any] | InstrumentedAttribute[Any], member: Any, day: date) -> Select[Any]:
    """Each organisation (`member`, Organisation or an alias of it) expected to report a service on `day`,
    under a grouping key (a tile's service, a drill-down's branch), and whether it has reported."""
    return (
        select(group, member.id, member.name, reporter_has_reported(day))
        .select_from(ServiceReporter)
        .join(member, member.id == ServiceReporter.organisation_id)
        .join(Service, Service.id == ServiceReporter.service_id)
        .where(expected_on(day))
        .distinct()
        .order_by(member.name, member.id)
    )


def _expected_and_missing(session: Session, reporting: Select[Any]) -> dict[Any, tuple[int, list[str]]]:
    """By grouping key: how many organisations are expected to report, and the names of those that have not."""
    expected: dict[Any, int] = {}
    missing: dict[Any, list[str]] = {}
    for key, _id, name, has_reported in session.execute(reporting):
        expected[key] = expected.get(key, 0) + 1
        names = missing.setdefault(key, [])
        if not has_reported:
            names.append(name)
    return {key: (count, missing[key]) for key, count in expected.items()}


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
        .where(EscalationReport.service_id == service_id, *latest_between(today, today))
        .group_by(child.code, EscalationReport.level)
    )
    for code, level, count in session.execute(levels):
        branches[code].counts[level] = count
    reporting = (
        _reporting(child.code, member, today).join(child, beneath).where(ServiceReporter.service_id == service_id)
    )
    for code, (expected, missing) in _expected_and_missing(session, reporting).items():
        branches[code].expected, branches[code].missing = expected, missing
    shown = [b for b in branches.values() if b.expected or b.counts]
    return sorted(shown, key=lambda b: (-(b.worst or 0), b.name))
