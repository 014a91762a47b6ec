"""One person's actions (`mine`): those they own, and those they contribute to (a roll-up's people are its
parts' owners, so contributing to the whole is not owning a part).

Each is found through its own index (owner_id; the contributors' person_id) and the two id lists are joined
with UNION ALL: an `owner_id = … OR EXISTS (contributors …)` filter is served by no index and reads every action.
A page is cut in SQL, so answering costs the person's index entries and the page's rows, never the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, bindparam, case, func, or_, select, union_all
from sqlalchemy.orm import Session, joinedload

from bot.directory.models import Person
from bot.plans.models import CLOSED_STATUSES, Action, Plan, action_contributors

# The order `mine` reads in: overdue, then open, then closed, then the wholes others deliver in parts.
OVERDUE, OPEN, CLOSED, WHOLE = range(4)


@dataclass(frozen=True)
class PersonalCounts:
    by_category: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.by_category.values())

    def __getitem__(self, category: int) -> int:
        return self.by_category.get(category, 0)


def personal_counts(*, session: Session, person: Person, today: date) -> PersonalCounts:
    """How many of the person's actions fall in each category (OVERDUE, OPEN, CLOSED, WHOLE)."""
    rows = session.execute(_counts_statement(), {"person_id": person.id, "today": today}).all()
    return PersonalCounts({int(category): int(count) for category, count in rows})


def personal_page(
    *, session: Session, person: Person, today: date, limit: int, offset: int = 0
) -> list[tuple[int, Action]]:
    """A page of the person's actions in reading order, each with its category."""
    values = {"person_id": person.id, "today": today, "limit": limit, "offset": offset}
    rows = session.execute(_page_statement(), values).all()
    return [(int(category), action) for action, category in rows]


def person_action_ids() -> Select[Any]:
    """Ids of the actions of the person bound as `person_id`: owned, or contributed to (not a roll-up)."""
    return select(_personal_rows().c.id)


def _personal_rows() -> Subquery:
    """The person's actions with what `mine` sorts and counts them by. The owned ones come from the owner's
    covering index alone; contributions are few and read by primary key."""
    columns = (Action.id, Action.is_rollup, Action.status, Action.open_ended, Action.due_end, Action.plan_id,
               Action.ref)  # fmt: skip
    owned = select(*columns).where(Action.owner_id == bindparam("person_id"))
    # Contributions to their own actions are left out, so the two lists never share an action and are joined
    # without the de-duplicating sort UNION would spend on every one of a busy person's actions.
    contributed = (
        select(*columns)
        .join(action_contributors, action_contributors.c.action_id == Action.id)
        .where(
            action_contributors.c.person_id == bindparam("person_id"),
            Action.is_rollup.is_(False),
            or_(Action.owner_id.is_(None), Action.owner_id != bindparam("person_id")),
        )
    )
    return union_all(owned, contributed).subquery("personal")


def _category(rows: Subquery) -> ColumnElement[int]:
    late = and_(rows.c.open_ended.is_(False), rows.c.due_end < bindparam("today"))
    return case(
        (rows.c.is_rollup.is_(True), WHOLE),
        (rows.c.status.in_(CLOSED_STATUSES), CLOSED),
        (late, OVERDUE),
        else_=OPEN,
    )


@cache
def _counts_statement() -> Select[int, int]:
    rows = _personal_rows()
    category = _category(rows).label("category")
    return select(category, func.count()).select_from(rows).group_by(category)


@cache
def _page_statement() -> Select[Any]:
    """The page's ids ranked from the index entries, then only those rows read in full."""
    rows = _personal_rows()
    category = _category(rows).label("category")
    order = (category, rows.c.due_end.is_(None), rows.c.due_end, Plan.key, rows.c.ref)
    ranked = (
        select(rows.c.id, func.row_number().over(order_by=order).label("position"), category)
        .join(Plan, Plan.id == rows.c.plan_id)
        .order_by(*order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery("ranked")
    )
    return (
        select(Action, ranked.c.category)
        .join(ranked, ranked.c.id == Action.id)
        .options(joinedload(Action.plan))
        .order_by(ranked.c.position)
    )
