"""Checks on a request to /slack/events before Bolt sees it. Bolt answers HTTP 500 to a timestamp header
that is not a number and to a `payload=` that is not JSON; those get 400 here. A signed request seen before
(the same timestamp and signature, which Slack never sends twice) is acknowledged and not applied again:
a copy replayed by someone who captured it within Slack's five-minute window changes nothing.

Recording a request to recognise its copies is a write and a commit before the answer, the largest part of
what a cached answer cost the bot. A private answer to a command that only reads needs none: a replayed copy
can only show its asker the same answer again (`replay_changes_nothing`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from slack_bolt.request.payload_utils import is_slash_command
from slack_sdk.signature import SignatureVerifier
from starlette.responses import PlainTextResponse, Response

from bot.governance.identifiers import has_identifier
from bot.storage.database import Database
from bot.storage.delivery import first_seen
from commands.dispatch import READS_ONLY
from commands.grammar import parse

TIMESTAMP = "x-slack-request-timestamp"
SIGNATURE = "x-slack-signature"
BAD_TIMESTAMP = PlainTextResponse("X-Slack-Request-Timestamp must be a number of seconds.", status_code=400)
BAD_BODY = PlainTextResponse("The request body is not a Slack payload.", status_code=400)


def malformed_headers(headers: Mapping[str, str]) -> Response | None:
    timestamp = headers.get(TIMESTAMP)
    if timestamp is not None and not (timestamp.isascii() and timestamp.isdigit()):
        return BAD_TIMESTAMP
    return None


def first_sight(database: Database, secret: str, headers: Mapping[str, str], body: bytes, *, now: datetime) -> bool:
    """False for a correctly signed request whose timestamp and signature were seen before. Unsigned or
    wrongly signed requests are left for Bolt to refuse (401), and never recorded."""
    timestamp, signature = headers.get(TIMESTAMP, ""), headers.get(SIGNATURE, "")
    if not timestamp or not signature or not SignatureVerifier(secret).is_valid(body, timestamp, signature):
        return True
    return first_seen(database, f"slack:request:{timestamp}:{signature}", at=now)


def replay_changes_nothing(body: dict[str, Any], *, today: date) -> bool:
    """True for a slash command that only reads and answers its asker alone: replayed, it answers the same
    person again and changes nothing. A command that may change data, an answer posted in a channel, a text
    holding a patient identifier (each refusal is counted) and every click, submission and event are not."""
    if not is_slash_command(body):
        return False
    words = f"{body.get('command', '')} {body.get('text', '')}".strip()
    command = parse(words)
    return (isinstance(command, READS_ONLY) and not getattr(command, "public", False)
            and not has_identifier(words, today=today))  # fmt: skip
