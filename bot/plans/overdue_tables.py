"""The overdue snapshot's tables: per scope (an organisation's subtree, or all of Wales) the overdue lines of
each plan and each plan's tally, as of one day, so that `overdue` reads a few rows per plan shown instead
of counting every overdue part (bot/plans/overdue_snapshot.py reads them, bot/plans/overdue_upkeep.py keeps
them)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Index, Integer, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, UtcDateTime

# The scope of all of Wales; any other scope is an organisation's id (ids start at 1).
WALES_SCOPE = 0
SNAPSHOT_ID = 1


class OverdueSnapshot(Base):
    """One row: the day the tables hold the overdue lines of, and whether they may be read. Writers lock it
    while they bring the tables up to date, so maintainers and a rebuild's short first and last steps take
    turns. While a rebuild fills the tables (since `building_since`), writers note their lines in
    `overdue_pending_lines` instead, or set `missed` when they cannot tell which."""

    __tablename__ = "overdue_snapshot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    as_of: Mapped[date | None] = mapped_column(Date)
    built_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    usable: Mapped[bool] = mapped_column(Boolean, default=False)
    building_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    missed: Mapped[bool] = mapped_column(Boolean, default=False)


class OverduePendingLine(Base):
    """A line written while a rebuild fills the tables: recounted by the rebuild's last step. By line id, as
    `overdue` groups: nationally by the whole action, within organisations by the part's parent."""

    __tablename__ = "overdue_pending_lines"

    organisational: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    line_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class OverdueLine(Base):
    """The overdue parts of one line of a plan inside a scope, grouped as `overdue` groups them: nationally by
    the whole action, within an organisation by the part's parent."""

    __tablename__ = "overdue_lines"
    __table_args__ = (
        # Led by the line: a write recounts the lines it touched, whatever their scope. Two indexes rather than
        # three also make the daily rebuild's million rows a quarter quicker to write.
        PrimaryKeyConstraint("line_id", "scope_id", "plan_id"),
        # A plan's first lines in a scope are one index range.
        Index("ix_overdue_lines_rank", "scope_id", "plan_id", "oldest", "first_ref"),
    )

    scope_id: Mapped[int] = mapped_column(Integer, autoincrement=False)
    plan_id: Mapped[int] = mapped_column(Integer, autoincrement=False)
    line_id: Mapped[int] = mapped_column(Integer, autoincrement=False)
    parts: Mapped[int] = mapped_column(Integer)
    oldest: Mapped[date] = mapped_column(Date)
    first_ref: Mapped[str] = mapped_column(String(80))
    first_id: Mapped[int] = mapped_column(Integer)


class OverdueTally(Base):
    """A plan's overdue parts and lines inside a scope, and its oldest deadline: what ranks the plans."""

    __tablename__ = "overdue_tallies"

    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    plan_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    parts: Mapped[int] = mapped_column(Integer)
    lines: Mapped[int] = mapped_column(Integer)
    oldest: Mapped[date] = mapped_column(Date)
