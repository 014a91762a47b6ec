"""Loads the escalation framework's services and levels (`data/escalation/`) and who reports what
(`data/directory/reporters.yaml`). Upserts, so loading twice changes nothing."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.loader import read_yaml_list
from bot.directory.models import Organisation, Person
from bot.escalation.models import Level, Service, ServiceReporter


class ServiceEntry(BaseModel):
    key: str
    name: str
    name_cy: str | None = None
    aliases: list[str] = Field(default_factory=list)
    runs_every_day: bool = False
    reported_by: str


class LevelEntry(BaseModel):
    number: int = Field(ge=1, le=9)
    label: str
    colour: str
    definition: str
    expected_actions: list[str] = Field(default_factory=list)
    label_cy: str | None = None
    definition_cy: str | None = None
    expected_actions_cy: list[str] | None = None


class ReporterEntry(BaseModel):
    service: str
    organisation: str
    reporter: str


def load_services(*, session: Session, entries: list[ServiceEntry]) -> int:
    services = {s.key: s for s in session.scalars(select(Service))}
    for position, entry in enumerate(entries):
        service = services.get(entry.key) or Service(key=entry.key)
        service.name, service.aliases, service.position = entry.name, entry.aliases, position
        service.name_cy = entry.name_cy
        service.runs_every_day, service.reported_by = entry.runs_every_day, entry.reported_by
        session.add(service)
    session.flush()
    return len(entries)


def load_levels(*, session: Session, entries: list[LevelEntry]) -> int:
    levels = {lvl.number: lvl for lvl in session.scalars(select(Level))}
    for entry in entries:
        level = levels.get(entry.number) or Level(number=entry.number)
        level.label, level.colour, level.definition = entry.label, entry.colour, entry.definition
        level.expected_actions = entry.expected_actions
        level.label_cy, level.definition_cy = entry.label_cy, entry.definition_cy
        level.expected_actions_cy = entry.expected_actions_cy
        session.add(level)
    session.flush()
    return len(entries)


def load_reporters(*, session: Session, entries: list[ReporterEntry]) -> int:
    services = {s.key: s for s in session.scalars(select(Service))}
    organisations = {o.code: o for o in session.scalars(select(Organisation))}
    people = {p.email: p for p in session.scalars(select(Person))}
    columns = select(ServiceReporter.service_id, ServiceReporter.organisation_id, ServiceReporter.person_id)
    existing = {tuple(row) for row in session.execute(columns)}
    for entry in entries:
        service = services.get(entry.service)
        organisation = organisations.get(entry.organisation)
        person = people.get(entry.reporter.lower())
        if service is None or organisation is None or person is None:
            raise ValueError(f"reporter {entry}: unknown service, organisation or person")
        if (service.id, organisation.id, person.id) not in existing:
            session.add(ServiceReporter(service=service, organisation=organisation, person=person))
            existing.add((service.id, organisation.id, person.id))
    session.flush()
    return len(entries)


def load_escalation(*, session: Session, data_dir: Path) -> dict[str, int]:
    folder = data_dir / "escalation"
    return {
        "services": load_services(
            session=session, entries=[ServiceEntry.model_validate(e) for e in read_yaml_list(folder / "services.yaml")]
        ),
        "levels": load_levels(
            session=session, entries=[LevelEntry.model_validate(e) for e in read_yaml_list(folder / "levels.yaml")]
        ),
        "reporters": load_reporters(
            session=session,
            entries=[
                ReporterEntry.model_validate(e) for e in read_yaml_list(data_dir / "directory" / "reporters.yaml")
            ],
        ),
    }
