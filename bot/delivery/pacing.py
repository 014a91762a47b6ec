"""Keeping to the platforms' published rate limits, so messages leave at the pace a platform allows instead
of being refused (429) and retried after a whole-second Retry-After.

Each chat port declares its limits (`PublishedLimits`): per conversation, and per app (shared by every
process of the app). The sender asks the `Pacer` before each send how long to wait. Per-conversation
limits are kept by the process sending; that is enough because the outbox puts a recipient's messages far
apart in claim order (scheduler/outbox.py), so two processes rarely send to one conversation at once. An
app-wide limit is shared: each of the `senders` running processes keeps to an equal share of it."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Window:
    """At most `count` messages in any `seconds`."""

    count: int
    seconds: float


@dataclass(frozen=True)
class PublishedLimits:
    per_conversation: tuple[Window, ...] = ()
    per_app: Window | None = None


NO_LIMITS = PublishedLimits()
# Teams: per bot per conversation 7 messages a second and 60 in 30 seconds; 50 requests a second per app per
# tenant (one tenant assumed: NHS Wales shares one).
TEAMS_LIMITS = PublishedLimits(per_conversation=(Window(7, 1.0), Window(60, 30.0)), per_app=Window(50, 1.0))
# Slack: about one message a second in a channel (a direct message is a channel).
SLACK_LIMITS = PublishedLimits(per_conversation=(Window(1, 1.0),))
# Shares of a limit aimed for: what is left absorbs network jitter and the drift between processes.
CONVERSATION_MARGIN = 1.05
APP_HEADROOM = 0.95
# Conversations idle longer than this are forgotten (no published window is longer).
FORGET_AFTER_SECONDS = 60.0


@dataclass
class Pacer:
    """Send times per conversation and per app, in this process. `senders` counts the processes sharing
    the app-wide limits (scheduler/presence.py); `monotonic` is injectable for tests."""

    senders: Callable[[], int] = lambda: 1
    monotonic: Callable[[], float] = time.monotonic
    _conversations: dict[tuple[str, str], deque[float]] = field(default_factory=dict)
    _next_app_send: dict[str, float] = field(default_factory=dict)
    _forgot_at: float = 0.0

    def conversation_wait(self, platform: str, conversation: str, limits: PublishedLimits) -> float:
        """Seconds until the conversation's limits allow another message."""
        now = self.monotonic()
        return self._conversation_ready(platform, conversation, limits, now) - now

    def book(self, platform: str, conversation: str, limits: PublishedLimits) -> float:
        """Takes the earliest moment both the conversation and the app's share allow a message; returns
        the seconds to wait before sending it (the send is counted at that moment)."""
        now = self.monotonic()
        at = self._conversation_ready(platform, conversation, limits, now)
        if limits.per_app is not None:
            at = max(at, self._next_app_send.get(platform, at))
            share = limits.per_app.count / limits.per_app.seconds * APP_HEADROOM / max(1, self.senders())
            self._next_app_send[platform] = at + 1 / share
        if limits.per_conversation:
            longest = max(window.count for window in limits.per_conversation)
            self._conversations.setdefault((platform, conversation), deque(maxlen=longest)).append(at)
        self._forget_idle(now)
        return at - now

    def _conversation_ready(self, platform: str, conversation: str, limits: PublishedLimits, now: float) -> float:
        sent = self._conversations.get((platform, conversation), ())
        ready = now
        for window in limits.per_conversation:
            if len(sent) >= window.count:
                ready = max(ready, sent[-window.count] + window.seconds * CONVERSATION_MARGIN)
        return ready

    def _forget_idle(self, now: float) -> None:
        if now - self._forgot_at < FORGET_AFTER_SECONDS:
            return
        self._forgot_at = now
        idle = [key for key, sent in self._conversations.items() if sent[-1] < now - FORGET_AFTER_SECONDS]
        for key in idle:
            del self._conversations[key]
