"""Statuses as they stood at the end of a period, for a pack built after it: an action updated since is shown
with the status it had then (the `previous_status` of its first update after the period), the others with
their current one. The history is append-only, so this is exact."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.calendar import london_instant
from bot.directory.models import Organisation
from bot.plans.models import CLOSED_STATUSES, Action, StatusUpdate


@dataclass(frozen=True)
class Then:
    status: str
    note: str


def statuses_then(session: Session, terms: Sequence[ColumnElement[bool]], as_at: date) -> dict[int, Then]:
    """Action id → its status at the end of `as_at` (London) and the note that came with it, for the actions
    updated since. `terms` are on Action and on its Organisation (outer-joined), as bot/plans/scope.py writes."""
    after = london_instant(as_at + timedelta(days=1), time(0))
    rows = session.execute(
        select(StatusUpdate.action_id, StatusUpdate.previous_status)
        .join(Action, Action.id == StatusUpdate.action_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .where(*terms, StatusUpdate.recorded_at >= after)
        .order_by(StatusUpdate.recorded_at.desc(), StatusUpdate.id.desc())
    )
    # Newest first, so the first update after the period is the one left in the dictionary.
    statuses = {action_id: previous or "not_started" for action_id, previous in rows}
    notes = session.execute(
        select(StatusUpdate.action_id, StatusUpdate.note)
        .where(StatusUpdate.action_id.in_(list(statuses)), StatusUpdate.recorded_at < after)
        .order_by(StatusUpdate.recorded_at, StatusUpdate.id)
    )
    last_note = {action_id: note or "" for action_id, note in notes}  # oldest first: the latest note stays
    return {action_id: Then(status, last_note.get(action_id, "")) for action_id, status in statuses.items()}


def bucket_then(status: str, action: Action, as_at: date) -> str:
    """The delivery bucket (bot/plans/delivery_progress.py) of an action with `status` on `as_at`."""
    deadline = action.deadline()
    if status not in CLOSED_STATUSES and deadline is not None and deadline <= as_at:
        return "overdue"
    return status
