"""A chat port for the terminal and for tests: it reaches everyone, and prints or records each message."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.console.render import render_text
from bot.delivery.idempotency import current_delivery_key
from bot.delivery.pacing import NO_LIMITS, PublishedLimits
from bot.delivery.port import Delivered
from bot.directory.models import Person
from commands.replies import Reply


@dataclass(frozen=True)
class Sent:
    to: str
    reply: Reply
    key: str | None


@dataclass
class RecordingPort:
    """Keeps every message sent (`sent`), optionally echoing it (`echo=print` for the console demo)."""

    platform: str = "console"
    echo: Callable[[str], None] | None = None
    limits: PublishedLimits = NO_LIMITS
    sent: list[Sent] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def can_reach(self, person: Person) -> bool:
        return True

    def send_to_person(self, person: Person, reply: Reply) -> Delivered:
        return self._record(person.email, reply)

    def send_to_channel(self, channel: str, reply: Reply) -> Delivered:
        return self._record(f"#{channel}", reply)

    def _record(self, to: str, reply: Reply) -> Delivered:
        with self._lock:
            self.sent.append(Sent(to, reply, current_delivery_key()))
            message_id = str(next(self._ids))
        if self.echo is not None:
            self.echo(f"→ {to}\n{render_text(reply)}\n")
        return Delivered(self.platform, to, message_id)
