"""What a handler gets besides its command: the storage session, who is asking, and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.clock import Clock, london_today
from bot.directory.models import Person


@dataclass
class CommandContext:
    session: Session
    actor: Person | None
    clock: Clock
    source: str = "console"

    @property
    def today(self) -> date:
        return london_today(self.clock)

    @property
    def now(self) -> datetime:
        return self.clock.now()
