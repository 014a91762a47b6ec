"""What the patient-identifier guard keeps: that it refused something, of which kind, where and when. Never
the text, nor who typed it: admins see how often it fires, not what was written."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, UtcDateTime


class IdentifierRefusal(Base):
    __tablename__ = "identifier_refusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # Where the text came from: slack, teams, console, import.
    source: Mapped[str] = mapped_column(String(32))
    refused_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
