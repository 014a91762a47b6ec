"""Questions answered by clicking: the day's bundled status prompt (commands/status_bundle.py), and the
daily escalation check-in. Surfaces render each `Prompt` as buttons or a card, and hand the click back as a
`PromptAnswer`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from time import perf_counter

from sqlalchemy import select

from bot.clock import london_now
from bot.directory.models import Organisation
from bot.escalation.models import Level, Service, ServiceReporter
from bot.escalation.service import list_levels, record_report
from bot.i18n import _, format_day
from bot.plans.models import Action
from bot.plans.models import Snooze as SnoozeRow
from bot.plans.service import may_change, record_status
from bot.storage.row_lock import lock_for_change
from commands.access import identifier_refusal, stranger
from commands.context import CommandContext
from commands.language import LANGUAGE_SUBJECT, choose_from_offer
from commands.observation import tell_observer
from commands.replies import Choice, Prompt, Receipt, Reply, Section, line, refusal
from commands.status_bundle import PROMPT_STATUSES, SNOOZE_CHOICE, mine_command, status_bundle
from commands.views import format_date, mention, status_label, with_person
from scheduler.prompt_bundles import find_bundle


@dataclass(frozen=True)
class PromptAnswer:
    """A click on a prompt. `message_key` names the message clicked (platform + message id): a prompt
    message records one answer per subject (each action of a bundle, or the check-in), however often its
    buttons are clicked or the click is redelivered."""

    subject: str
    value: str
    asked_on: date
    message_key: str
    note: str | None = None

    @property
    def answer_key(self) -> str:
        """One answer per message and subject: each action of a bundled prompt is answered once."""
        return f"{self.message_key}|{self.subject}"


def checkin_prompt(service: Service, organisation: Organisation, levels: list[Level], today: date) -> Reply:
    choices = tuple(Choice(str(lvl.number), lvl.local_label, lvl.local_definition, lvl.colour) for lvl in levels)
    title = _("Today's escalation level for {service} at {organisation}")
    report_for = _("Report for {day}. A later report today replaces this one.").format(day=format_date(today))
    return Reply(
        title=title.format(service=service.local_name, organisation=organisation.local_name),
        sections=[Section(lines=[line(report_for)])],
        prompt=Prompt(
            kind="escalation",
            subject=f"checkin:{organisation.id}:{service.id}",
            question=_("Which level are you at?"),
            choices=choices,
            asked_on=today,
        ),
    )


# A click's kind names its metric; the kind comes back from the client, so only these reach a label.
PROMPT_KINDS = {"bundle": "prompt_status", "action": "prompt_status", "checkin": "prompt_checkin",
                LANGUAGE_SUBJECT: "prompt_language"}  # fmt: skip


def answer_prompt(answer: PromptAnswer, ctx: CommandContext) -> Reply:
    """Records the answer (once per message) and returns the receipt the message is replaced with; the
    context's observer hears of it as a command named for the prompt's kind."""
    started = perf_counter()
    reply = _answered_prompt(answer, ctx)
    kind = answer.subject.partition(":")[0]
    tell_observer(ctx, PROMPT_KINDS.get(kind, "prompt_unknown"), reply, started)
    return reply


def _answered_prompt(answer: PromptAnswer, ctx: CommandContext) -> Reply:
    if ctx.actor is None:
        return stranger()
    # A note typed into a prompt's box or modal is checked like a command's note.
    guarded = identifier_refusal([answer.note], ctx)
    if guarded is not None:
        return guarded
    kind, _, rest = answer.subject.partition(":")
    ids = rest.split(":")
    # A button's value comes back from the client and may have been edited: every part is checked against
    # what a prompt offers before anything is read or recorded.
    if not all(_is_number(n) for n in ids if n) or not ids[0]:
        return not_understood()
    if kind == "bundle" and len(ids) <= 2:
        return _answer_bundle(rest, answer, ctx)
    if kind == "action" and len(ids) == 1:  # a single-action prompt sent before prompts were bundled
        return _answer_status(int(rest), answer, ctx)
    if kind == "checkin" and len(ids) == 2 and ids[1]:
        return _answer_checkin(int(ids[0]), int(ids[1]), answer, ctx)
    if kind == LANGUAGE_SUBJECT and len(ids) == 1:
        return choose_from_offer(int(ids[0]), answer.value, ctx)
    return not_understood()


def not_understood() -> Reply:
    return refusal(_("That button belongs to a prompt I no longer understand."), _("Use `/milestones help` instead."))


OFFERED_ANSWERS = (*PROMPT_STATUSES, SNOOZE_CHOICE)
SNOOZE_DAYS = 7
LATE_ANSWERS_UNTIL = time(6, 0)


def _is_number(text: str) -> bool:
    """Only 0-9: `²` and `٣` are digits to str.isdigit, and int() refuses the first."""
    return text.isascii() and text.isdigit() and len(text) <= 18


def _answer_bundle(rest: str, answer: PromptAnswer, ctx: CommandContext) -> Reply:
    """Records one action of a bundle (or turns its page) and redraws the bundle as it now stands."""
    person_id, _, action_id = rest.partition(":")
    if not action_id:
        return _turn_page(int(person_id), answer, ctx)
    head = _answer_status(int(action_id), answer, ctx)
    bundle = find_bundle(session=ctx.session, recipient_id=int(person_id), day=answer.asked_on)
    if head.tone == "refusal" or bundle is None or (head.receipt is None and len(bundle.entries) == 1):
        return head
    page = bundle.page_of(int(action_id))
    if head.receipt is None:
        # Already answered (a double click, a redelivery): the bundle as it stands, the action shown answered.
        return status_bundle(bundle, page=page, redraw=True)
    return status_bundle(bundle, page=page, head=head)


def _turn_page(person_id: int, answer: PromptAnswer, ctx: CommandContext) -> Reply:
    bundle = find_bundle(session=ctx.session, recipient_id=person_id, day=answer.asked_on)
    page = answer.value.partition(":")[2]
    if bundle is None or not _is_number(page):
        lists = _("`{mine}` lists your actions.").format(mine=mine_command())
        return refusal(_("That prompt is no longer available."), lists)
    return status_bundle(bundle, page=int(page), redraw=True)


def _answer_status(action_id: int, answer: PromptAnswer, ctx: CommandContext) -> Reply:
    assert ctx.actor is not None
    action = ctx.session.get(Action, action_id)
    if action is None:
        return refusal(_("That action no longer exists."))
    lock_for_change(ctx.session, action)
    if action.is_rollup:
        # Never offered: a prompt names a delivery or an occurrence, not the action they are parts of.
        return refusal(_("{ref} is delivered in parts, each answered on its own.").format(ref=action.label),
                       _("`/milestones show {ref}` lists them.").format(ref=action.label))  # fmt: skip
    if not may_change(actor=ctx.actor, action=action):
        refused = _("You can't update {ref}: only its owner, their managers or an admin can.")
        return refusal(refused.format(ref=action.label))
    if answer.value not in OFFERED_ANSWERS:
        offered = ", ".join(f"`{a}`" for a in PROMPT_STATUSES)
        refused = _("`{answer}` is not one of this prompt's answers, so nothing was recorded.")
        return refusal(refused.format(answer=answer.value),
                       _("Its buttons record {offered} or snooze a week; for others: `/milestones update`.").format(
                           offered=offered))  # fmt: skip
    if answer.value == SNOOZE_CHOICE:
        return _snooze(action, SNOOZE_DAYS, answer, ctx)
    recorded = record_status(session=ctx.session, action=action, status=answer.value, actor=ctx.actor,
                             now=ctx.now, note=answer.note, source=ctx.source,
                             idempotency_key=answer.answer_key)  # fmt: skip
    if recorded is None:
        return _already(action.label, ctx)
    return _receipt(f"{action.label}: {status_label(answer.value)}", answer.note, ctx)


def _snooze(action: Action, days: int, answer: PromptAnswer, ctx: CommandContext) -> Reply:
    assert ctx.actor is not None
    until = ctx.today + timedelta(days=days)
    # A snooze has no idempotency key: a second click on the same prompt finds the snooze it made.
    already = select(SnoozeRow.id).where(SnoozeRow.action_id == action.id, SnoozeRow.until >= until)
    if ctx.session.scalar(already) is not None:
        return _already(action.label, ctx)
    ctx.session.add(SnoozeRow(action_id=action.id, person_id=ctx.actor.id, until=until, created_at=ctx.now))
    return _receipt(_("{ref}: snoozed until {day}").format(ref=action.label, day=format_date(until)), None, ctx)


def _answer_checkin(org_id: int, service_id: int, answer: PromptAnswer, ctx: CommandContext) -> Reply:
    assert ctx.actor is not None
    assignment = ctx.session.scalar(
        select(ServiceReporter).where(
            ServiceReporter.organisation_id == org_id,
            ServiceReporter.service_id == service_id,
            ServiceReporter.person_id == ctx.actor.id,
        )
    )
    if assignment is None:
        return refusal(_("You are not a reporter for this service and organisation, so I can't record this."))
    levels = {str(lvl.number): lvl for lvl in list_levels(session=ctx.session)}
    level = levels.get(answer.value)
    if level is None:
        return refusal(_("`{level}` is not an escalation level.").format(level=answer.value))
    if not _answerable_day(answer.asked_on, ctx):
        # A check-in asks about its own day only: an old one (or an edited date, 2099-01-01) would record a
        # level for a day the reporter was never asked about.
        refused = _("This check-in was for {day}; I only record today's level.").format(
            day=format_date(answer.asked_on)
        )
        return refusal(refused, _("Report today's with `/escalation report {service} <level>`.").format(
            service=assignment.service.key))  # fmt: skip
    day = answer.asked_on
    recorded = record_report(session=ctx.session, organisation=assignment.organisation, service=assignment.service,
                             level=level.number, reporter=ctx.actor, day=day, now=ctx.now, note=answer.note,
                             source=ctx.source, idempotency_key=answer.answer_key)  # fmt: skip
    where = _("{service} at {organisation}").format(
        service=assignment.service.local_name, organisation=assignment.organisation.local_name
    )
    if recorded is None:
        return _already(where, ctx)
    return _receipt(f"{where}: {level.local_label}", answer.note, ctx)


def _answerable_day(asked_on: date, ctx: CommandContext) -> bool:
    """Today's check-in; or yesterday's answered in the small hours (a click after midnight still belongs
    to the day it was asked about), before the new day's check-in is sent."""
    if asked_on == ctx.today:
        return True
    return asked_on == ctx.today - timedelta(days=1) and london_now(ctx.clock).time() < LATE_ANSWERS_UNTIL


def _receipt(summary: str, note: str | None, ctx: CommandContext) -> Reply:
    assert ctx.actor is not None
    receipt = Receipt(summary=summary + (f" — “{note}”" if note else ""), by=ctx.actor.name, at=ctx.now)
    by = _("by {name} at {time}").replace("{time}", _london_time(ctx))
    return Reply(
        title=_("Recorded: {summary}").format(summary=receipt.summary),
        sections=[Section(lines=[with_person(by, mention(ctx.actor))])],
        tone="success",
        receipt=receipt,
    )


def _already(what: str, ctx: CommandContext) -> Reply:
    title = _("This prompt about {what} was already answered; nothing more was recorded.").format(what=what)
    return Reply(title=title, tone="info")


def _london_time(ctx: CommandContext) -> str:
    now = london_now(ctx.clock)
    return _("{time} on {day}").format(time=f"{now:%H:%M}", day=format_day(now.date()))
