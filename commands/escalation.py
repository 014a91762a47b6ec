"""Handlers for `/escalation …`: report today's level, see today's picture, and a service's history."""

from __future__ import annotations

from bot.directory.models import Organisation, Person
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
from bot.i18n import _, format_number, ngettext
from commands.context import CommandContext
from commands.grammar import is_number
from commands.milestones import unknown_person
from commands.model import EscalationHistory, EscalationToday, ReportLevel
from commands.paging import Page, more_line, page_words, past_the_end
from commands.replies import Line, Picture, Reply, Section, Status, Text, line, refusal
from commands.views import format_date, unknown_organisation

WALES = "wales"
HISTORY_PAGE = 40


def level_badge(number: int, levels: dict[int, Level]) -> Status:
    level = levels.get(number)
    label = level.local_label if level else _("Level {number}").format(number=number)
    return Status(str(number), label, level.colour if level else None)


def report(command: ReportLevel, ctx: CommandContext) -> Reply:
    service = _service(command.service, ctx)
    if isinstance(service, Reply):
        return service
    levels = {level.number: level for level in list_levels(session=ctx.session)}
    number = int(command.level) if is_number(command.level) and len(command.level) < 4 else None
    if number not in levels:
        valid = "; ".join(f"`{n}` {lvl.local_label}" for n, lvl in sorted(levels.items()))
        return refusal(_("`{level}` is not an escalation level.").format(level=command.level),
                       _("Use one of: {choices}.").format(choices=valid))  # fmt: skip
    if ctx.actor is None:
        return unknown_person()
    organisation = _reporting_organisation(service, command.org, ctx)
    if isinstance(organisation, Reply):
        return organisation
    record_report(session=ctx.session, organisation=organisation, service=service, level=number,
                  reporter=ctx.actor, day=ctx.today, now=ctx.now, note=command.note, source=ctx.source)  # fmt: skip
    level = levels[number]
    title = _("Recorded {service} at {organisation}: level {number} ({label}) for {day}.").format(
        service=service.local_name, organisation=organisation.local_name, number=number, label=level.local_label,
        day=format_date(ctx.today))  # fmt: skip
    return Reply(
        title=title,
        sections=[Section(heading=_("Expected actions at this level"),
                          lines=[line(a) for a in level.expected_actions])],
        footer=_("Reported by {name}. A later report today replaces this one; both are kept.").format(
            name=ctx.actor.name),
        tone="success",
    )  # fmt: skip


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
        title = _("No reporters are set up under {organisation}.").format(organisation=root.local_name)
        return Reply(title=title, public=command.public)
    missing_total = sum(len(day.missing) for day in days)
    resting = ", ".join(day.service.local_name for day in days if not day.expected)
    not_expected = (
        _("Not expected today (weekdays only): {services}.").format(services=resting) + " " if resting else ""
    )
    still = ngettext("{n} organisation still to report.", "{n} organisations still to report.", missing_total)
    title = _("Escalation levels today ({day}) — {organisation}")
    return Reply(
        title=title.format(day=format_date(ctx.today), organisation=root.local_name),
        sections=sections,
        footer=still.format(n=format_number(missing_total))
        + " "
        + not_expected
        + _('Report with `/escalation report <service> <level> "note"`.'),
        public=command.public,
        picture=_tiles(root, [_tile_summary(day) for day in days], ctx),
    )


def _service_section(day: ServiceDay, levels: dict[int, Level]) -> Section | None:
    lines: list[Line] = [
        line(
            level_badge(r.level, levels),
            f" {r.organisation.local_name}",
            Text(f" — {r.note}", "muted") if r.note else "",
        )
        for r in day.reports
    ]
    if day.missing:
        lines.append(_not_reported(day.missing))
    if not lines:
        return None
    worst = _(" — worst: level {number}").format(number=day.worst) if day.worst is not None else ""
    return Section(heading=f"{day.service.local_name}{worst}", lines=lines)


def _not_reported(missing: list[tuple[Organisation, list[Person]]]) -> Line:
    names = ", ".join(org.local_name for org, _person in missing[:8])
    if len(missing) > 8:
        names = _("{names} and {n} more").format(names=names, n=len(missing) - 8)
    return line(Text(_("Not reported yet:") + " ", "bold"), names)


def _tile_summary(day: ServiceDay) -> str:
    if not day.expected and not day.reports:
        return _("{service}: not expected today").format(service=day.service.local_name)
    reported, expected = len(day.reports), len(day.reports) + len(day.missing)
    if day.worst is None:
        summary = _("{service}: no reports, {reported} of {expected} reported")
    else:
        summary = _("{service}: worst level {worst}, {reported} of {expected} reported")
    return summary.format(service=day.service.local_name, worst=day.worst, reported=reported, expected=expected)


def _tiles(root: Organisation, summaries: list[str], ctx: CommandContext) -> Picture | None:
    if ctx.picture_link is None:
        return None
    alt = _("Escalation tiles for {organisation} today.").format(organisation=root.local_name)
    return Picture(ctx.picture_link(root.code, ctx.now), alt + " " + "; ".join(summaries))


def history(command: EscalationHistory, ctx: CommandContext) -> Reply:
    service = _service(command.service, ctx)
    if isinstance(service, Reply):
        return service
    root = _root(command.org, ctx)
    if isinstance(root, Reply):
        return root
    levels = {level.number: level for level in list_levels(session=ctx.session)}
    rows = level_history(session=ctx.session, service=service, root=root, today=ctx.today, days=command.days)
    title = ngettext("{service} — last {n} day — {organisation}", "{service} — last {n} days — {organisation}",
                     command.days)  # fmt: skip
    title = title.format(service=service.local_name, n=command.days, organisation=root.local_name)
    if not rows:
        return Reply(title=title, footer=_("No reports in that period."))
    page = Page(command.page, HISTORY_PAGE)
    if page.is_past_end(len(rows)):
        return past_the_end(command, page, len(rows), _reports_counted(len(rows)))
    shown = rows[page.offset : page.offset + page.size]
    lines = [
        line(
            Text(format_date(day) + " ", "muted"),
            level_badge(level, levels),
            f" {org.local_name}",
            Text(f" — {note}", "muted") if note else "",
        )
        for day, org, level, note in shown
    ]
    more = more_line(command, len(rows) - page.offset - len(shown))
    return Reply(title=title + page_words(page, len(rows)), sections=[Section(lines=lines, more=more)],
                 footer=_("{reports}, newest first.").format(reports=_reports_counted(len(rows))))  # fmt: skip


def _reports_counted(count: int) -> str:
    return ngettext("{n} report", "{n} reports", count).format(n=format_number(count))


def _service(text: str, ctx: CommandContext) -> Service | Reply:
    found = find_service(session=ctx.session, text=text)
    if isinstance(found, ServiceNotFound):
        suggestions = ", ".join(f"`{s}`" for s in found.suggestions)
        return refusal(
            _("There is no service `{text}`.").format(text=text), _("Try: {services}").format(services=suggestions)
        )
    return found


def _root(code: str | None, ctx: CommandContext) -> Organisation | Reply:
    organisation = find_organisation(session=ctx.session, text=code or WALES)
    if organisation is None:
        return unknown_organisation(code)
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
        if code:
            title = _("You are not a reporter for {service} at `{code}`.").format(service=service.local_name, code=code)
        else:
            title = _("You are not a reporter for {service}.").format(service=service.local_name)
        return refusal(
            title, _("Only a service's reporters can report its level. Ask an administrator to add you as one.")
        )
    if len(assignments) > 1:
        codes = ", ".join(f"`org:{a.organisation.code}`" for a in assignments)
        return refusal(_("You report {service} for several organisations.").format(service=service.local_name),
                       _("Add one of: {codes}.").format(codes=codes))  # fmt: skip
    return assignments[0].organisation
