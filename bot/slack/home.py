"""The App Home tab: a person's own actions (overdue first), the services they report for with today's
level, and their team when they manage anyone. Rebuilt from the database each time the tab is opened."""

from __future__ import annotations

from typing import Any

from bot.directory.models import Person
from bot.directory.service import direct_reports
from bot.escalation.service import list_levels, reporter_assignments, service_day
from bot.plans.service import actions_owned_by
from bot.slack.blocks import MAX_VIEW_BLOCKS, Block, reply_blocks
from commands.access import stranger
from commands.context import CommandContext
from commands.escalation import level_badge
from commands.lists import mine
from commands.model import Mine
from commands.replies import Line, Reply, Section, Text, line
from commands.views import mention, plural

# Enough room for each part to show a useful page without the whole view passing Slack's 100 blocks.
ACTIONS_BLOCKS = 50
SERVICES_BLOCKS = 20
TEAM_BLOCKS = 20


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
        where = f"{assignment.service.name} at {assignment.organisation.name}: "
        status = level_badge(current.level, levels) if current else Text("not reported yet today", "bold")
        lines.append(line(where, status))
    return Reply(title="Services you report for", sections=[Section(lines=lines)],
                 footer='Report with `/escalation report <service> <level> "note"`.')  # fmt: skip


def team_reply(ctx: CommandContext, person: Person) -> Reply | None:
    reports = direct_reports(session=ctx.session, manager=person)
    if not reports:
        return None
    lines: list[Line] = []
    for report in reports:
        owned = actions_owned_by(session=ctx.session, person=report)
        open_actions = [a for a in owned if a.is_open and not a.is_rollup]
        overdue = sum(1 for a in open_actions if (a.deadline() or ctx.today) < ctx.today)
        lines.append(line(mention(report), f" · {plural(len(open_actions), 'open action')} · ",
                          Text(f"{overdue} overdue", "bold" if overdue else "plain")))  # fmt: skip
    return Reply(title="Your team", sections=[Section(lines=lines)],
                 footer="See one person's actions with `/milestones overdue lead:<name>`.")  # fmt: skip


def home_blocks(ctx: CommandContext) -> list[Block]:
    if ctx.actor is None:
        return reply_blocks(stranger())
    parts: list[tuple[Reply | None, int]] = [
        (mine(Mine(), ctx), ACTIONS_BLOCKS),
        (services_reply(ctx, ctx.actor), SERVICES_BLOCKS),
        (team_reply(ctx, ctx.actor), TEAM_BLOCKS),
    ]
    blocks: list[Block] = []
    for reply, budget in parts:
        if reply is not None:
            blocks.extend(reply_blocks(reply, max_blocks=budget))
            blocks.append({"type": "divider"})
    return blocks[:MAX_VIEW_BLOCKS]


def home_view(ctx: CommandContext) -> dict[str, Any]:
    return {"type": "home", "blocks": home_blocks(ctx)}
