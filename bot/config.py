"""Every setting has one home: here. Each field is read from an environment variable of the same name
(upper case) or from an optional `.env` file, and is listed in the README."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default="sqlite:///milestones.db",
        description="SQLAlchemy URL. SQLite file by default; postgresql+psycopg://user@host/db in production.",
    )
    data_dir: Path = Field(default=REPO_DATA_DIR, description="Folder with the shipped plans and directory.")
    log_level: str = Field(default="INFO", description="Python logging level.")

    slack_bot_token: str | None = Field(default=None, description="Bot token (xoxb-…) of the Slack app.")
    slack_signing_secret: str | None = Field(default=None, description="Signing secret of the Slack app.")
    slack_app_token: str | None = Field(default=None, description="App-level token (xapp-…): Socket Mode.")
    slack_api_base_url: str = Field(
        default="https://slack.com/api/", description="Slack Web API base URL; point at a local stand-in offline."
    )

    teams_client_id: str | None = Field(default=None, description="Entra app (client) id of the Teams bot.")
    teams_client_secret: str | None = Field(default=None, description="Client secret of the Teams bot.")
    teams_tenant_id: str | None = Field(default=None, description="Entra tenant id (single-tenant bots).")
    teams_connector_base_url: str | None = Field(
        default=None, description="Override of the Bot Connector service URL (local stand-in in tests)."
    )

    host: str = Field(default="0.0.0.0", description="Address `serve` listens on.")
    port: int = Field(default=3000, description="Port `serve` listens on.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
