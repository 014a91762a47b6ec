"""Deadlines the plan did not give: the actions left undated, and dates set by hand (kept as history).

An action is undated when it has no deadline and nothing says it needs none: not open-ended ("From April
2021 onwards", "Ongoing"), not recurring (its occurrences have the dates), not delivered in parts, not
closed. Deliveries share their whole's timeline, so the whole is listed and a date set on it is set on each
delivery too. Those are the rows the bot can never call overdue, so someone must give them a date."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from bot.directory.models import Person
from bot.i18n import _
from bot.plans.due_window import parse_due_window
from bot.plans.models import CLOSED_STATUSES, Action, DueDateChange, Plan


def _undated() -> tuple[object, ...]:
    return (
        Action.due_end.is_(None),
        Action.open_ended.is_(False),
        Action.parent_id.is_(None),  # a delivery shares its whole's timeline: the whole is listed
        Action.recurrence == "",
        Action.status.not_in(CLOSED_STATUSES),
    )


def undated_actions(*, session: Session, limit: int, offset: int = 0) -> tuple[list[Action], int]:
    """Open actions with no deadline that need one, by plan and reference, and how many there are."""
    terms = _undated()
    total = session.scalar(select(func.count()).select_from(Action).where(*terms)) or 0  # type: ignore[arg-type]
    query = (
        select(Action)
        .join(Plan, Plan.id == Action.plan_id)
        .where(*terms)  # type: ignore[arg-type]
        .options(joinedload(Action.plan))
        .order_by(Plan.key, Action.id)
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(query)), total


def why_undated(action: Action) -> str:
    """In people's words: "no year given", "no date set (TBC)", "not a date the reader knows"."""
    if not action.due_raw.strip():
        return _("the plan gives no timeline")
    return parse_due_window(action.due_raw).reason or _("no date set")


def set_due_date(*, session: Session, action: Action, due: date, actor: Person, now: datetime, source: str) -> bool:
    """Gives `action` the deadline `due` and keeps the change as history; False when it already had it. The
    timeline stays as the plan wrote it, so re-importing the same plan keeps the date set by hand."""
    if action.due_end == due and not action.open_ended:
        return False
    for part in action.parts() if action.is_rollup and not action.recurrence else []:
        _record(session, part, due, actor, now, source)
    _record(session, action, due, actor, now, source)
    session.flush()
    session.expire(action, ["due_history"])
    return True


def _record(session: Session, action: Action, due: date, actor: Person, now: datetime, source: str) -> None:
    session.add(
        DueDateChange(
            action_id=action.id,
            previous_due_end=action.due_end,
            due_end=due,
            timeline=action.due_raw,
            person_id=actor.id,
            source=source,
            recorded_at=now,
        )
    )
    action.due_start, action.due_end, action.due_precision = due, due, "day"
    action.open_ended, action.due_understood = False, True
