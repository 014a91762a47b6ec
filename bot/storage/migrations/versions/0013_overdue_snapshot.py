"""overdue snapshot: per scope (an organisation's subtree, or all of Wales) the overdue lines of each plan and
each plan's tally as of a day, kept on write, so `overdue` reads O(plans + lines shown) rows (issue 14).
Starts unusable: the scheduler leader builds it for its day.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    snapshot = op.create_table(
        "overdue_snapshot",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("usable", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overdue_snapshot")),
    )
    op.bulk_insert(snapshot, [{"id": 1, "usable": False}])
    op.create_table(
        "overdue_lines",
        sa.Column("scope_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("plan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("line_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("oldest", sa.Date(), nullable=False),
        sa.Column("first_ref", sa.String(length=80), nullable=False),
        sa.Column("first_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("line_id", "scope_id", "plan_id", name=op.f("pk_overdue_lines")),
    )
    op.create_index("ix_overdue_lines_rank", "overdue_lines", ["scope_id", "plan_id", "oldest", "first_ref"])
    op.create_table(
        "overdue_tallies",
        sa.Column("scope_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("plan_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.Column("oldest", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("scope_id", "plan_id", name=op.f("pk_overdue_tallies")),
    )


def downgrade() -> None:
    op.drop_table("overdue_tallies")
    op.drop_index("ix_overdue_lines_rank", table_name="overdue_lines")
    op.drop_table("overdue_lines")
    op.drop_table("overdue_snapshot")
