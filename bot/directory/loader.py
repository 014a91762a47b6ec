"""Loads the directory files (organisations, people, roles) from `data/directory/`. Loading is an upsert
keyed by organisation code, email and role name, so running it twice changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import ORGANISATION_KINDS, Organisation, Person, Role

T = TypeVar("T")


class OrganisationEntry(BaseModel):
    code: str
    name: str
    name_cy: str | None = None
    short: str = ""
    kind: str
    children: list[OrganisationEntry] = Field(default_factory=list)


class PersonEntry(BaseModel):
    email: str
    name: str
    titles: list[str] = Field(default_factory=list)
    organisation: str | None = None
    manager: str | None = None
    admin: bool = False
    slack_user_id: str | None = None
    teams_id: str | None = None
    # The person's language when the directory knows it; absent leaves whatever they chose in chat.
    language: Literal["cy", "en"] | None = None


class RoleEntry(BaseModel):
    role: str
    aliases: list[str] = Field(default_factory=list)
    owner: str | None = None
    contributors: list[str] = Field(default_factory=list)
    owed_by: str = ""
    delivery_titles: list[str] = Field(default_factory=list)


def read_yaml_list(path: Path) -> list[object]:
    content = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(content, list):
        raise ValueError(f"{path}: expected a list at the top level")
    return content


def load_organisations(*, session: Session, entries: list[OrganisationEntry]) -> int:
    existing = {org.code: org for org in session.scalars(select(Organisation))}
    count = 0

    def visit(entry: OrganisationEntry, parent: Organisation | None) -> None:
        nonlocal count
        if entry.kind not in ORGANISATION_KINDS:
            raise ValueError(f"organisation {entry.code}: unknown kind {entry.kind!r}")
        org = existing.get(entry.code) or Organisation(code=entry.code)
        org.name, org.short_name, org.kind, org.parent = entry.name, entry.short, entry.kind, parent
        org.name_cy = entry.name_cy
        org.path = (parent.path if parent else "/") + entry.code + "/"
        session.add(org)
        existing[entry.code] = org
        count += 1
        for child in entry.children:
            visit(child, org)

    for entry in entries:
        visit(entry, None)
    session.flush()
    return count


def load_people(*, session: Session, entries: list[PersonEntry]) -> int:
    organisations = {org.code: org for org in session.scalars(select(Organisation))}
    people = {p.email.lower(): p for p in session.scalars(select(Person))}
    for entry in entries:
        person = people.get(entry.email.lower()) or Person(email=entry.email.lower())
        person.name, person.titles, person.is_admin = entry.name, entry.titles, entry.admin
        person.organisation = _known(organisations, entry.organisation, f"person {entry.email}: organisation")
        person.slack_user_id = entry.slack_user_id or person.slack_user_id
        person.teams_id = entry.teams_id or person.teams_id
        person.language = entry.language or person.language
        session.add(person)
        people[person.email] = person
    for entry in entries:
        people[entry.email.lower()].manager = _known(
            people, entry.manager.lower() if entry.manager else None, f"person {entry.email}: manager"
        )
    session.flush()
    return len(entries)


def load_roles(*, session: Session, entries: list[RoleEntry]) -> int:
    people = {p.email: p for p in session.scalars(select(Person))}
    roles = {r.name: r for r in session.scalars(select(Role))}
    for entry in entries:
        role = roles.get(entry.role) or Role(name=entry.role)
        role.aliases, role.owed_by, role.delivery_titles = entry.aliases, entry.owed_by, entry.delivery_titles
        role.owner = _known(people, entry.owner.lower() if entry.owner else None, f"role {entry.role}: owner")
        role.contributors = [people[e.lower()] for e in entry.contributors if e.lower() in people]
        session.add(role)
    session.flush()
    return len(entries)


def _known(table: dict[str, T], key: str | None, what: str) -> T | None:
    if key is None:
        return None
    if key not in table:
        raise ValueError(f"{what} {key!r} is not in the directory")
    return table[key]


def load_directory(*, session: Session, folder: Path) -> dict[str, int]:
    return {
        "organisations": load_organisations(
            session=session,
            entries=[OrganisationEntry.model_validate(e) for e in read_yaml_list(folder / "organisations.yaml")],
        ),
        "people": load_people(
            session=session, entries=[PersonEntry.model_validate(e) for e in read_yaml_list(folder / "people.yaml")]
        ),
        "roles": load_roles(
            session=session, entries=[RoleEntry.model_validate(e) for e in read_yaml_list(folder / "roles.yaml")]
        ),
    }
