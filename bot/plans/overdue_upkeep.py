"""Keeping the overdue snapshot (bot/plans/overdue_tables.py) true: rebuilt for a day by the scheduler leader,
and kept on every write made through a session.

A flush notes which lines its action rows leave and join (old and new values of what decides a part's line
and whether it is overdue); just before commit, after the final flush, those lines and their plans' tallies
are recomputed from the actions under the snapshot row's lock, so maintainers take turns and each sees what
the others committed (PostgreSQL's READ COMMITTED; SQLite has one writer at a time anyway). A write the
session cannot follow (bulk statements, organisations or plans changing shape, an action whose parts the
database deletes with it, a large import) marks the snapshot unusable instead: `overdue` then counts live
until the leader rebuilds it.

On PostgreSQL a rebuild takes the lock only briefly, twice: it marks the snapshot as building (unusable), fills
the tables in a transaction of its own, then recounts the lines that writers noted meanwhile (writers seeing
it building note their lines, or that they could not tell them, instead of recounting) and makes it usable.
The fill reads everything committed before it was marked; what commits later is noted. On SQLite, one writer
at a time, a rebuild stays one transaction under the lock.

This module imports bot/storage/versions.py first so that its before-commit lock on the data versions is
always taken before the snapshot's: every writer locks in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    delete,
    event,
    exists,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, aliased
from sqlalchemy.sql.elements import BindParameter

from bot.directory.models import Organisation
from bot.plans.models import CLOSED_STATUSES, Action, Plan, overdue_candidate, overdue_line_id
from bot.plans.overdue_tables import (
    SNAPSHOT_ID,
    WALES_SCOPE,
    OverdueLine,
    OverduePendingLine,
    OverdueSnapshot,
    OverdueTally,
)
from bot.storage import versions as _versions  # noqa: F401  (its before-commit listener must run first)

# A rebuild not finished this long after it started is taken for dead (its process or connection went) and
# the next check starts another: far above the longest seen, under a minute at a million actions on a busy
# machine.
REBUILD_TIMEOUT = timedelta(minutes=10)
# A write touching more lines than this (an import) marks the snapshot unusable rather than recompute them.
MAX_TOUCHED_LINES = 2_000
# What decides whether an action row is an overdue part and which line it is on.
TRACKED = ("organisation_id", "plan_id", "parent_id", "whole_id", "status", "due_end", "open_ended", "is_rollup", "ref")
# Writes to these tables through bulk statements cannot be followed.
FOLLOWED_TABLES = ("actions", "plans", "organisations")
_TOUCHED = "overdue_lines_touched"
LINE_COLUMNS = ("scope_id", "plan_id", "line_id", "parts", "oldest", "first_ref", "first_id")
TALLY_COLUMNS = ("scope_id", "plan_id", "parts", "lines", "oldest")


@dataclass
class Touched:
    """Lines a transaction's writes may have changed: by line id, nationally and within organisations."""

    national: set[int] = field(default_factory=set)
    organisational: set[int] = field(default_factory=set)
    unsure: bool = False

    def add(self, part: dict[str, Any]) -> None:
        self.national.add(part["whole_id"] or part["id"])
        self.organisational.add(part["parent_id"] or part["id"])

    @property
    def too_many(self) -> bool:
        return len(self.national) + len(self.organisational) > MAX_TOUCHED_LINES


def _touched(session: Session) -> Touched:
    touched: Touched = session.info.setdefault(_TOUCHED, Touched())
    return touched


def rebuild_overdue_snapshot(session: Session, *, as_of: date, now: datetime) -> bool:
    """Every scope's overdue lines and tallies as of `as_of`, from the actions, and the snapshot usable
    unless a write it could not follow came meanwhile; whether it rebuilt (not while another rebuild is
    under way)."""
    return _rebuild(session, as_of=as_of, now=now, unless_fresh=False)


def rebuild_if_stale(session: Session, *, today: date, now: datetime) -> bool:
    """Rebuilds the snapshot unless it is usable for `today` or being rebuilt; whether it did."""
    return _rebuild(session, as_of=today, now=now, unless_fresh=True)


def _rebuild(session: Session, *, as_of: date, now: datetime, unless_fresh: bool) -> bool:
    engine = session.get_bind().engine
    if engine.dialect.name == "sqlite":
        # One writer at a time anyway: the whole rebuild in the caller's transaction, under the lock.
        connection = session.connection()
        if unless_fresh and _lock_snapshot(connection).holds(as_of):
            return False
        _fill(connection, as_of=as_of)
        connection.execute(_SET_STATE.values(as_of=as_of, built_at=now, usable=True))
        return True
    # Three transactions of their own, so that writers wait only for the first and the last, which are short:
    # the tables are filled without the lock while writers note what they write for the last step.
    with engine.begin() as connection:
        if not _start_building(connection, as_of=as_of, now=now, unless_fresh=unless_fresh):
            return False
    filled = False
    try:
        with engine.begin() as connection:
            _fill(connection, as_of=as_of)
        filled = True
    finally:
        with engine.begin() as connection:
            _finish_building(connection, as_of=as_of, started=now, filled=filled)
    return True


def _start_building(connection: Connection, *, as_of: date, now: datetime, unless_fresh: bool) -> bool:
    """The rebuild's first step: the snapshot unusable and `building_since` now, unless another rebuild is
    under way (or, with `unless_fresh`, the snapshot holds `as_of`); whether it started. Whatever is
    committed before this commits is read by the fill; writers committing after it note their lines."""
    state = _lock_snapshot(connection)
    if state.building_since is not None and abs(now - state.building_since) < REBUILD_TIMEOUT:
        return False
    if unless_fresh and state.holds(as_of):
        return False
    connection.execute(delete(OverduePendingLine))
    connection.execute(_SET_STATE.values(as_of=as_of, usable=False, building_since=now, missed=False))
    return True


def _fill(connection: Connection, *, as_of: date) -> None:
    """Every scope's lines and tallies as of `as_of`, from the actions as committed when each statement
    starts."""
    connection.execute(delete(OverdueTally))
    connection.execute(delete(OverdueLine))
    for within_organisation in (False, True):
        lines = _overdue_lines(within_organisation=within_organisation, only_lines=False)
        connection.execute(insert(OverdueLine).from_select(LINE_COLUMNS, lines), {"as_of": as_of})
    connection.execute(insert(OverdueTally).from_select(TALLY_COLUMNS, _tallies(only_some=False)))


def _finish_building(connection: Connection, *, as_of: date, started: datetime, filled: bool) -> None:
    """The rebuild's last step, under the lock (after the writers committing meanwhile): the lines written
    since the first step recounted, and the snapshot usable unless the fill failed or a write came that
    could not be followed. Nothing when a later rebuild has taken over (this one was taken for dead)."""
    state = _lock_snapshot(connection)
    if state.building_since != started:
        return
    pending = connection.execute(select(OverduePendingLine.organisational, OverduePendingLine.line_id)).all()
    touched = Touched(
        national={line_id for organisational, line_id in pending if not organisational},
        organisational={line_id for organisational, line_id in pending if organisational},
        unsure=state.missed or not filled,
    )
    usable = not touched.unsure and not touched.too_many
    if usable:
        recompute_lines(connection, as_of=as_of, touched=touched)
    connection.execute(delete(OverduePendingLine))
    connection.execute(_SET_STATE.values(built_at=started, usable=usable, building_since=None, missed=False))


def _note_pending(connection: Connection, touched: Touched) -> None:
    """A write while a rebuild fills the tables: its lines for the rebuild's last step, or `missed` when
    they cannot be told. Under the lock, so writers see each other's notes."""
    if touched.unsure or touched.too_many:
        connection.execute(_SET_STATE.values(missed=True))
        return
    noted = OverduePendingLine.line_id
    connection.execute(
        delete(OverduePendingLine).where(
            or_(
                and_(OverduePendingLine.organisational.is_(False), noted.in_(sorted(touched.national) or [-1])),
                and_(OverduePendingLine.organisational.is_(True), noted.in_(sorted(touched.organisational) or [-1])),
            )
        )
    )
    rows = [{"organisational": False, "line_id": line_id} for line_id in touched.national]
    rows += [{"organisational": True, "line_id": line_id} for line_id in touched.organisational]
    if rows:
        connection.execute(insert(OverduePendingLine), rows)


@dataclass(frozen=True)
class SnapshotState:
    as_of: date | None
    usable: bool
    building_since: datetime | None
    missed: bool

    def holds(self, day: date) -> bool:
        return self.usable and self.as_of == day


_STATE = select(
    OverdueSnapshot.as_of, OverdueSnapshot.usable, OverdueSnapshot.building_since, OverdueSnapshot.missed
).where(OverdueSnapshot.id == SNAPSHOT_ID)
_SET_STATE = update(OverdueSnapshot).where(OverdueSnapshot.id == SNAPSHOT_ID)


def _lock_snapshot(connection: Connection) -> SnapshotState:
    """Waits for the snapshot row's lock (creating the row if a database lacks it) and reads it as committed."""
    found = connection.execute(_STATE.with_for_update()).first()
    if found is None:
        connection.execute(insert(OverdueSnapshot).values(id=SNAPSHOT_ID, usable=False, missed=False))
        return SnapshotState(None, False, None, False)
    return SnapshotState(found[0], bool(found[1]), found[2], bool(found[3]))


def _ancestry(*, every_organisation: bool) -> Any:
    """Each organisation with every organisation whose subtree holds it (itself included), matched by path
    prefix exactly as `overdue org:` matches a subtree."""
    part_org, scope_org = aliased(Organisation), aliased(Organisation)
    pairs = select(part_org.id.label("org_id"), scope_org.id.label("scope_id"))
    pairs = pairs.where(part_org.path.startswith(scope_org.path))
    if every_organisation:
        # For a rebuild, paired once: SQLite would otherwise fold this into the join and walk the overdue
        # parts once per organisation. A recount of a few lines pairs only their parts' organisations.
        return pairs.cte("ancestry").prefix_with("MATERIALIZED")
    return pairs.subquery("ancestry")


@cache
def _overdue_lines(*, within_organisation: bool, only_lines: bool) -> Select[Any]:
    """Rows for `overdue_lines` as of `:as_of`: for all of Wales, or for every organisation subtree holding a
    part; with `only_lines`, just the lines whose ids are `:line_ids`."""
    line_id = overdue_line_id(within_organisation=within_organisation)
    ancestry = _ancestry(every_organisation=not only_lines)
    scope = ancestry.c.scope_id if within_organisation else literal(WALES_SCOPE)
    query = select(scope, Action.plan_id, line_id, func.count(), func.min(Action.due_end), func.min(Action.ref),
                   func.min(Action.id)).where(*overdue_candidate(), Action.due_end < bindparam("as_of"))  # fmt: skip
    if only_lines:
        # The line id's coalesce spelled out, so that both databases find the parts by index.
        grouping = Action.parent_id if within_organisation else Action.whole_id
        ids: BindParameter[list[int]] = bindparam("line_ids", expanding=True)
        query = query.where(or_(grouping.in_(ids), and_(grouping.is_(None), Action.id.in_(ids))))
    if within_organisation:
        query = query.join(ancestry, ancestry.c.org_id == Action.organisation_id).group_by(ancestry.c.scope_id)
    return query.group_by(Action.plan_id, line_id)


@cache
def _tallies(*, only_some: bool) -> Select[Any]:
    """Rows for `overdue_tallies` from the lines; with `only_some`, for `:scope_ids` by `:plan_ids` only."""
    columns: tuple[Any, ...] = (
        OverdueLine.scope_id,
        OverdueLine.plan_id,
        func.sum(OverdueLine.parts),
        func.count(),
        func.min(OverdueLine.oldest),
    )
    query = select(*columns).group_by(OverdueLine.scope_id, OverdueLine.plan_id)
    return query.where(*_some_tallies(OverdueLine)) if only_some else query


def _some_tallies(table: type[OverdueLine] | type[OverdueTally]) -> tuple[ColumnElement[bool], ...]:
    return (
        table.scope_id.in_(bindparam("scope_ids", expanding=True)),
        table.plan_id.in_(bindparam("plan_ids", expanding=True)),
    )


@cache
def _touched_rows() -> ColumnElement[bool]:
    """`overdue_lines` rows of the touched lines: `:national` ids in the Wales scope, `:organisational` in the
    others."""
    return or_(
        and_(OverdueLine.scope_id == WALES_SCOPE, OverdueLine.line_id.in_(bindparam("national", expanding=True))),
        and_(
            OverdueLine.scope_id != WALES_SCOPE,
            OverdueLine.line_id.in_(bindparam("organisational", expanding=True)),
        ),
    )


def recompute_lines(connection: Connection, *, as_of: date, touched: Touched) -> None:
    """The touched lines as the actions stand now, and the tallies of every (scope, plan) they were or are in."""
    # An empty expanding list is valid SQL on both databases, but a never-used id keeps the plans simple.
    ids = {"national": sorted(touched.national) or [-1], "organisational": sorted(touched.organisational) or [-1]}
    pair = (OverdueLine.scope_id, OverdueLine.plan_id)
    removed = connection.execute(delete(OverdueLine).where(_touched_rows()).returning(*pair), ids)
    pairs = {(scope, plan) for scope, plan in removed}
    for within_organisation, line_ids in ((False, touched.national), (True, touched.organisational)):
        if line_ids:
            lines = _overdue_lines(within_organisation=within_organisation, only_lines=True)
            inserted = insert(OverdueLine).from_select(LINE_COLUMNS, lines).returning(*pair)
            added = connection.execute(inserted, {"as_of": as_of, "line_ids": sorted(line_ids)})
            pairs.update((scope, plan) for scope, plan in added)
    if not pairs:
        return
    some = {
        "scope_ids": sorted({scope for scope, _plan in pairs}),
        "plan_ids": sorted({plan for _scope, plan in pairs}),
    }
    connection.execute(delete(OverdueTally).where(*_some_tallies(OverdueTally)), some)
    connection.execute(insert(OverdueTally).from_select(TALLY_COLUMNS, _tallies(only_some=True)), some)


def _before_and_after(instance: Action) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The row's tracked values before and after this flush; None when an old value is unknown (the attribute
    was set without being loaded)."""
    state = inspect(instance)
    before: dict[str, Any] = {"id": instance.id}
    after: dict[str, Any] = {"id": instance.id}
    for name in TRACKED:
        if name not in state.dict:
            return None
        history = state.attrs[name].history
        after[name] = state.dict[name]
        if history.deleted:
            before[name] = history.deleted[0]
        elif history.added:
            return None
        else:
            before[name] = after[name]
    return before, after


def _could_be_overdue(values: dict[str, Any]) -> bool:
    """The terms of `overdue_candidate`: only such a row is a part of a line."""
    closed = values["status"] in CLOSED_STATUSES or values["open_ended"] or values["is_rollup"]
    return not closed and values["due_end"] is not None


def _note_action(session: Session, instance: Action) -> None:
    if instance in session.new:
        states = [{"id": instance.id, **{name: getattr(instance, name) for name in TRACKED}}]
    else:
        found = _before_and_after(instance)
        if found is None:
            _touched(session).unsure = True
            return
        if found[0] == found[1] and instance not in session.deleted:
            return  # nothing that places it in the listing changed
        states = list(found)
    for state in filter(_could_be_overdue, states):
        _touched(session).add(state)


def _changes_shape(session: Session, instance: object) -> bool:
    """An organisation added, removed or moved changes which subtrees hold which parts; a plan deleted takes
    its actions with it in the database, unseen by the session."""
    if isinstance(instance, Plan):
        return instance in session.deleted
    if not isinstance(instance, Organisation):
        return False
    if instance in session.new or instance in session.deleted:
        return True
    state = inspect(instance)
    return bool(state.attrs.path.history.added or state.attrs.parent_id.history.added)


@event.listens_for(Session, "before_flush")
def _note_deletions_with_parts(session: Session, _flush_context: Any, _instances: Any) -> None:
    # The database deletes an action's parts with it, unseen by the session: their lines cannot be followed.
    deleted = [instance.id for instance in session.deleted if isinstance(instance, Action) and instance.id]
    if deleted:
        has_parts = exists().where(or_(Action.parent_id.in_(deleted), Action.whole_id.in_(deleted)))
        if session.connection().execute(select(has_parts)).scalar():
            _touched(session).unsure = True


@event.listens_for(Session, "after_flush")
def _note_touched_lines(session: Session, _flush_context: Any) -> None:
    # The session's new/dirty/deleted collections and the attributes' history still show what this flush wrote.
    for instance in chain(session.new, session.dirty, session.deleted):
        if isinstance(instance, Action):
            _note_action(session, instance)
        elif _changes_shape(session, instance):
            _touched(session).unsure = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_writes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in FOLLOWED_TABLES:
            _touched(state.session).unsure = True


@event.listens_for(Session, "before_commit")
def _bring_snapshot_up_to_date(session: Session) -> None:
    if session.in_nested_transaction():
        return  # releasing a savepoint: the changes still belong to the enclosing transaction
    session.flush()
    touched: Touched | None = session.info.pop(_TOUCHED, None)
    if touched is None:
        return
    connection = session.connection()
    state = _lock_snapshot(connection)
    if state.building_since is not None:
        _note_pending(connection, touched)
        return
    if not state.usable or state.as_of is None:
        return  # the leader rebuilds it; this transaction's changes are committed before it can read them
    if touched.unsure or touched.too_many:
        connection.execute(_SET_STATE.values(usable=False))
        return
    recompute_lines(connection, as_of=state.as_of, touched=touched)


@event.listens_for(Session, "after_transaction_end")
def _forget_touched_lines(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_TOUCHED, None)
