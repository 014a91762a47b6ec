"""`/escalation …` against real databases: reporting, superseding, permissions and the day's picture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from bot.escalation.models import EscalationReport
from bot.storage.database import Database
from commands.replies import inline_text
from tests.dashboard.live import record_reports
from tests.helpers import ADMIN, person, reporter_of, say, text_of


def test_reporter_reports_and_a_later_report_supersedes_without_deleting(seeded_db: Database) -> None:
    # 23:30 UTC on 31 May is 00:30 BST on 1 June: the report belongs to the London day.
    clock = FixedClock(datetime(2021, 5, 31, 23, 30, tzinfo=UTC))
    with seeded_db.unit_of_work() as session:
        assignment = reporter_of(session, "dental")
        reporter, org = assignment.person, assignment.organisation
        first = say(session, clock, '/escalation report dental 2 "one dentist off"', reporter)
        assert first.tone == "success" and "level 2" in first.title
        clock.advance(timedelta(hours=3))
        say(session, clock, "/escalation report gds 3", reporter)
    with seeded_db.unit_of_work() as session:
        rows = session.scalars(
            select(EscalationReport).where(EscalationReport.organisation_id == org.id).order_by(EscalationReport.id)
        ).all()
        assert [(r.level, r.day.isoformat(), r.superseded_at is not None) for r in rows] == [
            (2, "2021-06-01", True),
            (3, "2021-06-01", False),
        ]
        assert rows[0].note == "one dentist off" and rows[0].reported_by_id == reporter.id
        today = say(session, clock, "/escalation today", None)
        dental = next(s for s in today.sections if (s.heading or "").startswith("General Dental Services"))
        assert "worst: level 3" in (dental.heading or "")
        assert org.name in text_of(today)


def test_only_reporters_may_report_and_levels_are_checked(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        admin = person(session, ADMIN)
        refused = say(session, clock, "/escalation report dental 2", admin)
        assert refused.tone == "refusal" and "not a reporter for General Dental Services" in refused.title
        reporter = reporter_of(session, "optometry").person
        bad_level = say(session, clock, "/escalation report optometry 7", reporter)
        assert "not an escalation level" in bad_level.title and "`4`" in text_of(bad_level)
        bad_service = say(session, clock, "/escalation report dentl 2", reporter)
        assert "no service `dentl`" in bad_service.title and "`dental`" in text_of(bad_service)
        assert session.scalar(select(EscalationReport.id)) is None


def test_today_lists_who_has_not_reported_and_history_shows_the_window(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        assignment = reporter_of(session, "community_pharmacy")
        before = text_of(say(session, clock, "/escalation today", None))
        assert "Not reported yet" in before and assignment.organisation.name in before
        say(session, clock, "/escalation report community_pharmacy 1", assignment.person)
        clock.advance(timedelta(days=1))
        say(session, clock, "/escalation report pharmacy 4", assignment.person)
        history = say(session, clock, "/escalation history pharmacy 7d", None)
        assert history.footer == "2 reports, newest first."
        board = assignment.organisation.path.split("/")[2]
        scoped = say(session, clock, f"/escalation today org:{board}", None)
        assert "Wales" not in scoped.title and "worst: level 4" in text_of(scoped)


def test_a_long_history_pages_back_to_its_first_report(seeded_db: Database, clock: FixedClock) -> None:
    record_reports(seeded_db, clock, days=30, skip_today=0)
    with seeded_db.unit_of_work() as session:
        text, seen, pages = "/escalation history dental 30d", [], 0
        while text:
            reply = say(session, clock, text, None)
            seen += [inline_text(ln) for ln in reply.sections[0].lines]
            more = reply.sections[0].more
            text = more.split("`")[1] if more else ""
            pages += 1
        total = int((reply.footer or "").split(" ")[0])
        assert pages > 1 and len(seen) == len(set(seen)) == total
        assert reply.title.endswith(f"page {pages} of {pages}")
