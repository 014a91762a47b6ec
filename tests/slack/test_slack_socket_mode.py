"""Socket Mode end to end: with SLACK_APP_TOKEN set the bot opens a websocket (to a local stand-in of
Slack's endpoint), acknowledges each envelope over it at once and answers through the same listeners as
over HTTP: the reply reaches the response_url, a click is recorded once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.clock import FixedClock
from bot.config import Settings
from bot.runtime import Runtime
from bot.slack.socket_mode import start_socket_mode
from bot.storage.database import Database
from tests.helpers import ADMIN
from tests.slack.prompting import click_payload, prompt_elements, send_status_prompt, status_updates
from tests.stand_ins.slack_api import SlackApiStandIn
from tests.stand_ins.slack_socket import SlackSocketStandIn


@dataclass
class SocketBot:
    runtime: Runtime
    slack: SlackApiStandIn
    socket: SlackSocketStandIn
    handler: SocketModeHandler

    @property
    def database(self) -> Database:
        return self.runtime.database


@pytest.fixture
def socket_bot(sqlite_db: Database, clock: FixedClock) -> Iterator[SocketBot]:
    slack, socket = SlackApiStandIn().start(), SlackSocketStandIn().start()
    slack.socket_url = socket.url
    # No signing secret: in Socket Mode nothing arrives over HTTP, so there is nothing to verify.
    settings = Settings(slack_bot_token="xoxb-test", slack_app_token="xapp-test", slack_signing_secret=None,
                        slack_api_base_url=slack.url, database_url=str(sqlite_db.engine.url))  # fmt: skip
    runtime = Runtime(settings=settings, database=sqlite_db, clock=clock)
    handler = start_socket_mode(runtime)
    assert handler is not None
    socket.wait_connected()
    yield SocketBot(runtime, slack, socket, handler)
    handler.close()  # type: ignore[no-untyped-call]
    socket.stop()
    slack.stop()


def slash_payload(text: str, response_url: str) -> dict[str, str]:
    return {"token": "legacy", "team_id": "T1", "channel_id": "C0CHANNEL", "user_id": "UADMIN",
            "command": "/milestones", "text": text, "response_url": response_url,
            "trigger_id": "trigger-1"}  # fmt: skip


def test_the_bot_connects_with_the_app_token(socket_bot: SocketBot) -> None:
    opened = socket_bot.slack.calls_to("apps.connections.open")
    assert opened and opened[0].status == 200


def test_a_slash_command_is_acknowledged_over_the_socket_and_answered(socket_bot: SocketBot) -> None:
    socket_bot.slack.add_user("UADMIN", ADMIN)
    sent = time.monotonic()
    envelope_id = socket_bot.socket.deliver("slash_commands", slash_payload("overdue", socket_bot.slack.response_url()))
    _ack, acked_at = socket_bot.socket.wait_for_ack(envelope_id)
    assert acked_at - sent < 1.0  # Slack allows three seconds
    replies = socket_bot.slack.wait_for("response:default")
    assert replies, "no reply reached the response_url"
    blocks = replies[0].params["blocks"]
    assert blocks[0]["text"]["text"] == "Overdue actions"
    assert "days overdue" in replies[0].text()


def test_a_click_delivered_twice_over_the_socket_is_recorded_once(socket_bot: SocketBot) -> None:
    message, ts = send_status_prompt(socket_bot, "UOWNER")
    before = status_updates(socket_bot)
    on_track = prompt_elements(message)[0]
    for _ in range(2):  # a double click: two envelopes with the same action
        envelope_id = socket_bot.socket.deliver(
            "interactive",
            click_payload(message, ts, "UOWNER", on_track, response_url=socket_bot.slack.response_url("click")),
        )
        socket_bot.socket.wait_for_ack(envelope_id)
    update = socket_bot.slack.wait_for("chat.update")
    assert update and update[0].params["ts"] == ts  # the prompt becomes the receipt
    time.sleep(0.3)  # room for a wrongly accepted second click to land
    assert status_updates(socket_bot) == before + 1
