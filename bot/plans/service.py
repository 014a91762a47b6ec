"""Queries and changes on actions. Listing queries return light read models, computed in SQL, because a
board may have thousands of overdue actions and a chat reply shows a handful of them plus counts."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from bot.directory.models import Organisation, Person
from bot.directory.service import manages
from bot.plans.models import CLOSED_STATUSES, STATUSES, Action, Plan, StatusUpdate

AnySelect = TypeVar("AnySelect", bound=Select[Any])


@dataclass(frozen=True)
class PersonSummary:
    name: str
    email: str
    slack_user_id: str | None
    teams_id: str | None


@dataclass(frozen=True)
class ActionRow:
    id: int
    plan_key: str
    plan_name: str
    ref: str
    title: str
    lead_text: str
    owner: PersonSummary | None
    deadline: date | None
    due_raw: str
    status: str
    status_changed_at: datetime | None

    @property
    def label(self) -> str:
        return f"{self.plan_key}/{self.ref}"


@dataclass(frozen=True)
class PlanGroup:
    plan_key: str
    plan_name: str
    total: int
    rows: list[ActionRow]


@dataclass(frozen=True)
class OverdueReport:
    groups: list[PlanGroup]
    total: int
    plans_total: int


@dataclass(frozen=True)
class ActionFilter:
    plan_key: str | None = None
    organisation: Organisation | None = None
    lead: str | None = None


def _row_columns(owner: type[Person]) -> tuple[object, ...]:
    return (
        Action.id,
        Plan.key,
        Plan.name,
        Action.ref,
        Action.title,
        Action.lead_text,
        owner.name,
        owner.email,
        owner.slack_user_id,
        owner.teams_id,
        Action.due_end,
        Action.open_ended,
        Action.due_raw,
        Action.status,
        Action.status_changed_at,
    )


def _to_row(values: tuple[object, ...]) -> ActionRow:
    (id_, plan_key, plan_name, ref, title, lead, o_name, o_email, o_slack, o_teams, due_end, open_ended,
     due_raw, status, changed_at) = values  # fmt: skip
    owner = PersonSummary(str(o_name), str(o_email), o_slack, o_teams) if o_email else None  # type: ignore[arg-type]
    return ActionRow(
        id=id_,  # type: ignore[arg-type]
        plan_key=plan_key,  # type: ignore[arg-type]
        plan_name=plan_name,  # type: ignore[arg-type]
        ref=ref,  # type: ignore[arg-type]
        title=title,  # type: ignore[arg-type]
        lead_text=lead,  # type: ignore[arg-type]
        owner=owner,
        deadline=None if open_ended else due_end,  # type: ignore[arg-type]
        due_raw=due_raw,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        status_changed_at=changed_at,  # type: ignore[arg-type]
    )


def _apply_filter(query: AnySelect, owner: type[Person], flt: ActionFilter) -> AnySelect:
    """Narrows a query on actions joined to `owner`. Plan and organisation become id subqueries, so the
    database walks the actions indexes for the few matching ids instead of joining every overdue row."""
    if flt.plan_key:
        query = query.where(Action.plan_id.in_(select(Plan.id).where(func.lower(Plan.key) == flt.plan_key.lower())))
    if flt.organisation is not None:
        subtree = select(Organisation.id).where(Organisation.path.startswith(flt.organisation.path))
        query = query.where(Action.organisation_id.in_(subtree))
    if flt.lead:
        pattern = f"%{flt.lead.lower()}%"
        query = query.where(
            or_(
                func.lower(Action.lead_text).like(pattern),
                func.lower(owner.name).like(pattern),
                func.lower(owner.email).like(pattern),
            )
        )
    return query


def _overdue_condition(today: date) -> tuple[ColumnElement[bool], ...]:
    return (
        Action.status.not_in(CLOSED_STATUSES),
        Action.open_ended.is_(False),
        Action.due_end.is_not(None),
        Action.due_end < today,
    )


def _overdue_actions_query(owner: type[Person], flt: ActionFilter, today: date, *columns: Any) -> Select[Any]:
    query = select(*columns).select_from(Action)
    if flt.lead:
        # Only a lead filter needs the owner; without it, the counts are read from an index alone.
        query = query.outerjoin(owner, owner.id == Action.owner_id)
    return _apply_filter(query.where(*_overdue_condition(today)), owner, flt)


def overdue_actions(
    *, session: Session, today: date, flt: ActionFilter, max_plans: int = 8, per_plan: int = 5
) -> OverdueReport:
    """Overdue actions grouped by plan, oldest first: counts for every plan, rows for the first few."""
    owner = aliased(Person)
    per_plan_counts = (
        _overdue_actions_query(
            owner, flt, today, Action.plan_id, func.count().label("total"), func.min(Action.due_end).label("oldest")
        )
        .group_by(Action.plan_id)
        .subquery()
    )
    counts_query = select(Plan.id, Plan.key, Plan.name, per_plan_counts.c.total, per_plan_counts.c.oldest).join(
        per_plan_counts, per_plan_counts.c.plan_id == Plan.id
    )
    counts: list[tuple[int, str, str, int, date | None]] = [
        (r[0], r[1], r[2], r[3], r[4]) for r in session.execute(counts_query)
    ]
    counts.sort(key=lambda r: (r[4] or date.max, r[1]))
    shown = counts[:max_plans]
    rows_by_plan = _first_rows_per_plan(session, today, flt, [r[0] for r in shown], per_plan)
    groups = [PlanGroup(key, name, count, rows_by_plan.get(key, [])) for _id, key, name, count, _ in shown]
    return OverdueReport(groups=groups, total=sum(r[3] for r in counts), plans_total=len(counts))


def _first_rows_per_plan(
    session: Session, today: date, flt: ActionFilter, plan_ids: list[int], per_plan: int
) -> dict[str, list[ActionRow]]:
    """The oldest `per_plan` overdue rows of each shown plan, in one round trip: rank the matching action
    ids (read from the overdue indexes), then fetch the full rows for the winners only."""
    if not plan_ids:
        return {}
    owner = aliased(Person)
    rank = func.row_number().over(partition_by=Action.plan_id, order_by=(Action.due_end, Action.ref)).label("rank")
    ranked = (
        _overdue_actions_query(owner, flt, today, Action.id, rank).where(Action.plan_id.in_(plan_ids)).subquery()
    )
    query = (
        select(*_row_columns(owner))  # type: ignore[call-overload]
        .select_from(ranked)
        .join(Action, Action.id == ranked.c.id)
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(owner, owner.id == Action.owner_id)
        .where(ranked.c.rank <= per_plan)
        .order_by(Action.due_end, Action.ref)
    )
    grouped: dict[str, list[ActionRow]] = {}
    # Plain Core execution: the rows are read into ActionRow anyway, so the ORM's per-statement work is waste.
    for values in session.connection().execute(query):
        row = _to_row(tuple(values))
        grouped.setdefault(row.plan_key, []).append(row)
    return grouped


def due_soon(
    *, session: Session, today: date, days: int, flt: ActionFilter, limit: int = 30
) -> tuple[list[ActionRow], int]:
    """Open actions whose deadline falls from today to `days` ahead: the first `limit` and the total."""
    owner = aliased(Person)
    window = (
        Action.status.not_in(CLOSED_STATUSES),
        Action.open_ended.is_(False),
        Action.due_end >= today,
        Action.due_end <= today + timedelta(days=days),
    )
    base = (
        select(*_row_columns(owner))  # type: ignore[call-overload]
        .select_from(Action)
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(owner, owner.id == Action.owner_id)
        .where(*window)
    )
    query = _apply_filter(base, owner, flt)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = [
        _to_row(tuple(v)) for v in session.execute(query.order_by(Action.due_end, Plan.key, Action.ref).limit(limit))
    ]
    return rows, total


def actions_owned_by(*, session: Session, person: Person) -> list[Action]:
    query = (
        select(Action)
        .join(Plan)
        .where(or_(Action.owner_id == person.id, Action.contributors.any(Person.id == person.id)))
        .order_by(Action.due_end.is_(None), Action.due_end, Plan.key, Action.ref)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class ActionNotFound:
    ref: str
    suggestions: list[str]
    ambiguous: bool = False


def find_action(*, session: Session, ref: str) -> Action | ActionNotFound:
    """`esr/1.a` (or `esr:1.a`) names one action; a bare `1.a` works while only one plan has it."""
    text = ref.strip().rstrip(".,;")
    plan_key, sep, action_ref = text.replace(":", "/").rpartition("/")
    query = select(Action).join(Plan).where(func.lower(Action.ref) == action_ref.lower())
    if sep:
        query = query.where(func.lower(Plan.key) == plan_key.lower())
    matches = list(session.scalars(query.limit(10)))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        return ActionNotFound(ref, sorted(a.label for a in matches), ambiguous=True)
    return ActionNotFound(ref, _close_labels(session, text))


def _close_labels(session: Session, text: str) -> list[str]:
    labels = [f"{key}/{ref}" for key, ref in session.execute(select(Plan.key, Action.ref).join(Action.plan))]
    bare = {label.rpartition("/")[2]: label for label in labels}
    close = difflib.get_close_matches(text.lower(), labels, n=3, cutoff=0.6)
    close += [bare[m] for m in difflib.get_close_matches(text.lower(), list(bare), n=3, cutoff=0.6)]
    return list(dict.fromkeys(close))[:3]


def may_change(*, actor: Person, action: Action) -> bool:
    """Only the owner, someone up the owner's line of management, or an admin may update or reassign."""
    if actor.is_admin:
        return True
    if action.owner is None:
        return False
    return action.owner.id == actor.id or manages(manager=actor, person=action.owner)


def record_status(
    *,
    session: Session,
    action: Action,
    status: str,
    actor: Person,
    now: datetime,
    note: str | None = None,
    source: str = "console",
    idempotency_key: str | None = None,
) -> StatusUpdate | None:
    """Appends to the history and moves the action's current status. Returns None when the same
    idempotency key was recorded before (a second click, a redelivered webhook): nothing changes."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if idempotency_key and session.scalar(
        select(StatusUpdate.id).where(StatusUpdate.idempotency_key == idempotency_key)
    ):
        return None
    update = StatusUpdate(
        action_id=action.id,
        status=status,
        previous_status=action.status,
        note=note,
        person_id=actor.id,
        source=source,
        recorded_at=now,
        idempotency_key=idempotency_key,
    )
    try:
        with session.begin_nested():
            session.add(update)
            session.flush()
    except IntegrityError:
        # Another process recorded the same key between our check and our insert.
        return None
    session.expire(action, ["history"])
    action.status = status
    action.status_changed_at = now
    action.status_changed_by = actor
    action.status_note = note
    return update


def assign_owner(*, action: Action, owner: Person) -> None:
    action.owner = owner
    action.organisation = owner.organisation or action.organisation


def normalise_status(text: str) -> str | None:
    """`at risk`, `At-Risk`, `at_risk` → `at_risk`; anything else → None."""
    candidate = text.strip().lower().replace("-", "_").replace(" ", "_")
    aliases = {"ontrack": "on_track", "atrisk": "at_risk", "notstarted": "not_started", "complete": "done",
               "completed": "done", "finished": "done"}  # fmt: skip
    candidate = aliases.get(candidate, candidate)
    return candidate if candidate in STATUSES else None
