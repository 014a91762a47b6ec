"""`overdue` read from the overdue snapshot (bot/plans/overdue_tables.py) when it holds today: the plans'
counts from their tallies and a plan's first lines from one index range each, so an answer reads O(plans +
lines shown) rows however many parts are overdue. Only when the snapshot is usable for today; otherwise
the caller counts live (bot/plans/listing.py).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, bindparam, case, func, select, true, union_all
from sqlalchemy.orm import aliased

from bot.directory.models import Organisation, Person
from bot.plans.action_rows import line_rows, row_columns
from bot.plans.models import Action, Plan
from bot.plans.overdue_tables import SNAPSHOT_ID, WALES_SCOPE, OverdueLine, OverdueSnapshot, OverdueTally
from bot.plans.rollup import parts_as_json


def snapshot_counts(
    connection: Connection, *, today: date, organisation_id: int | None, plan_key: str | None
) -> list[tuple[Any, ...]] | None:
    """Per plan with overdue parts in the scope (an organisation's subtree, or all of Wales), optionally one
    plan by lowercased key: id, key, name, parts, oldest deadline, lines. None when the snapshot is not
    usable for `today`."""
    values = {"today": today, "scope_id": _scope(organisation_id)}
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
    values.update(scope_id=_scope(organisation_id), rows_from=rows_from, per_plan=per_plan)
    return [tuple(row) for row in connection.execute(_lines_statement(len(plan_ids)), values).all()]


def snapshot_page(
    connection: Connection,
    *,
    today: date,
    organisation: Organisation | None,
    plan_key: str | None,
    plans: slice,
    rows: slice,
) -> list[tuple[Any, ...]] | None:
    """PostgreSQL: the counts, the lines and their roll-ups' parts of a page in one round trip, in the layout
    of the live page (bot/plans/listing.py `_overdue_page_statement`): per line `row_columns` + parts +
    oldest, then its plan's key, name, parts and lines, then the plans, parts and lines of the whole scope,
    then, for a line of several parts, all its parts within the scope (bot/plans/rollup.py `parts_as_json`).
    A shown plan without a line on the page comes as one row without an action. None when the snapshot is
    not usable for `today`; one row without a plan when the page is empty (nothing overdue, or a page past
    the last plan)."""
    values: dict[str, Any] = {"today": today, "scope_id": _scope(organisation.id if organisation else None),
                              "plans_from": plans.start, "max_plans": plans.stop - plans.start,
                              "rows_from": rows.start, "per_plan": rows.stop - rows.start}  # fmt: skip
    if plan_key is not None:
        values["plan_key"] = plan_key
    if organisation is not None:
        values["subtree_path"] = organisation.path
    found = connection.execute(_page_statement(plan_key is not None, organisation is not None), values).all()
    return [tuple(row) for row in found] if found else None


def _scope(organisation_id: int | None) -> int:
    return WALES_SCOPE if organisation_id is None else organisation_id


def _tallies(by_plan: bool) -> Select[Any]:
    columns: tuple[Any, ...] = (OverdueTally.plan_id, Plan.key, Plan.name, OverdueTally.parts, OverdueTally.oldest,
                                OverdueTally.lines)  # fmt: skip
    tallies = (
        select(*columns)
        .join(Plan, Plan.id == OverdueTally.plan_id)
        .where(OverdueTally.scope_id == bindparam("scope_id"))
    )
    return tallies.where(func.lower(Plan.key) == bindparam("plan_key")) if by_plan else tallies


def _usable_today() -> tuple[ColumnElement[bool], ...]:
    return (
        OverdueSnapshot.id == SNAPSHOT_ID,
        OverdueSnapshot.usable.is_(True),
        OverdueSnapshot.as_of == bindparam("today"),
    )


@cache
def _counts_statement(by_plan: bool) -> Select[Any]:
    counts = _tallies(by_plan).subquery()
    # The snapshot row decides whether there is an answer at all; the tallies hang off it.
    return select(counts).select_from(OverdueSnapshot).outerjoin(counts, true()).where(*_usable_today())


@cache
def _page_statement(by_plan: bool, within_subtree: bool) -> Select[Any]:
    """The plans of the page ranked oldest first, with the scope's totals as window sums over every plan
    (computed before the limit), each plan's lines on the page as an index range (LATERAL, which SQLite lacks),
    their full rows read by primary key."""
    counts = _tallies(by_plan).subquery()
    shown_plans = (
        select(
            counts,
            func.count().over().label("plans_total"),
            func.sum(counts.c.parts).over().label("all_parts"),
            func.sum(counts.c.lines).over().label("all_lines"),
        )
        .order_by(counts.c.oldest, counts.c.key)
        .limit(bindparam("max_plans"))
        .offset(bindparam("plans_from"))
        .subquery("shown_plans")
    )
    lines = _plan_lines(shown_plans.c.plan_id).lateral("plan_lines")
    owner = aliased(Person)
    shown_id = case((lines.c.parts == 1, lines.c.first_id), else_=lines.c.line_id)
    plan = (shown_plans.c.key, shown_plans.c.name, shown_plans.c.parts, shown_plans.c.lines)
    totals = (shown_plans.c.plans_total, shown_plans.c.all_parts, shown_plans.c.all_lines)
    line = (*row_columns(owner, shown_plans.c.key, shown_plans.c.name), lines.c.parts, lines.c.oldest)
    parts = case((lines.c.parts > 1, parts_as_json(Action.id, within_subtree=within_subtree)))
    statement: Select[Any] = (
        select(*line, *plan, *totals, parts)  # type: ignore[call-overload]
        .select_from(OverdueSnapshot)
        .outerjoin(shown_plans, true())
        .outerjoin(lines, true())
        .outerjoin(Action, Action.id == shown_id)
        .outerjoin(owner, owner.id == Action.owner_id)
        .where(*_usable_today())
        .order_by(shown_plans.c.oldest, shown_plans.c.key, lines.c.oldest, lines.c.first_ref)
    )
    return statement


_LINE_COLUMNS: tuple[Any, ...] = (OverdueLine.line_id, OverdueLine.parts, OverdueLine.oldest, OverdueLine.first_ref,
                 OverdueLine.first_id)  # fmt: skip


def _plan_lines(plan_id: Any) -> Select[Any]:
    """An index range of one plan's lines in the scope."""
    lines = (
        select(*_LINE_COLUMNS)
        .where(OverdueLine.scope_id == bindparam("scope_id"), OverdueLine.plan_id == plan_id)
        .order_by(OverdueLine.oldest, OverdueLine.first_ref)
        .limit(bindparam("per_plan"))
        .offset(bindparam("rows_from"))
    )
    return lines


@cache
def _lines_statement(plans: int) -> Select[Any]:
    """One branch per plan shown, then the shown rows read by primary key (SQLite: PostgreSQL reads a page
    in one statement)."""
    branches = [select(_plan_lines(bindparam(f"plan_{slot}")).subquery()) for slot in range(plans)]
    return line_rows(aliased(Person), union_all(*branches).subquery())
