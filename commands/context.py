"""What a handler gets besides its command: the storage session, who is asking, the clock, and the
optional extras the server's settings make available."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.orm import Session

from bot.clock import Clock, london_today
from bot.directory.models import Person

# The signed address of an organisation's escalation tile picture, valid from the given instant; only there
# when the dashboard is enabled, so replies never show a picture nobody can fetch.
PictureLink = Callable[[str, datetime], str]
# The signed address of a CSV of an organisation's actions narrowed by a query (a whole list a reply could not
# hold), valid from the given instant; likewise only there when the dashboard is enabled.
DownloadLink = Callable[[str, dict[str, str], datetime], str]


class CommandObserver(Protocol):
    """Told how long each command took and how it ended (the server's metrics); commands know nothing of
    Prometheus."""

    def command_answered(self, command: str, outcome: str, seconds: float) -> None: ...


@dataclass
class CommandContext:
    session: Session
    actor: Person | None
    clock: Clock
    source: str = "console"
    picture_link: PictureLink | None = None
    download_link: DownloadLink | None = None
    # Told each command's name, outcome and duration: the server's metrics, when it serves any.
    observer: CommandObserver | None = None
    # The Slack channel or Teams conversation the command was typed in, for `language channel …`.
    channel: str | None = None

    @property
    def today(self) -> date:
        return london_today(self.clock)

    @property
    def now(self) -> datetime:
        return self.clock.now()
