"""`/milestones admin …`: delivery problems and actions nobody owns, for administrators only."""

from __future__ import annotations

from bot.delivery.failures import failed_messages, unreachable_people
from bot.exports.actions import ActionSelection
from bot.governance.guard import refusal_counts
from bot.governance.identifiers import KIND_WORDS
from bot.plans.listing import unowned_actions
from commands.context import CommandContext
from commands.deadlines import undated
from commands.lists import with_download
from commands.model import Admin
from commands.paging import Page, more_line, page_words, past_the_end
from commands.replies import Reply, Section, Text, line, refusal
from commands.views import format_date, mention, plural, shorten

SHOWN = 20
UNOWNED_PAGE = 20


def admin(command: Admin, ctx: CommandContext) -> Reply:
    if ctx.actor is None or not ctx.actor.is_admin:
        return refusal("Only administrators can see delivery problems and unowned actions.")
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
    if not total:
        return Reply(title="Every action has an owner.", tone="success")
    if page.is_past_end(total):
        return past_the_end(command, page, total, "unowned action")
    lines = [
        line(
            Text(row.label, "code"),
            f" {shorten(row.title)} · lead as written: ",
            Text(row.lead_text or "none", "muted"),
            f" · due {format_date(row.deadline)}",
        )
        for row in rows
    ]
    reply = Reply(
        title=f"{plural(total, 'action')} with no owner yet{page_words(page, total)}",
        sections=[Section(lines=lines, more=more_line(command, total - page.offset - len(rows)))],
        footer="Give each one an owner with `/milestones assign <ref> <email>`, or add its lead to "
        "data/directory/roles.yaml and import the plan again.",
    )
    return with_download(reply, ctx, None, ActionSelection(only="unowned"), total - len(rows))


def _identifier_refusals(ctx: CommandContext) -> Reply:
    """Counts only: what was typed, and who typed it, are never kept."""
    counts = refusal_counts(session=ctx.session, now=ctx.now)
    if not counts:
        return Reply(title="No text has been refused for holding a patient identifier.", tone="success")
    lines = [
        line(
            Text(KIND_WORDS.get(c.kind, c.kind), "bold"),
            f" from {c.source}: {c.last_7_days} in the last 7 days, "
            f"{c.last_30_days} in the last 30 days, {c.all_time} in all",
        )
        for c in counts
    ]
    total = sum(c.all_time for c in counts)
    return Reply(
        title=f"The patient-identifier guard refused {plural(total, 'text')}",
        sections=[Section(lines=lines)],
        footer="Neither the texts nor who wrote them are kept. Frequent refusals from one source may mean a team "
        "needs reminding to use case references (a Datix number) instead.",
    )


def _failed(command: Admin, ctx: CommandContext) -> Reply:
    page = Page(command.page, SHOWN)
    failed, total = failed_messages(session=ctx.session, limit=page.size, offset=page.offset)
    if not total:
        return Reply(title="No messages have failed.", tone="success")
    if page.is_past_end(total):
        return past_the_end(command, page, total, "failed message")
    lines = [
        line(
            Text(f.kind, "code"),
            " to ",
            mention(f.person) if f.person else Text(f.recipient, "code"),
            f" for {format_date(f.for_day)} · {plural(f.attempts, 'attempt')} · ",
            Text(f.error, "muted"),
        )
        for f in failed
    ]
    more = more_line(command, total - page.offset - len(lines))
    title = f"{plural(total, 'message')} failed after retries{page_words(page, total)}"
    return Reply(title=title, sections=[Section(lines=lines, more=more)])


def _unreachable(command: Admin, ctx: CommandContext) -> Reply:
    people = unreachable_people(session=ctx.session)
    if not people:
        return Reply(title="Everyone due a message could be reached.", tone="success")
    page = Page(command.page, SHOWN)
    if page.is_past_end(len(people)):
        return past_the_end(command, page, len(people), "unreachable person")
    on_page = people[page.offset : page.offset + page.size]
    lines = [
        line(mention(u.person), f" · {plural(u.messages, 'message')} undelivered, last for {format_date(u.last_day)}")
        for u in on_page
    ]
    count = f"{len(people)} {'person' if len(people) == 1 else 'people'}"
    return Reply(
        title=f"{count} no chat platform can reach{page_words(page, len(people))}",
        sections=[Section(lines=lines, more=more_line(command, len(people) - page.offset - len(on_page)))],
        footer="Link their Slack or Teams account, or check their email matches the platform's.",
    )
