"""`/escalation today` from Slack with the dashboard enabled: the reply keeps its text and adds an image block
whose address the running server answers with the tile picture, as Slack would fetch it (no cookies)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PIL import Image

from bot.clock import FixedClock
from bot.dashboard.tile_picture import tile_box
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.storage.database import Database
from tests.dashboard.live import record_reports
from tests.helpers import ADMIN
from tests.live_server import ServerThread, free_port
from tests.slack.conftest import SIGNING_SECRET, SlackBot, slack_settings
from tests.slack.harness import SlackSender
from tests.stand_ins.slack_api import SlackApiStandIn


@pytest.fixture
def slack_with_dashboard(sqlite_db: Database, clock: FixedClock) -> Iterator[SlackBot]:
    record_reports(sqlite_db, clock)
    slack = SlackApiStandIn().start()
    port = free_port()
    settings = slack_settings(slack.url, sqlite_db).model_copy(
        update={
            "dashboard_enabled": True,
            "dashboard_secret": "slack-test-7c1e4a9b2f6d8035e1b7c4a92d6f3e08",
            "dashboard_base_url": f"http://127.0.0.1:{port}",
        }
    )
    runtime = Runtime(settings=settings, database=sqlite_db, clock=clock)
    server = ServerThread(build_app(runtime), port).start()
    sender = SlackSender(server.url, SIGNING_SECRET, slack.response_url())
    yield SlackBot(runtime, slack, sender)
    sender.close()
    server.stop()
    slack.stop()


def _today_blocks(bot: SlackBot) -> list[dict[str, Any]]:
    bot.slack.add_user("UADMIN", ADMIN)
    assert bot.sender.slash("/escalation", "today org:cvuhb", user_id="UADMIN").status_code == 200
    (call,) = bot.slack.wait_for("response:default")
    return call.blocks


def test_escalation_today_carries_the_tile_picture(slack_with_dashboard: SlackBot) -> None:
    blocks = _today_blocks(slack_with_dashboard)
    (image,) = [b for b in blocks if b["type"] == "image"]
    base = slack_with_dashboard.runtime.settings.dashboard_base_url
    assert image["image_url"].startswith(f"{base}/dashboard/tiles.png?org=cvuhb&")
    assert image["alt_text"].startswith("Escalation tiles for Cardiff and Vale")
    assert sum(b["type"] == "section" for b in blocks) >= 8  # every service's lines are still there
    fetched = httpx.get(image["image_url"])
    assert fetched.status_code == 200 and fetched.headers["content-type"] == "image/png"
    picture = Image.open(io.BytesIO(fetched.content)).convert("RGB")
    _left, _top, right, bottom = tile_box(0)
    assert picture.getpixel((right - 4, bottom - 4)) != (255, 255, 255)  # a tile, in a level's colour


def test_no_image_block_when_the_dashboard_is_off(slack_bot: SlackBot) -> None:
    assert all(b["type"] != "image" for b in _today_blocks(slack_bot))
