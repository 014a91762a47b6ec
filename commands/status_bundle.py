"""A bundled status prompt as a reply: the one message a day that asks a person about every action whose
cadence falls today, most urgent first, each action with its own status buttons, a page at a time.

Each action's buttons answer `bundle:<person>:<action>`; the page buttons answer `bundle:<person>` with
`page:<n>`. Both name the bundle by its recipient and day, so a click can redraw the whole message from the
outbox row it was sent from (scheduler/prompt_bundles.py)."""

from __future__ import annotations

from datetime import date

from bot.clock import LONDON
from bot.i18n import _, ngettext
from bot.plans.models import Action
from commands import welsh_words as cy
from commands.replies import Choice, Inline, Line, Prompt, Reply, Section, Text, line
from commands.views import (
    STATUS_COLOURS,
    age,
    days_overdue,
    format_date,
    mention,
    shorten,
    status_badge,
    status_label,
    with_person,
)
from scheduler.prompt_bundles import Answered, Bundle, BundleEntry

PROMPT_STATUSES = ("on_track", "at_risk", "blocked", "done")
SNOOZE_CHOICE = "snooze:7"


def status_choices() -> tuple[Choice, ...]:
    """The buttons under each action, in the reader's language."""
    statuses = (Choice(s, status_label(s), colour=STATUS_COLOURS[s]) for s in PROMPT_STATUSES)
    return (*statuses, Choice(SNOOZE_CHOICE, _("Snooze a week")))


def mine_command() -> str:
    """`/milestones mine`, or `/milestones fy-rhai` for a reader answered in Welsh."""
    return f"/milestones {cy.readers_word('mine', cy.MILESTONE_VERBS)}"


def bundle_subject(recipient_id: int) -> str:
    return f"bundle:{recipient_id}"


def item_subject(bundle: Bundle, action: Action) -> str:
    """What an action's buttons answer; a row queued before bundling answers the action alone, as it did."""
    if bundle.recipient_id is None:
        return f"action:{action.id}"
    return f"{bundle_subject(bundle.recipient_id)}:{action.id}"


def status_bundle(bundle: Bundle, *, page: int = 1, head: Reply | None = None, redraw: bool = False) -> Reply:
    """Page `page` of the bundle. `head` is the receipt of the click that just recorded an answer: its
    title and lines go first, and the clicked message is redrawn as this reply (as it is for a page turn,
    `redraw`). A bundle of one answered action is just the receipt, as a single prompt always was."""
    if head is not None and len(bundle.entries) == 1:
        return head
    pages = max(1, -(-len(bundle.entries) // bundle.page_size))
    page = min(max(page, 1), pages)
    start = (page - 1) * bundle.page_size
    shown = bundle.entries[start : start + bundle.page_size]
    sections = [*(head.sections if head else []), *(_entry_section(bundle, entry) for entry in shown)]
    if pages > 1 and bundle.recipient_id is not None:
        sections.append(_more_section(bundle, page, len(bundle.entries) - start - len(shown)))
    return Reply(
        title=head.title if head else _title(bundle),
        sections=sections,
        footer=_(
            "Most urgent first. Each button records that action's status; `{mine}` lists all your actions."
        ).format(mine=mine_command()),
        tone=head.tone if head else "info",
        receipt=head.receipt if head else None,
        redraws_prompt=redraw or head is not None,
    )


def _title(bundle: Bundle) -> str:
    if len(bundle.entries) == 1:
        return _("How is {ref} going?").format(ref=bundle.entries[0].action.label)
    count = len(bundle.entries)
    return ngettext("How is this {n} action going?", "How are these {n} actions going?", count).format(n=count)


def _entry_section(bundle: Bundle, entry: BundleEntry) -> Section:
    action = entry.action
    lines = [_due_line(action, bundle.day)]
    if action.owner is not None and bundle.recipient_id not in (None, action.owner.id):
        standing_in = _("You are standing in for {name} while they are away.")
        lines.append(with_person(standing_in, mention(action.owner)))
    prompt = None
    if entry.answered is not None:
        lines.append(_answered_line(entry.answered))
    else:
        prompt = Prompt(kind="status", subject=item_subject(bundle, action), question="", choices=status_choices(),
                        asked_on=bundle.day)  # fmt: skip
    return Section(heading=f"{action.label} · {shorten(action.local_title, 150)}", lines=lines, prompt=prompt)


def _due_line(action: Action, today: date) -> Line:
    deadline = action.deadline()
    due = format_date(deadline) if deadline else (action.due_raw or _("no date"))
    if deadline is not None and deadline < today:
        due += f" ({days_overdue((today - deadline).days)})"
    elif deadline == today:
        due += f" ({_('today')})"
    last_status = Text("  " + _("Last status:") + " ", "bold")
    return line(Text(_("Due:") + " ", "bold"), due, last_status, status_badge(action.status),
                Text(f" ({age(action.status_changed_at, today)})", "muted"))  # fmt: skip


def _answered_line(answered: Answered) -> Line:
    at = " " + _("at {time}").format(time=f"{answered.at.astimezone(LONDON):%H:%M}")
    who: tuple[Inline | str, ...] = (" " + _("by") + " ", mention(answered.by)) if answered.by is not None else ()
    if answered.snoozed_until is not None:
        return line(Text(_("✓ Snoozed until") + " ", "bold"), format_date(answered.snoozed_until), *who, at)
    return line(Text(_("✓ Recorded:") + " ", "bold"), status_badge(answered.status or ""), *who, at)


def _more_section(bundle: Bundle, page: int, rest: int) -> Section:
    assert bundle.recipient_id is not None
    size = bundle.page_size
    choices = []
    if page > 1:
        choices.append(Choice(f"page:{page - 1}", _("Show the previous {n}").format(n=size)))
    if rest > 0:
        choices.append(Choice(f"page:{page + 1}", _("Show the next {n}").format(n=min(rest, size))))
    if rest > 0:
        summary = line(_("… and {n} more:").format(n=rest) + " ", Text(mine_command(), "code"))
    else:
        last = len(bundle.entries) - (page - 1) * size
        counted = ngettext("The last {n} action of {total}.", "The last {n} actions of {total}.", last)
        summary = line(counted.format(n=last, total=len(bundle.entries)))
    prompt = Prompt(kind="page", subject=bundle_subject(bundle.recipient_id), question="", choices=tuple(choices),
                    asked_on=bundle.day, allow_note=False)  # fmt: skip
    return Section(lines=[summary], prompt=prompt)
