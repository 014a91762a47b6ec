"""Schema upgrades through Alembic, run by `milestones-bot init` and at server start.

Alembic is imported only when there is something to upgrade: importing it and loading the migration
scripts costs about a third of a second, which every `say` and every server start paid to learn that the
schema was already current. Whether it is current is read without it: the newest revision from the scripts'
own `revision` / `down_revision` lines, the database's from Alembic's version table."""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"  # Alembic's default; env.py does not rename it


def alembic_config(database_url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(database_url), "head")


def upgrade_unless_current(engine: Engine, database_url: str) -> None:
    with engine.connect() as connection:
        current = current_revision(connection)
    if current is None or current != head_revision():
        upgrade_to_head(database_url)


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration this code ships: the one revision no other names as its `down_revision` (None
    when the scripts do not form one line, which Alembic itself then reports on upgrade)."""
    revisions: set[str] = set()
    replaced: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        chain = _revision_lines(script)
        revisions.update(_names(chain.get("revision")))
        replaced.update(_names(chain.get("down_revision")))
    heads = revisions - replaced
    return heads.pop() if len(heads) == 1 else None


def _revision_lines(script: Path) -> dict[str, object]:
    """The literal values of a script's `revision = …` and `down_revision = …` lines."""
    found: dict[str, object] = {}
    for statement in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(statement, ast.AnnAssign | ast.Assign) and statement.value is not None:
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
                    found[target.id] = ast.literal_eval(statement.value)
    return found


def _names(value: object) -> list[str]:
    """A revision line names one revision, none (None) or several (a merge: a tuple)."""
    if isinstance(value, str):
        return [value]
    return [name for name in value if isinstance(name, str)] if isinstance(value, tuple | list) else []


def current_revision(connection: Connection) -> str | None:
    """The migration the database was last upgraded to (None before the first)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return versions[0] if len(versions) == 1 else None
