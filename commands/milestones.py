"""Handlers for `/milestones …`: each takes its command and the context and returns a Reply."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import object_session

from bot.clock import LONDON
from bot.directory.models import Person
from bot.directory.service import get_person_by_email
from bot.plans.models import STATUS_LABELS, STATUSES, Action
from bot.plans.models import Snooze as SnoozeRow
from bot.plans.occurrences import reassign_open_occurrences
from bot.plans.service import (
    ActionNotFound,
    assign_owner,
    find_action,
    may_change,
    normalise_status,
    record_status,
)
from commands.context import CommandContext
from commands.model import Assign, Show, Snooze, Update
from commands.parts import action_parts, parts_section
from commands.recurring import next_open_occurrence, occurrence_sections, repeats_line
from commands.replies import Line, Reply, Section, Text, line, refusal
from commands.views import age, due_words, format_date, mention, plural, shorten, status_badge

UNKNOWN_PERSON = (
    "I don't know who you are yet, so I can't do that.",
    "Ask a milestones-bot administrator to add your work email to the directory (data/directory/people.yaml).",
)


def show(command: Show, ctx: CommandContext) -> Reply:
    action = _lookup(command.ref, ctx)
    if isinstance(action, Reply):
        return action
    details = [
        line(Text("Action: ", "bold"), action.title),
        line(Text("Lead (as written): ", "bold"), action.lead_text or "—"),
        *([line(Text("Where the lead comes from: ", "bold"), action.lead_note)] if action.lead_note else []),
        line(Text("Owner: ", "bold"), mention(action.owner) if action.owner else Text("nobody yet", "muted")),
        repeats_line(action) or line(Text("Due: ", "bold"), due_words(action)),
        line(Text("Expected output: ", "bold"), action.expected_output or "—"),
        *(line(Text(f"{heading}: ", "bold"), text) for heading, text in (action.extra_fields or {}).items()),
        _status_line(action, ctx.today),
    ]
    if action.recommendation:
        details.insert(0, line(Text("Under: ", "bold"), shorten(action.recommendation.title, 160)))
    if action.parent is not None:  # an occurrence of a delivery is part of the delivery
        details.insert(0, line(Text("Part of: ", "bold"), Text(action.parent.label, "code"),
                               f" ({_owed_words(action)})"))  # fmt: skip
    waits_for = action.depends_on or (action.whole.depends_on if action.whole else [])
    if waits_for:
        details.append(
            line(Text("Waits for: ", "bold"), ", ".join(f"{d.label} ({STATUS_LABELS[d.status]})" for d in waits_for))
        )
    history = [
        line(
            when(update.recorded_at),
            status_badge(update.status),
            " by ",
            mention(update.person) if update.person else Text("import", "muted"),
            f" — {update.note}" if update.note else "",
        )
        for update in reversed(action.history[-10:])
    ]
    owners = [
        line(
            when(change.recorded_at),
            mention(change.owner),
            f" (was {change.previous_owner.name})" if change.previous_owner else "",
            " by ",
            mention(change.changed_by) if change.changed_by else Text("the role directory at import", "muted"),
        )
        for change in reversed(action.owner_history[-5:])
    ]
    sections = [Section(lines=details), *_parts_sections(action, ctx)]
    if history:
        sections.append(Section(heading="History (latest first)", lines=history))
    if owners:
        sections.append(Section(heading="Owners (latest first)", lines=owners))
    if action.due_history:
        sections.append(Section(heading="Deadline set by hand (latest first)", lines=due_history_lines(action)))
    return Reply(title=f"{action.label} · {action.plan.name}", sections=sections, footer=_show_footer(action, ctx))


def _parts_sections(action: Action, ctx: CommandContext) -> list[Section]:
    """A recurring action's past and next occurrences; another roll-up's parts (deliveries)."""
    if not action.is_rollup:
        return []
    occurrences = occurrence_sections(session=ctx.session, action=action, today=ctx.today)
    return occurrences or [parts_section(session=ctx.session, whole=action, today=ctx.today)]


def _show_footer(action: Action, ctx: CommandContext) -> str:
    # A recurring action is answered one occurrence at a time, a whole one delivery at a time.
    answering = next_open_occurrence(session=ctx.session, action=action) if action.recurrence else None
    if answering is not None:
        target = answering.label
    else:
        target = f"{action.label}@<organisation>" if action.is_rollup else action.label
    return f'Change it with `/milestones update {target} <status> "note"`.'


def _status_line(action: Action, today: date) -> Line:
    if action.is_rollup:
        return line(Text("Status: ", "bold"), Text("delivered in parts, each with its own status (below)", "muted"))
    return line(Text("Status: ", "bold"), status_badge(action.status),
                Text(f" ({age(action.status_changed_at, today)})", "muted"))  # fmt: skip


def update(command: Update, ctx: CommandContext) -> Reply:
    status = normalise_status(command.status)
    if status is None:
        valid = ", ".join(f"`{s}`" for s in STATUSES)
        return refusal(f"`{command.status}` is not a status.", f"Use one of: {valid}.")
    found = changeable(command.ref, ctx, "update")
    if isinstance(found, Reply):
        return found
    action, actor = found
    if action.is_rollup:
        return _rollup_refusal(action, "status")
    if status == action.status:
        return _unchanged(action, command.note)
    previous = action.status
    record_status(session=ctx.session, action=action, status=status, actor=actor, now=ctx.now,
                  note=command.note, source=ctx.source)  # fmt: skip
    return Reply(
        title=f"{action.label} is now {STATUS_LABELS[status]} (was {STATUS_LABELS[previous]}).",
        sections=[Section(lines=[line(Text(shorten(action.title), "muted"))])],
        footer=f"Recorded by {actor.name}" + (f" with the note “{command.note}”." if command.note else "."),
        tone="success",
    )


def _unchanged(action: Action, note: str | None) -> Reply:
    """The same status again is no change: the history would read "now Done (was Done)". A note alone is not
    kept either, because history entries are status changes (digests and prompts count them as such)."""
    label = STATUS_LABELS[action.status]
    if note is None:
        return Reply(title=f"{action.label} is already {label}; nothing recorded.")
    return Reply(
        title=f"{action.label} is already {label}; nothing recorded, not even the note.",
        sections=[Section(lines=[line("Notes are kept with a change of status. Your note: ", Text(note, "muted"))])],
        footer=f'When the status changes, record it with a note: `/milestones update {action.label} <status> "note"`.',
    )


def assign(command: Assign, ctx: CommandContext) -> Reply:
    found = changeable(command.ref, ctx, "reassign")
    if isinstance(found, Reply):
        return found
    action, actor = found
    new_owner = get_person_by_email(session=ctx.session, email=command.email)
    if new_owner is None:
        return refusal(
            f"Nobody with the email {command.email} is in the directory.",
            "Check the address, or ask an administrator to add the person first.",
        )
    previous = action.owner
    if assign_owner(action=action, owner=new_owner, actor=actor, now=ctx.now, source=ctx.source) is None:
        return Reply(title=f"{action.label} is already owned by {new_owner.name}.", footer="Nothing changed.")
    was = f" (was {previous.name})" if previous else ""
    moved = reassign_open_occurrences(session=ctx.session, parent=action, previous=previous, actor=actor,
                                      now=ctx.now, source=ctx.source)  # fmt: skip
    also = f" with {plural(len(moved), 'open occurrence')}" if moved else ""
    return Reply(title=f"{action.label} is now owned by {new_owner.name}{was}{also}.", tone="success",
                 footer=f"Recorded by {actor.name}. They will get its status prompts from now on.")  # fmt: skip


def snooze(command: Snooze, ctx: CommandContext) -> Reply:
    found = changeable(command.ref, ctx, "snooze")
    if isinstance(found, Reply):
        return found
    action, actor = found
    if action.is_rollup:
        return _rollup_refusal(action, "prompts")
    until = command.until or ctx.today + timedelta(days=command.days or 1)
    if until <= ctx.today:
        return refusal(f"{format_date(until)} is not in the future.", "Snooze until a later date, or use `1d`/`1w`.")
    ctx.session.add(SnoozeRow(action_id=action.id, person_id=actor.id, until=until, created_at=ctx.now))
    return Reply(title=f"No prompts about {action.label} until {format_date(until)}.", tone="success")


def due_history_lines(action: Action) -> list[Line]:
    """Deadlines set by hand, latest first, for `show`."""
    return [
        line(
            when(change.recorded_at),
            f"due {format_date(change.due_end)}",
            f" (was {format_date(change.previous_due_end)})" if change.previous_due_end else " (had no deadline)",
            " by ",
            mention(change.person) if change.person else Text("someone no longer in the directory", "muted"),
        )
        for change in reversed(action.due_history[-5:])
    ]


def _rollup_refusal(action: Action, what: str) -> Reply:
    example = action_parts(session=object_session(action), whole=action)[:1]  # type: ignore[arg-type]
    ref = example[0].label if example else f"{action.label}@<organisation>"
    return refusal(
        f"{action.label} is delivered in parts, each with its own {what}.",
        f"Name the part, for example `{ref}`; `/milestones show {action.label}` lists them all.",
    )


def _owed_words(action: Action) -> str:
    if "#" in action.ref and action.due_end:
        return f"the occurrence due {format_date(action.due_end)}"
    return f"{action.organisation.name}'s delivery" if action.organisation else "one part"


def when(instant: datetime) -> Text:
    return Text(instant.astimezone(LONDON).strftime("%-d %b %Y %H:%M") + " ", "muted")


def changeable(ref: str, ctx: CommandContext, verb: str) -> tuple[Action, Person] | Reply:
    """The action, and who is changing it, once the reference and the permission check out."""
    action = _lookup(ref, ctx)
    if isinstance(action, Reply):
        return action
    if ctx.actor is None:
        return refusal(*UNKNOWN_PERSON)
    if not may_change(actor=ctx.actor, action=action):
        return _not_allowed(action, verb)
    return action, ctx.actor


def _lookup(ref: str, ctx: CommandContext) -> Action | Reply:
    found = find_action(session=ctx.session, ref=ref)
    if not isinstance(found, ActionNotFound):
        return found
    if found.ambiguous:
        return refusal(f"Several plans have an action `{ref}`.", "Say which one: " + ", ".join(found.suggestions))
    hint = ("Did you mean " + " or ".join(f"`{s}`" for s in found.suggestions) + "?") if found.suggestions else (
        "References look like `esr/1.a`: see `/milestones overdue` or `/milestones mine`.")  # fmt: skip
    return refusal(f"There is no action `{ref}`.", hint)


def _not_allowed(action: Action, verb: str) -> Reply:
    owner = action.owner.name if action.owner else "nobody yet"
    return refusal(
        f"You can't {verb} {action.label}: only its owner ({owner}), their managers or an admin can.",
        "If it should be yours, ask one of them to `assign` it to you.",
    )
