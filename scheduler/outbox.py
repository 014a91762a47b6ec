"""Writing to the outbox. Deciding jobs produce `Planned` messages; `enqueue` inserts them with
INSERT … ON CONFLICT DO NOTHING on the unique key, so deciding twice (a rerun, a catch-up, two processes)
writes each message once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.storage.outbox import OutboxMessage


@dataclass(frozen=True)
class Planned:
    """A message a job decided is due: who gets what about which subject, for which day."""

    kind: str
    recipient: str
    subject: str
    for_day: date
    payload: dict[str, Any] = field(default_factory=dict)


def person_recipient(person_id: int) -> str:
    return f"person:{person_id}"


def recipient_person_id(recipient: str) -> int | None:
    kind, _, rest = recipient.partition(":")
    return int(rest) if kind == "person" else None


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def enqueue(*, session: Session, planned: Iterable[Planned], now: datetime) -> int:
    """Writes new messages; those already in the outbox are left as they are. Returns how many were new."""
    rows = [
        {
            "kind": p.kind,
            "recipient": p.recipient,
            "subject": p.subject,
            "for_day": p.for_day,
            "payload": p.payload,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": due,
            "created_at": now,
        }
        for p, due in spread_by_recipient(list(planned), now)
    ]
    if not rows:
        return 0
    statement: Insert = _insert(session)(OutboxMessage).on_conflict_do_nothing(
        index_elements=["kind", "recipient", "subject", "for_day"]
    )
    new = 0
    # Chunked so a 2,000-reporter fan-out stays under SQLite's bound-parameter limit.
    for start in range(0, len(rows), 500):
        result = session.execute(statement.returning(OutboxMessage.id), rows[start : start + 500])
        new += len(result.all())
    return new


def spread_by_recipient(planned: list[Planned], now: datetime) -> list[tuple[Planned, datetime]]:
    """Each message with when it becomes due: a recipient's n-th message of this decision one microsecond
    after their (n-1)-th, all at or before `now`. Senders claim in due order, so they take everyone's first
    message before anyone's second: one person's ten check-ins are thousands of sends apart instead of ten
    in a row, and stay under the per-conversation limits (one message a second on Slack) without waiting."""
    rank: dict[str, int] = {}
    ranked = []
    for p in planned:
        rank[p.recipient] = rank.get(p.recipient, -1) + 1
        ranked.append((p, rank[p.recipient]))
    deepest = max(rank.values(), default=0)
    return [(p, now - timedelta(microseconds=deepest - n)) for p, n in ranked]


def queued_since(*, session: Session, kind: str, for_day: date) -> dict[str, datetime]:
    """When each subject of a kind was first queued for a day: chasers only chase check-ins asked a while ago."""
    rows = session.execute(
        select(OutboxMessage.subject, OutboxMessage.created_at).where(
            OutboxMessage.kind == kind, OutboxMessage.for_day == for_day
        )
    )
    earliest: dict[str, datetime] = {}
    for subject, created in rows:
        if subject not in earliest or created < earliest[subject]:
            earliest[subject] = created
    return earliest
