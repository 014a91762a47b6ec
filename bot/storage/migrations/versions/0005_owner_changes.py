"""owner_changes: who became accountable for an action, who decided and when

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "owner_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("previous_owner_id", sa.Integer(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_owner_changes_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["changed_by_id"], ["people.id"], name=op.f("fk_owner_changes_changed_by_id_people")),
        sa.ForeignKeyConstraint(["owner_id"], ["people.id"], name=op.f("fk_owner_changes_owner_id_people")),
        sa.ForeignKeyConstraint(
            ["previous_owner_id"], ["people.id"], name=op.f("fk_owner_changes_previous_owner_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_owner_changes")),
    )
    op.create_index(op.f("ix_owner_changes_action_id"), "owner_changes", ["action_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_owner_changes_action_id"), table_name="owner_changes")
    op.drop_table("owner_changes")
