"""`/milestones admin …`: delivery problems, for administrators only."""

from __future__ import annotations

from commands.context import CommandContext
from commands.model import Admin
from commands.replies import Reply, Section, Text, line, refusal
from commands.views import format_date, mention, plural
from scheduler.failures import failed_messages, unreachable_people

SHOWN = 20


def admin(command: Admin, ctx: CommandContext) -> Reply:
    if ctx.actor is None or not ctx.actor.is_admin:
        return refusal("Only administrators can see delivery problems.")
    return _failed(ctx) if command.topic == "failed" else _unreachable(ctx)


def _failed(ctx: CommandContext) -> Reply:
    failed, total = failed_messages(session=ctx.session, limit=SHOWN)
    if not total:
        return Reply(title="No messages have failed.", tone="success")
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
    more = f"… and {total - len(lines)} more" if total > len(lines) else None
    return Reply(title=f"{plural(total, 'message')} failed after retries", sections=[Section(lines=lines, more=more)])


def _unreachable(ctx: CommandContext) -> Reply:
    people = unreachable_people(session=ctx.session)
    if not people:
        return Reply(title="Everyone due a message could be reached.", tone="success")
    lines = [
        line(mention(u.person), f" · {plural(u.messages, 'message')} undelivered, last for {format_date(u.last_day)}")
        for u in people
    ]
    return Reply(
        title=f"{len(people)} {'person' if len(people) == 1 else 'people'} no chat platform can reach",
        sections=[Section(lines=lines)],
        footer="Link their Slack or Teams account, or check their email matches the platform's.",
    )
