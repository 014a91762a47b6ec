"""Escalation reports as the huddle spreadsheet lays them out: one row per organisation, service and day,
with the board and cluster it sits in. Superseded reports and free-text notes are left out."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import LONDON
from bot.directory.models import Organisation, Person
from bot.escalation.latest import latest_between
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


def escalation_table(*, session: Session, root: Organisation, day_from: date, day_to: date) -> Table:
    return Table(_("Escalation levels"), [_(heading) for heading in HEADINGS], _rows(session, root, day_from, day_to))


def _ancestor_names(session: Session, root: Organisation) -> dict[tuple[str, str], str]:
    """(kind, code) → name for the boards and clusters that can appear in `root`'s paths."""
    rows = session.execute(
        select(Organisation.kind, Organisation.code, Organisation.name).where(
            Organisation.kind.in_(("health_board", "cluster"))
        )
    )
    return {(kind, code): name for kind, code, name in rows}


def _rows(session: Session, root: Organisation, day_from: date, day_to: date) -> Iterator[Sequence[Cell]]:
    names = _ancestor_names(session, root)
    levels = {level.number: level.local_label for level in session.scalars(select(Level))}
    query = (
        select(
            EscalationReport.day,
            Organisation.path,
            Organisation.name,
            Organisation.code,
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
    for day, path, org_name, code, service, level, reporter, reported_at in session.execute(
        query.execution_options(yield_per=2000)
    ):
        codes = path.strip("/").split("/")
        board = next((names[("health_board", c)] for c in codes if ("health_board", c) in names), "")
        cluster = next((names[("cluster", c)] for c in codes if ("cluster", c) in names), "")
        yield (
            day,
            board,
            cluster,
            org_name,
            code,
            service,
            level,
            levels.get(level, ""),
            reporter,
            reported_at.astimezone(LONDON),
        )
