"""The real server on a free local port, and requests signed exactly as Slack signs them.

Shared by the Slack tests and bench/slack_overdue.py."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx


def signature(secret: str, timestamp: str, body: str) -> str:
    """Slack's v0 signature: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


class SlackSender:
    """Posts to /slack/events what Slack would post: form-encoded commands, `payload=` interactions, JSON events."""

    def __init__(self, server_url: str, secret: str, response_url: str) -> None:
        self.http = httpx.Client(base_url=server_url, timeout=10)
        self.secret = secret
        self.response_url = response_url

    def post(self, body: str, content_type: str, *, timestamp: float | None = None, secret: str | None = None,
             extra_headers: dict[str, str] | None = None, signed: bool = True) -> httpx.Response:  # fmt: skip
        ts = str(int(timestamp if timestamp is not None else time.time()))
        headers = {"Content-Type": content_type}
        if signed:
            headers |= {"X-Slack-Request-Timestamp": ts,
                        "X-Slack-Signature": signature(secret or self.secret, ts, body)}  # fmt: skip
        headers |= extra_headers or {}
        return self.http.post("/slack/events", content=body.encode(), headers=headers)

    def slash(self, command: str, text: str, *, user_id: str, channel_id: str = "C0CHANNEL",
              response_url: str | None = None, **options: Any) -> httpx.Response:  # fmt: skip
        form = {"token": "legacy", "team_id": "T1", "channel_id": channel_id, "user_id": user_id,
                "command": command, "text": text, "response_url": response_url or self.response_url,
                "trigger_id": "trigger-1"}  # fmt: skip
        return self.post(urlencode(form), "application/x-www-form-urlencoded", **options)

    def interaction(self, payload: dict[str, Any], **options: Any) -> httpx.Response:
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **options)

    def event(self, event: dict[str, Any], *, event_id: str, retry_num: int | None = None) -> httpx.Response:
        envelope = {"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                    "event_id": event_id, "event_time": int(time.time()), "event": event}  # fmt: skip
        retry = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else {}
        return self.post(json.dumps(envelope), "application/json", extra_headers=retry)

    def close(self) -> None:
        self.http.close()
