"""Queries about organisations and people: who someone is, who manages whom, which subtree an org spans."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation, Person, Role


def get_person_by_email(*, session: Session, email: str) -> Person | None:
    return session.scalar(select(Person).where(func.lower(Person.email) == email.strip().lower()))


def get_person_by_slack_id(*, session: Session, slack_user_id: str) -> Person | None:
    return session.scalar(select(Person).where(Person.slack_user_id == slack_user_id))


def get_person_by_teams_id(*, session: Session, teams_id: str) -> Person | None:
    return session.scalar(select(Person).where(Person.teams_id == teams_id))


def find_organisation(*, session: Session, text: str) -> Organisation | None:
    """By code (`cvuhb`) or by name, case-insensitively."""
    needle = text.strip().lower()
    # Codes are written in lower case: the unique index answers the usual question without a scan.
    by_code = session.scalar(select(Organisation).where(Organisation.code == needle))
    if by_code is not None:
        return by_code
    return session.scalar(
        select(Organisation)
        .where(or_(func.lower(Organisation.code) == needle, func.lower(Organisation.name) == needle))
        .limit(1)
    )


def top_organisation(*, session: Session) -> Organisation | None:
    """The root of the organisation tree (Wales)."""
    return session.scalars(
        select(Organisation).where(Organisation.parent_id.is_(None)).order_by(Organisation.id)
    ).first()


def organisation_codes(*, session: Session) -> list[str]:
    return list(session.scalars(select(Organisation.code).order_by(Organisation.code)))


def is_in_subtree(organisation: Organisation | None, root: Organisation) -> bool:
    return organisation is not None and organisation.path.startswith(root.path)


def manages(*, manager: Person, person: Person) -> bool:
    """True when `manager` is anywhere up `person`'s line of management."""
    seen: set[int] = set()
    current = person.manager
    while current is not None and current.id not in seen:
        if current.id == manager.id:
            return True
        seen.add(current.id)
        current = current.manager
    return False


def direct_reports(*, session: Session, manager: Person) -> list[Person]:
    return list(session.scalars(select(Person).where(Person.manager_id == manager.id).order_by(Person.name)))


def resolve_lead(*, roles: list[Role], lead_text: str) -> Role | None:
    """The role whose longest alias appears as whole words in a plan's lead text ("HBs, suggest via HoPCs")."""
    best: tuple[int, Role] | None = None
    text = lead_text.lower()
    for role in roles:
        for alias in [role.name, *role.aliases]:
            pattern = r"(?<![\w])" + re.escape(alias.lower()) + r"(?![\w])"
            if re.search(pattern, text) and (best is None or len(alias) > best[0]):
                best = (len(alias), role)
    return best[1] if best else None
