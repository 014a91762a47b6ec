"""Handlers for `/escalation …`: report today's level, see today's picture, and a service's history."""

from __future__ import annotations

from bot.directory.models import Organisation
from bot.directory.service import find_organisation
from bot.escalation.models import Level, Service
from bot.escalation.service import (
    ServiceDay,
    ServiceNotFound,
    find_service,
    level_history,
    list_levels,
    list_services,
    record_report,
    reporter_assignments,
    service_day,
)
from bot.i18n import _
from commands.context import CommandContext
from commands.grammar import is_number
from commands.milestones import UNKNOWN_PERSON
from commands.model import EscalationHistory, EscalationToday, ReportLevel
from commands.paging import Page, more_line, page_words, past_the_end
from commands.replies import Line, Picture, Reply, Section, Status, Text, line, refusal
from commands.views import format_date, plural

WALES = "wales"
HISTORY_PAGE = 40


def level_badge(number: int, levels: dict[int, Level]) -> Status:
    level = levels.get(number)
    label = level.label if level else f"Level {number}"
    return Status(str(number), label, level.colour if level else None)


def report(command: ReportLevel, ctx: CommandContext) -> Reply:
    service = _service(command.service, ctx)
    if isinstance(service, Reply):
        return service
    levels = {level.number: level for level in list_levels(session=ctx.session)}
    number = int(command.level) if is_number(command.level) and len(command.level) < 4 else None
    if number not in levels:
        valid = "; ".join(f"`{n}` {lvl.label}" for n, lvl in sorted(levels.items()))
        return refusal(f"`{command.level}` is not an escalation level.", f"Use one of: {valid}.")
    if ctx.actor is None:
        return refusal(*UNKNOWN_PERSON)
    organisation = _reporting_organisation(service, command.org, ctx)
    if isinstance(organisation, Reply):
        return organisation
    record_report(session=ctx.session, organisation=organisation, service=service, level=number,
                  reporter=ctx.actor, day=ctx.today, now=ctx.now, note=command.note, source=ctx.source)  # fmt: skip
    level = levels[number]
    return Reply(
        title=f"Recorded {service.name} at {organisation.name}: level {number} ({level.label}) for "
        f"{format_date(ctx.today)}.",
        sections=[Section(heading="Expected actions at this level", lines=[line(a) for a in level.expected_actions])],
        footer=f"Reported by {ctx.actor.name}. A later report today replaces this one; both are kept.",
        tone="success",
    )


def today(command: EscalationToday, ctx: CommandContext) -> Reply:
    root = _root(command.org, ctx)
    if isinstance(root, Reply):
        return root
    levels = {level.number: level for level in list_levels(session=ctx.session)}
    days = [
        service_day(session=ctx.session, service=s, root=root, day=ctx.today)
        for s in list_services(session=ctx.session)
    ]
    sections = [section for day in days if (section := _service_section(day, levels))]
    if not sections:
        return Reply(title=f"No reporters are set up under {root.name}.", public=command.public)
    missing_total = sum(len(day.missing) for day in days)
    resting = ", ".join(day.service.local_name for day in days if not day.expected)
    not_expected = (
        _("Not expected today (weekdays only): {services}.").format(services=resting) + " " if resting else ""
    )
    return Reply(
        title=f"Escalation levels today ({format_date(ctx.today)}) — {root.name}",
        sections=sections,
        footer=f"{plural(missing_total, 'organisation')} still to report. {not_expected}"
        'Report with `/escalation report <service> <level> "note"`.',
        public=command.public,
        picture=_tiles(root, [_tile_summary(day) for day in days], ctx),
    )


def _service_section(day: ServiceDay, levels: dict[int, Level]) -> Section | None:
    lines: list[Line] = [
        line(level_badge(r.level, levels), f" {r.organisation.name}", Text(f" — {r.note}", "muted") if r.note else "")
        for r in day.reports
    ]
    if day.missing:
        names = ", ".join(org.name for org, _ in day.missing[:8])
        extra = f" and {len(day.missing) - 8} more" if len(day.missing) > 8 else ""
        lines.append(line(Text("Not reported yet: ", "bold"), names + extra))
    if not lines:
        return None
    worst = f" — worst: level {day.worst}" if day.worst is not None else ""
    return Section(heading=f"{day.service.name}{worst}", lines=lines)


def _tile_summary(day: ServiceDay) -> str:
    if not day.expected and not day.reports:
        return _("{service}: not expected today").format(service=day.service.local_name)
    level = f"worst level {day.worst}" if day.worst is not None else "no reports"
    return f"{day.service.name}: {level}, {len(day.reports)} of {len(day.reports) + len(day.missing)} reported"


def _tiles(root: Organisation, summaries: list[str], ctx: CommandContext) -> Picture | None:
    if ctx.picture_link is None:
        return None
    return Picture(
        ctx.picture_link(root.code, ctx.now), f"Escalation tiles for {root.name} today. " + "; ".join(summaries)
    )


def history(command: EscalationHistory, ctx: CommandContext) -> Reply:
    service = _service(command.service, ctx)
    if isinstance(service, Reply):
        return service
    root = _root(command.org, ctx)
    if isinstance(root, Reply):
        return root
    levels = {level.number: level for level in list_levels(session=ctx.session)}
    rows = level_history(session=ctx.session, service=service, root=root, today=ctx.today, days=command.days)
    title = f"{service.name} — last {plural(command.days, 'day')} — {root.name}"
    if not rows:
        return Reply(title=title, footer="No reports in that period.")
    page = Page(command.page, HISTORY_PAGE)
    if page.is_past_end(len(rows)):
        return past_the_end(command, page, len(rows), "report")
    shown = rows[page.offset : page.offset + page.size]
    lines = [
        line(
            Text(format_date(day) + " ", "muted"),
            level_badge(level, levels),
            f" {org.name}",
            Text(f" — {note}", "muted") if note else "",
        )
        for day, org, level, note in shown
    ]
    more = more_line(command, len(rows) - page.offset - len(shown))
    return Reply(title=title + page_words(page, len(rows)), sections=[Section(lines=lines, more=more)],
                 footer=f"{plural(len(rows), 'report')}, newest first.")  # fmt: skip


def _service(text: str, ctx: CommandContext) -> Service | Reply:
    found = find_service(session=ctx.session, text=text)
    if isinstance(found, ServiceNotFound):
        return refusal(f"There is no service `{text}`.", "Try: " + ", ".join(f"`{s}`" for s in found.suggestions))
    return found


def _root(code: str | None, ctx: CommandContext) -> Organisation | Reply:
    organisation = find_organisation(session=ctx.session, text=code or WALES)
    if organisation is None:
        return refusal(f"There is no organisation `{code}`.", "Use a code such as `wales`, `cvuhb` or `bcuhb`.")
    return organisation


def _reporting_organisation(service: Service, code: str | None, ctx: CommandContext) -> Organisation | Reply:
    """The organisation the actor reports this service for; `org:` chooses when they report for several."""
    assert ctx.actor is not None
    assignments = reporter_assignments(session=ctx.session, person=ctx.actor, service=service)
    if code is not None:
        assignments = [
            a for a in assignments if code.lower() in (a.organisation.code.lower(), a.organisation.name.lower())
        ]
    if not assignments:
        return refusal(
            f"You are not a reporter for {service.name}" + (f" at `{code}`." if code else "."),
            "Only a service's reporters can report its level. Ask an administrator to add you as one.",
        )
    if len(assignments) > 1:
        codes = ", ".join(f"`org:{a.organisation.code}`" for a in assignments)
        return refusal(f"You report {service.name} for several organisations.", f"Add one of: {codes}.")
    return assignments[0].organisation
