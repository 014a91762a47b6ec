"""The escalation framework: services, levels (kept as data, frameworks change), reporters and daily reports."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.directory.models import Organisation, Person
from bot.i18n import current_language, local
from bot.storage.base import Base, UtcDateTime


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_cy: Mapped[str | None] = mapped_column(String(200))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    # 24/7 services (GP out of hours, community hospitals…) report at weekends and on bank holidays too.
    runs_every_day: Mapped[bool] = mapped_column(Boolean, default=False)
    reported_by: Mapped[str] = mapped_column(String(32))
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def local_name(self) -> str:
        return local(self.name, self.name_cy)


class Level(Base):
    __tablename__ = "levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    label: Mapped[str] = mapped_column(String(100))
    colour: Mapped[str] = mapped_column(String(16))
    definition: Mapped[str] = mapped_column(Text)
    expected_actions: Mapped[list[str]] = mapped_column(JSON, default=list)
    label_cy: Mapped[str | None] = mapped_column(String(100))
    definition_cy: Mapped[str | None] = mapped_column(Text)
    expected_actions_cy: Mapped[list[str] | None] = mapped_column(JSON)

    @property
    def local_label(self) -> str:
        return local(self.label, self.label_cy)

    @property
    def local_definition(self) -> str:
        return local(self.definition, self.definition_cy)

    @property
    def local_expected_actions(self) -> list[str]:
        welsh = self.expected_actions_cy if current_language() == "cy" else None
        return welsh or self.expected_actions


class ServiceReporter(Base):
    __tablename__ = "service_reporters"
    __table_args__ = (UniqueConstraint("service_id", "organisation_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)

    service: Mapped[Service] = relationship()
    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person] = relationship()


class EscalationReport(Base):
    """One organisation's level for one service on one London day. A later report that day supersedes the
    earlier one (superseded_at is set) but never deletes it: the history is what huddles audit."""

    __tablename__ = "escalation_reports"
    __table_args__ = (Index("ix_escalation_reports_day", "day", "service_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    level: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    reported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    superseded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    source: Mapped[str] = mapped_column(String(32), default="console")
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    organisation: Mapped[Organisation] = relationship()
    service: Mapped[Service] = relationship()
    reported_by: Mapped[Person | None] = relationship()


class Subscription(Base):
    """Who hears about an organisation beyond its reporters: alerts at the top levels, and digests posted
    to a channel. `channel` is a surface-qualified address such as `slack:C0123` or `teams:19:abc@thread`."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    channel: Mapped[str | None] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person | None] = relationship()
