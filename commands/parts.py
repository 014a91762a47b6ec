"""The parts of a roll-up as `show` lists them: each organisation's delivery (or each occurrence) with its
owner and status, under a one-line summary of how they stand."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.directory.models import Organisation
from bot.i18n import _
from bot.plans.models import Action
from bot.plans.rollup import rollups
from commands.replies import Line, Section, Text, line
from commands.views import format_date, mention, status_badge, status_label

# Parts listed one per line; beyond this the rest are named by status, so every part stays visible.
LISTED_PARTS = 25


def action_parts(*, session: Session, whole: Action) -> list[Action]:
    query = (
        select(Action)
        .outerjoin(Organisation, Organisation.id == Action.organisation_id)
        .where(Action.parent_id == whole.id)
        .options(selectinload(Action.owner), selectinload(Action.organisation))
        .order_by(Organisation.path, Action.due_end, Action.ref)
    )
    return list(session.scalars(query))


def parts_section(*, session: Session, whole: Action, today: date) -> Section:
    parts = action_parts(session=session, whole=whole)
    rollup = rollups(session=session, whole_ids=[whole.id], today=today).get(whole.id)
    heading = _("Parts") + (f" — {rollup.summary()}" if rollup else "")
    lines = [_part_line(part, today) for part in parts[:LISTED_PARTS]]
    rest = parts[LISTED_PARTS:]
    more = None
    if rest:
        by_status: dict[str, list[str]] = {}
        for part in rest:
            by_status.setdefault(status_label(part.status), []).append(part.ref.partition("@")[2] or part.ref)
        listed = "; ".join(f"{k}: {', '.join(v)}" for k, v in by_status.items())
        more = _("… and {n} more: {parts}").format(n=len(rest), parts=listed)
    return Section(heading=heading, lines=lines, more=more)


def _part_line(part: Action, today: date) -> Line:
    late = part.deadline() is not None and part.is_open and not part.is_rollup and part.deadline() < today  # type: ignore[operator]
    owner = mention(part.owner) if part.owner else Text(_("no owner yet"), "muted")
    where = part.organisation.local_name if part.organisation and "#" not in part.ref else format_date(part.due_end)
    return line(
        Text(part.label, "code"),
        f" {where} · ",
        owner,
        " · ",
        status_badge(part.status) if not part.is_rollup else Text(_("in parts"), "muted"),
        Text(" · " + _("overdue"), "bold") if late else "",
    )
