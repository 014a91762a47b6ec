"""The Slack Web API client every part of the surface shares, with Slack's own retry rules built in."""

from __future__ import annotations

from http.client import RemoteDisconnected
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator

from bot.config import Settings

# Bounded on purpose: a message that still fails is left to the outbox, which retries later without
# holding a web request (or the scheduler) hostage.
RATE_LIMIT_RETRIES = 2
SERVER_ERROR_RETRIES = 2
CONNECTION_RETRIES = 2
TIMEOUT_SECONDS = 10


def web_client(settings: Settings) -> WebClient:
    """429 → wait Retry-After and retry; 5xx, resets and timeouts → retry with backoff."""
    backoff = BackoffRetryIntervalCalculator(backoff_factor=0.5)
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_base_url,
        timeout=TIMEOUT_SECONDS,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES, interval_calculator=backoff),
            ConnectionErrorRetryHandler(
                max_retry_count=CONNECTION_RETRIES,
                interval_calculator=backoff,
                error_types=[URLError, ConnectionResetError, RemoteDisconnected, TimeoutError],
            ),
        ],
    )
