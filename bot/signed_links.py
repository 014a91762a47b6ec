"""Signed dashboard addresses that chat messages carry (the tile picture, the digest's dashboard view, a long
list's CSV), or none when the dashboard is off, so messages never point at pages that would not answer.

Signing lives here, below every surface, because the scheduler and the chat surfaces make these addresses
as much as the dashboard does; the dashboard (bot/dashboard/access.py) only checks them."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from bot.config import Settings

# What a signature was made for, so one kind of signed address cannot stand in for another.
LINK = "link"
PICTURE = "picture"
DOWNLOAD = "download"


def sign(secret: str, purpose: str, org_code: str, until: int) -> str:
    message = f"{purpose}|{org_code}|{until}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _signed_url(
    settings: Settings, path: str, purpose: str, org_code: str, *, now: datetime, days: int, **extra: str
) -> str:
    if not settings.dashboard_secret:
        raise ValueError("DASHBOARD_SECRET is not set: dashboard links cannot be signed")
    until = int((now + timedelta(days=days)).timestamp())
    signed = {"org": org_code, "until": until, "sig": sign(settings.dashboard_secret, purpose, org_code, until)}
    return f"{settings.dashboard_base_url.rstrip('/')}{path}?{urlencode({**signed, **extra})}"


def access_link(settings: Settings, org_code: str, *, now: datetime, days: int) -> str:
    return _signed_url(settings, "/dashboard/enter", LINK, org_code, now=now, days=days)


def picture_link(settings: Settings, org_code: str, *, now: datetime, days: int, day: date | None = None) -> str:
    """The organisation's tile picture, of `day` or else of the day it is fetched. Chat platforms fetch
    images without cookies, so the address carries its own signature; a distinct purpose keeps it from
    opening a dashboard session. The day needs no signature: any day's levels are the viewer's to see."""
    extra = {"day": day.isoformat()} if day else {}
    return _signed_url(settings, "/dashboard/tiles.png", PICTURE, org_code, now=now, days=days, **extra)


def download_link(settings: Settings, org_code: str, query: dict[str, str], *, now: datetime, days: int) -> str:
    """The CSV of a list a chat reply could not hold (the organisation's actions narrowed by `query`). A chat
    link is opened without a dashboard session, so it carries its own signature, made for this download
    only: its path and query are signed with it, so the link gives exactly the file it was made for, and it
    opens no session, no page and no other export."""
    path = f"/dashboard/org/{org_code}/export/actions.csv"
    return _signed_url(settings, path, download_purpose(path, query), org_code, now=now, days=days, **query)


def pack_link(
    settings: Settings, org_code: str, plan_key: str, query: dict[str, str], *, now: datetime, days: int
) -> str:
    """A report pack (`fmt` and `period` in `query`), signed like a download: exactly this file, nothing else."""
    narrowing = {key: value for key, value in query.items() if key != "fmt"}
    path = f"/dashboard/org/{org_code}/report/{plan_key}.{query['fmt']}"
    return _signed_url(settings, path, download_purpose(path, narrowing), org_code, now=now, days=days, **narrowing)


def download_purpose(path: str, query: Mapping[str, str]) -> str:
    """What a download link's signature covers besides the organisation and expiry: the file and its query."""
    narrowing = sorted((key, value) for key, value in query.items() if key not in ("org", "until", "sig"))
    return f"{DOWNLOAD} {path}?{urlencode(narrowing)}"


# A digest's links stay usable until the next weekly digest arrives, with a day to spare.
LINK_DAYS = 8
# A monthly report pack's links stay usable until the next month's arrive, with a few days to spare.
PACK_LINK_DAYS = 35


@dataclass(frozen=True)
class DashboardLinks:
    settings: Settings

    def view(self, org_code: str, now: datetime) -> str:
        return access_link(self.settings, org_code, now=now, days=LINK_DAYS)

    def picture(self, org_code: str, now: datetime, day: date | None = None) -> str:
        return picture_link(self.settings, org_code, now=now, days=LINK_DAYS, day=day)

    def download(self, org_code: str, query: dict[str, str], now: datetime) -> str:
        return download_link(self.settings, org_code, query, now=now, days=LINK_DAYS)

    def pack(self, org_code: str, plan_key: str, query: dict[str, str], now: datetime) -> str:
        return pack_link(self.settings, org_code, plan_key, query, now=now, days=PACK_LINK_DAYS)


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
