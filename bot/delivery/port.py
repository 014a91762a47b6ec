"""The chat port: how the core hands a reply to a chat platform without knowing which one.

Slack, Teams and the console each implement `ChatPort`. The scheduler's sender only sees this interface,
so retries, leases and the outbox live in one place for every platform."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.delivery.pacing import PublishedLimits
from bot.directory.models import Person
from commands.replies import Reply


@dataclass(frozen=True)
class Delivered:
    """Where the message landed, so it can be updated in place after an answer."""

    platform: str
    conversation: str
    message_id: str


class DeliveryFailed(Exception):
    """A send that did not go through. `retry_after` (seconds) is the platform's own advice when it gave
    one (Slack and Teams 429s); `permanent` means retrying cannot help (unknown user, bad channel)."""

    def __init__(self, reason: str, *, retry_after: float | None = None, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent


class ChatPort(Protocol):
    platform: str
    limits: PublishedLimits  # the platform's published rate limits, which the sender keeps to

    def can_reach(self, person: Person) -> bool:
        """True when this platform knows how to message the person directly."""
        ...

    def send_to_person(self, person: Person, reply: Reply) -> Delivered:
        """A direct message. Raises DeliveryFailed."""
        ...

    def send_to_channel(self, channel: str, reply: Reply) -> Delivered:
        """A post in a channel; `channel` is the platform's own id (without the `slack:` prefix)."""
        ...
