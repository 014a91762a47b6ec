"""A recurring action's occurrences as child actions: each due date of its recurrence is its own row
(`pcmw/1#2020-10-31`, or `esr/1.c@cvuhb#2021-03-31` under a board's delivery) with its own status, history,
prompts and overdue state. The recurring action (or each delivery of it) becomes a roll-up: never prompted
nor counted overdue itself.

Materialising is idempotent: it adds the occurrences missing up to a horizon (every one of a bounded
recurrence; about a year ahead of an open-ended one, extended daily) and never touches an existing
occurrence's status, history or owner."""

from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import LONDON
from bot.directory.models import Person
from bot.plans.models import CLOSED_STATUSES, Action, Snooze
from bot.plans.recurrence import Recurrence, occurrences, parse_recurrence, period_of, recurrence_from_rrule
from bot.plans.service import assign_owner

# Far enough ahead that next year's annual return already exists and can be seen in `show` and `due`.
HORIZON = relativedelta(months=13)
OCCURRENCE_MARK = "#"
# What an occurrence says as its parent says it; its dates are its own period.
WORDING_FIELDS = ("plan", "recommendation", "title", "lead_text", "lead_note", "expected_output", "extra_fields")


def is_occurrence(action: Action) -> bool:
    return OCCURRENCE_MARK in action.ref


def occurrence_ref(parent: Action, due: date) -> str:
    return f"{parent.ref}{OCCURRENCE_MARK}{due.isoformat()}"


def sync_recurrence(*, session: Session, action: Action, now: datetime) -> list[Action]:
    """Import hook, called once per imported action after its due window (and any deliveries) are set.

    Reads the timeline (the action's text is a hint, see `parse_recurrence`) into `action.recurrence`;
    when it recurs, the occurrences go under the action itself, or under each of its deliveries when it is
    owed by several organisations. Returns the occurrences added. When a re-imported timeline changes, the
    occurrences it no longer has go if nobody has touched them; answered ones stay (see `_retire_stale`)."""
    recurrence = parse_recurrence(action.due_raw, action_text=action.title)
    if recurrence is None and not action.recurrence:
        return []  # the common case: nothing recurs, nothing to clear
    carriers = [action, *deliveries_of(session=session, whole=action)]
    owners = carriers[1:] or carriers  # a whole with deliveries: each delivery carries the occurrences
    for carrier in carriers:
        carrier.recurrence = recurrence.rrule if recurrence else ""
    for owner in owners:
        _retire_stale(session, owner, recurrence)
    if recurrence is None:
        for owner in owners:
            owner.is_rollup = False  # dated (or undated) again: prompted and counted itself
        return []
    action.due_understood = True  # "Quarterly" is no date, but it is understood
    today = now.astimezone(LONDON).date()
    return [added for owner in owners for added in materialise_occurrences(session=session, parent=owner,
                                                                           today=today)]  # fmt: skip


def _retire_stale(session: Session, parent: Action, recurrence: Recurrence | None) -> None:
    # An occurrence the timeline no longer has is removed only while it is as it was made: once someone has
    # answered, snoozed or reassigned it, it is part of the record and stays.
    for child in occurrence_rows(session=session, parent=parent):
        on_rule = (
            recurrence is not None
            and child.due_end is not None
            and bool(occurrences(recurrence, child.due_end, child.due_end))
        )
        if not on_rule and not _touched(session, child):
            session.delete(child)
    session.flush()


def _touched(session: Session, occurrence: Action) -> bool:
    snoozed = session.scalar(select(Snooze.id).where(Snooze.action_id == occurrence.id).limit(1))
    return occurrence.status != "not_started" or bool(occurrence.history or occurrence.owner_history or snoozed)


def deliveries_of(*, session: Session, whole: Action) -> list[Action]:
    """An action's parts that are not occurrences: one delivery per owing organisation."""
    if whole.id is None or not whole.is_rollup:
        return []  # only a roll-up has parts
    children = session.scalars(select(Action).where(Action.parent_id == whole.id).order_by(Action.ref))
    return [child for child in children if not is_occurrence(child)]


def materialise_occurrences(*, session: Session, parent: Action, today: date) -> list[Action]:
    """Adds `parent`'s missing occurrences up to the horizon and makes it a roll-up; returns those added."""
    if not parent.recurrence:
        return []
    recurrence = recurrence_from_rrule(parent.recurrence)
    session.flush()  # the parent needs its id before children can point at it
    existing = {child.ref: child for child in occurrence_rows(session=session, parent=parent)}
    parent.is_rollup = True
    for child in existing.values():
        _copy_wording(parent, child)
    added = [
        _new_occurrence(parent, recurrence, due)
        for due in _due_dates(recurrence, [c.due_end for c in existing.values() if c.due_end], today)
        if occurrence_ref(parent, due) not in existing
    ]
    session.add_all(added)
    return added


def occurrence_rows(*, session: Session, parent: Action) -> list[Action]:
    """The occurrences of `parent`, earliest first."""
    children = session.scalars(select(Action).where(Action.parent_id == parent.id).order_by(Action.due_end))
    return [child for child in children if is_occurrence(child)]


def _due_dates(recurrence: Recurrence, existing: list[date], today: date) -> list[date]:
    # An open-ended rule with no first date ("Quarterly") starts from the period it was first read in, and
    # from the earliest occurrence already made once it has some, so days the job did not run are filled in.
    start = recurrence.first or min(existing, default=today)
    until = recurrence.last or today + HORIZON
    return occurrences(recurrence, start, until)


def _new_occurrence(parent: Action, recurrence: Recurrence, due: date) -> Action:
    start, end = period_of(recurrence, due)
    child = Action(
        ref=occurrence_ref(parent, due),
        parent=parent,
        whole=parent.whole or parent,
        status="not_started",
        due_raw=_period_words(recurrence, start, end),
        due_start=start,
        due_end=end,
        due_precision=_precision(recurrence),
        open_ended=False,
        due_understood=True,
        recurrence="",
        is_rollup=False,
        owner=parent.owner,
        organisation=parent.organisation,
        contributors=list(parent.contributors),
    )
    _copy_wording(parent, child)
    return child


def _copy_wording(parent: Action, child: Action) -> None:
    for name in WORDING_FIELDS:
        setattr(child, name, getattr(parent, name))


def _period_words(recurrence: Recurrence, start: date, end: date) -> str:
    return f"{_day(start)} to {_day(end)}, {recurrence.frequency}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _precision(recurrence: Recurrence) -> str:
    # As due windows name their precision: a week's days, a quarter, a financial year, else a run of months.
    if recurrence.unit == "week":
        return "day"
    if recurrence.interval == 3:
        return "quarter"
    if recurrence.interval == 12 and recurrence.anchor_month == 3:
        return "year"
    return "month"


def extend_occurrences(*, session: Session, today: date) -> int:
    """The daily job: every open recurring row gets its occurrences up to the horizon; returns how many
    were added. Closed (done or dropped) recurring actions get no new occurrences."""
    parents = session.scalars(
        select(Action).where(Action.recurrence != "", Action.status.not_in(CLOSED_STATUSES)).order_by(Action.id)
    )
    carriers = [parent for parent in parents if not _has_deliveries(session, parent)]
    return sum(len(materialise_occurrences(session=session, parent=parent, today=today)) for parent in carriers)


def _has_deliveries(session: Session, action: Action) -> bool:
    return action.is_rollup and bool(deliveries_of(session=session, whole=action))


def reassign_open_occurrences(
    *, session: Session, parent: Action, previous: Person | None, actor: Person | None, now: datetime, source: str
) -> list[Action]:
    """After `parent` changed owner: its open occurrences that `previous` owned follow to the new owner (each
    change kept in the occurrence's owner history). Closed ones, and ones someone else was given, stay put."""
    if parent.owner is None:
        return []
    moved = [
        child
        for child in occurrence_rows(session=session, parent=parent)
        if child.is_open and (child.owner_id == (previous.id if previous else None))
    ]
    for child in moved:
        assign_owner(action=child, owner=parent.owner, actor=actor, now=now, source=source)
    return moved
