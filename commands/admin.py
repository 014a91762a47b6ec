"""`/milestones admin …`: delivery problems and actions nobody owns, for administrators only."""

from __future__ import annotations

from datetime import date

from bot.delivery.failures import failed_messages, unreachable_people
from bot.exports.actions import ActionSelection
from bot.governance.guard import refusal_counts
from bot.governance.identifiers import KIND_WORDS
from bot.i18n import _, format_number, ngettext, pgettext
from bot.plans.listing import unowned_actions
from commands.context import CommandContext
from commands.deadlines import undated
from commands.lists import with_download
from commands.model import Admin
from commands.paging import ListWording, Page, paged_list
from commands.replies import Reply, Section, Text, line, refusal
from commands.views import format_date, mention, shorten

SHOWN = 20
UNOWNED_PAGE = 20


def admin(command: Admin, ctx: CommandContext) -> Reply:
    if ctx.actor is None or not ctx.actor.is_admin:
        return refusal(_("Only administrators can see delivery problems and unowned actions."))
    if command.topic == "unowned":
        return _unowned(command, ctx)
    if command.topic == "undated":
        return undated(command, ctx)
    if command.topic == "identifiers":
        return _identifier_refusals(ctx)
    return _failed(command, ctx) if command.topic == "failed" else _unreachable(command, ctx)


def _unowned(command: Admin, ctx: CommandContext) -> Reply:
    page = Page(command.page, UNOWNED_PAGE)
    rows, total = unowned_actions(session=ctx.session, limit=page.size, offset=page.offset)
    lines = [
        line(
            Text(row.label, "code"),
            f" {shorten(row.title)} · " + _("lead as written:") + " ",
            Text(row.lead_text or _("none"), "muted"),
            " · " + _("due {day}").format(day=format_date(row.deadline)),
        )
        for row in rows
    ]
    n = format_number(total)
    wording = ListWording(
        empty=_("Every action has an owner."),
        counted=ngettext("{n} unowned action", "{n} unowned actions", total).format(n=n),
        title=ngettext("{n} action with no owner yet", "{n} actions with no owner yet", total).format(n=n),
        footer=_("Give each one an owner with `/milestones assign <ref> <email>`, or add its lead to "
                 "data/directory/roles.yaml and import the plan again."),
    )  # fmt: skip
    reply = paged_list(command, page, total, lines, wording)
    if not rows:  # nothing listed (none at all, or a page past the end): nothing to download either
        return reply
    return with_download(reply, ctx, None, ActionSelection(only="unowned"), total - len(rows))


def _identifier_refusals(ctx: CommandContext) -> Reply:
    """Counts only: what was typed, and who typed it, are never kept."""
    counts = refusal_counts(session=ctx.session, now=ctx.now)
    if not counts:
        return Reply(title=_("No text has been refused for holding a patient identifier."), tone="success")
    counted = _(" from {source}: {week} in the last 7 days, {month} in the last 30 days, {all} in all")
    lines = [
        line(
            Text(_(KIND_WORDS[c.kind]) if c.kind in KIND_WORDS else c.kind, "bold"),
            counted.format(source=c.source, week=c.last_7_days, month=c.last_30_days, all=c.all_time),
        )
        for c in counts
    ]
    total = sum(c.all_time for c in counts)
    title = ngettext("The patient-identifier guard refused {n} text", "The patient-identifier guard refused {n} texts",
                     total)  # fmt: skip
    return Reply(
        title=title.format(n=format_number(total)),
        sections=[Section(lines=lines)],
        footer=_("Neither the texts nor who wrote them are kept. Frequent refusals from one source may mean a team "
                 "needs reminding to use case references (a Datix number) instead."),
    )  # fmt: skip


def _failed(command: Admin, ctx: CommandContext) -> Reply:
    page = Page(command.page, SHOWN)
    failed, total = failed_messages(session=ctx.session, limit=page.size, offset=page.offset)
    lines = [
        line(
            Text(f.kind, "code"),
            " " + pgettext("message sent", "to") + " ",
            mention(f.person) if f.person else Text(f.recipient, "code"),
            " "
            + ngettext("for {day} · {n} attempt · ", "for {day} · {n} attempts · ", f.attempts).format(
                day=format_date(f.for_day), n=f.attempts
            ),
            Text(f.error, "muted"),
        )
        for f in failed
    ]
    n = format_number(total)
    wording = ListWording(
        empty=_("No messages have failed."),
        counted=ngettext("{n} failed message", "{n} failed messages", total).format(n=n),
        title=ngettext("{n} message failed after retries", "{n} messages failed after retries", total).format(n=n),
    )
    return paged_list(command, page, total, lines, wording)


def _unreachable(command: Admin, ctx: CommandContext) -> Reply:
    people = unreachable_people(session=ctx.session)
    page = Page(command.page, SHOWN)
    total = len(people)
    on_page = people[page.offset : page.offset + page.size]
    n = format_number(total)
    wording = ListWording(
        empty=_("Everyone due a message could be reached."),
        counted=ngettext("{n} unreachable person", "{n} unreachable people", total).format(n=n),
        title=ngettext("{n} person no chat platform can reach", "{n} people no chat platform can reach", total).format(
            n=n
        ),
        footer=_("Link their Slack or Teams account, or check their email matches the platform's."),
    )
    lines = [line(mention(u.person), _undelivered(u.messages, u.last_day)) for u in on_page]
    return paged_list(command, page, total, lines, wording)


def _undelivered(messages: int, last_day: date) -> str:
    undelivered = ngettext(" · {n} message undelivered, last for {day}", " · {n} messages undelivered, last for {day}",
                           messages)  # fmt: skip
    return undelivered.format(n=format_number(messages), day=format_date(last_day))
