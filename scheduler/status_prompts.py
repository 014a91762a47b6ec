"""Deciding which actions' owners are asked for a status today, bundled into one prompt per person.

The cadence (Europe/London, working days only): 14, 7 and 1 working days before the due date and on it;
weekly while overdue; monthly for ongoing actions ("from … onwards"). A date that falls on a weekend or bank
holiday moves to the next working day. An answer resets the cadence: the overdue and monthly intervals
count from the latest status update, and nobody is asked within `prompt_quiet_days` of an update.

A roll-up (an action delivered in parts, or recurring) is never asked about itself; its parts are. A recurring
action's occurrences are asked about like dated actions, but never before their own period starts: a weekly
return is not asked about three weeks ahead, while the weeks in between have their own.

The cadence is kept per action, snoozes and stand-ins too; every action whose cadence falls today goes into
its recipient's one bundle for the day, unless the quiet rule finds nothing new (scheduler/prompt_bundles.py)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.calendar import is_working_day, working_days_before
from bot.clock import LONDON
from bot.config import Settings
from bot.plans.models import CLOSED_STATUSES, Action, Snooze, StatusUpdate
from bot.plans.occurrences import OCCURRENCE_MARK
from scheduler.away import away_on, stand_in
from scheduler.outbox import Planned, person_recipient
from scheduler.prompt_bundles import (
    BUNDLE,
    STATUS_PROMPT,
    BundleItem,
    answered_at,
    bundle_payload,
    by_urgency,
    has_news,
    latest_per_action,
    previous_bundles,
)

__all__ = ["STATUS_PROMPT", "CadencePoint", "decide_status_prompts", "prompt_candidates", "prompt_milestone"]


@dataclass(frozen=True)
class CadencePoint:
    """The cadence date a prompt is due for (perhaps a non-working day whose prompt lands today), and which
    kind of point it is: `14 working days before`, `due`, `overdue` or `ongoing`."""

    day: date
    phase: str


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


def _fixed_milestones(deadline: date, settings: Settings) -> dict[date, str]:
    points = {
        working_days_before(deadline, n): f"{n} working days before" for n in settings.status_prompt_working_days_before
    }
    return points | {deadline: "due"}


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
) -> CadencePoint | None:
    """The cadence point a prompt is due for today, or None. Pure: the whole rule in one place.
    `period_start`: an occurrence's period, before which it is not asked about."""
    if last_update is not None and (today - last_update).days < settings.prompt_quiet_days:
        return None
    for day in days_landing_on(today):
        if open_ended:
            anchor = max(d for d in (ongoing_since, last_update, date.min) if d is not None)
            if (anchor == date.min and day.day == 1) or (anchor != date.min and _months_after(anchor, day)):
                return CadencePoint(day, "ongoing")
        elif deadline is not None:
            fixed = _fixed_milestones(deadline, settings)
            if day <= deadline and day in fixed and day >= (period_start or day):
                return CadencePoint(day, fixed[day])
            anchor = max(deadline, last_update or deadline)
            if day > anchor and (day - anchor).days % settings.overdue_prompt_every_days == 0:
                return CadencePoint(day, "overdue")
    return None


def prompt_candidates() -> Select[int, str, int | None, date | None, date | None, bool]:
    """The one selection of actions that may be prompted: open, owned, and not a roll-up (a whole owed by
    several organisations is answered through its deliveries). Every other filter on which actions are ever
    asked about belongs here too."""
    return select(Action.id, Action.ref, Action.owner_id, Action.due_end, Action.due_start, Action.open_ended).where(
        Action.status.not_in(CLOSED_STATUSES), Action.owner_id.is_not(None), Action.is_rollup.is_(False)
    )


def due_items(
    *, session: Session, today: date, settings: Settings, recorded: dict[int, datetime] | None = None
) -> dict[int, list[BundleItem]]:
    """Each recipient's actions whose cadence falls today, per action: snoozed ones left out, an away owner's
    going to whoever stands in for them. `recorded`: each action's latest status update, when already read."""
    snoozed = set(session.scalars(select(Snooze.action_id).where(Snooze.until > today)))
    if recorded is None:
        recorded = latest_per_action(session, StatusUpdate.action_id, StatusUpdate.recorded_at)
    updates = {key: at.astimezone(LONDON).date() for key, at in recorded.items()}
    away = away_on(session=session, day=today)
    bundles: dict[int, list[BundleItem]] = defaultdict(list)
    for action_id, ref, owner_id, due_end, due_start, open_ended in session.execute(prompt_candidates()):
        if action_id in snoozed or owner_id is None:
            continue
        period_start = due_start if OCCURRENCE_MARK in ref else None
        point = prompt_milestone(deadline=due_end, ongoing_since=due_start, open_ended=open_ended,
                                 last_update=updates.get(action_id), today=today, settings=settings,
                                 period_start=period_start)  # fmt: skip
        if point is not None:
            deadline = None if open_ended else due_end
            bundles[stand_in(owner_id, away)].append(BundleItem(action_id, point.phase, deadline))
    return bundles


def decide_status_prompts(*, session: Session, today: date, settings: Settings) -> list[Planned]:
    """One bundle per recipient with anything new since their last prompt, its actions most urgent first."""
    recorded = latest_per_action(session, StatusUpdate.action_id, StatusUpdate.recorded_at)
    due = due_items(session=session, today=today, settings=settings, recorded=recorded)
    previous = previous_bundles(session=session, recipients=sorted(due), before=today)
    answered = answered_at(session, recorded) if previous else {}
    return [
        Planned(
            STATUS_PROMPT,
            person_recipient(recipient),
            BUNDLE,
            today,
            bundle_payload(recipient, by_urgency(items), settings.status_prompt_max_actions),
        )
        for recipient, items in sorted(due.items())
        if has_news(items, previous.get(recipient), answered)
    ]
