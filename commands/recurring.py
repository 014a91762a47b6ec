"""What `show` says about a recurring action: how it repeats, and its past and next occurrences."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.i18n import _, ngettext
from bot.plans.models import Action
from bot.plans.occurrences import occurrence_rows
from bot.plans.recurrence import recurrence_from_rrule
from commands.replies import Line, Section, Text, line
from commands.views import days_overdue, format_date, status_badge

PAST_SHOWN = 4
NEXT_SHOWN = 3


def repeats_line(action: Action) -> Line | None:
    """ "Repeats: quarterly, due at the end of Jun, Sep, Dec and Mar (“April 2018 - March 2019”)"."""
    if not action.recurrence:
        return None
    return line(Text(_("Repeats:") + " ", "bold"), recurrence_from_rrule(action.recurrence).describe(),
                Text(f" (“{action.due_raw}”)", "muted"))  # fmt: skip


def occurrence_sections(*, session: Session, action: Action, today: date) -> list[Section]:
    """The latest past occurrences (with how late the open ones are) and the next ones."""
    rows = occurrence_rows(session=session, parent=action)
    past = [row for row in rows if row.due_end is not None and row.due_end < today]
    upcoming = [row for row in rows if row not in past]
    sections = []
    if past:
        shown = list(reversed(past[-PAST_SHOWN:]))
        earlier = len(past) - len(shown)
        more = ngettext("… and {n} occurrence earlier", "… and {n} occurrences earlier", earlier) if earlier else None
        sections.append(Section(heading=_("Past occurrences (latest first)"),
                                lines=[_occurrence_line(row, today) for row in shown],
                                more=more and more.format(n=earlier)))  # fmt: skip
    if upcoming:
        shown = upcoming[:NEXT_SHOWN]
        later = len(upcoming) - len(shown)
        more = ngettext("… and {n} occurrence later", "… and {n} occurrences later", later) if later else None
        sections.append(Section(heading=_("Next occurrences"), lines=[_occurrence_line(row, today) for row in shown],
                                more=more and more.format(n=later)))  # fmt: skip
    return sections


def next_open_occurrence(*, session: Session, action: Action) -> Action | None:
    """The occurrence someone would answer for now: the oldest one still open, late or not."""
    return next((row for row in occurrence_rows(session=session, parent=action) if row.is_open), None)


def _occurrence_line(row: Action, today: date) -> Line:
    late = (today - row.due_end).days if row.due_end is not None and row.is_open else 0
    return line(
        Text(row.label, "code"),
        " · " + _("due {day}").format(day=format_date(row.due_end)) + " · ",
        status_badge(row.status),
        Text(f" · {days_overdue(late)}", "bold") if late > 0 else "",
    )
