"""PLACEHOLDER (branch `recur` only): the actions columns the lead's migration 0006 is to add (parent_id,
whole_id, is_rollup, recurrence), written here so recurring deadlines can be built and tested before 0006
lands. Drop this file (and its commit) when merging main's 0006.

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("whole_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("is_rollup", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("recurrence", sa.Text(), server_default="", nullable=False))
        batch.create_foreign_key(
            op.f("fk_actions_parent_id_actions"), "actions", ["parent_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_foreign_key(op.f("fk_actions_whole_id_actions"), "actions", ["whole_id"], ["id"])
        batch.create_index(op.f("ix_actions_parent_id"), ["parent_id"], unique=False)
        batch.create_index(op.f("ix_actions_whole_id"), ["whole_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("actions") as batch:
        batch.drop_index(op.f("ix_actions_whole_id"))
        batch.drop_index(op.f("ix_actions_parent_id"))
        batch.drop_constraint(op.f("fk_actions_whole_id_actions"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_actions_parent_id_actions"), type_="foreignkey")
        batch.drop_column("recurrence")
        batch.drop_column("is_rollup")
        batch.drop_column("whole_id")
        batch.drop_column("parent_id")
