"""Small lookups tests share: real rows from the seeded database, not hand-made fakes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.directory.models import Person
from bot.escalation.models import Service, ServiceReporter
from bot.plans.models import Action, Plan
from bot.storage.database import Database
from commands.context import CommandContext
from commands.dispatch import answer
from commands.replies import Reply

ADMIN = "admin@example.nhs.wales"


def person(session: Session, email: str) -> Person:
    return session.scalars(select(Person).where(Person.email == email)).one()


def action(session: Session, label: str) -> Action:
    key, ref = label.split("/")
    return session.scalars(select(Action).join(Plan).where(Plan.key == key, Action.ref == ref)).one()


def outsider(session: Session, target: Action) -> Person:
    """Someone who is neither the action's owner, nor up its owner's line, nor an admin."""
    from bot.plans.service import may_change

    for candidate in session.scalars(select(Person).order_by(Person.email)):
        if not may_change(actor=candidate, action=target):
            return candidate
    raise AssertionError("everyone may change this action")


def reporter_of(session: Session, service_key: str) -> ServiceReporter:
    return session.scalars(
        select(ServiceReporter).join(Service).where(Service.key == service_key).order_by(ServiceReporter.id)
    ).first()  # type: ignore[return-value]


def say(session: Session, clock: Clock, text: str, actor: Person | None) -> Reply:
    return answer(text, CommandContext(session=session, actor=actor, clock=clock))


def text_of(reply: Reply) -> str:
    return "\n".join(reply.plain_lines())


@contextmanager
def counting_queries(database: Database) -> Iterator[list[str]]:
    """Every statement the engine sends while the block runs (a SQLAlchemy event on the real engine)."""
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
