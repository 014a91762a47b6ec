"""The weekly digest: one platform-neutral Reply per organisation subtree, sent to each manager for their
organisation and posted to channels subscribed to an organisation's digest."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar import working_days_before
from bot.directory.models import Organisation, Person
from bot.escalation.models import Subscription
from bot.i18n import _, format_day, format_number, ngettext, pgettext
from bot.plans.listing import ActionFilter, due_soon, oldest_overdue
from bot.signed_links import DashboardLinks
from commands.replies import Line, Link, Picture, Reply, Section, Text, line
from commands.views import due_line, format_date, overdue_line, shorten, status_badge
from scheduler import digest_data as data
from scheduler.outbox import Planned, person_recipient

DIGEST = "digest"
TOP_ITEMS = 5
DUE_WITHIN_DAYS = 14
# Service names in the week's level table are cut to this, so a row fits a phone's width.
SERVICE_WIDTH = 24


def decide_digests(*, session: Session, today: date) -> list[Planned]:
    managers = session.execute(
        select(Person.id, Person.organisation_id)
        .where(Person.id.in_(select(Person.manager_id).where(Person.manager_id.is_not(None))))
        .where(Person.organisation_id.is_not(None))
        .order_by(Person.id)
    ).all()
    planned = [_digest_for(person_recipient(pid), org_id, today) for pid, org_id in managers if org_id]
    for org_id, person_id, channel in session.execute(
        select(Subscription.organisation_id, Subscription.person_id, Subscription.channel).where(
            Subscription.kind == DIGEST
        )
    ):
        recipient = person_recipient(person_id) if person_id else channel
        if recipient:
            planned.append(_digest_for(recipient, org_id, today))
    return planned


def _digest_for(recipient: str, organisation_id: int, today: date) -> Planned:
    return Planned(DIGEST, recipient, f"digest:{organisation_id}", today, {"organisation_id": organisation_id})


def build_digest(
    *, session: Session, root: Organisation, today: date, now: datetime, links: DashboardLinks | None = None
) -> Reply:
    sections = [
        _overdue(session, root, today),
        _due(session, root, today),
        _changes(session, root, now),
        _stale(session, root, now),
        _trends(session, root, today),
        _missed(session, root, today),
    ]
    reply = Reply(
        title=_("Weekly digest for {organisation}, week to {day}").format(
            organisation=root.local_name, day=format_date(today)
        ),
        sections=sections,
        footer=_("Ask `/milestones overdue org:{code}` for the full list.").format(code=root.code),
    )
    if links is not None:
        opening = Link(
            links.view(root.code, now), _("Open the dashboard for {organisation}").format(organisation=root.local_name)
        )
        sections.append(Section(heading=pgettext("digest", "Dashboard"), lines=[line(opening)]))
        # The digest goes out before the day's check-ins: show the last working day, whose reports are in.
        shown = working_days_before(today, 1)
        reply.picture = Picture(
            links.picture(root.code, now, day=shown),
            _("Escalation tiles for {organisation} on {day}").format(
                organisation=root.local_name, day=format_date(shown)
            ),
        )
    return reply


def _overdue(session: Session, root: Organisation, today: date) -> Section:
    rows, total = oldest_overdue(session=session, today=today, flt=ActionFilter(organisation=root), limit=TOP_ITEMS)
    shown = [overdue_line(r, today) for r in rows]
    return Section(heading=_("Overdue: {n}").format(n=format_number(total)), lines=shown, more=_more(total, len(shown)))


def _due(session: Session, root: Organisation, today: date) -> Section:
    rows, total = due_soon(
        session=session, today=today, days=DUE_WITHIN_DAYS, flt=ActionFilter(organisation=root), limit=TOP_ITEMS
    )
    return Section(
        heading=_("Due in the next {days} days: {n}").format(days=DUE_WITHIN_DAYS, n=format_number(total)),
        lines=[due_line(r, today) for r in rows],
        more=_more(total, len(rows)),
    )


def _changes(session: Session, root: Organisation, now: datetime) -> Section:
    changes, total = data.status_changes(session=session, root=root, now=now, limit=TOP_ITEMS)
    lines: list[Line] = [
        line(
            Text(c.label, "code"),
            f" {shorten(c.title, 60)}: ",
            status_badge(c.previous).label if c.previous else pgettext("digest", "new"),
            " → ",
            status_badge(c.status),
        )
        for c in changes
    ]
    heading = _("Status changes last week: {n}").format(n=format_number(total))
    return Section(heading=heading, lines=lines, more=_more(total, len(lines)))


def _stale(session: Session, root: Organisation, now: datetime) -> Section:
    count = data.stale_count(session=session, root=root, now=now)
    heading = ngettext("No update for {days} days: {n} open action", "No update for {days} days: {n} open actions",
                       count)  # fmt: skip
    return Section(heading=heading.format(days=data.STALE_DAYS, n=format_number(count)))


def _trends(session: Session, root: Organisation, today: date) -> Section:
    trends = data.level_trends(session=session, root=root, today=today)
    heading = _("Escalation levels last week: the worst level each day (- means no report)")
    if not trends:
        return Section(heading=heading, lines=[line(Text(_("No reports last week."), "muted"))])
    return Section(heading=heading, lines=[line(Text(row, "code")) for row in _level_table(trends, today)])


def _level_table(trends: list[data.ServiceTrend], today: date) -> list[str]:
    """A text table, one service a row and one day a column, aligned in the code font every surface has:
    readable where a picture is not shown (a Teams card without images, the console, a screen reader)."""
    names = [shorten(t.name, SERVICE_WIDTH) for t in trends]
    days = [format_day(d, "EEE") for d in data.week_days(today)]
    width, cell = max(len(n) for n in names), max(len(d) for d in days)
    header = " " * width + "  " + " ".join(d.center(cell) for d in days)
    rows = [
        name.ljust(width) + "  " + " ".join(("-" if level is None else str(level)).center(cell) for level in t.levels)
        for name, t in zip(names, trends, strict=True)
    ]
    return [header.rstrip(), *(row.rstrip() for row in rows)]


def _missed(session: Session, root: Organisation, today: date) -> Section:
    missed = data.missed_checkins(session=session, root=root, today=today)
    lines = [line(f"{m.organisation} · {m.service}: ", Text(_days(m.days), "bold")) for m in missed[:TOP_ITEMS]]
    heading = _("Missed check-ins: {n}").format(n=format_number(len(missed)))
    return Section(heading=heading, lines=lines, more=_more(len(missed), len(lines)))


def _days(count: int) -> str:
    return ngettext("{n} day missed", "{n} days missed", count).format(n=format_number(count))


def _more(total: int, shown: int) -> str | None:
    """The line under a section that shows only its first items: "… and 12 more"."""
    left = total - shown
    return ngettext("… and {n} more", "… and {n} more", left).format(n=format_number(left)) if left > 0 else None
