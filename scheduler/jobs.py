"""The scheduled jobs: each decides what is due at its time of day and writes it to the outbox.

Every job is a function of (session, London day, instant, settings), so the same code runs from
APScheduler, from the catch-up at start, from `schedule preview` against a moved clock, and from tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from bot.calendar import is_bank_holiday, london_instant, working_day_on_or_after
from bot.clock import Clock, london_now
from bot.config import Settings
from bot.plans.occurrences import extend_occurrences
from bot.plans.overdue_upkeep import rebuild_if_stale
from bot.storage.database import Database
from bot.storage.delivery import forget_old_deliveries
from scheduler.alerts import decide_level_alerts
from scheduler.checkins import decide_chasers, decide_checkins, decide_missed_reports
from scheduler.digest import decide_digests
from scheduler.outbox import Planned, enqueue
from scheduler.report_packs import decide_report_packs, is_pack_day
from scheduler.status_prompts import decide_status_prompts

Decide = Callable[[Session, date, datetime, Settings], list[Planned]]


@dataclass(frozen=True)
class DailyJob:
    name: str
    at: time
    decide: Decide
    weekday: int | None = None  # None: every day (the deciding function knows about working days)
    # A monthly job: whether a day is its day (the deciding function checks it too).
    monthly: Callable[[date], bool] | None = None

    def runs_on(self, day: date) -> bool:
        """A weekly job whose day is a bank holiday runs on the next working day instead, at the same time:
        nobody reads a digest on Easter Monday."""
        if self.monthly is not None:
            return self.monthly(day)
        if self.weekday is None:
            return True
        scheduled = day - timedelta(days=(day.weekday() - self.weekday) % 7)
        return day == (working_day_on_or_after(scheduled) if is_bank_holiday(scheduled) else scheduled)


def daily_jobs(settings: Settings) -> list[DailyJob]:
    """In time order, so a catch-up runs the check-in before its chaser."""
    jobs = [
        DailyJob("overdue_snapshot", settings.overdue_snapshot_time, keep_overdue_snapshot),
        DailyJob("delivery_records", settings.overdue_snapshot_time, forget_deliveries),
        DailyJob("occurrences", settings.occurrences_time, extend_recurring_actions),
        DailyJob(
            "digest",
            settings.digest_time,
            lambda s, d, _n, _c: decide_digests(session=s, today=d),
            weekday=settings.digest_weekday,
        ),
        DailyJob(
            "report_packs",
            settings.report_pack_time,
            lambda s, d, _n, c: decide_report_packs(session=s, today=d, settings=c),
            monthly=lambda day: is_pack_day(day, settings),
        ),
        DailyJob("checkin", settings.checkin_time, lambda s, d, _n, _c: decide_checkins(session=s, today=d)),
        DailyJob(
            "status_prompts",
            settings.status_prompt_time,
            lambda s, d, _n, c: decide_status_prompts(session=s, today=d, settings=c),
        ),
        DailyJob("chaser", settings.chaser_time, lambda s, d, n, _c: decide_chasers(session=s, today=d, now=n)),
        DailyJob(
            "missed_reports",
            settings.missed_report_time,
            lambda s, d, n, _c: decide_missed_reports(session=s, today=d, now=n),
        ),
    ]
    return sorted(jobs, key=lambda job: job.at)


def run_decision(*, session: Session, decide: Decide, clock: Clock, settings: Settings) -> list[Planned]:
    """Decides at the clock's instant and queues the result; returns what was decided."""
    now = clock.now()
    planned = decide(session, london_now(clock).date(), now, settings)
    enqueue(session=session, planned=planned, now=now)
    return planned


def extend_recurring_actions(session: Session, today: date, _now: datetime, _settings: Settings) -> list[Planned]:
    """Not a message: recurring actions get their next occurrences, so the day's prompts can ask about them."""
    extend_occurrences(session=session, today=today)
    return []


def keep_overdue_snapshot(session: Session, today: date, now: datetime, _settings: Settings) -> list[Planned]:
    """Not a message: the overdue counts rebuilt for the London day unless they already hold it (at the day's
    start, and after a write they could not follow)."""
    rebuild_if_stale(session, today=today, now=now)
    return []


def forget_deliveries(session: Session, _today: date, now: datetime, _settings: Settings) -> list[Planned]:
    """Not a message: records of inbound deliveries past the age of any retry are deleted."""
    forget_old_deliveries(session, now=now)
    return []


def alert_scan(session: Session, today: date, _now: datetime, _settings: Settings) -> list[Planned]:
    return decide_level_alerts(session=session, today=today)


def missed_today(*, jobs: list[DailyJob], clock: Clock) -> list[DailyJob]:
    """Jobs whose time today has already passed: run at start, so a restart at 10:00 still sends the 09:00
    check-in. Yesterday's are not caught up: a day-old prompt is noise."""
    now = london_now(clock)
    return [job for job in jobs if job.runs_on(now.date()) and london_instant(now.date(), job.at) <= now]


def catch_up(*, database: Database, clock: Clock, settings: Settings) -> list[str]:
    ran = []
    for job in missed_today(jobs=daily_jobs(settings), clock=clock):
        with database.unit_of_work() as session:
            run_decision(session=session, decide=job.decide, clock=clock, settings=settings)
        ran.append(job.name)
    return ran
