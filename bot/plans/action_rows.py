"""A listed action as `overdue`, `due`, `admin unowned` and the digest show it: a light read model built
from a fixed set of columns, so listing statements read only what a line needs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, Subquery, case, select

from bot.directory.models import Person
from bot.plans.models import Action, Plan
from bot.plans.rollup import Rollup


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
    # A line standing for several parts of one action (its deliveries, its occurrences): how many of them
    # the listing matched, and how all of them stand.
    parts_matched: int = 1
    rollup: Rollup | None = None

    @property
    def label(self) -> str:
        return f"{self.plan_key}/{self.ref}"


def row_columns(owner: type[Person], plan_key: object = Plan.key, plan_name: object = Plan.name) -> tuple[object, ...]:
    return (
        Action.id,
        plan_key,
        plan_name,
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


def line_rows(owner: type[Person], lines: Subquery, *extra: object) -> Select[Any]:
    """The full rows of grouped overdue lines (a subquery with `line_id`, `parts`, `oldest`, `first_ref` and
    `first_id`), oldest first, read by primary key: the part itself when a line has one, else the action it
    belongs to; then the line's parts and oldest deadline, and `extra`."""
    shown_id = case((lines.c.parts == 1, lines.c.first_id), else_=lines.c.line_id)
    statement: Select[Any] = (
        select(*row_columns(owner), lines.c.parts, lines.c.oldest, *extra)  # type: ignore[call-overload]
        .select_from(lines)
        .join(Action, Action.id == shown_id)
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(owner, owner.id == Action.owner_id)
        .order_by(lines.c.oldest, lines.c.first_ref)
    )
    return statement


def to_row(values: tuple[object, ...], rollup: Rollup | None = None) -> ActionRow:
    (id_, plan_key, plan_name, ref, title, lead, o_name, o_email, o_slack, o_teams, due_end, open_ended,
     due_raw, status, changed_at, *parts) = values  # fmt: skip
    owner = PersonSummary(str(o_name), str(o_email), o_slack, o_teams) if o_email else None  # type: ignore[arg-type]
    return ActionRow(
        id=id_,  # type: ignore[arg-type]
        plan_key=plan_key,  # type: ignore[arg-type]
        plan_name=plan_name,  # type: ignore[arg-type]
        ref=ref,  # type: ignore[arg-type]
        title=title,  # type: ignore[arg-type]
        lead_text=lead,  # type: ignore[arg-type]
        owner=owner,
        # A line standing for several overdue parts is as late as its oldest.
        deadline=parts[1] if len(parts) > 1 and parts[0] > 1 else None if open_ended else due_end,  # type: ignore[arg-type,operator]
        due_raw=due_raw,  # type: ignore[arg-type]
        status=status,  # type: ignore[arg-type]
        status_changed_at=changed_at,  # type: ignore[arg-type]
        parts_matched=parts[0] if parts else 1,  # type: ignore[arg-type]
        rollup=rollup,
    )
