"""`mine` by index: contributions by person (the primary key leads with action_id and cannot serve a person's
lookup), and a person's actions with what `mine` sorts and counts them by, so a page is ranked from the index
alone and only its rows are read

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

BY_OWNER = ["owner_id", "is_rollup", "status", "open_ended", "due_end", "plan_id", "ref"]


def upgrade() -> None:
    op.create_index("ix_action_contributors_person_id", "action_contributors", ["person_id"], unique=False)
    op.create_index("ix_actions_by_owner", "actions", BY_OWNER, unique=False)


def downgrade() -> None:
    op.drop_index("ix_actions_by_owner", table_name="actions")
    op.drop_index("ix_action_contributors_person_id", table_name="action_contributors")
