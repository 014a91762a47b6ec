"""Deciding which actions' owners are asked for a status today.

The cadence (Europe/London, working days only): 14, 7 and 1 working days before the due date and on it;
weekly while overdue; monthly for ongoing actions ("from … onwards"). A date that falls on a weekend or bank
holiday moves to the next working day. An answer resets the cadence: the overdue and monthly intervals
count from the latest status update, and nobody is asked within `prompt_quiet_days` of an update.

A roll-up (an action delivered in parts, or recurring) is never asked about itself; its parts are. A recurring
action's occurrences are asked about like dated actions, but never before their own period starts: a weekly
return is not asked about three weeks ahead, while the weeks in between have their own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import LONDON
from bot.config import Settings
from bot.plans.models import CLOSED_STATUSES, Action, Snooze, StatusUpdate
from bot.plans.occurrences import OCCURRENCE_MARK
from scheduler.away import away_on, stand_in
from scheduler.calendar import is_working_day, working_days_before
from scheduler.outbox import Planned, person_recipient

STATUS_PROMPT = "status_prompt"


def days_landing_on(today: date) -> list[date]:
    """Calendar days whose prompts go out today: today and the non-working days just before it."""
    if not is_working_day(today):
        return []
    days = [today]
    day = today - timedelta(days=1)
    while not is_working_day(day):
        days.append(day)
        day -= timedelta(days=1)
    return days


def _fixed_milestones(deadline: date, settings: Settings) -> set[date]:
    return {deadline, *(working_days_before(deadline, n) for n in settings.status_prompt_working_days_before)}


def _months_after(anchor: date, day: date) -> bool:
    months = (day.year - anchor.year) * 12 + day.month - anchor.month
    return months >= 1 and anchor + relativedelta(months=months) == day


def prompt_milestone(
    *,
    deadline: date | None,
    ongoing_since: date | None,
    open_ended: bool,
    last_update: date | None,
    today: date,
    settings: Settings,
    period_start: date | None = None,
) -> date | None:
    """The cadence date a prompt is due for today, or None. Pure: the whole rule in one place."""
    if last_update is not None and (today - last_update).days < settings.prompt_quiet_days:
        return None
    for day in days_landing_on(today):
        if open_ended:
            anchor = max(d for d in (ongoing_since, last_update, date.min) if d is not None)
            if (anchor == date.min and day.day == 1) or (anchor != date.min and _months_after(anchor, day)):
                return day
        elif deadline is not None:
            if day <= deadline and day in _fixed_milestones(deadline, settings) and day >= (period_start or day):
                return day
            anchor = max(deadline, last_update or deadline)
            if day > anchor and (day - anchor).days % settings.overdue_prompt_every_days == 0:
                return day
    return None


def _last_updates(session: Session) -> dict[int, date]:
    latest = func.max(StatusUpdate.recorded_at)
    rows = session.execute(select(StatusUpdate.action_id, latest).group_by(StatusUpdate.action_id))
    updates: dict[int, date] = {}
    for action_id, recorded_at in rows:
        # SQLite hands back max() as text; the column type is lost through the aggregate.
        instant = recorded_at if not isinstance(recorded_at, str) else _parse_instant(recorded_at)
        updates[action_id] = instant.astimezone(LONDON).date()
    return updates


def _parse_instant(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def decide_status_prompts(*, session: Session, today: date, settings: Settings) -> list[Planned]:
    snoozed = set(session.scalars(select(Snooze.action_id).where(Snooze.until > today)))
    updates = _last_updates(session)
    away = away_on(session=session, day=today)
    rows = session.execute(
        select(Action.id, Action.ref, Action.owner_id, Action.due_end, Action.due_start, Action.open_ended).where(
            Action.status.not_in(CLOSED_STATUSES), Action.owner_id.is_not(None), Action.is_rollup.is_(False)
        )
    )
    planned: list[Planned] = []
    for action_id, ref, owner_id, due_end, due_start, open_ended in rows:
        if action_id in snoozed:
            continue
        milestone = prompt_milestone(
            deadline=due_end,
            ongoing_since=due_start,
            open_ended=open_ended,
            last_update=updates.get(action_id),
            today=today,
            settings=settings,
            period_start=due_start if OCCURRENCE_MARK in ref else None,
        )
        if milestone is None or owner_id is None:
            continue
        recipient = stand_in(owner_id, away)
        planned.append(
            Planned(
                STATUS_PROMPT,
                person_recipient(recipient),
                f"action:{action_id}",
                today,
                {"action_id": action_id, "milestone": milestone.isoformat()},
            )
        )
    return planned
