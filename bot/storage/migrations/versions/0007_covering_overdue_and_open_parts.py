"""the overdue partial indexes also hold whole_id, parent_id and ref (and id, on PostgreSQL), so that overdue lines (the
parts of one action count once) are counted and ranked from the index alone; open parts by organisation, for
the digest's count of actions with no recent update


Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# Frozen copy of bot.plans.models.OVERDUE_CANDIDATE_SQL as of this revision (unchanged since 0006).
OVERDUE_CANDIDATE_SQL = {
    "postgresql": (
        "status NOT IN ('done', 'dropped') AND open_ended IS false AND is_rollup IS false AND due_end IS NOT NULL"
    ),
    "sqlite": "status NOT IN ('done', 'dropped') AND open_ended IS 0 AND is_rollup IS 0 AND due_end IS NOT NULL",
}
BEFORE = {
    "ix_actions_overdue_by_org": ["organisation_id", "due_end", "plan_id", "status", "open_ended"],
    "ix_actions_overdue_by_plan": ["plan_id", "due_end", "organisation_id", "status", "open_ended"],
}
AFTER = {name: [*columns, "whole_id", "parent_id", "ref"] for name, columns in BEFORE.items()}
# Frozen copy of bot.plans.models.OPEN_PART_SQL as of this revision.
OPEN_PART_SQL = {
    "postgresql": "status NOT IN ('done', 'dropped') AND is_rollup IS false",
    "sqlite": "status NOT IN ('done', 'dropped') AND is_rollup IS 0",
}


def _rebuild(columns_by_index: dict[str, list[str]], include: list[str]) -> None:
    for name, columns in columns_by_index.items():
        op.drop_index(name, table_name="actions")
        op.create_index(
            name,
            "actions",
            columns,
            postgresql_include=include,
            postgresql_where=sa.text(OVERDUE_CANDIDATE_SQL["postgresql"]),
            sqlite_where=sa.text(OVERDUE_CANDIDATE_SQL["sqlite"]),
        )


def upgrade() -> None:
    _rebuild(AFTER, include=["id"])
    op.create_index(
        "ix_actions_open_parts_by_org",
        "actions",
        ["organisation_id", "status_changed_at"],
        postgresql_where=sa.text(OPEN_PART_SQL["postgresql"]),
        sqlite_where=sa.text(OPEN_PART_SQL["sqlite"]),
    )


def downgrade() -> None:
    op.drop_index("ix_actions_open_parts_by_org", table_name="actions")
    _rebuild(BEFORE, include=[])
