"""Retention: free-text notes older than a date are blanked, while the history rows they belong to stay
(who, when, which status or level), so the record of what happened is kept without what was written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.orm import Session

from bot.escalation.models import EscalationReport
from bot.plans.models import Action, StatusUpdate


@dataclass(frozen=True)
class Purged:
    status_notes: int
    report_notes: int
    current_notes: int

    def lines(self) -> list[str]:
        return [
            f"Status history notes blanked: {self.status_notes}",
            f"Escalation report notes blanked: {self.report_notes}",
            f"Latest-status notes on actions blanked: {self.current_notes}",
            "Every history row is kept with who recorded it, when, and the status or level.",
        ]


def purge_notes(*, session: Session, before: datetime) -> Purged:
    """Blanks every note recorded before `before` (an instant): status history, escalation reports, and the
    copy of the latest note kept on the action when that status was recorded before then too."""
    status = session.execute(
        update(StatusUpdate)
        .where(StatusUpdate.recorded_at < before, func.coalesce(StatusUpdate.note, "") != "")
        .values(note=None)
    )
    reports = session.execute(
        update(EscalationReport)
        .where(EscalationReport.reported_at < before, func.coalesce(EscalationReport.note, "") != "")
        .values(note=None)
    )
    current = session.execute(
        update(Action)
        .where(Action.status_changed_at < before, func.coalesce(Action.status_note, "") != "")
        .values(status_note=None)
    )
    return Purged(status.rowcount, reports.rowcount, current.rowcount)  # type: ignore[attr-defined]
