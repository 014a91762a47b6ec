"""Socket Mode: Slack delivers over a websocket the bot opens, so no public URL is needed. Used when
SLACK_APP_TOKEN is set; the listeners are the same as over HTTP."""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.runtime import Runtime
from bot.slack.surface import slack

log = logging.getLogger(__name__)


def start_socket_mode(runtime: Runtime) -> SocketModeHandler | None:
    """Connects in the background (the caller's server keeps the process alive), or None when not configured."""
    settings = runtime.settings
    if not settings.slack_app_token or not settings.slack_bot_token:
        return None
    handler = SocketModeHandler(slack.app(runtime), app_token=settings.slack_app_token)
    handler.connect()  # type: ignore[no-untyped-call]
    log.info("Slack Socket Mode connected")
    return handler
