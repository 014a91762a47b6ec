"""Plans → recommendations/priorities → actions, each action with an append-only status history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    bindparam,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship
from sqlalchemy.sql.elements import BindParameter

from bot.directory.models import Organisation, Person
from bot.i18n import N_, local
from bot.storage.base import Base, UtcDateTime

STATUSES = ("not_started", "on_track", "at_risk", "blocked", "done", "dropped")
CLOSED_STATUSES = ("done", "dropped")
# English in logs; shown with _() in the reader's language (commands.views.status_label, the dashboard, exports).
STATUS_LABELS = {
    "not_started": N_("Not started"),
    "on_track": N_("On track"),
    "at_risk": N_("At risk"),
    "blocked": N_("Blocked"),
    "done": N_("Done"),
    "dropped": N_("Dropped"),
}


# An action can only be overdue while it is open and has a deadline. The partial indexes below hold just
# those rows; each database proves a query may use them by matching these terms as written in SQL, so the
# closed statuses are sent as literals (see `overdue_candidate`) rather than as bound parameters.
# A roll-up (an action delivered by several organisations, or recurring) is never overdue itself: its
# deliveries and occurrences are.
OVERDUE_CANDIDATE_SQL = {
    "postgresql": (
        "status NOT IN ('done', 'dropped') AND open_ended IS false AND is_rollup IS false AND due_end IS NOT NULL"
    ),
    "sqlite": "status NOT IN ('done', 'dropped') AND open_ended IS 0 AND is_rollup IS 0 AND due_end IS NOT NULL",
}

# The work the digest counts as waiting for an update: open, and not a roll-up (whose parts carry the status).
# The same rule holds: queries state these terms literally (see `open_part`).
OPEN_PART_SQL = {
    "postgresql": "status NOT IN ('done', 'dropped') AND is_rollup IS false",
    "sqlite": "status NOT IN ('done', 'dropped') AND is_rollup IS 0",
}


# Carried by both overdue indexes after their search columns (`id` too, on PostgreSQL: SQLite keeps the rowid,
# which is `id`, in every index anyway).
# The overdue listing groups parts into lines by whole_id (nationally) or parent_id (within an organisation).
OVERDUE_COVERED = ("status", "open_ended", "whole_id", "parent_id", "ref")


def overdue_index(name: str, *columns: str) -> Index:
    return Index(
        name,
        *columns,
        postgresql_include=["id"],
        postgresql_where=text(OVERDUE_CANDIDATE_SQL["postgresql"]),
        sqlite_where=text(OVERDUE_CANDIDATE_SQL["sqlite"]),
    )


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_cy: Mapped[str | None] = mapped_column(String(300))
    programme: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str | None] = mapped_column(Text)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))

    organisation: Mapped[Organisation | None] = relationship()
    recommendations: Mapped[list[Recommendation]] = relationship(back_populates="plan")
    actions: Mapped[list[Action]] = relationship(back_populates="plan")

    @property
    def local_name(self) -> str:
        return local(self.name, self.name_cy)


class Recommendation(Base):
    """A recommendation, priority or stage of a plan: the heading its actions sit under."""

    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("plan_id", "ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    title_cy: Mapped[str | None] = mapped_column(Text)
    # What the source says instead of actions, e.g. "Covered by Actions 1 to 3."
    note: Mapped[str] = mapped_column(Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="recommendations")

    @property
    def local_title(self) -> str:
        return local(self.title, self.title_cy)


action_dependencies = Table(
    "action_dependencies",
    Base.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("depends_on_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
)

action_contributors = Table(
    "action_contributors",
    Base.metadata,
    Column("action_id", ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("people.id", ondelete="CASCADE"), primary_key=True),
    # `mine` looks contributions up by person; the primary key leads with the action.
    Index("ix_action_contributors_person_id", "person_id"),
)


class Action(Base):
    """A plan's action, or one part of it. An action owed by several organisations is a roll-up whose
    deliveries (`esr/1.c@cvuhb`) are child rows, each with its own owner, status and history; a recurring
    action's occurrences (`pcmw/1#2021-01-31`) are child rows too. Only rows that are not roll-ups are
    prompted, updated and counted overdue."""

    __tablename__ = "actions"
    __table_args__ = (
        UniqueConstraint("plan_id", "ref"),
        Index("ix_actions_open_due", "status", "due_end"),
        Index("ix_actions_plan_due", "plan_id", "due_end"),
        # Partial indexes holding only the actions that can be overdue (open, with a deadline), for `overdue`
        # by organisation subtree and by plan. Queries must state OVERDUE_CANDIDATE's terms literally. The
        # other columns let both databases answer from the index alone: the status columns, and whole_id, id and
        # ref, with which the overdue parts of one action are counted and ranked as one line.
        overdue_index("ix_actions_overdue_by_org", "organisation_id", "due_end", "plan_id", *OVERDUE_COVERED),
        overdue_index("ix_actions_overdue_by_plan", "plan_id", "due_end", "organisation_id", *OVERDUE_COVERED),
        # A person's actions with what `mine` sorts and counts them by (and, on PostgreSQL, their ids): its pages
        # are ranked from this index alone, then only the page's rows are read.
        Index(
            "ix_actions_by_owner",
            "owner_id",
            "is_rollup",
            "status",
            "open_ended",
            "due_end",
            "plan_id",
            "ref",
            postgresql_include=["id"],
        ),
        # Open parts by organisation subtree, with when their status was last recorded: the digest's count of
        # actions with no recent update, read from the index alone.
        Index(
            "ix_actions_open_parts_by_org",
            "organisation_id",
            "status_changed_at",
            postgresql_where=text(OPEN_PART_SQL["postgresql"]),
            sqlite_where=text(OPEN_PART_SQL["sqlite"]),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    recommendation_id: Mapped[int | None] = mapped_column(ForeignKey("recommendations.id"))
    ref: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(Text)
    title_cy: Mapped[str | None] = mapped_column(Text)
    lead_text: Mapped[str] = mapped_column(Text, default="")
    # Where the lead came from when the plan's own table does not state it (another page, an overview).
    lead_note: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    whole_id: Mapped[int | None] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    is_rollup: Mapped[bool] = mapped_column(Boolean, default=False)
    # Which organisations owe it: "health_boards", "clusters", "clusters:cvuhb" or organisation codes,
    # comma-separated; empty for an action its owner delivers alone.
    owed_by: Mapped[str] = mapped_column(String(500), default="")
    # An RRULE (RFC 5545) when the timeline repeats ("Quarterly"); empty otherwise.
    recurrence: Mapped[str] = mapped_column(String(300), default="")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    expected_output: Mapped[str] = mapped_column(Text, default="")
    expected_output_cy: Mapped[str | None] = mapped_column(Text)
    # A plan table's other columns (Objectives, Risks, Workforce, …): heading → text, shown by `show`.
    extra_fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    due_raw: Mapped[str] = mapped_column(String(200), default="")
    due_start: Mapped[date | None] = mapped_column(Date)
    due_end: Mapped[date | None] = mapped_column(Date)
    due_precision: Mapped[str] = mapped_column(String(16), default="none")
    open_ended: Mapped[bool] = mapped_column(Boolean, default=False)
    due_understood: Mapped[bool] = mapped_column(Boolean, default=True)

    # The latest status is kept on the row for fast listing; StatusUpdate holds the full history.
    status: Mapped[str] = mapped_column(String(16), default="not_started")
    status_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status_changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    status_note: Mapped[str | None] = mapped_column(Text)

    plan: Mapped[Plan] = relationship(back_populates="actions")
    recommendation: Mapped[Recommendation | None] = relationship()
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])
    organisation: Mapped[Organisation | None] = relationship()
    status_changed_by: Mapped[Person | None] = relationship(foreign_keys=[status_changed_by_id])
    contributors: Mapped[list[Person]] = relationship(secondary=action_contributors)
    history: Mapped[list[StatusUpdate]] = relationship(back_populates="action", order_by="StatusUpdate.recorded_at")
    owner_history: Mapped[list[OwnerChange]] = relationship(
        back_populates="action", order_by="OwnerChange.recorded_at", cascade="all, delete-orphan"
    )
    due_history: Mapped[list[DueDateChange]] = relationship(
        order_by="DueDateChange.recorded_at", cascade="all, delete-orphan"
    )
    parent: Mapped[Action | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    whole: Mapped[Action | None] = relationship(remote_side=[id], foreign_keys=[whole_id])
    depends_on: Mapped[list[Action]] = relationship(
        secondary=action_dependencies,
        primaryjoin=lambda: Action.id == action_dependencies.c.action_id,
        secondaryjoin=lambda: Action.id == action_dependencies.c.depends_on_id,
    )

    @property
    def label(self) -> str:
        """The reference people type: `esr/1.a`."""
        return f"{self.plan.key}/{self.ref}"

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    def deadline(self) -> date | None:
        # A roll-up has nothing of its own to miss: its deliveries and occurrences carry the deadlines.
        return None if self.open_ended or self.is_rollup else self.due_end

    def parts(self) -> list[Action]:
        """The rows that are parts of this one (its deliveries or occurrences)."""
        session = object_session(self)
        if session is None:
            return []
        return list(session.scalars(select(Action).where(Action.parent_id == self.id).order_by(Action.ref)))

    @property
    def local_title(self) -> str:
        return local(self.title, self.title_cy)

    @property
    def local_expected_output(self) -> str:
        return local(self.expected_output, self.expected_output_cy)


def _closed_statuses() -> BindParameter[list[str]]:
    """The closed statuses, rendered into the SQL text so that a partial index's condition can be matched."""
    return bindparam("closed_statuses", list(CLOSED_STATUSES), expanding=True, literal_execute=True)


def overdue_candidate() -> tuple[ColumnElement[bool], ...]:
    """OVERDUE_CANDIDATE_SQL as query terms, with the closed statuses rendered into the SQL text."""
    return (
        Action.status.not_in(_closed_statuses()),
        Action.open_ended.is_(False),
        Action.is_rollup.is_(False),
        Action.due_end.is_not(None),
    )


def overdue_line_id(*, within_organisation: bool) -> ColumnElement[int]:
    """The line an overdue part is listed on. Nationally that is the whole action (every board's delivery and
    their occurrences: one line); within an organisation, the part's parent, so a board sees its own
    delivery with its missed occurrences rather than the national action."""
    return func.coalesce(Action.parent_id if within_organisation else Action.whole_id, Action.id)


def open_part() -> tuple[ColumnElement[bool], ...]:
    """OPEN_PART_SQL as query terms, with the closed statuses rendered into the SQL text."""
    return Action.status.not_in(_closed_statuses()), Action.is_rollup.is_(False)


class StatusUpdate(Base):
    """One entry of an action's append-only history: who recorded which status, when, and why."""

    __tablename__ = "status_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    previous_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    source: Mapped[str] = mapped_column(String(32), default="console")
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    # A button clicked twice, or a webhook delivered twice, carries the same key and is recorded once.
    idempotency_key: Mapped[str | None] = mapped_column(String(200), unique=True)

    action: Mapped[Action] = relationship(back_populates="history")
    person: Mapped[Person | None] = relationship()


class OwnerChange(Base):
    """One entry of an action's append-only ownership history: who became accountable, who decided, when."""

    __tablename__ = "owner_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    previous_owner_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    owner_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    source: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)

    action: Mapped[Action] = relationship(back_populates="owner_history")
    previous_owner: Mapped[Person | None] = relationship(foreign_keys=[previous_owner_id])
    owner: Mapped[Person] = relationship(foreign_keys=[owner_id])
    changed_by: Mapped[Person | None] = relationship(foreign_keys=[changed_by_id])


class Snooze(Base):
    """An owner asked not to be prompted about an action until a date."""

    __tablename__ = "snoozes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    until: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DueDateChange(Base):
    """One entry of an action's append-only deadline history: a date set by hand (`/milestones due-date`) in
    place of what the plan's timeline gave (often nothing: a timeline the reader could not date)."""

    __tablename__ = "due_date_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id", ondelete="CASCADE"), index=True)
    previous_due_end: Mapped[date | None] = mapped_column(Date)
    due_end: Mapped[date] = mapped_column(Date)
    # The timeline as the plan wrote it when the date was set, so the history says what was replaced.
    timeline: Mapped[str] = mapped_column(String(200), default="")
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    source: Mapped[str] = mapped_column(String(32))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)

    person: Mapped[Person | None] = relationship()
