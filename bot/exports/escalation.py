"""Escalation reports as the huddle spreadsheet lays them out: one row per organisation, service and day,
with the board and cluster it sits in, including a "not reported" row for each report expected and not made
(the read model in bot/escalation/latest.py says who is expected when). Superseded reports and free-text
notes are left out."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import LONDON
from bot.directory.models import Organisation, Person
from bot.escalation.latest import latest_between, missing_reports
from bot.escalation.models import EscalationReport, Level, Service
from bot.exports.table import Cell, Table
from bot.i18n import N_, _

# Marked for translation here, translated when a table is made (in the reader's language).
HEADINGS = (
    N_("Date"),
    N_("Health board"),
    N_("Cluster"),
    N_("Organisation"),
    N_("Organisation code"),
    N_("Service"),
    N_("Level"),
    N_("Level label"),
    N_("Reported by"),
    N_("Reported at (UK time)"),
)


def escalation_table(*, session: Session, root: Organisation, day_from: date, day_to: date, today: date) -> Table:
    """`today` bounds the "not reported" rows: a day still to come has no missing reports."""
    rows = _rows(session, root, day_from, day_to, min(day_to, today))
    return Table(_("Escalation levels"), [_(heading) for heading in HEADINGS], rows)


def _ancestor_names(session: Session, root: Organisation) -> dict[tuple[str, str], str]:
    """(kind, code) → name for the boards and clusters that can appear in `root`'s paths."""
    rows = session.execute(
        select(Organisation.kind, Organisation.code, Organisation.name).where(
            Organisation.kind.in_(("health_board", "cluster"))
        )
    )
    return {(kind, code): name for kind, code, name in rows}


NOT_REPORTED = N_("not reported")
Keyed = tuple[tuple[date, str, int], Sequence[Cell]]


def _rows(
    session: Session, root: Organisation, day_from: date, day_to: date, missing_to: date
) -> Iterator[Sequence[Cell]]:
    """Reports made and reports expected but not made, in one order: by day, organisation, service."""
    names = _ancestor_names(session, root)
    made = _made(session, root, day_from, day_to, names)
    missing = _missing(session, root, day_from, missing_to, names) if day_from <= missing_to else iter(())
    for _key, row in heapq.merge(made, missing, key=lambda keyed: keyed[0]):
        yield row


def _place(names: dict[tuple[str, str], str], path: str) -> tuple[str, str]:
    """The health board and cluster an organisation's path passes through (blank where there is none)."""
    codes = path.strip("/").split("/")
    board = next((names[("health_board", c)] for c in codes if ("health_board", c) in names), "")
    cluster = next((names[("cluster", c)] for c in codes if ("cluster", c) in names), "")
    return board, cluster


def _made(
    session: Session, root: Organisation, day_from: date, day_to: date, names: dict[tuple[str, str], str]
) -> Iterator[Keyed]:
    levels = {level.number: level.local_label for level in session.scalars(select(Level))}
    query = (
        select(
            EscalationReport.day,
            Organisation.path,
            Organisation.name,
            Organisation.code,
            Service.position,
            Service.name,
            EscalationReport.level,
            Person.name,
            EscalationReport.reported_at,
        )
        .join(Organisation, Organisation.id == EscalationReport.organisation_id)
        .join(Service, Service.id == EscalationReport.service_id)
        .outerjoin(Person, Person.id == EscalationReport.reported_by_id)
        .where(
            Organisation.path.startswith(root.path),
            *latest_between(day_from, day_to),
        )
        .order_by(EscalationReport.day, Organisation.path, Service.position)
    )
    for day, path, org_name, code, position, service, level, reporter, reported_at in session.execute(
        query.execution_options(yield_per=2000)
    ):
        board, cluster = _place(names, path)
        row = (day, board, cluster, org_name, code, service, level, levels.get(level, ""), reporter,
               reported_at.astimezone(LONDON))  # fmt: skip
        yield (day, path, position), row


def _missing(
    session: Session, root: Organisation, day_from: date, day_to: date, names: dict[tuple[str, str], str]
) -> Iterator[Keyed]:
    """A row for each expected report not made (seed 003: compliance is monitored from this spreadsheet),
    in the export's order: the read model gives them day by day, each day is sorted here."""
    beneath = select(Organisation.id).where(Organisation.path.startswith(root.path))
    gaps = missing_reports(session=session, day_from=day_from, day_to=day_to, organisation_ids=beneath)
    organisations = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_(beneath)))}
    services = {s.id: s for s in session.scalars(select(Service))}
    not_reported = _(NOT_REPORTED)
    for _day, day_gaps in itertools.groupby(gaps, key=lambda gap: gap[2]):
        rows: list[Keyed] = []
        for org_id, service_id, day in day_gaps:
            organisation, service = organisations[org_id], services[service_id]
            board, cluster = _place(names, organisation.path)
            row = (day, board, cluster, organisation.name, organisation.code, service.name, None, not_reported,
                   None, None)  # fmt: skip
            rows.append(((day, organisation.path, service.position), row))
        yield from sorted(rows, key=lambda keyed: keyed[0])
