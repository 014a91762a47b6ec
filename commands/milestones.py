"""Handlers for `/milestones …`: each takes its command and the context and returns a Reply."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session, object_session

from bot.clock import LONDON
from bot.directory.models import Organisation, Person
from bot.directory.service import find_organisation, get_person_by_email
from bot.plans.listing import ActionFilter, OverdueReport, PlanGroup, due_soon, overdue_actions
from bot.plans.models import STATUS_LABELS, STATUSES, Action
from bot.plans.models import Snooze as SnoozeRow
from bot.plans.rollup import rollups
from bot.plans.service import (
    ActionNotFound,
    actions_owned_by,
    assign_owner,
    find_action,
    may_change,
    normalise_status,
    record_status,
)
from bot.storage.answer_cache import cached
from bot.storage.versions import PLANS
from commands.context import CommandContext
from commands.model import Assign, DueSoon, Mine, Overdue, Show, Snooze, Update
from commands.parts import action_parts, parts_section
from commands.replies import Line, Reply, Section, Text, line, refusal
from commands.views import age, due_line, format_date, mention, overdue_line, plural, shorten, status_badge

UNKNOWN_PERSON = (
    "I don't know who you are yet, so I can't do that.",
    "Ask a milestones-bot administrator to add your work email to the directory (data/directory/people.yaml).",
)


def overdue(command: Overdue, ctx: CommandContext) -> Reply:
    organisation = _organisation_or_none(command.org, ctx)
    if isinstance(organisation, Reply):
        return organisation
    flt = ActionFilter(plan_key=command.plan, organisation=organisation, lead=command.lead)
    # The reply depends only on the data and the date: it is kept until either changes. A copy goes out so
    # that a surface adjusting its reply cannot change the kept one.
    key = ("overdue reply", *flt.cache_key(), ctx.today, command.public)
    return replace(cached(ctx.session, PLANS, key, lambda: _overdue_reply(command, flt, ctx.session, ctx.today)))


def _overdue_reply(command: Overdue, flt: ActionFilter, session: Session, today: date) -> Reply:
    report = overdue_actions(session=session, today=today, flt=flt)
    scope = _scope_words(command.plan, flt.organisation, command.lead)
    if report.total == 0:
        return Reply(title=f"Nothing is overdue{scope} today ({format_date(today)}).", tone="success",
                     public=command.public)  # fmt: skip
    sections = [
        Section(
            heading=f"{group.plan_name} ({group.plan_key}) — {_overdue_count(group)}",
            lines=[overdue_line(row, today) for row in group.rows],
            more=f"… and {group.lines - len(group.rows):,} more in this plan (`overdue plan:{group.plan_key}`)"
            if group.lines > len(group.rows)
            else None,
        )
        for group in report.groups
    ]
    hidden = report.plans_total - len(report.groups)
    footer = f"{_overdue_count(report)} in {plural(report.plans_total, 'plan')}{scope}"
    if hidden:
        footer += f" ({hidden:,} more plans not shown)"
    footer += '. Update one with `/milestones update <ref> on_track "note"`.'
    return Reply(title=f"Overdue actions{scope}", sections=sections, footer=footer, public=command.public)


def _overdue_count(counted: PlanGroup | OverdueReport) -> str:
    """ "3 overdue actions", or "3 overdue actions (15 deliveries)" when some are owed by several organisations."""
    actions = plural(counted.lines, "overdue action")
    return actions if counted.lines == counted.total else f"{actions} ({counted.total:,} deliveries)"


def due(command: DueSoon, ctx: CommandContext) -> Reply:
    rows, total = due_soon(session=ctx.session, today=ctx.today, days=command.days, flt=ActionFilter())
    until = format_date(ctx.today + timedelta(days=command.days))
    if total == 0:
        return Reply(title=f"Nothing falls due between today and {until}.", tone="success", public=command.public)
    more = f"… and {total - len(rows):,} more" if total > len(rows) else None
    return Reply(
        title=f"Due in the next {plural(command.days, 'day')} (to {until})",
        sections=[Section(lines=[due_line(row, ctx.today) for row in rows], more=more)],
        footer=f"{plural(total, 'action')} due. See one with `/milestones show <ref>`.",
        public=command.public,
    )


def mine(_: Mine, ctx: CommandContext) -> Reply:
    if ctx.actor is None:
        return refusal(*UNKNOWN_PERSON)
    owned = actions_owned_by(session=ctx.session, person=ctx.actor)
    if not owned:
        return Reply(title="You have no actions assigned.", footer="Ask your manager to `assign` you one.")
    wholes = [a for a in owned if a.is_rollup]
    actions = [a for a in owned if not a.is_rollup]
    open_actions = [a for a in actions if a.is_open]
    overdue_now = [a for a in open_actions if (a.deadline() or ctx.today) < ctx.today]
    later = [a for a in open_actions if a not in overdue_now]
    closed = [a for a in actions if not a.is_open]
    sections = [
        Section(heading=heading, lines=[_action_line(a, ctx) for a in group])
        for heading, group in (("Overdue", overdue_now), ("Open", later), ("Closed", closed))
        if group
    ]
    if wholes:
        sections.append(_wholes_section(wholes, ctx))
    footer = f"{plural(len(open_actions), 'open action')}, {len(overdue_now)} overdue."
    if wholes:
        footer += f" You also lead {plural(len(wholes), 'action')} delivered in parts by others."
    return Reply(title=f"Your actions, {ctx.actor.name}", sections=sections, footer=footer)


def _wholes_section(wholes: list[Action], ctx: CommandContext) -> Section:
    found = rollups(session=ctx.session, whole_ids=[a.id for a in wholes], today=ctx.today)
    lines = [
        line(
            Text(a.label, "code"),
            f" {shorten(a.title)} · ",
            Text(found[a.id].summary() if a.id in found else "no parts yet", "bold"),
        )
        for a in wholes
    ]
    return Section(heading="You lead the whole (each part has its own owner)", lines=lines)


def show(command: Show, ctx: CommandContext) -> Reply:
    action = _lookup(command.ref, ctx)
    if isinstance(action, Reply):
        return action
    details = [
        line(Text("Action: ", "bold"), action.title),
        line(Text("Lead (as written): ", "bold"), action.lead_text or "—"),
        *([line(Text("Where the lead comes from: ", "bold"), action.lead_note)] if action.lead_note else []),
        line(Text("Owner: ", "bold"), mention(action.owner) if action.owner else Text("nobody yet", "muted")),
        line(Text("Due: ", "bold"), _due_words(action)),
        line(Text("Expected output: ", "bold"), action.expected_output or "—"),
        _status_line(action, ctx.today),
    ]
    if action.recommendation:
        details.insert(0, line(Text("Under: ", "bold"), shorten(action.recommendation.title, 160)))
    if action.whole is not None:
        details.insert(0, line(Text("Part of: ", "bold"), Text(action.whole.label, "code"),
                               f" ({_owed_words(action)})"))  # fmt: skip
    waits_for = action.depends_on or (action.whole.depends_on if action.whole else [])
    if waits_for:
        details.append(
            line(Text("Waits for: ", "bold"), ", ".join(f"{d.label} ({STATUS_LABELS[d.status]})" for d in waits_for))
        )
    history = [
        line(
            _when(update.recorded_at),
            status_badge(update.status),
            " by ",
            mention(update.person) if update.person else Text("import", "muted"),
            f" — {update.note}" if update.note else "",
        )
        for update in reversed(action.history[-10:])
    ]
    owners = [
        line(
            _when(change.recorded_at),
            mention(change.owner),
            f" (was {change.previous_owner.name})" if change.previous_owner else "",
            " by ",
            mention(change.changed_by) if change.changed_by else Text("the role directory at import", "muted"),
        )
        for change in reversed(action.owner_history[-5:])
    ]
    sections = [Section(lines=details)]
    if action.is_rollup:
        sections.append(parts_section(session=ctx.session, whole=action, today=ctx.today))
    if history:
        sections.append(Section(heading="History (latest first)", lines=history))
    if owners:
        sections.append(Section(heading="Owners (latest first)", lines=owners))
    change = f"{action.label}@<organisation>" if action.is_rollup else action.label
    return Reply(title=f"{action.label} · {action.plan.name}", sections=sections,
                 footer=f"Change it with `/milestones update {change} <status> \"note\"`.")  # fmt: skip


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
    found = _changeable(command.ref, ctx, "update")
    if isinstance(found, Reply):
        return found
    action, actor = found
    if action.is_rollup:
        return _rollup_refusal(action, "status")
    previous = action.status
    record_status(session=ctx.session, action=action, status=status, actor=actor, now=ctx.now,
                  note=command.note, source=ctx.source)  # fmt: skip
    return Reply(
        title=f"{action.label} is now {STATUS_LABELS[status]} (was {STATUS_LABELS[previous]}).",
        sections=[Section(lines=[line(Text(shorten(action.title), "muted"))])],
        footer=f"Recorded by {actor.name}" + (f" with the note “{command.note}”." if command.note else "."),
        tone="success",
    )


def assign(command: Assign, ctx: CommandContext) -> Reply:
    found = _changeable(command.ref, ctx, "reassign")
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
    return Reply(title=f"{action.label} is now owned by {new_owner.name}{was}.", tone="success",
                 footer=f"Recorded by {actor.name}. They will get its status prompts from now on.")  # fmt: skip


def snooze(command: Snooze, ctx: CommandContext) -> Reply:
    found = _changeable(command.ref, ctx, "snooze")
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


def _when(instant: datetime) -> Text:
    return Text(instant.astimezone(LONDON).strftime("%-d %b %Y %H:%M") + " ", "muted")


def _changeable(ref: str, ctx: CommandContext, verb: str) -> tuple[Action, Person] | Reply:
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


def _organisation_or_none(code: str | None, ctx: CommandContext) -> Organisation | Reply | None:
    if code is None:
        return None
    organisation = find_organisation(session=ctx.session, text=code)
    if organisation is None:
        return refusal(f"There is no organisation `{code}`.", "Use a code such as `wales`, `cvuhb` or `bcuhb`.")
    return organisation


def _scope_words(plan: str | None, organisation: Organisation | None, lead: str | None) -> str:
    parts = [
        f"plan {plan}" if plan else "",
        organisation.name if organisation else "",
        f"lead “{lead}”" if lead else "",
    ]
    chosen = [p for p in parts if p]
    return f" for {', '.join(chosen)}" if chosen else ""


def _due_words(action: Action) -> str:
    if action.open_ended:
        return f"ongoing from {format_date(action.due_start)} (“{action.due_raw}”)"
    if action.due_end is None:
        return f"no date (“{action.due_raw}”)" if action.due_raw else "no date"
    return f"{format_date(action.due_end)} (“{action.due_raw}”)"


def _action_line(action: Action, ctx: CommandContext) -> Line:
    deadline = action.deadline()
    return line(
        Text(action.label, "code"),
        f" {shorten(action.title)} · due {format_date(deadline) if deadline else _due_words(action)} · ",
        status_badge(action.status),
    )
