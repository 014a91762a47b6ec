"""`escalation today` in Teams with the dashboard enabled: the card keeps every line of text and adds an Image
whose address the running server answers with the tile picture; with the dashboard off there is no Image."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PIL import Image

from bot.clock import FixedClock
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.storage.database import Database
from tests.helpers import ADMIN, say
from tests.live_server import ServerThread, free_port
from tests.stand_ins.teams_connector import StandInConnector
from tests.teams.activities import block_text, message
from tests.teams.conftest import TeamsBotUnderTest, personal_chat, teams_settings


@pytest.fixture
def teams_with_dashboard(sqlite_db: Database, clock: FixedClock) -> Iterator[TeamsBotUnderTest]:
    connector = StandInConnector().start()
    port = free_port()
    secret = "teams-test-0f3b9c2a7d4e8156a9c3f0e2b7d41a6c"
    settings = teams_settings(connector.url, sqlite_db, dashboard_enabled=True, dashboard_secret=secret,
                              dashboard_base_url=f"http://127.0.0.1:{port}")  # fmt: skip
    server = ServerThread(build_app(Runtime(settings=settings, database=sqlite_db, clock=clock)), port).start()
    http = httpx.Client(base_url=server.url, timeout=10)
    yield TeamsBotUnderTest(Runtime(settings, sqlite_db, clock), connector, server, http)
    http.close()
    server.stop()
    connector.stop()


def _images(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [element for element in card["body"] if element["type"] == "Image"]


def _ask_today(bot: TeamsBotUnderTest) -> dict[str, Any]:
    user = bot.user_for(ADMIN)
    assert (
        bot.post(message(user, personal_chat(user), "/escalation today org:cvuhb", bot.service_url)).status_code == 200
    )
    (call,) = bot.connector.sent()
    return call.card


def test_the_card_adds_the_tile_picture_the_server_serves(teams_with_dashboard: TeamsBotUnderTest) -> None:
    card = _ask_today(teams_with_dashboard)
    (image,) = _images(card)
    assert image["url"].startswith(f"{teams_with_dashboard.server.url}/dashboard/tiles.png?org=cvuhb&")
    assert image["altText"].startswith("Escalation tiles for Cardiff and Vale")
    fetched = httpx.get(image["url"])
    assert fetched.status_code == 200 and fetched.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(fetched.content)).format == "PNG"
    with teams_with_dashboard.database.unit_of_work() as session:
        text = say(session, teams_with_dashboard.runtime.clock, "/escalation today org:cvuhb", None)
    # Section headings are the text blocks spaced apart from what comes before (the title is not).
    headings = [block_text(e) for e in card["body"] if e["type"] == "RichTextBlock" and e.get("spacing") == "Medium"]
    assert [s.heading for s in text.sections] == headings


def test_no_picture_when_the_dashboard_is_off(teams_bot: TeamsBotUnderTest) -> None:
    assert _images(_ask_today(teams_bot)) == []
