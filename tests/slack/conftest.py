"""A running bot for each Slack test: the real app under uvicorn, the seeded SQLite database, the fixed
clock, and the Slack Web API stand-in it talks to."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.storage.database import Database
from tests.live_server import ServerThread
from tests.slack.harness import SlackSender
from tests.stand_ins.slack_api import SlackApiStandIn

SIGNING_SECRET = "test-signing-secret"


@dataclass
class SlackBot:
    runtime: Runtime
    slack: SlackApiStandIn
    sender: SlackSender

    @property
    def database(self) -> Database:
        return self.runtime.database


def slack_settings(api_url: str, database: Database) -> Settings:
    return Settings(slack_bot_token="xoxb-test", slack_signing_secret=SIGNING_SECRET, slack_app_token=None,
                    slack_api_base_url=api_url, database_url=str(database.engine.url))  # fmt: skip


@pytest.fixture
def slack_bot(sqlite_db: Database, clock: FixedClock) -> Iterator[SlackBot]:
    slack = SlackApiStandIn().start()
    runtime = Runtime(settings=slack_settings(slack.url, sqlite_db), database=sqlite_db, clock=clock)
    server = ServerThread(build_app(runtime)).start()
    sender = SlackSender(server.url, SIGNING_SECRET, slack.response_url())
    yield SlackBot(runtime, slack, sender)
    sender.close()
    server.stop()
    slack.stop()
