"""The weekly digest: one platform-neutral Reply per organisation subtree, sent to each manager for their
organisation and posted to channels subscribed to an organisation's digest."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar import working_days_before
from bot.directory.models import Organisation, Person
from bot.escalation.models import Subscription
from bot.plans.listing import ActionFilter, due_soon, overdue_actions
from bot.plans.models import STATUS_LABELS
from bot.signed_links import DashboardLinks
from commands.replies import Line, Link, Picture, Reply, Section, Text, line
from commands.views import due_line, format_date, overdue_line, plural, shorten, status_badge
from scheduler import digest_data as data
from scheduler.outbox import Planned, person_recipient

DIGEST = "digest"
TOP_ITEMS = 5
DUE_WITHIN_DAYS = 14


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
        title=f"Weekly digest for {root.name}, week to {format_date(today)}",
        sections=sections,
        footer="Ask `/milestones overdue org:" + root.code + "` for the full list.",
    )
    if links is not None:
        opening = Link(links.view(root.code, now), f"Open the dashboard for {root.name}")
        sections.append(Section(heading="Dashboard", lines=[line(opening)]))
        # The digest goes out before the day's check-ins: show the last working day, whose reports are in.
        shown = working_days_before(today, 1)
        reply.picture = Picture(
            links.picture(root.code, now, day=shown), f"Escalation tiles for {root.name} on {format_date(shown)}"
        )
    return reply


def _overdue(session: Session, root: Organisation, today: date) -> Section:
    report = overdue_actions(session=session, today=today, flt=ActionFilter(organisation=root), per_plan=TOP_ITEMS)
    rows = sorted((r for g in report.groups for r in g.rows), key=lambda r: (r.deadline or today, r.label))
    shown = [overdue_line(r, today) for r in rows[:TOP_ITEMS]]
    more = f"… and {report.total - len(shown)} more" if report.total > len(shown) else None
    return Section(heading=f"Overdue: {report.total:,}", lines=shown, more=more)


def _due(session: Session, root: Organisation, today: date) -> Section:
    rows, total = due_soon(
        session=session, today=today, days=DUE_WITHIN_DAYS, flt=ActionFilter(organisation=root), limit=TOP_ITEMS
    )
    more = f"… and {total - len(rows)} more" if total > len(rows) else None
    return Section(
        heading=f"Due in the next {DUE_WITHIN_DAYS} days: {total:,}",
        lines=[due_line(r, today) for r in rows],
        more=more,
    )


def _changes(session: Session, root: Organisation, now: datetime) -> Section:
    changes, total = data.status_changes(session=session, root=root, now=now, limit=TOP_ITEMS)
    lines: list[Line] = [
        line(
            Text(c.label, "code"),
            f" {shorten(c.title, 60)}: ",
            STATUS_LABELS.get(c.previous or "", "new"),
            " → ",
            status_badge(c.status),
        )
        for c in changes
    ]
    more = f"… and {total - len(lines)} more" if total > len(lines) else None
    return Section(heading=f"Status changes last week: {total:,}", lines=lines, more=more)


def _stale(session: Session, root: Organisation, now: datetime) -> Section:
    count = data.stale_count(session=session, root=root, now=now)
    return Section(heading=f"No update for {data.STALE_DAYS} days: {plural(count, 'open action')}")


def _trends(session: Session, root: Organisation, today: date) -> Section:
    trends = data.level_trends(session=session, root=root, today=today)
    days = "".join(d.strftime("%a")[0] for d in data.week_days(today))
    lines = [line(Text(t.name, "bold"), " ", Text(_sparkline(t.levels), "code")) for t in trends]
    return Section(
        heading=f"Escalation levels last week ({days}, worst per day)",
        lines=lines or [line(Text("No reports last week.", "muted"))],
    )


def _sparkline(levels: list[int | None]) -> str:
    return "".join("·" if level is None else str(level) for level in levels)


def _missed(session: Session, root: Organisation, today: date) -> Section:
    missed = data.missed_checkins(session=session, root=root, today=today)
    lines = [line(f"{m.organisation} · {m.service}: ", Text(plural(m.days, "day"), "bold")) for m in missed[:TOP_ITEMS]]
    more = f"… and {len(missed) - len(lines)} more" if len(missed) > len(lines) else None
    return Section(heading=f"Missed check-ins: {len(missed):,}", lines=lines, more=more)
