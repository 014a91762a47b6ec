"""identifier_refusals: how often the patient-identifier guard refused a text (kind, source, when; never the text)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "identifier_refusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("refused_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identifier_refusals")),
    )
    op.create_index(op.f("ix_identifier_refusals_refused_at"), "identifier_refusals", ["refused_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_identifier_refusals_refused_at"), table_name="identifier_refusals")
    op.drop_table("identifier_refusals")
