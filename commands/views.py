"""Pieces of replies shared by several handlers: how an action, a person or a status is shown."""

from __future__ import annotations

from datetime import date, datetime

from bot.clock import LONDON
from bot.directory.models import Person
from bot.i18n import _, format_day, ngettext
from bot.plans.action_rows import ActionRow, PersonSummary
from bot.plans.models import STATUS_LABELS, Action
from commands.replies import Line, Mention, Status, Text

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


def status_badge(status: str) -> Status:
    return Status(status, STATUS_LABELS.get(status, status), STATUS_COLOURS.get(status))


def format_date(day: date | None) -> str:
    return format_day(day) if day else _("no date")


def due_words(action: Action) -> str:
    """An action's deadline with the timeline as written: `30 Sep 2020 (“September 2020”)`."""
    if action.open_ended:
        return _("ongoing from {day} (“{timeline}”)").format(day=format_date(action.due_start), timeline=action.due_raw)
    if action.due_end is None:
        return f"{format_date(None)} (“{action.due_raw}”)" if action.due_raw else format_date(None)
    return f"{format_date(action.due_end)} (“{action.due_raw}”)"


def age(since: datetime | None, today: date) -> str:
    """How long ago, counted in calendar days in Europe/London (so a reply depends on the date, not the hour)."""
    if since is None:
        return _("never updated")
    days = (today - since.astimezone(LONDON).date()).days
    if days <= 0:
        return _("today")
    return ngettext("{n} day ago", "{n} days ago", days).format(n=days)


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


def overdue_line(row: ActionRow, today: date) -> Line:
    late = (today - row.deadline).days if row.deadline else 0
    return (
        *_row_start(row),
        Text(f" · due {format_date(row.deadline)} · "),
        Text(f"{plural(late, 'day')} overdue", "bold"),
        Text(" · "),
        *_standing(row, today),
    )


def _standing(row: ActionRow, today: date) -> Line:
    """A roll-up line says how its parts stand; any other line, its own status."""
    if row.rollup is not None:
        return (Text(row.rollup.summary(), "bold"),)
    return (status_badge(row.status), Text(f" ({age(row.status_changed_at, today)})", "muted"))


def due_line(row: ActionRow, today: date) -> Line:
    days = (row.deadline - today).days if row.deadline else 0
    when = "today" if days == 0 else f"in {plural(days, 'day')}"
    return (
        *_row_start(row),
        Text(f" · due {format_date(row.deadline)} ({when}) · "),
        *_standing(row, today),
    )


def _row_start(row: ActionRow) -> Line:
    owner: Mention | Text = mention(row.owner) if row.owner else Text("no owner yet", "muted")
    return (Text(row.label, "code"), Text(f" {shorten(row.title)} · "), owner)


def shorten(text: str, limit: int = 90) -> str:
    """Plan actions are paragraphs; a list line shows the first words, `show` shows everything."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"
