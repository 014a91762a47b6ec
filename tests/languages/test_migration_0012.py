"""Migration 0012 goes down to the revision before it (the languages and the Welsh columns gone, the data kept)
and up again."""

from __future__ import annotations

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from bot.storage.database import Database
from bot.storage.migrate import alembic_config, upgrade_to_head

WELSH = {"organisations": {"name_cy"}, "levels": {"label_cy", "definition_cy", "expected_actions_cy"},
         "actions": {"title_cy", "expected_output_cy"}, "people": {"language", "language_offered_at"}}  # fmt: skip


def _columns(database: Database, table: str) -> set[str]:
    with database.engine.connect() as connection:
        return {column["name"] for column in inspect(connection).get_columns(table)}


def test_0012_goes_down_and_up_again(seeded_url: str) -> None:
    database = Database.from_url(seeded_url)
    config = alembic_config(seeded_url)
    before = ScriptDirectory.from_config(config).get_revision("0012").down_revision
    command.downgrade(config, str(before))
    assert all(not columns & _columns(database, table) for table, columns in WELSH.items())
    with database.engine.connect() as connection:
        assert "channel_languages" not in inspect(connection).get_table_names()
    upgrade_to_head(seeded_url)
    assert all(columns <= _columns(database, table) for table, columns in WELSH.items())
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM actions")).scalar_one() > 50
        assert "channel_languages" in inspect(connection).get_table_names()
    database.engine.dispose()
