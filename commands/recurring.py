"""What `show` says about a recurring action: how it repeats, and its past and next occurrences."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.plans.models import Action
from bot.plans.occurrences import occurrence_rows
from bot.plans.recurrence import recurrence_from_rrule
from commands.replies import Line, Section, Text, line
from commands.views import format_date, plural, status_badge

PAST_SHOWN = 4
NEXT_SHOWN = 3


def repeats_line(action: Action) -> Line | None:
    """ "Repeats: quarterly, due at the end of Jun, Sep, Dec and Mar (“April 2018 - March 2019”)"."""
    if not action.recurrence:
        return None
    return line(Text("Repeats: ", "bold"), recurrence_from_rrule(action.recurrence).describe(),
                Text(f" (“{action.due_raw}”)", "muted"))  # fmt: skip


def occurrence_sections(*, session: Session, action: Action, today: date) -> list[Section]:
    """The latest past occurrences (with how late the open ones are) and the next ones."""
    rows = occurrence_rows(session=session, parent=action)
    past = [row for row in rows if row.due_end is not None and row.due_end < today]
    upcoming = [row for row in rows if row not in past]
    sections = []
    if past:
        shown = list(reversed(past[-PAST_SHOWN:]))
        sections.append(Section(heading="Past occurrences (latest first)",
                                lines=[_occurrence_line(row, today) for row in shown],
                                more=_more(len(past) - len(shown), "earlier")))  # fmt: skip
    if upcoming:
        shown = upcoming[:NEXT_SHOWN]
        sections.append(Section(heading="Next occurrences", lines=[_occurrence_line(row, today) for row in shown],
                                more=_more(len(upcoming) - len(shown), "later")))  # fmt: skip
    return sections


def next_open_occurrence(*, session: Session, action: Action) -> Action | None:
    """The occurrence someone would answer for now: the oldest one still open, late or not."""
    return next((row for row in occurrence_rows(session=session, parent=action) if row.is_open), None)


def _occurrence_line(row: Action, today: date) -> Line:
    late = (today - row.due_end).days if row.due_end is not None and row.is_open else 0
    return line(
        Text(row.label, "code"),
        f" · due {format_date(row.due_end)} · ",
        status_badge(row.status),
        Text(f" · {plural(late, 'day')} overdue", "bold") if late > 0 else "",
    )


def _more(hidden: int, which: str) -> str | None:
    return f"… and {plural(hidden, 'occurrence')} {which}" if hidden > 0 else None
