"""Keeping an action's deliveries in step with it: one child row per owing organisation, carrying the
action's wording and dates, with its own owner, status and history. Re-running never touches a delivery's
status, history or a chosen owner."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation, Person
from bot.plans.fan_out import delivery_owner
from bot.plans.models import Action
from bot.plans.service import assign_owner

# The fields a delivery takes from the action it is part of.
SHARED_FIELDS = (
    "plan", "recommendation", "title", "lead_text", "lead_note", "expected_output", "extra_fields", "due_raw",
    "due_start", "due_end", "due_precision", "open_ended", "due_understood", "recurrence",
)  # fmt: skip


def delivery_ref(whole: Action, organisation: Organisation) -> str:
    return f"{whole.ref}@{organisation.code}"


@dataclass
class DeliveriesSynced:
    added: list[Action] = field(default_factory=list)
    unowned: list[Action] = field(default_factory=list)


def sync_deliveries(
    *,
    session: Session,
    whole: Action,
    organisations: list[Organisation],
    titles: list[str],
    people_by_organisation: Mapping[int, list[Person]],
    now: datetime,
) -> DeliveriesSynced:
    """Makes `whole` a roll-up with one delivery per organisation."""
    whole.is_rollup = True
    existing = {d.organisation_id: d for d in session.scalars(select(Action).where(Action.parent_id == whole.id))}
    synced = DeliveriesSynced()
    for organisation in organisations:
        delivery = existing.get(organisation.id)
        if delivery is None:
            delivery = Action(ref=delivery_ref(whole, organisation), parent=whole, whole=whole, status="not_started")
            delivery.organisation = organisation
            session.add(delivery)
            synced.added.append(delivery)
        for name in SHARED_FIELDS:
            setattr(delivery, name, getattr(whole, name))
        if delivery.owner is None:
            _give_owner(delivery, people_by_organisation.get(organisation.id, []), titles, now)
        if delivery.owner is None:
            synced.unowned.append(delivery)
    return synced


def _give_owner(delivery: Action, people: list[Person], titles: list[str], now: datetime) -> None:
    owner, contributors = delivery_owner(people=people, titles=titles)
    if owner is not None:
        assign_owner(action=delivery, owner=owner, actor=None, now=now, source="import")
        delivery.contributors = contributors


def people_by_organisation(session: Session) -> dict[int, list[Person]]:
    grouped: dict[int, list[Person]] = {}
    for person in session.scalars(select(Person).where(Person.organisation_id.is_not(None)).order_by(Person.id)):
        grouped.setdefault(person.organisation_id, []).append(person)  # type: ignore[arg-type]
    return grouped
