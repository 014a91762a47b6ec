"""Organisations (Wales → health board → cluster → practice/contractor), people and the role directory."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Index, String, Table, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.i18n import local
from bot.storage.base import Base, UtcDateTime

ORGANISATION_KINDS = (
    "nation",
    "national_body",
    "health_board",
    "cluster",
    "practice",
    "pharmacy",
    "dental_practice",
    "optometry_practice",
)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_cy: Mapped[str | None] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(32), default="")
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    # Materialised path ("/wales/cvuhb/cardiff-north/") so a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(500), index=True)

    parent: Mapped[Organisation | None] = relationship(remote_side=[id])

    def __str__(self) -> str:
        return self.name

    @property
    def local_name(self) -> str:
        return local(self.name, self.name_cy)


class Person(Base):
    __tablename__ = "people"
    # Every chat request looks its sender up by email, case-insensitively.
    __table_args__ = (Index("ix_people_email_lower", text("lower(email)")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    titles: Mapped[list[str]] = mapped_column(JSON, default=list)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    slack_user_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    teams_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    # "cy" or "en" once the person has chosen (a command, the first-contact buttons, or people.yaml); None
    # until then, when replies follow what they write and their platform's locale (commands/audience.py).
    language: Mapped[str | None] = mapped_column(String(8))
    # When the "Cymraeg neu English?" choice was put to them: it is offered once, never again.
    language_offered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    organisation: Mapped[Organisation | None] = relationship()
    manager: Mapped[Person | None] = relationship(remote_side=[id])

    def __str__(self) -> str:
        return self.name


role_contributors = Table(
    "role_contributors",
    Base.metadata,
    Column("role_id", ForeignKey("roles.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
)


class Role(Base):
    """A lead as plans write it ("HBs, suggest via HoPCs") resolved to one accountable person."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # When the lead means "each of these organisations" ("HBs, suggest via HoPCs"): which ones owe the action
    # (see bot.plans.fan_out), and the titles that own each organisation's delivery, first match wins.
    owed_by: Mapped[str] = mapped_column(String(500), default="")
    delivery_titles: Mapped[list[str]] = mapped_column(JSON, default=list)

    owner: Mapped[Person | None] = relationship()
    contributors: Mapped[list[Person]] = relationship(secondary=role_contributors)


class AwayPeriod(Base):
    """Out of office: prompts for `person` go to `delegate` between the two dates (inclusive)."""

    __tablename__ = "away_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    delegate: Mapped[Person | None] = relationship(foreign_keys=[delegate_id])


class ChannelLanguage(Base):
    """The language replies posted in a channel (Slack) or conversation (Teams) are written in: "cy", "en",
    or "both" (Welsh first, then English, in one message). A channel without a row is answered in both."""

    __tablename__ = "channel_languages"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    language: Mapped[str] = mapped_column(String(8))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime)
