"""The Slack chat port: how the scheduler's sender reaches people and channels on Slack."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.delivery.pacing import SLACK_LIMITS
from bot.delivery.port import Delivered, DeliveryFailed
from bot.directory.models import Person
from bot.slack.blocks import fallback_text
from bot.slack.prompts import message_blocks
from commands.replies import Reply

log = logging.getLogger(__name__)

# Errors that another attempt cannot fix; anything else (429, 5xx, timeouts) is worth retrying later.
PERMANENT_ERRORS = frozenset({
    "account_inactive", "cannot_dm_bot", "channel_not_found", "invalid_auth", "invalid_blocks", "is_archived",
    "msg_too_long", "not_authed", "not_in_channel", "user_disabled", "user_not_found", "users_not_found",
})  # fmt: skip


def call(request: Callable[[], SlackResponse]) -> SlackResponse:
    """One Web API call (the client has already retried what it could), failures as DeliveryFailed."""
    try:
        return request()
    except SlackApiError as problem:
        code = str(problem.response.get("error") or problem.response.status_code)
        retry_after = problem.response.headers.get("Retry-After") if problem.response.status_code == 429 else None
        raise DeliveryFailed(f"slack: {code}", retry_after=float(retry_after) if retry_after else None,
                             permanent=code in PERMANENT_ERRORS) from problem  # fmt: skip
    except (URLError, TimeoutError, ConnectionError, RemoteDisconnected) as problem:
        raise DeliveryFailed(f"slack unreachable: {problem}") from problem


class SlackChatPort:
    platform = "slack"
    limits = SLACK_LIMITS

    def __init__(self, client: WebClient) -> None:
        self.client = client
        # Email → Slack user id for people not yet linked; only definite answers are remembered.
        self._by_email: dict[str, str | None] = {}
        # User id → the direct-message channel with the bot, which Slack keeps for good once opened.
        self._direct_channels: dict[str, str] = {}

    def can_reach(self, person: Person) -> bool:
        try:
            return self._user_id(person) is not None
        except DeliveryFailed:
            return False

    def send_to_person(self, person: Person, reply: Reply) -> Delivered:
        user_id = self._user_id(person)
        if user_id is None:
            raise DeliveryFailed(f"slack: no Slack user with the email {person.email}", permanent=True)
        if user_id not in self._direct_channels:
            opened = call(lambda: self.client.conversations_open(users=user_id))
            self._direct_channels[user_id] = str(opened["channel"]["id"])
        return self.send_to_channel(self._direct_channels[user_id], reply)

    def send_to_channel(self, channel: str, reply: Reply) -> Delivered:
        try:
            posted = self._post(channel, reply)
        except DeliveryFailed as failure:
            if reply.picture is None or failure.reason != "slack: invalid_blocks":
                raise
            # Slack downloads a picture when the message is posted and refuses the whole message when it
            # cannot (DASHBOARD_BASE_URL not reachable from Slack). The text is complete without it.
            address = reply.picture.url.split("?")[0]  # without the signature, which would grant access
            log.warning("Slack refused a message to %s with its picture %s; sending the text alone", channel, address)
            posted = self._post(channel, replace(reply, picture=None))
        return Delivered(platform=self.platform, conversation=str(posted["channel"]), message_id=str(posted["ts"]))

    def _post(self, channel: str, reply: Reply) -> SlackResponse:
        return call(lambda: self.client.chat_postMessage(channel=channel, blocks=message_blocks(reply),
                                                         text=fallback_text(reply)))  # fmt: skip

    def _user_id(self, person: Person) -> str | None:
        if person.slack_user_id:
            return person.slack_user_id
        if person.email not in self._by_email:
            try:
                found = call(lambda: self.client.users_lookupByEmail(email=person.email))
                self._by_email[person.email] = str(found["user"]["id"])
            except DeliveryFailed as failure:
                if not failure.permanent:
                    raise
                self._by_email[person.email] = None
        return self._by_email[person.email]
