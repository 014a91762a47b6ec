"""Wiring shared by every entry point: settings → database (schema upgraded) → clock."""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.server.log_records import AccessLogSignatures, JsonFormatter, SingleLineFormatter
from bot.storage.database import Database
from bot.storage.migrate import upgrade_to_head


def open_database(settings: Settings, *, upgrade: bool = True) -> Database:
    if upgrade:
        upgrade_to_head(settings.database_url)
    return Database.from_url(settings.database_url)


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
