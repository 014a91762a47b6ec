"""inbound delivery records indexed by when they arrived, so the daily job forgetting those older than a week
reads only them.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_processed_deliveries_received_at", "processed_deliveries", ["received_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_processed_deliveries_received_at", table_name="processed_deliveries")
