"""Setting up the seeded world for a scenario: real rows changed through the ORM, never fakes."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.directory.models import Person
from bot.plans.models import Action
from tests.scheduler.simulation import Delivery


def only_open_action(session: Session, label: str, *, due: date | None, owner: Person) -> Action:
    """Closes every other action, so a scenario follows one action's prompts."""
    from tests.helpers import action

    chosen = action(session, label)
    session.execute(update(Action).where(Action.id != chosen.id).values(status="done"))
    chosen.due_end, chosen.open_ended, chosen.owner = due, False, owner
    return chosen


def per_day(deliveries: list[Delivery]) -> dict[date, int]:
    return dict(sorted(Counter(d.at.date() for d in deliveries).items()))


def managers(session: Session) -> set[str]:
    """People who manage someone and belong to an organisation: the digest's readers."""
    managed = select(Person.manager_id).where(Person.manager_id.is_not(None))
    return set(session.scalars(select(Person.email).where(Person.id.in_(managed), Person.organisation_id.is_not(None))))


def weekly_overdue_for(session: Session, email: str, count: int, day: date) -> list[Action]:
    """Gives `count` open actions (no roll-ups) to someone who owned none, each overdue by a different number
    of whole weeks on `day`, so that all their weekly overdue prompts fall on `day`. Oldest deadline first."""
    from tests.helpers import person

    owner = person(session, email)
    assert session.scalar(select(Action.id).where(Action.owner_id == owner.id).limit(1)) is None
    chosen = list(
        session.scalars(select(Action).where(Action.is_rollup.is_(False)).order_by(Action.id.desc()).limit(count))
    )
    for weeks, act in zip(range(count, 0, -1), chosen, strict=True):
        act.owner, act.status, act.open_ended = owner, "not_started", False
        act.due_start, act.due_end = None, day - timedelta(weeks=weeks)
    session.flush()
    return chosen
