"""Wiring shared by every entry point: settings → database (schema upgraded) → clock, held together as the
Runtime every surface is given. Surfaces import it from here; the server (bot/server/app.py) imports the
surfaces, never the reverse."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.config import Settings
from bot.server.log_records import AccessLogSignatures, JsonFormatter, SingleLineFormatter
from bot.storage.database import Database
from bot.storage.migrate import upgrade_unless_current

if TYPE_CHECKING:
    from commands.context import CommandObserver


@dataclass
class Runtime:
    """What every surface needs: settings, storage and the clock."""

    settings: Settings
    database: Database
    clock: Clock
    # The app's metrics, set by build_app: surfaces hand it to every command they answer.
    command_observer: CommandObserver | None = None


def open_database(settings: Settings, *, upgrade: bool = True) -> Database:
    database = Database.from_url(settings.database_url)
    if upgrade:
        upgrade_unless_current(database.engine, settings.database_url)
    return database


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    text = SingleLineFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    handler.setFormatter(JsonFormatter() if settings.log_format == "json" else text)
    logging.basicConfig(level=settings.log_level.upper(), handlers=[handler])
    # uvicorn's loggers propagate here (serve passes no log config of its own), so the same rules hold.
    logging.getLogger("uvicorn.access").addFilter(AccessLogSignatures())
    logging.getLogger("slack_bolt").setLevel(logging.WARNING)
    # Alembic announces every migration step at INFO; people running `say` only want the answer.
    logging.getLogger("alembic").setLevel(logging.WARNING)
