"""Slack users' locales, remembered per process for a while. Someone who has not chosen a language is
answered in their Slack locale, and asking `users.info` for it on every command cost a Web API round trip
per answer: on bench/slack_overdue.py, more than anything else the bot does for a cached answer. A change
of language in Slack's own settings shows within KEPT_SECONDS; a failed lookup is not remembered."""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

KEPT_SECONDS = 600
# Users remembered per process: a few hundred kB at most.
USERS_KEPT = 5_000


class SlackLocales:
    """`monotonic` is injectable for tests."""

    def __init__(self, *, kept_seconds: float = KEPT_SECONDS, max_users: int = USERS_KEPT,
                 monotonic: Callable[[], float] = time.monotonic) -> None:  # fmt: skip
        self.kept_seconds = kept_seconds
        self.max_users = max_users
        self.monotonic = monotonic
        self._asked: OrderedDict[str, tuple[float, str | None]] = OrderedDict()
        self._lock = Lock()

    def locale(self, client: WebClient, user_id: str) -> str | None:
        """The user's Slack locale (`cy-GB`, `en-GB`), or None when Slack has none (or could not say)."""
        now = self.monotonic()
        with self._lock:
            entry = self._asked.get(user_id)
            if entry is not None and now - entry[0] < self.kept_seconds:
                return entry[1]
        try:
            response = client.users_info(user=user_id, include_locale=True)
        except SlackApiError as problem:
            log.warning("users.info (locale) failed for %s: %s", user_id, problem.response.get("error"))
            return None
        found = (response.get("user") or {}).get("locale")
        locale = str(found) if found else None
        with self._lock:
            self._asked[user_id] = (now, locale)
            self._asked.move_to_end(user_id)
            while len(self._asked) > self.max_users:
                self._asked.popitem(last=False)
        return locale
