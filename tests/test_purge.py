"""Retention: `purge --before DATE` blanks notes recorded before the date and keeps every history row (who,
when, status or level), on SQLite and PostgreSQL; the command line refuses a date in the future."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.clock import LONDON, FixedClock
from bot.escalation.models import EscalationReport
from bot.governance.retention import purge_notes
from bot.plans.models import StatusUpdate
from bot.storage.database import Database
from tests.helpers import ADMIN, action, person, reporter_of, say, text_of
from tests.test_cli import run  # noqa: F401  (the fixture)

OLD = FixedClock(datetime(2021, 1, 4, 10, 0, tzinfo=UTC))
NEW = FixedClock(datetime(2021, 3, 1, 10, 0, tzinfo=UTC))


def _history(session) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    query = select(StatusUpdate).order_by(StatusUpdate.id)
    return [
        (u.id, u.action_id, u.status, u.previous_status, u.person_id, u.recorded_at) for u in session.scalars(query)
    ]


def test_purge_blanks_old_notes_and_keeps_the_history_rows(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        admin = person(session, ADMIN)
        say(session, OLD, 'update esr/1.a at_risk "old note about the board paper"', admin)
        say(session, NEW, 'update esr/1.a on_track "new note"', admin)
        say(session, OLD, 'update esr/1.b blocked "old and still the latest"', admin)
        reporter = reporter_of(session, "dental")
        say(session, OLD, '/escalation report dental 3 "old report note"', reporter.person)
        say(session, NEW, '/escalation report dental 2 "new report note"', reporter.person)
    with seeded_db.unit_of_work() as session:
        rows_before = _history(session)
        purged = purge_notes(session=session, before=datetime(2021, 2, 1, tzinfo=LONDON))
    assert (purged.status_notes, purged.report_notes, purged.current_notes) == (2, 1, 1)
    with seeded_db.unit_of_work() as session:
        updates = list(session.scalars(select(StatusUpdate)))
        assert _history(session) == rows_before
        assert {u.note for u in updates} == {None, "new note"}
        reports = session.scalars(select(EscalationReport).order_by(EscalationReport.reported_at)).all()
        assert [(r.level, r.note) for r in reports] == [(3, None), (2, "new report note")]
        assert action(session, "esr/1.b").status_note is None and action(session, "esr/1.b").status == "blocked"
        assert action(session, "esr/1.a").status_note == "new note"
        shown = text_of(say(session, NEW, "show esr/1.a", person(session, ADMIN)))
    assert "new note" in shown and "old note" not in shown and "At risk by Demo Administrator" in shown


def test_purge_on_the_command_line(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    assert run("init", "--demo").returncode == 0
    assert run("say", 'update esr/1.a done "published"', "--now", "2021-01-15T10:00").returncode == 0
    purged = run("purge", "--before", "2021-02-01")
    assert purged.returncode == 0, purged.stderr
    assert "Status history notes blanked: 1" in purged.stdout
    assert "published" not in run("say", "show esr/1.a").stdout
    future = run("purge", "--before", "2999-01-01")
    assert future.returncode == 2 and "in the future" in future.stderr
    bad = run("purge", "--before", "last year")
    assert bad.returncode == 2 and "not an ISO date" in bad.stderr and "Traceback" not in bad.stderr
