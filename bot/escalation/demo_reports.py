"""A believable year of demo escalation reports for `init --demo`: pressure rises in winter and eases in
summer, a few days go unreported, and one board (Cardiff and Vale) reaches level 4 for a week in January.

Every row is marked `source="demo"` so it can be told apart from real reports and removed
(`remove_demo_reports`); seeding again replaces the earlier demo rows. The levels come from a random generator
seeded by organisation and service codes, so the same `--now` always gives the same year."""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from bot.clock import LONDON
from bot.escalation.latest import reported_days, runs_on
from bot.escalation.models import EscalationReport, ServiceReporter

DEMO_SOURCE = "demo"
DEMO_DAYS = 365
LEVEL_4_BOARD = "cvuhb"
LEVEL_4_SERVICES = ("gp_out_of_hours", "community_hospitals", "community_nursing")
MISSED_DAY_CHANCE = 0.03


def winter_pressure(day: date) -> float:
    """0 in mid-July, 1 in mid-January."""
    return (1 + math.cos(2 * math.pi * (day.timetuple().tm_yday - 15) / 365.25)) / 2


def level_4_week(today: date) -> tuple[date, date]:
    """The Monday-to-Sunday week starting on the first Monday on or after 4 January, in the last January
    that has begun by `today` (so `--now 2021-01-15` shows it in the fortnight's sparklines)."""
    year = today.year if today >= date(today.year, 1, 11) else today.year - 1
    start = date(year, 1, 4)
    start += timedelta(days=(7 - start.weekday()) % 7)
    return start, start + timedelta(days=6)


def _level(rng: random.Random, day: date) -> int:
    pressure = winter_pressure(day)
    return max(1, min(3, round(1 + 1.3 * pressure + rng.gauss(0, 0.5))))


def _reported_at(rng: random.Random, day: date) -> datetime:
    """Mornings, between 07:30 and 08:50 London time: before a 09:00 `--now` on the same day."""
    return datetime.combine(day, time(7, 30), tzinfo=LONDON) + timedelta(minutes=rng.randint(0, 80))


def _rows(assignment: ServiceReporter, today: date, now: datetime) -> Iterator[dict[str, object]]:
    rng = random.Random(f"{assignment.organisation.code}/{assignment.service.key}")
    week = level_4_week(today)
    level_4 = assignment.organisation.code == LEVEL_4_BOARD and assignment.service.key in LEVEL_4_SERVICES
    for offset in range(DEMO_DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        level, missed, reported_at = _level(rng, day), rng.random() < MISSED_DAY_CHANCE, _reported_at(rng, day)
        if not runs_on(assignment.service.runs_every_day, day) or missed or reported_at > now:
            continue
        if level_4 and week[0] <= day <= week[1]:
            level = 4
        yield {
            "organisation_id": assignment.organisation_id,
            "service_id": assignment.service_id,
            "day": day,
            "level": level,
            "note": None,
            "reported_by_id": assignment.person_id,
            "reported_at": reported_at,
            "source": DEMO_SOURCE,
        }


def _key(row: dict[str, object]) -> object:
    return (row["organisation_id"], row["service_id"], row["day"])


def remove_demo_reports(*, session: Session) -> int:
    """Deletes every demo report; returns how many there were."""
    return session.execute(delete(EscalationReport).where(EscalationReport.source == DEMO_SOURCE)).rowcount or 0  # type: ignore[attr-defined]


def seed_demo_reports(*, session: Session, today: date, now: datetime) -> int:
    """Replaces the demo reports with a year ending `today` (today's only where made before `now`), one per
    reported organisation and service and day, except where a real report exists. Returns how many were written."""
    remove_demo_reports(session=session)
    real = reported_days(session=session, day_from=today - timedelta(days=DEMO_DAYS), day_to=today)
    assignments = session.scalars(select(ServiceReporter).order_by(ServiceReporter.id)).all()
    seen: set[tuple[int, int]] = set()
    rows: list[dict[str, object]] = []
    for assignment in assignments:  # an organisation with two reporters for one service reports once a day
        if (assignment.organisation_id, assignment.service_id) not in seen:
            seen.add((assignment.organisation_id, assignment.service_id))
            rows.extend(r for r in _rows(assignment, today, now) if _key(r) not in real)
    if rows:
        session.execute(insert(EscalationReport), rows)  # one executemany: about 7,000 rows in well under a second
    return len(rows)
