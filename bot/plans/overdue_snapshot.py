"""`overdue` read from the overdue snapshot (bot/plans/overdue_tables.py) when it holds today: the plans'
counts from their tallies and a plan's first lines from one index range each, so an answer reads O(plans +
lines shown) rows however many parts are overdue. Only when the snapshot is usable for today; otherwise
the caller counts live (bot/plans/listing.py).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Connection, Select, bindparam, func, select, true, union_all
from sqlalchemy.orm import aliased

from bot.directory.models import Person
from bot.plans.action_rows import line_rows
from bot.plans.models import Plan
from bot.plans.overdue_tables import SNAPSHOT_ID, WALES_SCOPE, OverdueLine, OverdueSnapshot, OverdueTally


def snapshot_counts(
    connection: Connection, *, today: date, organisation_id: int | None, plan_key: str | None
) -> list[tuple[Any, ...]] | None:
    """Per plan with overdue parts in the scope (an organisation's subtree, or all of Wales), optionally one
    plan by lowercased key: id, key, name, parts, oldest deadline, lines. None when the snapshot is not
    usable for `today`."""
    values = {"today": today, "scope_id": WALES_SCOPE if organisation_id is None else organisation_id}
    if plan_key is not None:
        values["plan_key"] = plan_key
    found = connection.execute(_counts_statement(plan_key is not None), values).all()
    # No row: the snapshot is not for today. One row without a plan: nothing is overdue in the scope.
    return [tuple(row) for row in found if row[0] is not None] if found else None


def snapshot_lines(
    connection: Connection, *, organisation_id: int | None, plan_ids: list[int], rows_from: int, per_plan: int
) -> list[tuple[Any, ...]]:
    """The lines from `rows_from` (at most `per_plan`) of each of `plan_ids`, oldest first, as
    `row_columns` + parts + oldest deadline: the part itself when a line has one, else the action it
    belongs to."""
    values: dict[str, Any] = {f"plan_{slot}": plan_id for slot, plan_id in enumerate(plan_ids)}
    values.update(scope_id=WALES_SCOPE if organisation_id is None else organisation_id, rows_from=rows_from,
                  per_plan=per_plan)  # fmt: skip
    return [tuple(row) for row in connection.execute(_lines_statement(len(plan_ids)), values).all()]


@cache
def _counts_statement(by_plan: bool) -> Select[Any]:
    tallies = (
        select(OverdueTally.plan_id, Plan.key, Plan.name, OverdueTally.parts, OverdueTally.oldest, OverdueTally.lines)
        .join(Plan, Plan.id == OverdueTally.plan_id)
        .where(OverdueTally.scope_id == bindparam("scope_id"))
    )
    if by_plan:
        tallies = tallies.where(func.lower(Plan.key) == bindparam("plan_key"))
    counts = tallies.subquery()
    # The snapshot row decides whether there is an answer at all; the tallies hang off it.
    return (
        select(counts)
        .select_from(OverdueSnapshot)
        .outerjoin(counts, true())
        .where(
            OverdueSnapshot.id == SNAPSHOT_ID,
            OverdueSnapshot.usable.is_(True),
            OverdueSnapshot.as_of == bindparam("today"),
        )
    )


@cache
def _lines_statement(plans: int) -> Select[Any]:
    """One branch per plan shown, each an index range of its lines in the scope, then the shown rows read
    by primary key."""
    columns = (OverdueLine.line_id, OverdueLine.parts, OverdueLine.oldest, OverdueLine.first_ref, OverdueLine.first_id)
    branches = [
        select(
            select(*columns)
            .where(OverdueLine.scope_id == bindparam("scope_id"), OverdueLine.plan_id == bindparam(f"plan_{slot}"))
            .order_by(OverdueLine.oldest, OverdueLine.first_ref)
            .limit(bindparam("per_plan"))
            .offset(bindparam("rows_from"))
            .subquery()
        )
        for slot in range(plans)
    ]
    return line_rows(aliased(Person), union_all(*branches).subquery())
