"""Tables the chat surfaces share: where to reach people proactively, and which inbound deliveries were seen."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, delete, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from bot.storage.base import Base, UtcDateTime
from bot.storage.database import Database


class ConversationReference(Base):
    """How to reach a person or channel on a platform without them writing first (Teams needs the
    reference from install/first message; Slack only needs the user or channel id)."""

    __tablename__ = "conversation_references"
    __table_args__ = (UniqueConstraint("platform", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(300))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    reference: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProcessedDelivery(Base):
    """Inbound deliveries already handled (Slack event ids, Teams activity ids), so retries are no-ops."""

    __tablename__ = "processed_deliveries"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


# Slack retries a request it saw no answer to within minutes, Teams within the hour: a week of records still
# refuses every retry, and the table holds a week of traffic instead of every request ever made.
DELIVERIES_KEPT = timedelta(days=7)


_RECORD = insert(ProcessedDelivery)


def first_seen(database: Database, key: str, *, at: datetime) -> bool:
    """Records an inbound delivery in a transaction of its own: True the first time, False when any process
    recorded it before. Plain Core: every Slack request pays for it, and the ORM's session and flush cost
    more than the insert."""
    try:
        with database.engine.begin() as connection:
            connection.execute(_RECORD, {"key": key, "received_at": at})
    except IntegrityError:
        return False
    return True


def forget_old_deliveries(session: Session, *, now: datetime) -> int:
    """Deletes the records of deliveries received more than DELIVERIES_KEPT before `now`; returns how many."""
    old = delete(ProcessedDelivery).where(ProcessedDelivery.received_at < now - DELIVERIES_KEPT)
    return int(session.execute(old).rowcount)  # type: ignore[attr-defined]
