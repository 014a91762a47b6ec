"""Replies to a slash command or a click, posted to the `response_url` Slack sent with it. Bolt's `respond()`
opens a new connection (TCP and TLS) for every reply; here one pooled HTTP client per app keeps its
connections to Slack open, so a reply costs one request."""

from __future__ import annotations

import logging
from typing import Any

import httpx

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
# Connection failures only (the request never reached Slack), as bolt's respond() retries them.
CONNECT_RETRIES = 1


class Responder:
    def __init__(self) -> None:
        self._client = httpx.Client(timeout=TIMEOUT_SECONDS, transport=httpx.HTTPTransport(retries=CONNECT_RETRIES))

    def __call__(self, response_url: str | None, **message: Any) -> None:
        """Posts the message; a failure is logged (the request is already acknowledged, and the work done)."""
        if response_url is None:
            log.warning("no response_url to reply to")
            return
        try:
            response = self._client.post(response_url, json=message)
        except httpx.HTTPError as problem:
            log.warning("could not reach the response_url: %s", type(problem).__name__)
            return
        if response.status_code >= 400:
            log.warning("the response_url refused the reply: %s %s", response.status_code, response.text[:200])
