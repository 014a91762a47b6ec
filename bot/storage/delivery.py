"""Tables the chat surfaces share: where to reach people proactively, and which inbound deliveries were seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, UtcDateTime


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
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
