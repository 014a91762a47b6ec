"""Time is a dependency: code asks a clock, so tests (and `say --now`) can move time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still until moved: for tests and for `say --now`."""

    instant: datetime = field(default_factory=lambda: datetime(2021, 1, 4, 9, 0, tzinfo=UTC))

    def __post_init__(self) -> None:
        if self.instant.tzinfo is None:
            self.instant = self.instant.replace(tzinfo=LONDON)
        self.instant = self.instant.astimezone(UTC)

    def now(self) -> datetime:
        return self.instant

    def advance(self, delta: timedelta) -> None:
        self.instant += delta

    def set(self, instant: datetime) -> None:
        self.instant = instant.astimezone(UTC)


def london_now(clock: Clock) -> datetime:
    return clock.now().astimezone(LONDON)


def london_today(clock: Clock) -> date:
    """People's dates are Welsh dates: a report at 00:30 BST belongs to that London day, not UTC's."""
    return london_now(clock).date()
