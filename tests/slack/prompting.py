"""Sending a status prompt through the bot's Slack chat port and clicking its buttons, for tests over HTTP
and over Socket Mode alike."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import func, select

from bot.clock import london_today
from bot.plans.models import StatusUpdate
from bot.runtime import Runtime
from bot.slack.surface import slack
from bot.storage.database import Database
from tests.bundles import queue_bundle
from tests.helpers import action
from tests.stand_ins.slack_api import SlackApiStandIn


class RunningBot(Protocol):
    runtime: Runtime
    slack: SlackApiStandIn

    @property
    def database(self) -> Database: ...


def send_status_prompt(bot: RunningBot, user_id: str) -> tuple[dict[str, Any], str]:
    """Links the owner of esr/1.a to `user_id`, queues today's bundle of that one action for them and DMs it;
    returns the posted message and its ts."""
    port = slack.chat_port(bot.runtime)
    assert port is not None
    with bot.database.unit_of_work() as session:
        target = action(session, "esr/1.a")
        assert target.owner is not None
        target.owner.slack_user_id = user_id
        now = bot.runtime.clock.now()
        prompt = queue_bundle(session, recipient=target.owner, actions=[target], day=london_today(bot.runtime.clock),
                              now=now)  # fmt: skip
        delivered = port.send_to_person(target.owner, prompt)
    assert delivered.conversation == f"D{user_id}"
    return bot.slack.calls_to("chat.postMessage")[-1].params, delivered.message_id


def click_payload(
    message: dict[str, Any], ts: str, user_id: str, element: dict[str, Any], *, response_url: str
) -> dict[str, Any]:
    channel = message["channel"]
    return {"type": "block_actions", "user": {"id": user_id}, "trigger_id": "trigger-9",
            "container": {"type": "message", "channel_id": channel, "message_ts": ts},
            "channel": {"id": channel}, "message": {"ts": ts, "blocks": message["blocks"]},
            "response_url": response_url, "actions": [{"block_id": "prompt", **element}]}  # fmt: skip


def prompt_elements(message: dict[str, Any], row: int = 0) -> list[dict[str, Any]]:
    """The controls of the message's `row`-th actions block, each with that block's id as Slack sends it."""
    block = [b for b in message["blocks"] if b["type"] == "actions"][row]
    return [{**element, "block_id": block["block_id"]} for element in block["elements"]]


def status_updates(bot: RunningBot) -> int:
    with bot.database.unit_of_work() as session:
        target = action(session, "esr/1.a")
        return int(session.scalar(select(func.count(StatusUpdate.id)).where(StatusUpdate.action_id == target.id)) or 0)
