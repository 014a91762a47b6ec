"""Signed dashboard addresses that chat messages carry (the tile picture, the digest's dashboard view), or
none when the dashboard is off, so messages never point at pages that would not answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.config import Settings
from bot.dashboard.access import access_link, download_link, picture_link

# A digest's links stay usable until the next weekly digest arrives, with a day to spare.
LINK_DAYS = 8


@dataclass(frozen=True)
class DashboardLinks:
    settings: Settings

    def view(self, org_code: str, now: datetime) -> str:
        return access_link(self.settings, org_code, now=now, days=LINK_DAYS)

    def picture(self, org_code: str, now: datetime, day: date | None = None) -> str:
        return picture_link(self.settings, org_code, now=now, days=LINK_DAYS, day=day)

    def download(self, org_code: str, query: dict[str, str], now: datetime) -> str:
        return download_link(self.settings, org_code, query, now=now, days=LINK_DAYS)


def dashboard_links(settings: Settings) -> DashboardLinks | None:
    if settings.dashboard_enabled and settings.dashboard_secret:
        return DashboardLinks(settings)
    return None


def picture_maker(settings: Settings) -> Callable[[str, datetime], str] | None:
    """What chat commands are given to link an organisation's tile picture (see CommandContext)."""
    links = dashboard_links(settings)
    return links.picture if links else None


def download_maker(settings: Settings) -> Callable[[str, dict[str, str], datetime], str] | None:
    """What chat commands are given to link the CSV of a whole list (see CommandContext)."""
    links = dashboard_links(settings)
    return links.download if links else None
