"""partial indexes for overdue actions, people by lower(email); drop indexes others already cover

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# Frozen copy of bot.plans.models.OVERDUE_CANDIDATE_SQL as of this revision.
OVERDUE_CANDIDATE_SQL = {
    "postgresql": "status NOT IN ('done', 'dropped') AND open_ended IS false AND due_end IS NOT NULL",
    "sqlite": "status NOT IN ('done', 'dropped') AND open_ended IS 0 AND due_end IS NOT NULL",
}
PARTIAL_INDEXES = {
    "ix_actions_overdue_by_org": ["organisation_id", "due_end", "plan_id", "status", "open_ended"],
    "ix_actions_overdue_by_plan": ["plan_id", "due_end", "organisation_id", "status", "open_ended"],
}


def upgrade() -> None:
    for name, columns in PARTIAL_INDEXES.items():
        op.create_index(
            name,
            "actions",
            columns,
            postgresql_where=sa.text(OVERDUE_CANDIDATE_SQL["postgresql"]),
            sqlite_where=sa.text(OVERDUE_CANDIDATE_SQL["sqlite"]),
        )
    op.create_index("ix_people_email_lower", "people", [sa.text("lower(email)")])
    # Superseded by the partial indexes; plan_id alone is the prefix of uq_actions_plan_id_ref.
    op.drop_index("ix_actions_org_overdue", table_name="actions")
    op.drop_index("ix_actions_due_overdue", table_name="actions")
    op.drop_index("ix_actions_plan_id", table_name="actions")


def downgrade() -> None:
    op.drop_index("ix_people_email_lower", table_name="people")
    op.create_index("ix_actions_plan_id", "actions", ["plan_id"])
    op.create_index("ix_actions_due_overdue", "actions", ["due_end", "status", "open_ended", "plan_id"])
    op.create_index(
        "ix_actions_org_overdue", "actions", ["organisation_id", "due_end", "status", "open_ended", "plan_id"]
    )
    for name in PARTIAL_INDEXES:
        op.drop_index(name, table_name="actions")
