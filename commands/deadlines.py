"""Deadlines the plans did not give: `/milestones due-date REF DATE` and `/milestones admin undated`."""

from __future__ import annotations

from bot.plans.due_dates import set_due_date, undated_actions, why_undated
from commands.context import CommandContext
from commands.milestones import changeable
from commands.model import Admin, DueDate
from commands.paging import Page, more_line, page_words, past_the_end
from commands.replies import Reply, Section, Text, line, refusal
from commands.views import format_date, plural, shorten

UNDATED_PAGE = 20


def due_date(command: DueDate, ctx: CommandContext) -> Reply:
    found = changeable(command.ref, ctx, "set the deadline of")
    if isinstance(found, Reply):
        return found
    action, actor = found
    if action.recurrence:
        # Each occurrence has its own deadline from the recurrence; the recurring action has none to set.
        return refusal(f"{action.label} recurs: each occurrence has its own deadline.",
                       f"`/milestones show {action.label}` lists them.")  # fmt: skip
    previous = action.due_end
    if not set_due_date(session=ctx.session, action=action, due=command.due, actor=actor, now=ctx.now,
                        source=ctx.source):  # fmt: skip
        return Reply(title=f"{action.label} is already due {format_date(command.due)}; nothing recorded.")
    was = f"was {format_date(previous)}" if previous else f"the plan says “{action.due_raw or 'nothing'}”"
    return Reply(
        title=f"{action.label} is now due {format_date(command.due)} ({was}).",
        sections=[Section(lines=[line(Text(shorten(action.title), "muted"))])],
        footer=f"Recorded by {actor.name}"
        + (" for every delivery of it" if action.is_rollup else "")
        + f"; `/milestones show {action.label}` keeps the history.",
        tone="success",
    )


def undated(command: Admin, ctx: CommandContext) -> Reply:
    page = Page(command.page, UNDATED_PAGE)
    rows, total = undated_actions(session=ctx.session, limit=page.size, offset=page.offset)
    if not total:
        return Reply(title="Every open action has a deadline, is ongoing or recurs.", tone="success")
    if page.is_past_end(total):
        return past_the_end(command, page, total, "undated action")
    lines = [
        line(
            Text(row.label, "code"),
            f" {shorten(row.title)} · timeline as written: ",
            Text(row.due_raw or "none", "muted"),
            f" · {why_undated(row)}",
        )
        for row in rows
    ]
    return Reply(
        title=f"{plural(total, 'open action')} with no deadline{page_words(page, total)}",
        sections=[Section(lines=lines, more=more_line(command, total - page.offset - len(rows)))],
        footer="Nobody is prompted or told they are late about these. Give each a date with "
        "`/milestones due-date <ref> 2021-03-31`.",
    )
