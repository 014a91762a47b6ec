"""A running bot for each Teams test: the real app under uvicorn (auth relaxed for tests only, which the
settings allow because the connector is a localhost stand-in), the seeded SQLite database, the fixed clock,
and the stand-in Bot Connector the bot talks to."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from bot.clock import FixedClock
from bot.config import Settings
from bot.directory.models import Person
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.storage.database import Database
from bot.teams.port import TeamsChatPort
from bot.teams.surface import chat_port
from tests.helpers import person
from tests.live_server import ServerThread
from tests.stand_ins.teams_connector import StandInConnector
from tests.teams.activities import Chat, TeamsUser

_users = itertools.count(1)


def teams_settings(connector_url: str, database: Database, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": str(database.engine.url),
        "teams_client_id": "11111111-2222-3333-4444-555555555555",
        "teams_allow_unauthenticated": True,
        "teams_connector_base_url": connector_url,
        "teams_retry_base_seconds": 0.01,
        "teams_retry_max_seconds": 0.05,
    }
    return Settings(**(values | overrides))


@dataclass
class TeamsBotUnderTest:
    runtime: Runtime
    connector: StandInConnector
    server: ServerThread
    http: httpx.Client
    # What the activities say their serviceUrl is; the override sends replies to the stand-in instead.
    service_url: str = "https://smba.trafficmanager.net/emea/"

    @property
    def database(self) -> Database:
        return self.runtime.database

    def post(self, activity: dict[str, Any]) -> httpx.Response:
        return self.http.post("/api/messages", json=activity)

    def port(self) -> TeamsChatPort:
        port = chat_port(self.runtime)
        assert port is not None
        return port

    def user_for(self, email: str) -> TeamsUser:
        """A directory person as Teams knows them: a connector user id and an Entra object id."""
        with self.database.unit_of_work() as session:
            name = person(session, email).name
        n = next(_users)
        user = TeamsUser(user_id=f"29:user-{n}", aad_object_id=f"aad-{n:04d}", name=name)
        self.connector.add_member(user.user_id, email=email, aad_object_id=user.aad_object_id, name=name)
        return user

    def person(self, email: str) -> Person:
        with self.database.unit_of_work() as session:
            return person(session, email)


def personal_chat(user: TeamsUser) -> Chat:
    return Chat(f"a:personal-{user.user_id}", "personal")


CHANNEL = Chat("19:general@thread.tacv2", "channel")


@pytest.fixture
def teams_bot(sqlite_db: Database, clock: FixedClock) -> Iterator[TeamsBotUnderTest]:
    connector = StandInConnector().start()
    runtime = Runtime(settings=teams_settings(connector.url, sqlite_db), database=sqlite_db, clock=clock)
    server = ServerThread(build_app(runtime)).start()
    http = httpx.Client(base_url=server.url, timeout=10)
    yield TeamsBotUnderTest(runtime, connector, server, http)
    http.close()
    server.stop()
    connector.stop()
