"""The report pack's read model: one plan, one organisation's subtree, one period, read from the database into
plain rows that the PDF and the workbook lay out. Everything is counted as at the end of the period (or today,
while the period is still running): an open action past its deadline then is overdue."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from bot.calendar import london_instant
from bot.clock import LONDON
from bot.directory.models import Organisation, Person
from bot.escalation.latest import latest_between
from bot.escalation.models import EscalationReport, Level, Service
from bot.i18n import _
from bot.plans.delivery_progress import BUCKETS, UNPLACED, bucket
from bot.plans.models import Action, Plan, StatusUpdate
from bot.plans.occurrences import OCCURRENCE_MARK
from bot.plans.scope import covered_by
from bot.reports.period import Period
from bot.reports.restated import Then, bucket_then, statuses_then

# An organisation's own actions are grouped under it; those of its subtree under the branch directly beneath.
OWN = "own"


@dataclass(frozen=True)
class DeliveryRow:
    organisation: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class ActionLine:
    label: str
    title: str
    organisation: str
    owner: str
    due: date | None
    status: str
    note: str = ""


@dataclass(frozen=True)
class Change:
    day: date
    label: str
    title: str
    previous: str
    status: str
    by: str
    note: str


@dataclass(frozen=True)
class Occurrence:
    label: str
    title: str
    organisation: str
    due: date | None
    state: str  # received, missing or due later


@dataclass(frozen=True)
class Heatmap:
    """The worst level reported for each service and day across one board (or the organisation reported on)."""

    group: str
    services: list[str]
    days: list[date]
    cells: dict[tuple[int, date], int]  # (row in services, day) → level


@dataclass(frozen=True)
class ReportPack:
    plan_key: str
    plan_name: str
    organisation: str
    organisation_code: str
    period: Period
    as_at: date
    delivery: list[DeliveryRow]
    overdue: list[ActionLine]
    changes: list[Change]
    at_risk: list[ActionLine]
    occurrences: list[Occurrence]
    heatmaps: list[Heatmap]
    level_labels: dict[int, str]
    level_colours: dict[int, str]


def build_pack(*, session: Session, plan: Plan, root: Organisation, period: Period, today: date) -> ReportPack:
    as_at = min(today, period.end)
    scope = _Scope(session, plan, root, as_at, restate=as_at < today)
    levels = list(session.scalars(select(Level).order_by(Level.number)))
    return ReportPack(
        plan_key=plan.key,
        plan_name=plan.local_name,
        organisation=root.local_name,
        organisation_code=root.code,
        period=period,
        as_at=as_at,
        delivery=scope.delivery(),
        overdue=scope.overdue(),
        changes=scope.changes(period),
        at_risk=scope.at_risk(),
        occurrences=scope.occurrences(period),
        heatmaps=_heatmaps(session, root, period),
        level_labels={level.number: level.local_label for level in levels},
        level_colours={level.number: level.colour for level in levels},
    )


class _Scope:
    """The plan's actions within the organisation's subtree (every action at the top, placed or not)."""

    def __init__(self, session: Session, plan: Plan, root: Organisation, as_at: date, *, restate: bool) -> None:
        self.session, self.root, self.as_at = session, root, as_at
        self.terms = (Action.plan_id == plan.id, covered_by(root))
        # A pack of a period already over shows the statuses as they stood at its end.
        self.then = statuses_then(session, self.terms, as_at) if restate else {}

    def delivery(self) -> list[DeliveryRow]:
        state = bucket(self.as_at + timedelta(days=1)).label("bucket")
        rows = self.session.execute(
            select(Organisation.path, state, func.count())
            .select_from(Action)
            .outerjoin(Organisation, Organisation.id == Action.organisation_id)
            .where(*self.terms, Action.status != "dropped", Action.is_rollup.is_(False))
            .group_by(Organisation.path, state)
        )
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for path, state_value, count in rows:
            counts[self._branch(path)][state_value] += count
        self._restate_counts(counts)
        names = self._branch_names()
        ordered = sorted(counts, key=lambda code: (code != OWN, code == "", names.get(code, code)))
        return [DeliveryRow(names.get(code, code), {b: counts[code][b] for b in BUCKETS}) for code in ordered]

    def _restate_counts(self, counts: dict[str, Counter[str]]) -> None:
        """Moves each action updated since the period from its bucket now to its bucket then."""
        if not self.then:
            return
        query = (
            select(Action, Organisation.path)
            .outerjoin(Organisation, Organisation.id == Action.organisation_id)
            .where(*self.terms, Action.id.in_(list(self.then)), Action.is_rollup.is_(False))
        )
        for action, path in self.session.execute(query):
            branch = counts[self._branch(path)]
            if action.status != "dropped":
                branch[bucket_then(action.status, action, self.as_at)] -= 1
            then = self.then[action.id].status
            if then != "dropped":
                branch[bucket_then(then, action, self.as_at)] += 1

    def _branch(self, path: str | None) -> str:
        """The code of the branch directly beneath the root that `path` lies in ("" for no organisation)."""
        if path is None:
            return ""
        rest = path[len(self.root.path) :].strip("/")
        return rest.split("/")[0] if rest else OWN

    def _branch_names(self) -> dict[str, str]:
        children = self.session.scalars(select(Organisation).where(Organisation.parent_id == self.root.id))
        return {OWN: self.root.local_name, "": _(UNPLACED)} | {child.code: child.local_name for child in children}

    def _lines(self, condition: ColumnElement[bool], wanted: Callable[[str, Action], bool]) -> list[ActionLine]:
        """The actions meeting `condition` now, or updated since the period: `wanted` judges the status then."""
        either = or_(condition, Action.id.in_(list(self.then))) if self.then else condition
        query = (
            select(Action, Organisation, Person.name)
            .outerjoin(Organisation, Organisation.id == Action.organisation_id)
            .outerjoin(Person, Person.id == Action.owner_id)
            .where(*self.terms, Action.is_rollup.is_(False), either)
            .order_by(Action.due_end, Action.ref)
        )
        found = [(action, org, owner, self.then.get(action.id, Then(action.status, action.status_note or "")))
                 for action, org, owner in self.session.execute(query)]  # fmt: skip
        return [
            ActionLine(
                action.ref,
                action.local_title,
                org.local_name if org else "",
                owner or "",
                action.due_end,
                then.status,
                then.note,
            )
            for action, org, owner, then in found
            if wanted(then.status, action)
        ]

    def overdue(self) -> list[ActionLine]:
        return self._lines(
            bucket(self.as_at + timedelta(days=1)) == "overdue",
            lambda status, action: bucket_then(status, action, self.as_at) == "overdue",
        )

    def at_risk(self) -> list[ActionLine]:
        troubled = ("at_risk", "blocked")
        return self._lines(Action.status.in_(troubled), lambda status, _action: status in troubled)

    def changes(self, period: Period) -> list[Change]:
        start, end = _instants(period)
        query = (
            select(StatusUpdate, Action, Person.name)
            .join(Action, Action.id == StatusUpdate.action_id)
            .outerjoin(Organisation, Organisation.id == Action.organisation_id)
            .outerjoin(Person, Person.id == StatusUpdate.person_id)
            .where(*self.terms, StatusUpdate.recorded_at >= start, StatusUpdate.recorded_at < end)
            .order_by(StatusUpdate.recorded_at)
        )
        return [
            Change(
                update.recorded_at.astimezone(LONDON).date(),
                action.ref,
                action.local_title,
                update.previous_status or "",
                update.status,
                by or "",
                update.note or "",
            )
            for update, action, by in self.session.execute(query)
        ]

    def occurrences(self, period: Period) -> list[Occurrence]:
        query = (
            select(Action, Organisation)
            .outerjoin(Organisation, Organisation.id == Action.organisation_id)
            .where(
                *self.terms,
                Action.ref.contains(OCCURRENCE_MARK),
                Action.status != "dropped",
                Action.due_end >= period.start,
                Action.due_end <= period.end,
            )
            .order_by(Action.due_end, Action.ref)
        )
        return [
            Occurrence(
                action.ref,
                action.local_title,
                org.local_name if org else "",
                action.due_end,
                self._occurrence_state(action),
            )
            for action, org in self.session.execute(query)
        ]

    def _occurrence_state(self, action: Action) -> str:
        if action.status == "done":
            return "received"
        return "missing" if action.due_end is not None and action.due_end <= self.as_at else "due_later"


def _instants(period: Period) -> tuple[datetime, datetime]:
    """The period as instants: from London midnight on its first day to London midnight after its last."""
    return london_instant(period.start, time(0)), london_instant(period.end + timedelta(days=1), time(0))


def _heatmaps(session: Session, root: Organisation, period: Period) -> list[Heatmap]:
    boards = list(
        session.scalars(
            select(Organisation)
            .where(Organisation.kind == "health_board", Organisation.path.startswith(root.path))
            .order_by(Organisation.name)
        )
    ) or [root]
    services = list(session.scalars(select(Service).order_by(Service.position, Service.key)))
    row_of = {service.id: row for row, service in enumerate(services)}
    worst = _worst_levels(session, _membership(session, boards), period)
    cells: dict[int, dict[tuple[int, date], int]] = defaultdict(dict)
    for board_id, service_id, day, level in worst:
        cells[board_id][(row_of[service_id], day)] = level
    names = [service.local_name for service in services]
    return [Heatmap(b.local_name, names, period.days(), cells[b.id]) for b in boards]


def _membership(session: Session, boards: list[Organisation]) -> list[tuple[int, int]]:
    """(organisation id, board id) for every organisation in the boards, worked out over the organisations
    table alone (a few thousand rows)."""
    board, member = aliased(Organisation), aliased(Organisation)
    query = select(member.id, board.id).join(
        board, and_(board.id.in_([b.id for b in boards]), member.path.startswith(board.path))
    )
    return [(member_id, board_id) for member_id, board_id in session.execute(query)]


def _worst_levels(session: Session, pairs: list[tuple[int, int]], period: Period) -> list[Any]:
    """(board id, service id, day, worst level). Each board's organisations go to the database as a list of
    ids, so it knows how many there are: joined by path in one query, PostgreSQL guessed a few dozen and
    scanned the quarter once for each organisation (9 s instead of under half a second on the 740k workload)."""
    members: dict[int, list[int]] = defaultdict(list)
    for organisation_id, board_id in pairs:
        members[board_id].append(organisation_id)
    worst: list[Any] = []
    for board_id, organisation_ids in members.items():
        query = (
            select(EscalationReport.service_id, EscalationReport.day, func.max(EscalationReport.level))
            .where(EscalationReport.organisation_id.in_(organisation_ids), *latest_between(period.start, period.end))
            .group_by(EscalationReport.service_id, EscalationReport.day)
        )
        worst.extend((board_id, service_id, day, level) for service_id, day, level in session.execute(query))
    return worst
