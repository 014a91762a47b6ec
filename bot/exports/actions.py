"""Plan actions with owner, deadline and status (overdue shown as such), one row per row of the actions
table: nothing is left out for lacking an owner or an organisation. A selection narrows it to the list a
chat command showed (`overdue`, `due`, `admin unowned`), so "download all" means exactly that list."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, get_args

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.clock import LONDON
from bot.directory.models import Organisation, Person
from bot.exports.table import Cell, Table
from bot.i18n import N_, _
from bot.plans.delivery_progress import BUCKET_LABELS, bucket
from bot.plans.models import CLOSED_STATUSES, STATUS_LABELS, Action, Plan, action_contributors
from bot.plans.scope import covered_by

# Marked for translation here, translated when a table is made (in the reader's language).
HEADINGS = (
    N_("Plan"),
    N_("Ref"),
    N_("Action"),
    N_("Lead (as written)"),
    N_("Owner"),
    N_("Owner email"),
    N_("Organisation"),
    N_("Due (as written)"),
    N_("Deadline"),
    N_("Status"),
    N_("Delivery"),
    N_("Status changed (UK time)"),
)
NO_OWNER = N_("no owner yet")
NO_ORGANISATION = N_("no organisation yet")

Only = Literal["overdue", "due", "unowned"]
ONLY: tuple[Only, ...] = get_args(Only)
MAX_DAYS = 366


@dataclass(frozen=True)
class ActionSelection:
    """Which actions: all of them, or one plan's, one lead's, one person's (owned or contributed to, as `mine`
    shows them), only the overdue, those due within `days`, or those nobody owns yet."""

    plan_key: str | None = None
    lead: str | None = None
    only: Only | None = None
    days: int = 14
    person: str | None = None

    def params(self) -> dict[str, str]:
        """As the query of a dashboard download address."""
        values = {"plan": self.plan_key, "lead": self.lead, "only": self.only,
                  "days": str(self.days) if self.only == "due" else None, "person": self.person}  # fmt: skip
        return {key: value for key, value in values.items() if value}

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> ActionSelection | None:
        """None when `only` or `days` is not understood."""
        only, days = params.get("only") or None, params.get("days") or "14"
        if (
            (only is not None and only not in ONLY)
            or not (days.isascii() and days.isdigit())
            or not 0 < int(days) <= MAX_DAYS
        ):
            return None
        return cls(
            params.get("plan") or None, params.get("lead") or None, only, int(days), params.get("person") or None
        )


def actions_table(
    *, session: Session, root: Organisation, today: date, selection: ActionSelection | None = None
) -> Table:
    rows = _rows(session, root, today, selection or ActionSelection())
    return Table(_("Plan actions"), [_(heading) for heading in HEADINGS], rows)


def _selected(selection: ActionSelection, today: date) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if selection.plan_key:
        conditions.append(func.lower(Plan.key) == selection.plan_key.lower())
    if selection.lead:
        pattern = f"%{selection.lead.lower()}%"
        conditions.append(or_(func.lower(Action.lead_text).like(pattern), func.lower(Person.name).like(pattern),
                              func.lower(Person.email).like(pattern)))  # fmt: skip
    if selection.person:
        conditions.append(_owned_or_helped_by(selection.person.lower()))
    if selection.only == "overdue":
        conditions.append(bucket(today) == "overdue")
    elif selection.only == "due":
        conditions += [Action.status.not_in(CLOSED_STATUSES), Action.open_ended.is_(False),
                       Action.due_end >= today, Action.due_end <= today + timedelta(days=selection.days)]  # fmt: skip
    elif selection.only == "unowned":
        conditions.append(Action.owner_id.is_(None))
    return conditions


def _owned_or_helped_by(email: str) -> ColumnElement[bool]:
    contributor = aliased(Person)
    helps = exists(
        select(action_contributors.c.action_id)
        .join(contributor, contributor.id == action_contributors.c.person_id)
        .where(action_contributors.c.action_id == Action.id, func.lower(contributor.email) == email)
    )
    # As `mine`: contributing to a roll-up is not owning one of its parts.
    return or_(func.lower(Person.email) == email, and_(Action.is_rollup.is_(False), helps))


def _rows(session: Session, root: Organisation, today: date, selection: ActionSelection) -> Iterator[Sequence[Cell]]:
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
        .select_from(Action)
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .outerjoin(Person, Person.id == Action.owner_id)
        .where(covered_by(root), *_selected(selection, today))
        .order_by(Plan.key, Action.id)
    )
    for row in session.execute(query.execution_options(yield_per=2000)):
        key, ref, title, lead, owner, email, org, due_raw, due_end, open_ended, status, state, changed = row
        yield (
            key,
            ref,
            title,
            lead,
            owner or _(NO_OWNER),
            email,
            org or _(NO_ORGANISATION),
            due_raw,
            None if open_ended else due_end,
            _shown_state(status),
            _shown_state(state),
            changed.astimezone(LONDON) if changed else None,
        )


def _shown_state(state: str | None) -> str:
    """A status or delivery bucket in the reader's language (never `_("")`, which is the catalog's header)."""
    if not state:
        return ""
    return _(BUCKET_LABELS.get(state) or STATUS_LABELS.get(state) or state)
