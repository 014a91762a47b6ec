"""A person's home: their own actions (overdue first), the services they report for with today's level, and
their team when they manage anyone. Built once here; Slack shows the parts as the App Home tab, Teams as the
welcome card and the answer to `home`, the console as the answer to `home`."""

from __future__ import annotations

from bot.directory.models import Person
from bot.directory.service import direct_reports
from bot.escalation.models import Level
from bot.escalation.service import ServiceDay, list_levels, reporter_assignments, service_day
from bot.i18n import _, ngettext, pgettext
from bot.plans.service import actions_owned_by
from commands.context import CommandContext
from commands.escalation import level_badge
from commands.lists import mine
from commands.milestones import unknown_person
from commands.model import Home, Mine
from commands.replies import Line, Reply, Section, Status, Text, line
from commands.views import mention


def home_parts(ctx: CommandContext, person: Person) -> list[Reply]:
    """Your actions, then your services and your team when you have any: each a reply of its own, so a
    surface with a size budget per part (Slack's App Home) can share its room between them."""
    parts = [mine(Mine(), ctx), services_reply(ctx, person), team_reply(ctx, person)]
    return [part for part in parts if part is not None]


def home(_command: Home, ctx: CommandContext) -> Reply:
    """The home as one reply, for surfaces that answer a message with one message."""
    if ctx.actor is None:
        return unknown_person()
    sections: list[Section] = []
    for part in home_parts(ctx, ctx.actor):
        hint = [line(Text(part.footer, "muted"))] if part.footer else []
        sections.extend([Section(heading=part.title, lines=hint), *part.sections])
    title = _("Home for {name}: your actions, your services, your team").format(name=ctx.actor.name)
    return Reply(title=title, sections=sections, footer=_("Type `help` for everything I understand."))


def services_reply(ctx: CommandContext, person: Person) -> Reply | None:
    assignments = reporter_assignments(session=ctx.session, person=person)
    if not assignments:
        return None
    levels = {level.number: level for level in list_levels(session=ctx.session)}
    lines: list[Line] = []
    for assignment in assignments:
        day = service_day(session=ctx.session, service=assignment.service, root=assignment.organisation,
                          day=ctx.today)  # fmt: skip
        current = next((r for r in day.reports if r.organisation.id == assignment.organisation_id), None)
        where = _("{service} at {organisation}: ").format(
            service=assignment.service.local_name, organisation=assignment.organisation.local_name
        )
        lines.append(line(where, _today_status(day, current.level if current else None, levels)))
    return Reply(title=_("Services you report for"), sections=[Section(lines=lines)],
                 footer=pgettext("app home", 'Report with `/escalation report <service> <level> "note"`.'))  # fmt: skip


def _today_status(day: ServiceDay, level: int | None, levels: dict[int, Level]) -> Status | Text:
    if level is not None:
        return level_badge(level, levels)
    if not day.expected:  # a weekday-only service at a weekend or on a bank holiday
        return Text(_("not expected today"), "muted")
    return Text(_("not reported yet today"), "bold")


def team_reply(ctx: CommandContext, person: Person) -> Reply | None:
    reports = direct_reports(session=ctx.session, manager=person)
    if not reports:
        return None
    lines: list[Line] = []
    for report in reports:
        owned = actions_owned_by(session=ctx.session, person=report)
        open_actions = [a for a in owned if a.is_open and not a.is_rollup]
        overdue = sum(1 for a in open_actions if (a.deadline() or ctx.today) < ctx.today)
        counted = ngettext(" · {n} open action · ", " · {n} open actions · ", len(open_actions))
        late = ngettext("{n} overdue", "{n} overdue", overdue).format(n=overdue)
        lines.append(
            line(mention(report), counted.format(n=len(open_actions)), Text(late, "bold" if overdue else "plain"))
        )
    return Reply(title=_("Your team"), sections=[Section(lines=lines)],
                 footer=_("See one person's actions with `/milestones overdue lead:<name>`."))  # fmt: skip
