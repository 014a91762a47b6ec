"""Checks on a request to /slack/events before Bolt sees it. Bolt answers HTTP 500 to a timestamp header
that is not a number and to a `payload=` that is not JSON; those get 400 here. A signed request seen before
(the same timestamp and signature, which Slack never sends twice) is acknowledged and not applied again:
a copy replayed by someone who captured it within Slack's five-minute window changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from slack_sdk.signature import SignatureVerifier
from starlette.responses import PlainTextResponse, Response

from bot.storage.database import Database
from bot.storage.delivery import first_seen

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
