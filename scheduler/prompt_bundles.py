"""One status prompt per person per day: what a bundle holds, how it is written to the outbox and read back,
and the quiet rule that keeps an unchanged bundle from being sent again.

A bundle lists the actions whose cadence (scheduler/status_prompts.py) falls today for one recipient: the owner,
or the delegate standing in for an away owner. Its outbox row is keyed (status_prompt, person:<id>, "bundle",
day), so deciding twice writes it once. The payload keeps, for each action, the cadence state it was asked in:

    {"person_id": 17, "page_size": 10,
     "items": [{"action_id": 42, "phase": "overdue", "deadline": "2021-03-31"}, …]}   # most urgent first

What counts as new (the quiet rule). Today's bundle is compared with the last status prompt the same person
was sent or is about to be sent (the latest earlier bundle row not skipped and not failed). It is sent when at
least one of its actions

1. was not in that prompt (it fell due, was reassigned to them, or they now stand in for an away owner);
2. is in another cadence state: a different phase (14, 7 or 1 working days before the deadline, due, overdue,
   ongoing) or a different deadline (the action was re-dated);
3. had a status recorded or a snooze set, by anyone, after that prompt was queued (it was answered, so asking
   again after the cadence restarted is a new question).

Otherwise nothing is new: the same actions (or fewer) in the same states, unanswered since. The day's bundle is
then not written at all, so the next day compares with the same earlier prompt. A weekly overdue reminder of a
list nobody answered is therefore sent once, not every week; managers still see such actions in the weekly
digest ("no update for 30 days"). When anything is new, the whole bundle goes, unchanged actions included."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from bot.calendar import london_instant
from bot.directory.models import Person
from bot.plans.models import Action, Snooze
from bot.storage.outbox import OutboxMessage
from scheduler.outbox import person_recipient, recipient_person_id

STATUS_PROMPT = "status_prompt"
BUNDLE = "bundle"
# Rows a person has seen or is about to see; skipped (nothing left to ask) and failed rows never reached them.
REACHING = ("pending", "sending", "sent")
_CHUNK = 500  # recipients per query, under SQLite's bound-parameter limit


@dataclass(frozen=True)
class BundleItem:
    """One action in a bundle and the cadence state it is asked in."""

    action_id: int
    phase: str
    deadline: date | None

    def as_json(self) -> dict[str, Any]:
        deadline = self.deadline.isoformat() if self.deadline else None
        return {"action_id": self.action_id, "phase": self.phase, "deadline": deadline}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BundleItem:
        deadline = data.get("deadline")
        return cls(
            int(data["action_id"]), str(data.get("phase", "")), date.fromisoformat(deadline) if deadline else None
        )


def by_urgency(items: Iterable[BundleItem]) -> list[BundleItem]:
    """Overdue oldest first, then the nearest deadline, then ongoing work (no deadline)."""
    return sorted(items, key=lambda item: (item.deadline is None, item.deadline or date.max, item.action_id))


def bundle_payload(recipient_id: int, items: Sequence[BundleItem], page_size: int) -> dict[str, Any]:
    return {"person_id": recipient_id, "page_size": page_size, "items": [item.as_json() for item in items]}


def payload_items(payload: dict[str, Any]) -> list[BundleItem]:
    """The bundle's items; a row queued before bundling (one action, `action_id`) reads as a bundle of one."""
    if "items" in payload:
        return [BundleItem.from_json(item) for item in payload["items"]]
    return [BundleItem(int(payload["action_id"]), "", None)]


@dataclass(frozen=True)
class PreviousBundle:
    items: frozenset[BundleItem]
    queued_at: datetime


def previous_bundles(*, session: Session, recipients: Sequence[int], before: date) -> dict[int, PreviousBundle]:
    """Each recipient's latest bundle queued for a day before `before` that reached them (or is about to)."""
    found: dict[int, PreviousBundle] = {}
    for start in range(0, len(recipients), _CHUNK):
        names = [person_recipient(r) for r in recipients[start : start + _CHUNK]]
        for recipient, payload, created in session.execute(_latest_bundles(names, before)):
            person_id = recipient_person_id(recipient)
            if person_id is not None:
                found[person_id] = PreviousBundle(frozenset(payload_items(payload)), _aware(created))
    return found


def _latest_bundles(recipients: list[str], before: date) -> Any:
    bundles = (OutboxMessage.kind == STATUS_PROMPT, OutboxMessage.subject == BUNDLE)
    latest = (
        select(OutboxMessage.recipient, func.max(OutboxMessage.for_day).label("day"))
        .where(
            *bundles,
            OutboxMessage.recipient.in_(recipients),
            OutboxMessage.for_day < before,
            OutboxMessage.status.in_(REACHING),
        )
        .group_by(OutboxMessage.recipient)
        .subquery()
    )
    on_latest = and_(OutboxMessage.recipient == latest.c.recipient, OutboxMessage.for_day == latest.c.day)
    return (
        select(OutboxMessage.recipient, OutboxMessage.payload, OutboxMessage.created_at)
        .join(latest, on_latest)
        .where(*bundles)
    )


def latest_per_action(
    session: Session, action_id: InstrumentedAttribute[int], at: InstrumentedAttribute[Any]
) -> dict[int, datetime]:
    """The latest instant of `at` for each action (status updates recorded, snoozes set)."""
    rows = session.execute(select(action_id, func.max(at)).group_by(action_id))
    return {key: _aware(instant) for key, instant in rows}


def answered_at(session: Session, recorded: dict[int, datetime]) -> dict[int, datetime]:
    """When each action was last answered: a status recorded (`recorded`, from `latest_per_action`) or a
    snooze set, whichever came later."""
    answered = dict(recorded)
    for key, instant in latest_per_action(session, Snooze.action_id, Snooze.created_at).items():
        answered[key] = max(instant, answered.get(key, instant))
    return answered


def has_news(items: Sequence[BundleItem], previous: PreviousBundle | None, answered: dict[int, datetime]) -> bool:
    """The quiet rule (see the module's docstring): is anything in today's bundle new to its recipient?"""
    if previous is None:
        return True
    return any(
        item not in previous.items or (item.action_id in answered and answered[item.action_id] > previous.queued_at)
        for item in items
    )


def _aware(instant: datetime | str) -> datetime:
    # SQLite hands back max() as text and naive datetimes; the column type is lost through the aggregate.
    parsed = datetime.fromisoformat(instant) if isinstance(instant, str) else instant
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# Reading a bundle back: at send time, and when a click redraws the message.


@dataclass(frozen=True)
class Answered:
    """What became of an action since its bundle's day began: a status recorded, or a snooze set."""

    at: datetime
    by: Person | None
    status: str | None = None
    snoozed_until: date | None = None


@dataclass(frozen=True)
class BundleEntry:
    action: Action
    answered: Answered | None


@dataclass(frozen=True)
class Bundle:
    """A bundle as it stands now. `recipient_id` is None for a row queued before bundling (one action)."""

    recipient_id: int | None
    day: date
    page_size: int
    entries: list[BundleEntry]

    @property
    def unanswered(self) -> int:
        return sum(entry.answered is None for entry in self.entries)

    def page_of(self, action_id: int) -> int:
        index = next((n for n, entry in enumerate(self.entries) if entry.action.id == action_id), 0)
        return index // self.page_size + 1


def read_bundle(*, session: Session, payload: dict[str, Any], day: date) -> Bundle:
    """The bundle's actions in their decided order with what happened to each since the day began. Actions
    gone, or closed without an answer that day, are left out."""
    items = payload_items(payload)
    ids = [item.action_id for item in items]
    query = select(Action).where(Action.id.in_(ids)).options(selectinload(Action.plan), selectinload(Action.owner))
    actions = {action.id: action for action in session.scalars(query)}
    since = london_instant(day, time.min)
    snoozes = _snoozes_since(session, ids, since)
    entries = []
    for item in items:
        action = actions.get(item.action_id)
        if action is None:
            continue
        answered = _answered(session, action, snoozes.get(action.id), since)
        if answered is not None or action.is_open:
            entries.append(BundleEntry(action, answered))
    page_size = int(payload.get("page_size", len(items) or 1))
    return Bundle(payload.get("person_id"), day, page_size, entries)


def find_bundle(*, session: Session, recipient_id: int, day: date) -> Bundle | None:
    """The bundle sent to a person for a day, read through the outbox's unique key; None when there is none."""
    payload = session.scalar(select(OutboxMessage.payload).where(*_bundle_key(recipient_id, day)))
    return read_bundle(session=session, payload=payload, day=day) if payload is not None else None


def _bundle_key(recipient_id: int, day: date) -> tuple[ColumnElement[bool], ...]:
    return (OutboxMessage.kind == STATUS_PROMPT, OutboxMessage.recipient == person_recipient(recipient_id),
            OutboxMessage.subject == BUNDLE, OutboxMessage.for_day == day)  # fmt: skip


def _snoozes_since(session: Session, ids: list[int], since: datetime) -> dict[int, Snooze]:
    query = select(Snooze).where(Snooze.action_id.in_(ids), Snooze.created_at >= since).order_by(Snooze.created_at)
    return {snooze.action_id: snooze for snooze in session.scalars(query)}


def _answered(session: Session, action: Action, snooze: Snooze | None, since: datetime) -> Answered | None:
    """The later of the action's status change and its snooze, when either happened since `since`."""
    changed = action.status_changed_at
    if changed is not None and changed >= since and (snooze is None or changed >= snooze.created_at):
        return Answered(changed, action.status_changed_by, status=action.status)
    if snooze is not None:
        snoozer = session.get(Person, snooze.person_id) if snooze.person_id else None
        return Answered(snooze.created_at, snoozer, snoozed_until=snooze.until)
    return None
