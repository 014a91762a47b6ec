"""Handlers for `/milestones …`: each takes its command and the context and returns a Reply."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import object_session

from bot.clock import LONDON
from bot.directory.models import Person
from bot.directory.service import get_person_by_email
from bot.i18n import _, format_day, ngettext
from bot.plans.models import STATUSES, Action
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
from bot.storage.row_lock import lock_for_change
from commands.context import CommandContext
from commands.model import Assign, Show, Snooze, Update
from commands.parts import action_parts, parts_section
from commands.recurring import next_open_occurrence, occurrence_sections, repeats_line
from commands.replies import Inline, Line, Reply, Section, Text, line, refusal
from commands.views import age, did_you_mean, due_words, format_date, mention, shorten, status_badge, status_label


def unknown_person() -> Reply:
    return refusal(
        _("I don't know who you are yet, so I can't do that."),
        _("Ask a milestones-bot administrator to add your work email to the directory (data/directory/people.yaml)."),
    )


def show(command: Show, ctx: CommandContext) -> Reply:
    action = _lookup(command.ref, ctx)
    if isinstance(action, Reply):
        return action
    sections = [Section(lines=_details(action, ctx.today)), *_parts_sections(action, ctx)]
    history = _status_history(action)
    if history:
        sections.append(Section(heading=_("History (latest first)"), lines=history))
    owners = _owner_history(action)
    if owners:
        sections.append(Section(heading=_("Owners (latest first)"), lines=owners))
    if action.due_history:
        sections.append(Section(heading=_("Deadline set by hand (latest first)"), lines=due_history_lines(action)))
    title = f"{action.label} · {action.plan.local_name}"
    return Reply(title=title, sections=sections, footer=_show_footer(action, ctx))


def _details(action: Action, today: date) -> list[Line]:
    details = [
        _field(_("Action:"), action.local_title),
        _field(_("Lead (as written):"), action.lead_text or "—"),
        *([_field(_("Where the lead comes from:"), action.lead_note)] if action.lead_note else []),
        _field(_("Owner:"), mention(action.owner) if action.owner else Text(_("nobody yet"), "muted")),
        repeats_line(action) or _field(_("Due:"), due_words(action)),
        _field(_("Expected output:"), action.local_expected_output or "—"),
        *(_field(f"{heading}:", text) for heading, text in (action.extra_fields or {}).items()),
        _status_line(action, today),
    ]
    if action.recommendation:
        details.insert(0, _field(_("Under:"), shorten(action.recommendation.local_title, 160)))
    if action.parent is not None:  # an occurrence of a delivery is part of the delivery
        details.insert(0, _field(_("Part of:"), Text(action.parent.label, "code"), f" ({_owed_words(action)})"))
    waits_for = action.depends_on or (action.whole.depends_on if action.whole else [])
    if waits_for:
        details.append(_field(_("Waits for:"), ", ".join(f"{d.label} ({status_label(d.status)})" for d in waits_for)))
    return details


def _field(heading: str, *value: Inline | str) -> Line:
    return line(Text(heading + " ", "bold"), *value)


def _status_history(action: Action) -> list[Line]:
    return [
        line(
            when(update.recorded_at),
            status_badge(update.status),
            " " + _("by") + " ",
            mention(update.person) if update.person else Text(_("import"), "muted"),
            f" — {update.note}" if update.note else "",
        )
        for update in reversed(action.history[-10:])
    ]


def _owner_history(action: Action) -> list[Line]:
    return [
        line(
            when(change.recorded_at),
            mention(change.owner),
            _(" (was {name})").format(name=change.previous_owner.name) if change.previous_owner else "",
            " " + _("by") + " ",
            mention(change.changed_by) if change.changed_by else Text(_("the role directory at import"), "muted"),
        )
        for change in reversed(action.owner_history[-5:])
    ]


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
    return _('Change it with `/milestones update {target} <status> "note"`.').format(target=target)


def _status_line(action: Action, today: date) -> Line:
    if action.is_rollup:
        return _field(_("Status:"), Text(_("delivered in parts, each with its own status (below)"), "muted"))
    return _field(
        _("Status:"), status_badge(action.status), Text(f" ({age(action.status_changed_at, today)})", "muted")
    )


def update(command: Update, ctx: CommandContext) -> Reply:
    status = normalise_status(command.status)
    if status is None:
        valid = ", ".join(f"`{s}`" for s in STATUSES)
        return refusal(_("`{status}` is not a status.").format(status=command.status),
                       _("Use one of: {choices}.").format(choices=valid))  # fmt: skip
    found = changeable(
        command.ref, ctx, _("You can't update {ref}: only its owner ({owner}), their managers or an admin can.")
    )
    if isinstance(found, Reply):
        return found
    action, actor = found
    if action.is_rollup:
        return _rollup_refusal(action, _("each with its own status"))
    if status == action.status:
        return _unchanged(action, command.note)
    previous = action.status
    record_status(session=ctx.session, action=action, status=status, actor=actor, now=ctx.now,
                  note=command.note, source=ctx.source)  # fmt: skip
    title = _("{ref} is now {status} (was {previous}).")
    if command.note:
        footer = _("Recorded by {name} with the note “{note}”.").format(name=actor.name, note=command.note)
    else:
        footer = _("Recorded by {name}.").format(name=actor.name)
    return Reply(
        title=title.format(ref=action.label, status=status_label(status), previous=status_label(previous)),
        sections=[Section(lines=[line(Text(shorten(action.local_title), "muted"))])],
        footer=footer,
        tone="success",
    )


def _unchanged(action: Action, note: str | None) -> Reply:
    """The same status again is no change: the history would read "now Done (was Done)". A note alone is not
    kept either, because history entries are status changes (digests and prompts count them as such)."""
    label = status_label(action.status)
    if note is None:
        return Reply(title=_("{ref} is already {status}; nothing recorded.").format(ref=action.label, status=label))
    title = _("{ref} is already {status}; nothing recorded, not even the note.")
    kept = _("Notes are kept with a change of status. Your note:") + " "
    footer = _('When the status changes, record it with a note: `/milestones update {ref} <status> "note"`.')
    return Reply(
        title=title.format(ref=action.label, status=label),
        sections=[Section(lines=[line(kept, Text(note, "muted"))])],
        footer=footer.format(ref=action.label),
    )


def assign(command: Assign, ctx: CommandContext) -> Reply:
    found = changeable(
        command.ref, ctx, _("You can't reassign {ref}: only its owner ({owner}), their managers or an admin can.")
    )
    if isinstance(found, Reply):
        return found
    action, actor = found
    new_owner = get_person_by_email(session=ctx.session, email=command.email)
    if new_owner is None:
        return refusal(
            _("Nobody with the email {email} is in the directory.").format(email=command.email),
            _("Check the address, or ask an administrator to add the person first."),
        )
    previous = action.owner
    if assign_owner(action=action, owner=new_owner, actor=actor, now=ctx.now, source=ctx.source) is None:
        title = _("{ref} is already owned by {name}.").format(ref=action.label, name=new_owner.name)
        return Reply(title=title, footer=_("Nothing changed."))
    was = _(" (was {name})").format(name=previous.name) if previous else ""
    moved = reassign_open_occurrences(session=ctx.session, parent=action, previous=previous, actor=actor,
                                      now=ctx.now, source=ctx.source)  # fmt: skip
    also = ngettext(" with {n} open occurrence", " with {n} open occurrences", len(moved)) if moved else ""
    title = _("{ref} is now owned by {name}{was}{also}.")
    footer = _("Recorded by {name}. They will get its status prompts from now on.").format(name=actor.name)
    return Reply(title=title.format(ref=action.label, name=new_owner.name, was=was, also=also.format(n=len(moved))),
                 tone="success", footer=footer)  # fmt: skip


LONGEST_SNOOZE = timedelta(days=366)


def snooze(command: Snooze, ctx: CommandContext) -> Reply:
    found = changeable(
        command.ref, ctx, _("You can't snooze {ref}: only its owner ({owner}), their managers or an admin can.")
    )
    if isinstance(found, Reply):
        return found
    action, actor = found
    if action.is_rollup:
        return _rollup_refusal(action, _("each with its own prompts"))
    until = command.until or ctx.today + timedelta(days=command.days or 1)
    if until <= ctx.today:
        return refusal(_("{day} is not in the future.").format(day=format_date(until)),
                       _("Snooze until a later date, or use `1d`/`1w`."))  # fmt: skip
    if until > ctx.today + LONGEST_SNOOZE:
        # A snooze silences the prompts but leaves the deadline standing: a date years away is far more
        # likely a typing slip than a wish to hear nothing about an action until then.
        return refusal(_("{day} is more than a year away.").format(day=format_date(until)),
                       _("Snooze for a year at most; to move the deadline itself, use `due-date`."))  # fmt: skip
    ctx.session.add(SnoozeRow(action_id=action.id, person_id=actor.id, until=until, created_at=ctx.now))
    title = _("No prompts about {ref} until {day}.").format(ref=action.label, day=format_date(until))
    return Reply(title=title, tone="success")


def due_history_lines(action: Action) -> list[Line]:
    """Deadlines set by hand, latest first, for `show`."""
    return [
        line(
            when(change.recorded_at),
            _("due {day}").format(day=format_date(change.due_end)),
            _(" (was {day})").format(day=format_date(change.previous_due_end))
            if change.previous_due_end
            else _(" (had no deadline)"),
            " " + _("by") + " ",
            mention(change.person) if change.person else Text(_("someone no longer in the directory"), "muted"),
        )
        for change in reversed(action.due_history[-5:])
    ]


def _rollup_refusal(action: Action, own: str) -> Reply:
    """`own` says what each part has of its own: "each with its own status"."""
    example = action_parts(session=object_session(action), whole=action)[:1]  # type: ignore[arg-type]
    ref = example[0].label if example else f"{action.label}@<organisation>"
    return refusal(
        _("{ref} is delivered in parts, {own}.").format(ref=action.label, own=own),
        _("Name the part, for example `{part}`; `/milestones show {ref}` lists them all.").format(
            part=ref, ref=action.label
        ),
    )


def _owed_words(action: Action) -> str:
    if "#" in action.ref and action.due_end:
        return _("the occurrence due {day}").format(day=format_date(action.due_end))
    if action.organisation:
        return _("{organisation}'s delivery").format(organisation=action.organisation.local_name)
    return _("one part")


def when(instant: datetime) -> Text:
    local = instant.astimezone(LONDON)
    return Text(f"{format_day(local.date())} {local:%H:%M} ", "muted")


def changeable(ref: str, ctx: CommandContext, refused: str) -> tuple[Action, Person] | Reply:
    """The action, and who is changing it, once the reference and the permission check out. `refused` says
    the refusal, with `{ref}` for the action and `{owner}` for its owner."""
    action = _lookup(ref, ctx)
    if isinstance(action, Reply):
        return action
    if ctx.actor is None:
        return unknown_person()
    # Decide on the action as committed now (its status, its owner), holding it until this change commits:
    # the reply then tells the truth even when someone else changed it a moment ago.
    lock_for_change(ctx.session, action)
    if not may_change(actor=ctx.actor, action=action):
        return _not_allowed(action, refused)
    return action, ctx.actor


def _lookup(ref: str, ctx: CommandContext) -> Action | Reply:
    found = find_action(session=ctx.session, ref=ref)
    if not isinstance(found, ActionNotFound):
        return found
    if found.ambiguous:
        return refusal(_("Several plans have an action `{ref}`.").format(ref=ref),
                       _("Say which one: {refs}").format(refs=", ".join(found.suggestions)))  # fmt: skip
    hint = did_you_mean(f"`{s}`" for s in found.suggestions) if found.suggestions else (
        _("References look like `esr/1.a`: see `/milestones overdue` or `/milestones mine`."))  # fmt: skip
    return refusal(_("There is no action `{ref}`.").format(ref=ref), hint)


def _not_allowed(action: Action, change: str) -> Reply:
    owner = action.owner.name if action.owner else _("nobody yet")
    return refusal(
        change.format(ref=action.label, owner=owner),
        _("If it should be yours, ask one of them to `assign` it to you."),
    )
