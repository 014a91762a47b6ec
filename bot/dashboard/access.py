"""Who may see which part of the dashboard, without tables of our own. Two ways in:

- a signed link per organisation (HMAC of the organisation code and an expiry with DASHBOARD_SECRET), which
  sets a signed session cookie for that organisation's subtree;
- an OIDC / Entra sign-in done by a reverse proxy that passes the user's email in a trusted header; the
  email is looked up in the directory and the person sees their organisation's subtree (admins see Wales).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation
from bot.directory.service import get_person_by_email
from bot.i18n import _
from bot.signed_links import LINK, sign

SESSION_COOKIE = "milestones_dashboard"


@dataclass(frozen=True)
class Grant:
    """The subtree a viewer may see, and until when (None: as long as the proxy vouches for them)."""

    org_code: str
    until: int | None = None


@dataclass(frozen=True)
class Refusal:
    status: int
    title: str
    message: str


def grant_from_link(secret: str, *, org: str, until: str, sig: str, now: datetime, purpose: str = LINK) -> Grant | None:
    if not (until.isascii() and until.isdigit()) or int(until) < now.timestamp():
        return None
    if not hmac.compare_digest(sig, sign(secret, purpose, org, int(until))):
        return None
    return Grant(org, int(until))


def session_cookie(secret: str, grant: Grant) -> str:
    until = grant.until or 0
    return f"{grant.org_code}|{until}|{sign(secret, 'session', grant.org_code, until)}"


def grant_from_cookie(secret: str, cookie: str | None, *, now: datetime) -> Grant | None:
    parts = (cookie or "").split("|")
    if len(parts) != 3 or not (parts[1].isascii() and parts[1].isdigit()):
        return None
    org, until, sig = parts[0], int(parts[1]), parts[2]
    if until < now.timestamp() or not hmac.compare_digest(sig, sign(secret, "session", org, until)):
        return None
    return Grant(org, until)


def grant_from_proxy(*, session: Session, email: str) -> Grant | Refusal:
    person = get_person_by_email(session=session, email=email)
    if person is None:
        return Refusal(
            403,
            _("Not in the directory"),
            _("{email} is not in the bot's directory; ask an admin to add you.").format(email=email),
        )
    if person.is_admin:
        nation = session.scalar(select(Organisation.code).where(Organisation.parent_id.is_(None)).limit(1))
        return Grant(nation or "")
    if person.organisation is None:
        return Refusal(
            403,
            _("No organisation"),
            _("{name} belongs to no organisation, so there is nothing to show.").format(name=person.name),
        )
    return Grant(person.organisation.code)


MIN_SECRET_BYTES = 32
MIN_SECRET_DISTINCT = 10


class DashboardSettingsError(ValueError):
    """The dashboard is enabled but could not check anyone's access."""


def secret_problem(secret: str | None) -> str | None:
    """Why a dashboard secret cannot be used, or None. Anyone holding one signed link can try secrets offline
    (`nhs` was found in 0.21 s and then signed an all-Wales link), so the key must be long and random: 32
    bytes or more, not a short word repeated. `milestones-bot secret` prints one."""
    if not secret:
        return "DASHBOARD_ENABLED needs DASHBOARD_SECRET (it signs access links and session cookies)."
    if len(secret.encode()) < MIN_SECRET_BYTES or len(set(secret)) < MIN_SECRET_DISTINCT:
        return (
            f"DASHBOARD_SECRET must be at least {MIN_SECRET_BYTES} bytes of randomness (a short or repetitive "
            "secret can be guessed from one signed link). Run `milestones-bot secret` and use what it prints."
        )
    return None


def bad_link() -> Refusal:
    return Refusal(403, _("Link not valid"), _("This access link is wrong or has expired; ask for a new one."))


def no_session() -> Refusal:
    return Refusal(
        401,
        _("Sign-in needed"),
        _(
            "This dashboard is only for people given access. Open the access link you were sent (links expire), "
            "or sign in through your organisation's portal."
        ),
    )


def may_view(*, session: Session, grant: Grant, organisation: Organisation) -> bool:
    root = session.scalar(select(Organisation).where(Organisation.code == grant.org_code))
    return root is not None and organisation.path.startswith(root.path)
