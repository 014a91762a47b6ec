"""Listing queries on actions (`overdue`, `due`), returning light read models computed in SQL: a board may
have thousands of overdue actions and a reply shows a handful of them plus counts.

Each statement is built once per filter shape (which of plan / organisation / lead is given) with bound
parameters for the values, so answering a command costs only the database's work and reading the rows.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.directory.models import Organisation, Person
from bot.plans.action_rows import ActionRow, line_rows, row_columns, to_row
from bot.plans.models import CLOSED_STATUSES, Action, Plan, overdue_candidate, overdue_line_id
from bot.plans.overdue_snapshot import snapshot_counts, snapshot_lines, snapshot_page
from bot.plans.rollup import Rollup, rollups, rollups_from_json
from bot.storage.membership import InSubquery

AnySelect = TypeVar("AnySelect", bound=Select[Any])


@dataclass(frozen=True)
class PlanGroup:
    plan_key: str
    plan_name: str
    total: int
    rows: list[ActionRow]
    lines: int = 0


@dataclass(frozen=True)
class OverdueReport:
    groups: list[PlanGroup]
    total: int
    plans_total: int
    lines: int = 0


@dataclass(frozen=True)
class ActionFilter:
    plan_key: str | None = None
    organisation: Organisation | None = None
    lead: str | None = None

    @property
    def shape(self) -> FilterShape:
        return FilterShape(bool(self.plan_key), self.organisation is not None, bool(self.lead))

    def cache_key(self) -> tuple[Hashable, ...]:
        return (self.shape, *sorted(self.parameters().items()))

    def parameters(self) -> dict[str, str]:
        values = {
            "plan_key": self.plan_key.lower() if self.plan_key else None,
            "subtree_path": self.organisation.path if self.organisation is not None else None,
            "lead_pattern": f"%{self.lead.lower()}%" if self.lead else None,
        }
        return {name: value for name, value in values.items() if value is not None}


@dataclass(frozen=True)
class FilterShape:
    by_plan: bool
    by_organisation: bool
    by_lead: bool


def overdue_actions(
    *,
    session: Session,
    today: date,
    flt: ActionFilter,
    max_plans: int = 8,
    per_plan: int = 5,
    plans_from: int = 0,
    rows_from: int = 0,
) -> OverdueReport:
    """Overdue actions grouped by plan, oldest first: counts for every plan, lines for the first few. The
    parts of one action (a delivery per board) that are overdue together make one line with a roll-up.
    `plans_from` skips that many plans and `rows_from` that many lines of each plan (later pages)."""
    connection = session.connection()
    values = {**flt.parameters(), "today": today}
    snapshot = _from_snapshot(session, today, flt, plans=slice(plans_from, plans_from + max_plans),
                              rows=slice(rows_from, rows_from + per_plan))  # fmt: skip
    if isinstance(snapshot, OverdueReport):
        return snapshot
    if snapshot is None and flt.shape != WALES:
        page_values = {**values, "plans_from": plans_from, "plans_to": plans_from + max_plans,
                       "rows_from": rows_from, "rows_to": rows_from + per_plan}  # fmt: skip
        # `.all()` fetches the rows in one call; iterating a result fetches them one by one.
        found = connection.execute(_overdue_page_statement(flt.shape), page_values).all()
        if found:
            return _report_from_page(session, [tuple(r) for r in found], today, flt)
        # Nothing overdue, or a page past the last plan: the counts say which.
    if snapshot is None:
        counts = [tuple(r) for r in connection.execute(_overdue_counts_statement(flt.shape), values).all() if r[3]]
    else:
        counts = snapshot
    counts.sort(key=lambda r: (r[4] or date.max, r[1]))
    shown = counts[plans_from : plans_from + max_plans]
    rows_by_plan: dict[str, list[ActionRow]] = {}
    if shown:
        plan_ids = [r[0] for r in shown]
        if snapshot is not None:
            lines = snapshot_lines(connection, organisation_id=_organisation_id(flt), plan_ids=plan_ids,
                                   rows_from=rows_from, per_plan=per_plan)  # fmt: skip
        else:
            rank_values = {**values, "plan_ids": plan_ids, "per_plan": rows_from + per_plan, "rows_from": rows_from}
            lines = [tuple(r) for r in connection.execute(_oldest_overdue_statement(flt.shape), rank_values).all()]
        rows = _with_rollups(session, lines, today, flt)
        for row in rows:
            rows_by_plan.setdefault(row.plan_key, []).append(row)
    groups = [
        PlanGroup(key, name, count, rows_by_plan.get(key, []), lines) for _id, key, name, count, _oldest, lines in shown
    ]
    return OverdueReport(
        groups=groups, total=sum(r[3] for r in counts), plans_total=len(counts), lines=sum(r[5] for r in counts)
    )


def _from_snapshot(
    session: Session, today: date, flt: ActionFilter, *, plans: slice, rows: slice
) -> OverdueReport | list[tuple[Any, ...]] | None:
    """What the overdue snapshot (bot/plans/overdue_snapshot.py) answers when it holds today, for every shape
    but the lead filter: on PostgreSQL the whole page in one statement; on SQLite, or when that page is empty,
    the plans' counts, whose lines the caller reads. None: count live."""
    if flt.lead:
        return None
    connection = session.connection()
    organisation_id, plan_key = _organisation_id(flt), flt.parameters().get("plan_key")
    if connection.dialect.name == "postgresql":
        page = snapshot_page(connection, today=today, organisation=flt.organisation, plan_key=plan_key,
                             plans=plans, rows=rows)  # fmt: skip
        if page is None:
            return None
        if page[0][PAGE_ROW_WIDTH] is not None:
            kept = rollups_from_json({row[0]: row[-1] for row in page if row[-1] is not None}, today)
            return _report_from_page(session, [row[:-1] for row in page], today, flt, kept)
        # An empty page: the counts say whether anything is overdue at all, or the page is past the last plan.
    return snapshot_counts(connection, today=today, organisation_id=organisation_id, plan_key=plan_key)


def _organisation_id(flt: ActionFilter) -> int | None:
    return flt.organisation.id if flt.organisation is not None else None


def _report_from_page(
    session: Session,
    found: list[tuple[Any, ...]],
    today: date,
    flt: ActionFilter,
    kept_rollups: dict[int, Rollup] | None = None,
) -> OverdueReport:
    """The report from the rows of `_overdue_page_statement`: each carries its plan's counts and the totals
    of every plan; a shown plan with no line on this page comes as one row without an action. The lines'
    roll-ups are read unless given."""
    lines = [r[:PAGE_ROW_WIDTH] for r in found if r[0] is not None]
    rows = _with_rollups(session, lines, today, flt, kept_rollups)
    lines_of = {row.id: row for row in rows}
    groups: dict[str, PlanGroup] = {}
    for values in found:
        key, name, total, lines = values[PAGE_ROW_WIDTH : PAGE_ROW_WIDTH + 4]
        group = groups.setdefault(key, PlanGroup(key, name, int(total), [], int(lines)))
        if values[0] is not None:
            group.rows.append(lines_of[values[0]])
    plans_total, all_total, all_lines = found[0][-3:]
    return OverdueReport(
        groups=list(groups.values()), total=int(all_total), plans_total=int(plans_total), lines=int(all_lines)
    )


def oldest_overdue(*, session: Session, today: date, flt: ActionFilter, limit: int) -> tuple[list[ActionRow], int]:
    """The `limit` oldest overdue lines whatever their plan, and how many parts are overdue: what a digest
    shows, without counting every plan's lines."""
    values = {**flt.parameters(), "today": today, "limit": limit}
    found = session.connection().execute(_oldest_lines_statement(flt.shape), values).all()
    rows = _with_rollups(session, [tuple(r)[:PAGE_ROW_WIDTH] for r in found], today, flt)
    # No line means no overdue part: the count rides on the rows.
    return rows, int(found[0][-1]) if found else 0


def _with_rollups(
    session: Session,
    lines: list[tuple[Any, ...]],
    today: date,
    flt: ActionFilter,
    kept_rollups: dict[int, Rollup] | None = None,
) -> list[ActionRow]:
    """The rows of `lines` (`row_columns` + parts + oldest), each standing for several parts with its roll-up
    (read unless given)."""
    found = kept_rollups
    if found is None:
        whole_ids = [line[0] for line in lines if line[PARTS_COLUMN] > 1]
        subtree = flt.organisation.path if flt.organisation is not None else None
        found = rollups(session=session, whole_ids=whole_ids, today=today, subtree_path=subtree)
    return [to_row(line, found.get(line[0]) if line[PARTS_COLUMN] > 1 else None) for line in lines]


def due_soon(
    *, session: Session, today: date, days: int, flt: ActionFilter, limit: int = 30, offset: int = 0
) -> tuple[list[ActionRow], int]:
    """Open actions whose deadline falls from today to `days` ahead: `limit` of them after the first `offset`,
    and the total."""
    count_statement, rows_statement = _due_soon_statements(flt.shape)
    values = {**flt.parameters(), "today": today, "until": today + timedelta(days=days), "limit": limit,
              "offset": offset}  # fmt: skip
    connection = session.connection()
    found = connection.execute(rows_statement, values).all()
    # Each row carries the total; an empty page past the first needs the count to say how far the list goes.
    total = int(found[0][-1]) if found else connection.execute(count_statement, values).scalar_one() if offset else 0
    return _with_rollups(session, [tuple(v)[:PAGE_ROW_WIDTH] for v in found], today, flt), total


WALES = FilterShape(by_plan=False, by_organisation=False, by_lead=False)
# Columns of a line in `_overdue_page_statement`'s rows before its plan's: `_row_columns`, parts, oldest.
PAGE_ROW_WIDTH = 17
PARTS_COLUMN = 15


@cache
def _overdue_page_statement(shape: FilterShape) -> Select[Any]:
    """`_overdue_counts_statement` and `_oldest_overdue_statement` in one round trip: the plans counted, ranked
    oldest first (with the totals over every plan as window sums), and the lines of the plans on the page
    ranked within their plan, their full rows read by primary key."""
    owner = aliased(Person)
    counts = _overdue_counts_statement(shape).subquery()
    plans = select(
        counts.c.id.label("plan_id"),
        counts.c.key,
        counts.c.name,
        counts.c.total,
        counts.c.lines,
        func.row_number().over(order_by=(counts.c.oldest, counts.c.key)).label("plan_rank"),
        func.count().over().label("plans_total"),
        func.sum(counts.c.total).over().label("all_total"),
        func.sum(counts.c.lines).over().label("all_lines"),
    ).subquery()
    shown_plans = (
        select(plans).where(plans.c.plan_rank > bindparam("plans_from"), plans.c.plan_rank <= bindparam("plans_to"))
    ).cte("shown_plans")
    lines = _line_groups(owner, shape).where(Action.plan_id.in_(select(shown_plans.c.plan_id))).subquery()
    rank = func.row_number().over(partition_by=lines.c.plan_id, order_by=(lines.c.oldest, lines.c.first_ref))
    ranked_lines = select(lines, rank.label("rank")).subquery()
    shown_id = case((ranked_lines.c.parts == 1, ranked_lines.c.first_id), else_=ranked_lines.c.line_id)
    on_page = and_(
        ranked_lines.c.plan_id == shown_plans.c.plan_id,
        ranked_lines.c.rank > bindparam("rows_from"),
        ranked_lines.c.rank <= bindparam("rows_to"),
    )
    plan_columns = (shown_plans.c.key, shown_plans.c.name, shown_plans.c.total, shown_plans.c.lines)
    totals = (shown_plans.c.plans_total, shown_plans.c.all_total, shown_plans.c.all_lines)
    statement: Select[Any] = (
        select(  # type: ignore[call-overload]
            *row_columns(owner, shown_plans.c.key, shown_plans.c.name),
            ranked_lines.c.parts,
            ranked_lines.c.oldest,
            *plan_columns,
            *totals,
        )
        .select_from(shown_plans)
        .outerjoin(ranked_lines, on_page)
        .outerjoin(Action, Action.id == shown_id)
        .outerjoin(owner, owner.id == Action.owner_id)
        .order_by(shown_plans.c.plan_rank, ranked_lines.c.rank)
    )
    return statement


@cache
def _oldest_lines_statement(shape: FilterShape) -> Select[Any]:
    owner = aliased(Person)
    lines = _line_groups(owner, shape).order_by("oldest", "first_ref").limit(bindparam("limit")).subquery()
    parts = _overdue_query(aliased(Person), shape, func.count()).scalar_subquery()
    return line_rows(owner, lines, parts)


def _line_groups(owner: type[Person], shape: FilterShape) -> Select[Any]:
    """The matching overdue parts grouped into lines: per line its plan, oldest deadline, first reference,
    first id and how many parts."""
    line_id = _line_id(shape).label("line_id")
    return _overdue_query(
        owner,
        shape,
        Action.plan_id,
        line_id,
        func.min(Action.due_end).label("oldest"),
        func.min(Action.ref).label("first_ref"),
        func.min(Action.id).label("first_id"),
        func.count().label("parts"),
    ).group_by(Action.plan_id, line_id)


@cache
def _overdue_counts_statement(shape: FilterShape) -> Select[Any]:
    """Per plan: id, key, name, how many overdue, the oldest deadline and how many lines they make (plans
    with none may appear with 0)."""
    owner = aliased(Person)
    lines = func.count(func.distinct(_line_id(shape)))
    if shape == FilterShape(by_plan=False, by_organisation=False, by_lead=False):
        # All of Wales: one index range per plan beats grouping every overdue row of the country.
        in_plan = Action.plan_id == Plan.id
        total = _overdue_query(owner, shape, func.count()).where(in_plan).scalar_subquery()
        oldest = _overdue_query(owner, shape, func.min(Action.due_end)).where(in_plan).scalar_subquery()
        line_count = _overdue_query(owner, shape, lines).where(in_plan).scalar_subquery()
        return select(Plan.id, Plan.key, Plan.name, total, oldest, line_count)
    per_plan = (
        _overdue_query(
            owner,
            shape,
            Action.plan_id,
            func.count().label("total"),
            func.min(Action.due_end).label("oldest"),
            lines.label("lines"),
        )
        .group_by(Action.plan_id)
        .subquery()
    )
    return select(Plan.id, Plan.key, Plan.name, per_plan.c.total, per_plan.c.oldest, per_plan.c.lines).join(
        per_plan, per_plan.c.plan_id == Plan.id
    )


def _line_id(shape: FilterShape) -> ColumnElement[int]:
    return overdue_line_id(within_organisation=shape.by_organisation)


@cache
def _oldest_overdue_statement(shape: FilterShape) -> Select[Any]:
    """The oldest `per_plan` overdue lines of each of `plan_ids`: group the matching parts by the action
    they belong to, rank the groups (read from the overdue indexes), then fetch the full rows for the
    winners only: the part itself when it is alone, else the action it belongs to."""
    owner = aliased(Person)
    groups = _line_groups(owner, shape).where(Action.plan_id.in_(bindparam("plan_ids", expanding=True))).subquery()
    rank = (
        func.row_number()
        .over(partition_by=groups.c.plan_id, order_by=(groups.c.oldest, groups.c.first_ref))
        .label("rank")
    )
    shown_id = case((groups.c.parts == 1, groups.c.first_id), else_=groups.c.line_id).label("shown_id")
    ranked = select(shown_id, groups.c.parts, groups.c.oldest, groups.c.first_ref, rank).subquery()
    statement: Select[Any] = (
        select(*row_columns(owner), ranked.c.parts, ranked.c.oldest)  # type: ignore[call-overload]
        .select_from(ranked)
        .join(Action, Action.id == ranked.c.shown_id)
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(owner, owner.id == Action.owner_id)
        .where(ranked.c.rank <= bindparam("per_plan"), ranked.c.rank > bindparam("rows_from"))
        .order_by(ranked.c.oldest, ranked.c.first_ref)
    )
    return statement


@cache
def _due_soon_statements(shape: FilterShape) -> tuple[Select[Any], Select[Any]]:
    """How many lines fall due in the window, and a page of them soonest first; as in `overdue`, the parts
    of one action due in the window make one line."""
    owner = aliased(Person)
    window = (
        Action.status.not_in(CLOSED_STATUSES),
        Action.open_ended.is_(False),
        Action.is_rollup.is_(False),
        Action.due_end >= bindparam("today"),
        Action.due_end <= bindparam("until"),
    )
    line_id = _line_id(shape).label("line_id")
    matching = select(Action.id).select_from(Action)
    if shape.by_lead:
        matching = matching.outerjoin(owner, owner.id == Action.owner_id)
    matching = _apply_filter(matching.where(*window), owner, shape)
    groups = (
        select(
            line_id,
            func.min(Action.due_end).label("oldest"),
            func.min(Plan.key).label("plan_key"),
            func.min(Action.ref).label("first_ref"),
            func.min(Action.id).label("first_id"),
            func.count().label("parts"),
        )
        .select_from(Action)
        .join(Plan, Plan.id == Action.plan_id)
        .where(Action.id.in_(matching))
        .group_by(line_id)
        .subquery()
    )
    count = select(func.count()).select_from(groups)
    # The page is cut before the full rows are joined, so only its lines are read by primary key.
    order = (groups.c.oldest, groups.c.plan_key, groups.c.first_ref)
    page = (
        select(groups, func.count().over().label("total"))
        .order_by(*order)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
        .subquery()
    )
    shown_id = case((page.c.parts == 1, page.c.first_id), else_=page.c.line_id)
    rows = (
        select(*row_columns(owner), page.c.parts, page.c.oldest, page.c.total)  # type: ignore[call-overload]
        .select_from(page)
        .join(Action, Action.id == shown_id)
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(owner, owner.id == Action.owner_id)
        .order_by(page.c.oldest, page.c.plan_key, page.c.first_ref)
    )
    return count, rows


def _overdue_query(owner: type[Person], shape: FilterShape, *columns: Any) -> Select[Any]:
    query = select(*columns).select_from(Action)
    if shape.by_lead:
        # Only a lead filter needs the owner; without it, the counts are read from an index alone.
        query = query.outerjoin(owner, owner.id == Action.owner_id)
    return _apply_filter(query.where(*_overdue_condition()), owner, shape)


def _overdue_condition() -> tuple[ColumnElement[bool], ...]:
    return (*overdue_candidate(), Action.due_end < bindparam("today"))


def _apply_filter(query: AnySelect, owner: type[Person], shape: FilterShape) -> AnySelect:
    """Narrows a query on actions joined to `owner`. Plan and organisation become id subqueries, so the
    database walks the actions indexes for the few matching ids instead of joining every overdue row."""
    if shape.by_plan:
        plan_ids = select(Plan.id).where(func.lower(Plan.key) == bindparam("plan_key"))
        query = query.where(InSubquery(Action.plan_id, plan_ids))
    if shape.by_organisation:
        subtree = select(Organisation.id).where(Organisation.path.startswith(bindparam("subtree_path")))
        query = query.where(InSubquery(Action.organisation_id, subtree))
    if shape.by_lead:
        pattern: ColumnElement[str] = bindparam("lead_pattern")
        query = query.where(
            or_(
                func.lower(Action.lead_text).like(pattern),
                func.lower(owner.name).like(pattern),
                func.lower(owner.email).like(pattern),
            )
        )
    return query


def unowned_actions(*, session: Session, limit: int, offset: int = 0) -> tuple[list[ActionRow], int]:
    """Actions nobody owns yet (their lead matched no role at import), by plan and reference: `limit` of
    them after the first `offset`, and how many there are."""
    owner = aliased(Person)
    unowned = Action.owner_id.is_(None)
    total = session.scalar(select(func.count()).select_from(Action).where(unowned)) or 0
    query = (
        select(*row_columns(owner))  # type: ignore[call-overload]
        .select_from(Action)
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(owner, owner.id == Action.owner_id)
        .where(unowned)
        .order_by(Plan.key, Action.id)
        .limit(limit)
        .offset(offset)
    )
    return [to_row(tuple(v)) for v in session.execute(query)], total
