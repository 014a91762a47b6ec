"""overdue rebuild aside: the overdue snapshot is rebuilt without holding its lock (issue 14). Its row says
when a rebuild started and whether a write it could not follow came meanwhile; the lines written meanwhile
wait in `overdue_pending_lines` for the rebuild's last step.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("overdue_snapshot") as batch:
        batch.add_column(sa.Column("building_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("missed", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "overdue_pending_lines",
        sa.Column("organisational", sa.Boolean(), nullable=False),
        sa.Column("line_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("organisational", "line_id", name=op.f("pk_overdue_pending_lines")),
    )


def downgrade() -> None:
    op.drop_table("overdue_pending_lines")
    with op.batch_alter_table("overdue_snapshot") as batch:
        batch.drop_column("missed")
        batch.drop_column("building_since")
