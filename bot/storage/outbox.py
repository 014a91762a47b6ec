"""The outbox: every message the scheduler decided to send, written once, delivered by the sender."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ColumnElement, Date, Index, Integer, String, Text, UniqueConstraint, cast, literal
from sqlalchemy.orm import Mapped, mapped_column

from bot.directory.models import Person
from bot.storage.base import Base, UtcDateTime

OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")
UNREACHABLE = "unreachable"


class OutboxMessage(Base):
    """One message to one recipient. The unique key (kind, recipient, subject, for_day) is what makes
    deciding idempotent: a job run twice, or by two processes, writes the row once.

    `recipient` is `person:<id>` or a surface-qualified channel (`slack:C0123`, `teams:19:…`).
    `payload` holds just enough ids to rebuild the reply at send time, so a prompt shows the latest state."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("kind", "recipient", "subject", "for_day", name="uq_outbox_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    for_day: Mapped[date] = mapped_column(Date)
    payload: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    platform: Mapped[str | None] = mapped_column(String(16))
    conversation: Mapped[str | None] = mapped_column(String(200))
    message_id: Mapped[str | None] = mapped_column(String(200))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def addressed_to_person() -> ColumnElement[bool]:
    """Joins outbox rows to the person they are addressed to (`person:<id>`), in SQL."""
    return OutboxMessage.recipient == literal("person:") + cast(Person.id, String)
