"""deliveries and occurrences: actions that are parts of a roll-up, who owes them, recurrences, provenance,
organisations' short names

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# Frozen copies of bot.plans.models.OVERDUE_CANDIDATE_SQL before and after this revision.
BEFORE = {
    "postgresql": "status NOT IN ('done', 'dropped') AND open_ended IS false AND due_end IS NOT NULL",
    "sqlite": "status NOT IN ('done', 'dropped') AND open_ended IS 0 AND due_end IS NOT NULL",
}
AFTER = {
    "postgresql": (
        "status NOT IN ('done', 'dropped') AND open_ended IS false AND is_rollup IS false AND due_end IS NOT NULL"
    ),
    "sqlite": "status NOT IN ('done', 'dropped') AND open_ended IS 0 AND is_rollup IS 0 AND due_end IS NOT NULL",
}
PARTIAL_INDEXES = {
    "ix_actions_overdue_by_org": ["organisation_id", "due_end", "plan_id", "status", "open_ended"],
    "ix_actions_overdue_by_plan": ["plan_id", "due_end", "organisation_id", "status", "open_ended"],
}


def _partial_indexes(where: dict[str, str]) -> None:
    for name, columns in PARTIAL_INDEXES.items():
        op.create_index(
            name,
            "actions",
            columns,
            postgresql_where=sa.text(where["postgresql"]),
            sqlite_where=sa.text(where["sqlite"]),
        )


def _drop_partial_indexes() -> None:
    for name in PARTIAL_INDEXES:
        op.drop_index(name, table_name="actions")


def upgrade() -> None:
    _drop_partial_indexes()
    with op.batch_alter_table("actions") as batch:
        batch.alter_column("ref", type_=sa.String(80), existing_type=sa.String(32), existing_nullable=False)
        batch.add_column(sa.Column("lead_note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("whole_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("is_rollup", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("owed_by", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("recurrence", sa.String(300), nullable=False, server_default=""))
        batch.create_foreign_key(
            op.f("fk_actions_parent_id_actions"), "actions", ["parent_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_foreign_key(
            op.f("fk_actions_whole_id_actions"), "actions", ["whole_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index(op.f("ix_actions_parent_id"), ["parent_id"])
        batch.create_index(op.f("ix_actions_whole_id"), ["whole_id"])
    _partial_indexes(AFTER)
    with op.batch_alter_table("recommendations") as batch:
        batch.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("short_name", sa.String(32), nullable=False, server_default=""))
    with op.batch_alter_table("roles") as batch:
        batch.add_column(sa.Column("owed_by", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("delivery_titles", sa.JSON(), nullable=False, server_default="[]"))
    op.create_table(
        "action_dependencies",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("depends_on_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["actions.id"], name=op.f("fk_action_dependencies_action_id_actions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["depends_on_id"],
            ["actions.id"],
            name=op.f("fk_action_dependencies_depends_on_id_actions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "depends_on_id", name=op.f("pk_action_dependencies")),
    )


def downgrade() -> None:
    op.drop_table("action_dependencies")
    with op.batch_alter_table("roles") as batch:
        batch.drop_column("delivery_titles")
        batch.drop_column("owed_by")
    with op.batch_alter_table("recommendations") as batch:
        batch.drop_column("note")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("short_name")
    _drop_partial_indexes()
    # Parts of roll-ups have no place in the older schema.
    op.execute("DELETE FROM actions WHERE parent_id IS NOT NULL")
    with op.batch_alter_table("actions") as batch:
        batch.drop_index(op.f("ix_actions_whole_id"))
        batch.drop_index(op.f("ix_actions_parent_id"))
        batch.drop_constraint(op.f("fk_actions_whole_id_actions"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_actions_parent_id_actions"), type_="foreignkey")
        for column in ("recurrence", "owed_by", "is_rollup", "whole_id", "parent_id", "lead_note"):
            batch.drop_column(column)
        batch.alter_column("ref", type_=sa.String(32), existing_type=sa.String(80), existing_nullable=False)
    _partial_indexes(BEFORE)
