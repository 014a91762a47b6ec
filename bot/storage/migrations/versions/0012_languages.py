"""languages: each person's language and when the choice was offered, a language per channel, and the Welsh
of shipped and imported data (organisation, service and plan names, levels, recommendation and action titles)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-27
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# Nullable: no Welsh means the English is shown (bot.i18n.local), so existing rows need no backfill.
WELSH_COLUMNS: dict[str, list[tuple[str, sa.types.TypeEngine[Any]]]] = {
    "organisations": [("name_cy", sa.String(length=200))],
    "services": [("name_cy", sa.String(length=200))],
    "plans": [("name_cy", sa.String(length=300))],
    "levels": [("label_cy", sa.String(length=100)), ("definition_cy", sa.Text()), ("expected_actions_cy", sa.JSON())],
    "recommendations": [("title_cy", sa.Text())],
    "actions": [("title_cy", sa.Text()), ("expected_output_cy", sa.Text())],
}


# Plain ADD/DROP COLUMN (SQLite has both since 3.35): no table is rebuilt, so the partial indexes on
# `actions` are left as they are.
def upgrade() -> None:
    op.add_column("people", sa.Column("language", sa.String(length=8), nullable=True))
    op.add_column("people", sa.Column("language_offered_at", sa.DateTime(timezone=True), nullable=True))
    for table, columns in WELSH_COLUMNS.items():
        for name, type_ in columns:
            op.add_column(table, sa.Column(name, type_, nullable=True))
    op.create_table(
        "channel_languages",
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["people.id"], name=op.f("fk_channel_languages_set_by_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("platform", "channel_id", name=op.f("pk_channel_languages")),
    )


def downgrade() -> None:
    op.drop_table("channel_languages")
    for table, columns in WELSH_COLUMNS.items():
        for name, _type in reversed(columns):
            op.drop_column(table, name)
    op.drop_column("people", "language_offered_at")
    op.drop_column("people", "language")
