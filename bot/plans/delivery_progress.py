"""Plan delivery for an organisation subtree: actions by status (overdue counted on its own), and the share
delivered by each organisation beneath. Counted in SQL; dropped actions count nowhere, and an action owed by
several organisations counts once per delivery (the roll-up itself is not counted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlalchemy.orm import Session, aliased

from bot.directory.models import Organisation
from bot.i18n import N_, _
from bot.plans.models import CLOSED_STATUSES, Action, Plan
from bot.plans.scope import covered_by

# The order people read a delivery bar in: finished first, trouble last.
BUCKETS = ("done", "on_track", "not_started", "at_risk", "blocked", "overdue")
# Translated where shown (`_(BUCKET_LABELS[b])`).
BUCKET_LABELS = {
    "done": N_("Done"),
    "on_track": N_("On track"),
    "not_started": N_("Not started"),
    "at_risk": N_("At risk"),
    "blocked": N_("Blocked"),
    "overdue": N_("Overdue"),
    "in_parts": N_("In parts"),
}


UNPLACED = N_("No organisation yet")


@dataclass
class PlanProgress:
    key: str
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class OrganisationProgress:
    code: str
    name: str
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def bucket(today: date) -> ColumnElement[str]:
    """An open action past its deadline is overdue whatever its last status said; a roll-up is delivered in
    parts (its deliveries or occurrences each have their own bucket)."""
    return case(
        (Action.is_rollup.is_(True), literal("in_parts")),
        (
            and_(
                Action.status.not_in(CLOSED_STATUSES),
                Action.open_ended.is_(False),
                Action.due_end.is_not(None),
                Action.due_end < today,
            ),
            literal("overdue"),
        ),
        else_=Action.status,
    )


def plan_progress(*, session: Session, root: Organisation, today: date) -> list[PlanProgress]:
    state = bucket(today).label("bucket")
    rows = session.execute(
        select(Plan.key, Plan.name, state, func.count())
        .select_from(Action)
        .join(Plan, Plan.id == Action.plan_id)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .where(covered_by(root), Action.status != "dropped", Action.is_rollup.is_(False))
        .group_by(Plan.key, Plan.name, state)
    )
    plans: dict[str, PlanProgress] = {}
    for key, name, state_value, count in rows:
        plans.setdefault(key, PlanProgress(key, name)).counts[state_value] = count
    return sorted(plans.values(), key=lambda p: p.name)


def organisation_progress(*, session: Session, root: Organisation) -> list[OrganisationProgress]:
    """Per organisation directly beneath `root` (its whole subtree), plus `root`'s own actions."""
    branch, member = aliased(Organisation), aliased(Organisation)
    is_done = func.sum(case((Action.status == "done", 1), else_=0))
    rows = session.execute(
        select(branch.code, branch.name, is_done, func.count(Action.id))
        .select_from(Action)
        .join(member, member.id == Action.organisation_id)
        .join(branch, and_(member.path.startswith(branch.path)))
        .where(
            Action.status != "dropped",
            Action.is_rollup.is_(False),
            (branch.parent_id == root.id) | (branch.id == root.id),
            member.path.startswith(root.path),
            (branch.id != root.id) | (member.id == root.id),
        )
        .group_by(branch.code, branch.name)
    )
    progress = [OrganisationProgress(code, name, int(done or 0), total) for code, name, done, total in rows]
    return sorted(progress, key=lambda p: (p.code != root.code, p.name)) + _unplaced(session, root)


def _unplaced(session: Session, root: Organisation) -> list[OrganisationProgress]:
    """At the top, the actions no organisation holds yet, so the table accounts for every action."""
    if root.parent_id is not None:
        return []
    is_done = func.sum(case((Action.status == "done", 1), else_=0))
    done, total = session.execute(
        select(is_done, func.count(Action.id)).where(Action.organisation_id.is_(None), Action.status != "dropped")
    ).one()
    return [OrganisationProgress("", _(UNPLACED), int(done or 0), total)] if total else []
