"""The platforms' published rate limits, enforced by the stand-ins when asked (`SlackApiStandIn.enforce`,
`StandInConnector.enforce`): a message over a limit is refused, as the platform would, with 429 and a
Retry-After in whole seconds. Accepted messages are counted by unique key (conversation and content), so a
benchmark or test can tell lost and duplicated messages apart from merely retried ones.

Only accepted messages count towards a window (a refused request does not use up the allowance)."""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from bot.delivery.pacing import PublishedLimits, Window

# No published window holds more than 60 messages, so older sends can no longer matter.
KEEP = 60


@dataclass
class Enforcer:
    limits: PublishedLimits
    accepted: Counter[str] = field(default_factory=Counter)  # unique key → times accepted
    limited: int = 0
    first_at: float | None = None
    last_at: float | None = None
    _app: deque[float] = field(default_factory=deque)
    _conversations: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, conversation: str, content: Any) -> float | None:
        """None when the message is accepted (and counted); otherwise the Retry-After to answer with."""
        with self._lock:
            now = time.monotonic()
            sent = self._conversations.setdefault(conversation, deque())
            waits = [_wait(sent, window, now) for window in self.limits.per_conversation]
            if self.limits.per_app is not None:
                waits.append(_wait(self._app, self.limits.per_app, now))
            if any(waits):
                self.limited += 1
                return float(max(1, math.ceil(max(waits))))
            sent.append(now)
            self._app.append(now)
            self.accepted[f"{conversation}|{_digest(content)}"] += 1
            self.first_at = self.first_at if self.first_at is not None else now
            self.last_at = now
            return None

    def stats(self) -> dict[str, Any]:
        with self._lock:
            total = sum(self.accepted.values())
            span = (self.last_at or 0.0) - (self.first_at or 0.0)
            return {"accepted": total, "unique": len(self.accepted), "duplicated": total - len(self.accepted),
                    "limited": self.limited, "seconds": span, "conversations": len(self._conversations)}  # fmt: skip


def _wait(sent: deque[float], window: Window, now: float) -> float:
    """Seconds until `window` allows another message (0: it does now); forgets sends older than it."""
    while len(sent) > KEEP and sent[0] <= now - window.seconds:
        sent.popleft()
    recent = [at for at in sent if at > now - window.seconds]
    if len(recent) < window.count:
        return 0.0
    return recent[-window.count] + window.seconds - now


def _digest(content: Any) -> str:
    return hashlib.sha1(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()
