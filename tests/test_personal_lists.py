"""`mine` reads one person's actions through indexed lookups (owned UNION contributed) and cuts its pages in
SQL: the pages, their headings and the counts must be exactly what the whole list, sorted in Python, gives."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.directory.models import Person
from bot.plans.models import Action
from bot.plans.personal import CLOSED, OPEN, OVERDUE, WHOLE, personal_counts, personal_page
from bot.plans.service import actions_owned_by
from bot.storage.database import Database
from tests.helpers import person
from tests.test_lists import follow

OWNER = "cai.ynyr@example.nhs.wales"


def expected_order(session: Session, someone: Person, today: date) -> list[tuple[int, str]]:
    """The reading order `mine` promised before its pages were cut in SQL: overdue, open, closed, wholes."""

    def category(action: Action) -> int:
        if action.is_rollup:
            return WHOLE
        if not action.is_open:
            return CLOSED
        return OVERDUE if (action.deadline() or today) < today else OPEN

    owned = actions_owned_by(session=session, person=someone)
    return sorted(((category(a), a.label) for a in owned), key=lambda pair: pair[0])


def contribute(session: Session, someone: Person) -> tuple[Action, Action]:
    """Makes `someone` a contributor to one action they do not own and to one roll-up (a whole)."""
    others = select(Action).where(Action.owner_id != someone.id, Action.owner_id.is_not(None))
    single = session.scalars(others.where(Action.is_rollup.is_(False)).order_by(Action.id).limit(1)).one()
    whole = session.scalars(others.where(Action.is_rollup.is_(True)).order_by(Action.id).limit(1)).one()
    single.contributors.append(someone)
    whole.contributors.append(someone)
    session.flush()
    return single, whole


def test_mine_lists_owned_and_contributed_actions_in_order_page_by_page(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        owner = person(session, OWNER)
        single, whole = contribute(session, owner)
        today = clock.now().date()
        expected = expected_order(session, owner, today)
        labels = [label for _, label in expected]
        assert single.label in labels and whole.label not in labels  # a roll-up's people are its parts' owners
        assert follow(session, clock, "mine", owner) == labels
        everything = personal_page(session=session, person=owner, today=today, limit=len(labels) + 5)
        assert [(category, action.label) for category, action in everything] == expected
        counts = personal_counts(session=session, person=owner, today=today)
        assert counts.total == len(labels)
        assert [counts[c] for c in (OVERDUE, OPEN, CLOSED, WHOLE)] == [
            sum(1 for c, _ in expected if c == wanted) for wanted in (OVERDUE, OPEN, CLOSED, WHOLE)
        ]
        assert counts[OVERDUE] > 0 and counts[OPEN] > 0


def test_a_page_of_mine_is_the_slice_of_the_whole_order(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        owner = person(session, OWNER)
        today = clock.now().date()
        expected = expected_order(session, owner, today)
        page = personal_page(session=session, person=owner, today=today, limit=7, offset=5)
        assert [(category, action.label) for category, action in page] == expected[5:12]
        assert personal_page(session=session, person=owner, today=today, limit=7, offset=len(expected)) == []
