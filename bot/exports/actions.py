"""Plan actions with owner, deadline and status (overdue shown as such), one row per action."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import LONDON
from bot.dashboard.plan_delivery import BUCKET_LABELS, bucket
from bot.directory.models import Organisation, Person
from bot.exports.table import Cell, Table
from bot.plans.models import STATUS_LABELS, Action, Plan

HEADINGS = (
    "Plan",
    "Ref",
    "Action",
    "Lead (as written)",
    "Owner",
    "Owner email",
    "Organisation",
    "Due (as written)",
    "Deadline",
    "Status",
    "Delivery",
    "Status changed (UK time)",
)


def actions_table(*, session: Session, root: Organisation, today: date, plan_key: str | None = None) -> Table:
    return Table("Plan actions", HEADINGS, _rows(session, root, today, plan_key))


def _rows(session: Session, root: Organisation, today: date, plan_key: str | None) -> Iterator[Sequence[Cell]]:
    query = (
        select(
            Plan.key,
            Action.ref,
            Action.title,
            Action.lead_text,
            Person.name,
            Person.email,
            Organisation.name,
            Action.due_raw,
            Action.due_end,
            Action.open_ended,
            Action.status,
            bucket(today),
            Action.status_changed_at,
        )
        .join(Plan, Plan.id == Action.plan_id)
        .join(Organisation, Organisation.id == Action.organisation_id)
        .outerjoin(Person, Person.id == Action.owner_id)
        .where(Organisation.path.startswith(root.path))
        .order_by(Plan.key, Action.id)
    )
    if plan_key:
        query = query.where(func.lower(Plan.key) == plan_key.lower())
    for row in session.execute(query.execution_options(yield_per=2000)):
        key, ref, title, lead, owner, email, org, due_raw, due_end, open_ended, status, state, changed = row
        yield (
            key,
            ref,
            title,
            lead,
            owner,
            email,
            org,
            due_raw,
            None if open_ended else due_end,
            STATUS_LABELS.get(status, status),
            BUCKET_LABELS.get(state, STATUS_LABELS.get(state, state)),
            changed.astimezone(LONDON) if changed else None,
        )
