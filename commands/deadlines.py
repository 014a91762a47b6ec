"""Deadlines the plans did not give: `/milestones due-date REF DATE` and `/milestones admin undated`."""

from __future__ import annotations

from bot.i18n import _, format_number, ngettext
from bot.plans.due_dates import set_due_date, undated_actions, why_undated
from commands.context import CommandContext
from commands.milestones import changeable
from commands.model import Admin, DueDate
from commands.paging import ListWording, Page, paged_list
from commands.replies import Reply, Section, Text, line, refusal
from commands.views import format_date, shorten

UNDATED_PAGE = 20


def due_date(command: DueDate, ctx: CommandContext) -> Reply:
    found = changeable(
        command.ref,
        ctx,
        _("You can't set the deadline of {ref}: only its owner ({owner}), their managers or an admin can."),
    )
    if isinstance(found, Reply):
        return found
    action, actor = found
    if action.recurrence:
        # Each occurrence has its own deadline from the recurrence; the recurring action has none to set.
        return refusal(_("{ref} recurs: each occurrence has its own deadline.").format(ref=action.label),
                       _("`/milestones show {ref}` lists them.").format(ref=action.label))  # fmt: skip
    previous = action.due_end
    if not set_due_date(session=ctx.session, action=action, due=command.due, actor=actor, now=ctx.now,
                        source=ctx.source):  # fmt: skip
        title = _("{ref} is already due {day}; nothing recorded.")
        return Reply(title=title.format(ref=action.label, day=format_date(command.due)))
    if previous:
        was = _("was {day}").format(day=format_date(previous))
    else:
        was = _("the plan says “{timeline}”").format(timeline=action.due_raw or _("nothing"))
    if action.is_rollup:
        footer = _("Recorded by {name} for every delivery of it; `/milestones show {ref}` keeps the history.")
    else:
        footer = _("Recorded by {name}; `/milestones show {ref}` keeps the history.")
    return Reply(
        title=_("{ref} is now due {day} ({was}).").format(ref=action.label, day=format_date(command.due), was=was),
        sections=[Section(lines=[line(Text(shorten(action.local_title), "muted"))])],
        footer=footer.format(name=actor.name, ref=action.label),
        tone="success",
    )


def undated(command: Admin, ctx: CommandContext) -> Reply:
    page = Page(command.page, UNDATED_PAGE)
    rows, total = undated_actions(session=ctx.session, limit=page.size, offset=page.offset)
    lines = [
        line(
            Text(row.label, "code"),
            f" {shorten(row.local_title)} · " + _("timeline as written:") + " ",
            Text(row.due_raw or _("none"), "muted"),
            f" · {why_undated(row)}",
        )
        for row in rows
    ]
    n = format_number(total)
    wording = ListWording(
        empty=_("Every open action has a deadline, is ongoing or recurs."),
        counted=ngettext("{n} undated action", "{n} undated actions", total).format(n=n),
        title=ngettext("{n} open action with no deadline", "{n} open actions with no deadline", total).format(n=n),
        footer=_("Nobody is prompted or told they are late about these. Give each a date with "
                 "`/milestones due-date <ref> 2021-03-31`."),
    )  # fmt: skip
    return paged_list(command, page, total, lines, wording)
