"""What administrators ask about delivery, read from the outbox the scheduler writes: messages that failed,
and people nobody can reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.directory.models import Person
from bot.storage.outbox import UNREACHABLE, OutboxMessage, addressed_to_person


@dataclass(frozen=True)
class FailedMessage:
    kind: str
    recipient: str
    person: Person | None
    for_day: date
    attempts: int
    error: str


@dataclass(frozen=True)
class Unreachable:
    person: Person
    messages: int
    last_day: date


def failed_messages(*, session: Session, limit: int, offset: int = 0) -> tuple[list[FailedMessage], int]:
    """Messages given up on for a reason other than "nobody can reach them", newest first (`limit` of them
    after the first `offset`), and the total."""
    condition = (OutboxMessage.status == "failed", OutboxMessage.last_error != UNREACHABLE)
    total = session.scalar(select(func.count()).select_from(OutboxMessage).where(*condition)) or 0
    rows = session.execute(
        select(OutboxMessage, Person)
        .outerjoin(Person, addressed_to_person())
        .where(*condition)
        .order_by(OutboxMessage.for_day.desc(), OutboxMessage.id.desc())
        .limit(limit)
        .offset(offset)
    )
    found = [FailedMessage(m.kind, m.recipient, p, m.for_day, m.attempts, m.last_error or "") for m, p in rows]
    return found, total


def unreachable_people(*, session: Session) -> list[Unreachable]:
    """People who were due a message that no configured chat platform could deliver."""
    rows = session.execute(
        select(Person, func.count(OutboxMessage.id), func.max(OutboxMessage.for_day))
        .join(OutboxMessage, addressed_to_person())
        .where(OutboxMessage.status == "failed", OutboxMessage.last_error == UNREACHABLE)
        .group_by(Person.id)
        .order_by(Person.name)
    )
    return [Unreachable(person, count, last) for person, count, last in rows]
