"""Wiring shared by every entry point: settings → database (schema upgraded) → clock."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.storage.database import Database
from bot.storage.migrate import upgrade_to_head


def open_database(settings: Settings, *, upgrade: bool = True) -> Database:
    if upgrade:
        upgrade_to_head(settings.database_url)
    return Database.from_url(settings.database_url)


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Alembic announces every migration step at INFO; people running `say` only want the answer.
    logging.getLogger("alembic").setLevel(logging.WARNING)
