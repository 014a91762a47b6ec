"""due_date_changes: deadlines set by hand (`/milestones due-date`), who set them and when; actions.extra_fields:
a plan table's other columns (Objectives, Risks, …) kept on the action

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "due_date_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("previous_due_end", sa.Date(), nullable=True),
        sa.Column("due_end", sa.Date(), nullable=False),
        sa.Column("timeline", sa.String(length=200), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_due_date_changes_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], name=op.f("fk_due_date_changes_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_due_date_changes")),
    )
    op.create_index(op.f("ix_due_date_changes_action_id"), "due_date_changes", ["action_id"], unique=False)
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("extra_fields", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.drop_column("extra_fields")
    op.drop_index(op.f("ix_due_date_changes_action_id"), table_name="due_date_changes")
    op.drop_table("due_date_changes")
