"""Pieces of replies shared by several handlers: how an action, a person or a status is shown."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from bot.clock import LONDON
from bot.directory.models import Person
from bot.i18n import _, format_day, format_number, ngettext
from bot.plans.action_rows import ActionRow, PersonSummary
from bot.plans.models import STATUS_LABELS, Action
from commands.replies import Line, Mention, Reply, Status, Text, line, refusal

STATUS_COLOURS = {
    "not_started": "#8a8d91",
    "on_track": "#2eb67d",
    "at_risk": "#ecb22e",
    "blocked": "#e01e5a",
    "done": "#1d9bd1",
    "dropped": "#616061",
}


def mention(person: Person | PersonSummary) -> Mention:
    return Mention(person.name, person.email, person.slack_user_id, person.teams_id)


def status_label(status: str) -> str:
    """A status as the reader says it ("Mewn perygl"); an unknown value as stored."""
    return _(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def status_badge(status: str) -> Status:
    return Status(status, status_label(status), STATUS_COLOURS.get(status))


def format_date(day: date | None) -> str:
    return format_day(day) if day else _("no date")


def due_words(action: Action) -> str:
    """An action's deadline with the timeline as written: `30 Sep 2020 (“September 2020”)`."""
    if action.open_ended:
        return _("ongoing from {day} (“{timeline}”)").format(day=format_date(action.due_start), timeline=action.due_raw)
    if action.due_end is None and not action.due_raw:
        return format_date(None)
    return f"{format_date(action.due_end)} (“{action.due_raw}”)"


def age(since: datetime | None, today: date) -> str:
    """How long ago, counted in calendar days in Europe/London (so a reply depends on the date, not the hour)."""
    if since is None:
        return _("never updated")
    days = (today - since.astimezone(LONDON).date()).days
    if days <= 0:
        return _("today")
    return ngettext("{n} day ago", "{n} days ago", days).format(n=days)


def overdue_line(row: ActionRow, today: date) -> Line:
    late = (today - row.deadline).days if row.deadline else 0
    return (
        *_row_start(row),
        Text(" · " + _("due {day}").format(day=format_date(row.deadline)) + " · "),
        Text(days_overdue(late), "bold"),
        Text(" · "),
        *_standing(row, today),
    )


def days_overdue(days: int) -> str:
    return ngettext("{n} day overdue", "{n} days overdue", days).format(n=format_number(days))


def _standing(row: ActionRow, today: date) -> Line:
    """A roll-up line says how its parts stand; any other line, its own status."""
    if row.rollup is not None:
        return (Text(row.rollup.summary(), "bold"),)
    return (status_badge(row.status), Text(f" ({age(row.status_changed_at, today)})", "muted"))


def due_line(row: ActionRow, today: date) -> Line:
    days = (row.deadline - today).days if row.deadline else 0
    when = _("today") if days == 0 else ngettext("in {n} day", "in {n} days", days).format(n=format_number(days))
    return (
        *_row_start(row),
        Text(" · " + _("due {day} ({when})").format(day=format_date(row.deadline), when=when) + " · "),
        *_standing(row, today),
    )


def _row_start(row: ActionRow) -> Line:
    owner: Mention | Text = mention(row.owner) if row.owner else Text(_("no owner yet"), "muted")
    return (Text(row.label, "code"), Text(f" {shorten(row.title)} · "), owner)


def shorten(text: str, limit: int = 90) -> str:
    """Plan actions are paragraphs; a list line shows the first words, `show` shows everything."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def actions_counted(count: int) -> str:
    return ngettext("{n} action", "{n} actions", count).format(n=format_number(count))


def did_you_mean(suggestions: Iterable[str]) -> str:
    """`Did you mean `esr` or `esr2`?` (each suggestion already quoted as code)."""
    return _("Did you mean {suggestions}?").format(suggestions=_(" or ").join(suggestions))


def plans_are(known: Iterable[str]) -> str:
    if not known:
        return _("No plans are loaded.")
    return _("Plans are: {keys}.").format(keys=", ".join(f"`{k}`" for k in known))


def unknown_organisation(code: str | None) -> Reply:
    return refusal(
        _("There is no organisation `{code}`.").format(code=code),
        _("Use a code such as `wales`, `cvuhb` or `bcuhb`."),
    )


def with_person(sentence: str, person: Mention) -> Line:
    """A translated sentence with `{name}` where the person goes, as a line that keeps the mention (Welsh may
    put the name elsewhere in the sentence than English does)."""
    before, _name, after = sentence.partition("{name}")
    return line(before, person, after)
