"""Every setting has one home: here. Each field is read from an environment variable of the same name
(upper case) or from an optional `.env` file, and is listed in the README."""

from __future__ import annotations

from datetime import time
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The shipped data is installed as a package of its own (see setup.py): the top-level data/ folder in a
# checkout or an editable install, site-packages/milestones_data in a wheel. Both are plain folders on disk.
SHIPPED_DATA_DIR = Path(str(files("milestones_data")))


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(
        default="sqlite:///milestones.db",
        description="SQLAlchemy URL. SQLite file by default; postgresql+psycopg://user@host/db in production.",
    )
    data_dir: Path = Field(
        default=SHIPPED_DATA_DIR,
        description="Folder with the plans, directory and escalation framework that `init --demo` loads "
        "(default: the data shipped with the package).",
    )
    log_level: str = Field(default="INFO", description="Python logging level.")
    log_format: Literal["text", "json"] = Field(
        default="text", description="Log records as one line of text, or as one JSON object a line (for collectors)."
    )
    metrics_enabled: bool = Field(
        default=True, description="Serve Prometheus metrics at /metrics (counts and timings only, no names or texts)."
    )

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
    teams_allow_unauthenticated: bool = Field(
        default=False,
        description="Accept Teams activities without JWT validation and call the connector without a token. "
        "Refused unless TEAMS_CONNECTOR_BASE_URL is a localhost stand-in (tests, offline trials).",
    )
    teams_retry_attempts: int = Field(
        default=4, description="Tries per Bot Connector call while it answers 429/412/502/504."
    )
    teams_retry_base_seconds: float = Field(
        default=0.5, description="First wait before retrying the Bot Connector; doubles per try, with jitter."
    )
    teams_retry_max_seconds: float = Field(
        default=10.0, description="Longest single wait before retrying the Bot Connector (caps Retry-After)."
    )

    scheduler_enabled: bool = Field(
        default=False,
        description="Run the scheduler and outbox sender inside the server (set true in production; one leader "
        "per database is elected on PostgreSQL).",
    )
    checkin_time: time = Field(default=time(9, 0), description="Daily escalation check-in (Europe/London).")
    chaser_time: time = Field(default=time(11, 0), description="Chaser to reporters who have not reported.")
    missed_report_time: time = Field(
        default=time(12, 0), description="When managers are told who has not reported (Europe/London)."
    )
    status_prompt_time: time = Field(default=time(10, 0), description="When status prompts go out on working days.")
    occurrences_time: time = Field(
        default=time(6, 0),
        description="When recurring actions' occurrences are extended to 13 months ahead (before the day's prompts).",
    )
    overdue_snapshot_time: time = Field(
        default=time(0, 5),
        description="When the overdue counts are rebuilt for the new day (Europe/London; `overdue` counts live "
        "until then).",
    )
    overdue_snapshot_check_seconds: int = Field(
        default=60,
        description="How often the scheduler leader checks that the overdue counts hold today and rebuilds them "
        "if not (after a write they could not follow).",
    )
    status_prompt_working_days_before: list[int] = Field(
        default=[14, 7, 1], description="Status prompts this many working days before the due date (and on it)."
    )
    overdue_prompt_every_days: int = Field(default=7, description="Days between prompts while an action is overdue.")
    prompt_quiet_days: int = Field(
        default=5, description="No status prompt when the action's status was recorded within this many days."
    )
    status_prompt_max_actions: int = Field(
        default=10,
        ge=1,
        le=12,
        description="Actions shown with their buttons in one status prompt (a page); the rest are counted, most "
        "urgent first, and reachable with a 'Show the next' button. At most 12, so that a page stays within "
        "Teams' message size (each action brings five buttons and a note box) and Slack's 50 blocks.",
    )
    digest_weekday: int = Field(default=0, description="Weekday of the weekly digest (0 = Monday).")
    digest_time: time = Field(default=time(8, 0), description="Time of the weekly digest (Europe/London).")
    report_pack_day: int = Field(
        default=1,
        ge=1,
        le=28,
        description="Day of the month on which last month's report packs are posted to channels subscribed to them "
        "(the next working day when that day is not one).",
    )
    report_pack_time: time = Field(default=time(8, 30), description="Time of the monthly report packs (London).")
    alert_scan_seconds: int = Field(default=60, description="How often new reports are checked for level alerts.")
    delivery_max_attempts: int = Field(default=6, description="Attempts before an outbox message is marked failed.")
    delivery_backoff_seconds: float = Field(
        default=30.0, description="First retry delay; doubles each attempt, with jitter, unless Retry-After says."
    )
    delivery_lease_seconds: int = Field(
        default=120, description="How long a sender owns a claimed message before another may retry it."
    )
    sender_poll_seconds: float = Field(default=2.0, description="How often the sender looks for due messages.")
    sender_batch_size: int = Field(default=100, description="Messages claimed per sender round.")
    leader_retry_seconds: float = Field(
        default=15.0, description="How often a non-leader process tries to become the scheduler leader."
    )

    host: str = Field(default="0.0.0.0", description="Address `serve` listens on.")
    port: int = Field(default=3000, description="Port `serve` listens on.")

    dashboard_enabled: bool = Field(default=False, description="Serve the read-only web dashboard under /dashboard.")
    dashboard_secret: str | None = Field(
        default=None, description="Key that signs dashboard access links and session cookies (required to enable)."
    )
    dashboard_base_url: str = Field(
        default="",
        description="Public address of the server, for dashboard links in digests "
        "(default: http://localhost:PORT, the port `serve` listens on).",
    )
    dashboard_trust_proxy_header: str | None = Field(
        default=None,
        description="Header carrying the signed-in user's email from an OIDC/Entra reverse proxy (e.g. "
        "X-Forwarded-Email). Only set it when the proxy strips this header from clients' requests.",
    )
    dashboard_session_hours: int = Field(default=12, description="How long a dashboard session cookie lasts.")

    @model_validator(mode="after")
    def _local_dashboard_by_default(self) -> Settings:
        if not self.dashboard_base_url:
            self.dashboard_base_url = f"http://localhost:{self.port}"
        return self

    def served_on(self, port: int | None) -> Settings:
        """These settings for a server on `port`: links follow the port unless DASHBOARD_BASE_URL was set."""
        if port is None or port == self.port:
            return self
        own_url = self.dashboard_base_url == f"http://localhost:{self.port}"
        return self.model_copy(
            update={"port": port} | ({"dashboard_base_url": f"http://localhost:{port}"} if own_url else {})
        )

    @property
    def slack_configured(self) -> bool:
        """Slack is in use (its HTTP route also needs the signing secret, Socket Mode the app token)."""
        return bool(self.slack_bot_token)

    @property
    def teams_configured(self) -> bool:
        return bool(self.teams_client_id) or self.teams_allow_unauthenticated


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
