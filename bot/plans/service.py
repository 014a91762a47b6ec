"""Finding one action, who may change it, and changing it (status with history, owner). Listings live in
bot/plans/listing.py."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from bot.directory.models import Person
from bot.directory.service import manages
from bot.plans.models import STATUSES, Action, OwnerChange, Plan, StatusUpdate
from bot.plans.personal import person_action_ids
from bot.storage.row_lock import lock_for_change


def actions_owned_by(*, session: Session, person: Person) -> list[Action]:
    """Every action the person owns or contributes to, soonest deadline first."""
    query = (
        select(Action)
        .join(Plan)
        .where(Action.id.in_(person_action_ids()))
        .order_by(Action.due_end.is_(None), Action.due_end, Plan.key, Action.ref)
    )
    return list(session.scalars(query, {"person_id": person.id}))


@dataclass(frozen=True)
class ActionNotFound:
    ref: str
    suggestions: list[str]
    ambiguous: bool = False


def find_action(*, session: Session, ref: str) -> Action | ActionNotFound:
    """`esr/1.a` (or `esr:1.a`) names one action; a bare `1.a` works while only one plan has it."""
    text = ref.strip().rstrip(".,;")
    plan_key, sep, action_ref = text.replace(":", "/").rpartition("/")
    query = select(Action).join(Plan).where(func.lower(Action.ref) == action_ref.lower())
    if sep:
        query = query.where(func.lower(Plan.key) == plan_key.lower())
    matches = list(session.scalars(query.limit(10)))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        return ActionNotFound(ref, sorted(a.label for a in matches), ambiguous=True)
    return ActionNotFound(ref, _close_labels(session, text))


def _close_labels(session: Session, text: str) -> list[str]:
    labels = [f"{key}/{ref}" for key, ref in session.execute(select(Plan.key, Action.ref).join(Action.plan))]
    bare = {label.rpartition("/")[2]: label for label in labels}
    close = difflib.get_close_matches(text.lower(), labels, n=3, cutoff=0.6)
    close += [bare[m] for m in difflib.get_close_matches(text.lower(), list(bare), n=3, cutoff=0.6)]
    return list(dict.fromkeys(close))[:3]


@dataclass(frozen=True)
class PlanNotFound:
    key: str
    suggestions: list[str]
    known: list[str]


def find_plan_key(*, session: Session, key: str) -> str | PlanNotFound:
    """The plan's key as stored (keys are matched without regard to case), or what it might have meant."""
    known = sorted(session.scalars(select(Plan.key)))
    by_lower = {k.lower(): k for k in known}
    if key.lower() in by_lower:
        return by_lower[key.lower()]
    close = difflib.get_close_matches(key.lower(), list(by_lower), n=3, cutoff=0.5)
    return PlanNotFound(key, [by_lower[c] for c in close], known)


def may_change(*, actor: Person, action: Action) -> bool:
    """Only the owner, someone up the owner's line of management, or an admin may update or reassign."""
    if actor.is_admin:
        return True
    if action.owner is None:
        return False
    return action.owner.id == actor.id or manages(manager=actor, person=action.owner)


def record_status(
    *,
    session: Session,
    action: Action,
    status: str,
    actor: Person,
    now: datetime,
    note: str | None = None,
    source: str = "console",
    idempotency_key: str | None = None,
) -> StatusUpdate | None:
    """Appends to the history and moves the action's current status, as one read-modify-write: the action
    is re-read under its lock, so `previous_status` is the status committed now and the row's status, note,
    time and author all come from this update. Returns None when the same idempotency key was recorded
    before (a second click, a redelivered webhook): nothing changes."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    lock_for_change(session, action)
    if idempotency_key and session.scalar(
        select(StatusUpdate.id).where(StatusUpdate.idempotency_key == idempotency_key)
    ):
        return None
    update = StatusUpdate(
        action_id=action.id,
        status=status,
        previous_status=action.status,
        note=note,
        person_id=actor.id,
        source=source,
        recorded_at=now,
        idempotency_key=idempotency_key,
    )
    try:
        with session.begin_nested():
            session.add(update)
            session.flush()
    except IntegrityError:
        # Another process recorded the same key between our check and our insert.
        return None
    session.expire(action, ["history"])
    action.status = status
    action.status_changed_at = now
    action.status_changed_by = actor
    action.status_note = note
    return update


def assign_owner(
    *, action: Action, owner: Person, actor: Person | None, now: datetime, source: str
) -> OwnerChange | None:
    """Makes `owner` accountable and keeps the change in the action's history (`actor` None: the role
    directory at import). None when they already own it: nothing changes. A person's change re-reads the
    action under its lock first; an import is one transaction of its own and changes rows it just read."""
    session = object_session(action)
    if actor is not None and session is not None:
        lock_for_change(session, action)
    if action.owner is not None and action.owner.id == owner.id:
        return None
    change = OwnerChange(previous_owner=action.owner, owner=owner, changed_by=actor, source=source, recorded_at=now)
    action.owner_history.append(change)
    action.owner = owner
    if action.parent_id is None and action.parent is None:
        # A delivery stays with the organisation that owes it, whoever answers for it.
        action.organisation = owner.organisation or action.organisation
    return change


def normalise_status(text: str) -> str | None:
    """`at risk`, `At-Risk`, `at_risk` → `at_risk`; anything else → None."""
    candidate = text.strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {"ontrack": "on_track", "atrisk": "at_risk", "notstarted": "not_started", "complete": "done",
               "completed": "done", "finished": "done"}  # fmt: skip
    candidate = aliases.get(candidate, candidate)
    return candidate if candidate in STATUSES else None
