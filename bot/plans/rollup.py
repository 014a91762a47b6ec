"""How the parts of a roll-up stand: "4 of 7 boards done · 3 overdue: AB, BCU, HD".

A roll-up's parts are its direct children: one delivery per owing organisation, or one occurrence per due
date of a recurring action. A part that is itself a roll-up (a board's delivery of a quarterly return) is
overdue when any of its own occurrences is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Connection, Select, bindparam, case, exists, false, func, select, true
from sqlalchemy.orm import Session, aliased

from bot.directory.models import Organisation
from bot.i18n import _, format_day, ngettext
from bot.plans.models import CLOSED_STATUSES, Action

NAMED_IN_SUMMARY = 8
PART_NOUNS = {"health_board": ("board", "boards"), "cluster": ("cluster", "clusters")}


@dataclass(frozen=True)
class Part:
    label: str
    done: bool
    overdue: bool


@dataclass(frozen=True)
class Rollup:
    noun: str
    parts: tuple[Part, ...]

    @cached_property
    def done(self) -> int:
        return sum(part.done for part in self.parts)

    @cached_property
    def overdue(self) -> tuple[Part, ...]:
        return tuple(part for part in self.parts if part.overdue)

    def summary(self) -> str:
        text = _done_words(self.noun, self.done, len(self.parts))
        if self.overdue:
            named = [part.label for part in self.overdue]
            if len(named) > NAMED_IN_SUMMARY:
                # A line stays a line; `show` lists every part.
                hidden = len(named) - NAMED_IN_SUMMARY + 1
                named = [*named[: NAMED_IN_SUMMARY - 1], _("and {n} more").format(n=hidden)]
            overdue = _("{count} overdue: {names}").format(count=len(self.overdue), names=", ".join(named))
            text += f" · {overdue}"
        return text


def _done_words(noun: str, done: int, total: int) -> str:
    """ "4 of 7 boards done", with the noun counted by the total (Welsh mutates and counts in six forms)."""
    if noun == "boards":
        words = ngettext("{done} of {total} board done", "{done} of {total} boards done", total)
    elif noun == "clusters":
        words = ngettext("{done} of {total} cluster done", "{done} of {total} clusters done", total)
    elif noun == "occurrences":
        words = ngettext("{done} of {total} occurrence done", "{done} of {total} occurrences done", total)
    else:
        words = ngettext("{done} of {total} organisation done", "{done} of {total} organisations done", total)
    return words.format(done=done, total=total)


def rollups(
    *, session: Session, whole_ids: Iterable[int], today: date, subtree_path: str | None = None
) -> dict[int, Rollup]:
    """The roll-up of each of `whole_ids`, counting only parts owed within `subtree_path` when given."""
    ids = list(dict.fromkeys(whole_ids))
    if not ids:
        return {}
    values: dict[str, Any] = {"whole_ids": ids}
    if subtree_path:
        values["subtree_path"] = subtree_path
    # Read on the connection: rows of plain columns need none of the ORM's per-statement work, a tenth of an
    # uncached `overdue`. The flush is what the ORM would have done first: a part just changed counts.
    session.flush()
    connection = session.connection()
    children = connection.execute(_parts_statement(within_subtree=bool(subtree_path)), values).all()
    late_parents = _parents_with_overdue_leaves(connection, [c.id for c in children if c.is_rollup], today)
    return _rollups_of(children, late_parents, today)


class Child(NamedTuple):
    """A part as `_parts_statement` reads it."""

    parent_id: int
    id: int
    ref: str
    status: str
    due_end: date | None
    open_ended: bool
    is_rollup: bool
    organisation_kind: str | None
    organisation_short_name: str | None
    organisation_code: str | None


def parts_as_json(whole_id: Any, *, within_subtree: bool) -> ColumnElement[Any]:
    """PostgreSQL: the parts of `whole_id` as one JSON array, so a listing's statement carries its roll-ups
    instead of a second round trip reading them: per part the columns of `Child` after the parent, then
    whether any of its own leaves is overdue by `:today` (for a part that is itself a roll-up)."""
    from sqlalchemy.dialects.postgresql import aggregate_order_by  # PostgreSQL's own, loaded where it is used

    child, leaf = aliased(Action), aliased(Action)
    # Each part's organisation by primary key. OFFSET keeps PostgreSQL from flattening this into a join,
    # which it planned as a scan of every organisation for every roll-up on the page.
    organisation = (
        select(Organisation.kind, Organisation.short_name, Organisation.code, Organisation.path)
        .where(Organisation.id == child.organisation_id)
        .offset(0)
        .lateral("part_organisation")
    )
    late_leaf = exists().where(leaf.parent_id == child.id, *_overdue_leaf(leaf))
    part = func.json_build_array(child.id, child.ref, child.status, child.due_end, child.open_ended, child.is_rollup,
                                 organisation.c.kind, organisation.c.short_name, organisation.c.code,
                                 case((child.is_rollup, late_leaf), else_=false()))  # fmt: skip
    order = aggregate_order_by(part, organisation.c.path, child.due_end, child.ref)
    parts = (
        select(func.json_agg(order))
        .select_from(child)
        .outerjoin(organisation, true())
        .where(child.parent_id == whole_id)
    )
    if within_subtree:
        parts = parts.where(organisation.c.path.startswith(bindparam("subtree_path")))
    return parts.scalar_subquery()


def rollups_from_json(parts_by_whole: dict[int, list[list[Any]]], today: date) -> dict[int, Rollup]:
    """The roll-ups of wholes whose parts `parts_as_json` read."""
    children: list[Child] = []
    late_parents: set[int] = set()
    for whole, parts in parts_by_whole.items():
        for id_, ref, status, due_end, open_ended, is_rollup, kind, short_name, code, late in parts:
            due = date.fromisoformat(due_end) if due_end else None
            children.append(Child(whole, id_, ref, status, due, open_ended, is_rollup, kind, short_name, code))
            if late:
                late_parents.add(id_)
    return _rollups_of(children, late_parents, today)


def _rollups_of(children: Iterable[Any], late_parents: set[int], today: date) -> dict[int, Rollup]:
    by_whole: dict[int, list[Part]] = {}
    kinds: dict[int, set[str]] = {}
    for child in children:
        kind = _kind(child)
        by_whole.setdefault(child.parent_id, []).append(_part(child, kind, late_parents, today))
        kinds.setdefault(child.parent_id, set()).add(kind)
    return {whole: Rollup(_noun(kinds[whole]), tuple(parts)) for whole, parts in by_whole.items()}


@cache
def _parts_statement(*, within_subtree: bool) -> Select[Any]:
    """The parts of `:whole_ids` (within `:subtree_path` when asked), built once: an uncached Wales page asks
    for a dozen roll-ups, and building the statement cost as much as running it."""
    columns: tuple[Any, ...] = (
        Action.parent_id,
        Action.id,
        Action.ref,
        Action.status,
        Action.due_end,
        Action.open_ended,
        Action.is_rollup,
        # Plain columns, not the Organisation entity: a Wales page reads about ninety parts, and building
        # an ORM object for each part's organisation was a third of what its roll-ups cost.
        Organisation.kind.label("organisation_kind"),
        Organisation.short_name.label("organisation_short_name"),
        Organisation.code.label("organisation_code"),
    )
    query = (
        select(*columns)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .where(Action.parent_id.in_(bindparam("whole_ids", expanding=True)))
        .order_by(Action.parent_id, Organisation.path, Action.due_end, Action.ref)
    )
    if within_subtree:
        query = query.where(Organisation.path.startswith(bindparam("subtree_path")))
    return query


def _part(child: Any, kind: str, late_parents: set[int], today: date) -> Part:
    closed = child.status in CLOSED_STATUSES
    own_deadline_passed = (
        not child.is_rollup
        and not closed
        and not child.open_ended
        and child.due_end is not None
        and child.due_end < today
    )
    if kind == "occurrence" and child.due_end is not None:
        label = format_day(child.due_end)
    else:
        # How a roll-up line names an organisation: its short name (`C&V`), else its code.
        label = child.organisation_short_name or child.organisation_code or child.ref
    return Part(label, closed, own_deadline_passed or child.id in late_parents)


def _kind(child: Any) -> str:
    """An occurrence's ref ends in `#<due date>`; a delivery's part is named by its organisation."""
    if "#" in child.ref:
        return "occurrence"
    return str(child.organisation_kind) if child.organisation_kind else "part"


def _parents_with_overdue_leaves(connection: Connection, parent_ids: list[int], today: date) -> set[int]:
    if not parent_ids:
        return set()
    return set(connection.execute(_late_parents_statement(), {"parent_ids": parent_ids, "today": today}).scalars())


@cache
def _late_parents_statement() -> Select[Any]:
    return (
        select(Action.parent_id)
        .where(Action.parent_id.in_(bindparam("parent_ids", expanding=True)), *_overdue_leaf(Action))
        .distinct()
    )


def _overdue_leaf(leaf: Any) -> tuple[ColumnElement[bool], ...]:
    """`leaf` (Action or an alias of it) is a part of its own, still open and past its deadline by `:today`."""
    return (
        leaf.is_rollup.is_(False),
        leaf.status.not_in(CLOSED_STATUSES),
        leaf.open_ended.is_(False),
        leaf.due_end < bindparam("today"),
    )


def _noun(kinds: set[str]) -> str:
    if kinds == {"occurrence"}:
        return "occurrences"
    if len(kinds) == 1:
        return PART_NOUNS.get(next(iter(kinds)), ("organisation", "organisations"))[1]
    return "organisations"
