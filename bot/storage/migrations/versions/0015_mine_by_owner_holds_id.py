"""a person's actions index also holds the action's id on PostgreSQL, so `mine` is counted and ranked from the
index alone (an index-only scan; without the id each of a person's actions cost a heap page). SQLite's
indexes carry the row id already.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

BY_OWNER = ["owner_id", "is_rollup", "status", "open_ended", "due_end", "plan_id", "ref"]


def upgrade() -> None:
    _rebuild(include=["id"])


def downgrade() -> None:
    _rebuild(include=[])


def _rebuild(include: list[str]) -> None:
    op.drop_index("ix_actions_by_owner", table_name="actions")
    op.create_index("ix_actions_by_owner", "actions", BY_OWNER, unique=False, postgresql_include=include)
