"""The weekly digest's escalation week as a readable table: a column per day, named, and a row per service,
with "-" where no report came; aligned on every surface (each row is set in the code font)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.console.render import render_text
from bot.directory.models import Organisation
from bot.escalation.service import record_report
from bot.i18n import speaking
from bot.storage.database import Database
from commands.replies import Text
from scheduler.digest import build_digest
from tests.helpers import reporter_of

MONDAY = date(2021, 1, 18)


def _week_table(database: Database, language: str) -> list[str]:
    with database.unit_of_work() as session:
        reporter = reporter_of(session, "gp_in_hours")
        for level, day in ((2, date(2021, 1, 12)), (3, date(2021, 1, 14))):
            at = datetime(2021, 1, 14, 9, tzinfo=UTC)
            record_report(session=session, organisation=reporter.organisation, service=reporter.service,
                          level=level, reporter=reporter.person, day=day, now=at)  # fmt: skip
        board = session.scalars(select(Organisation).where(Organisation.code == "wales")).one()
        with speaking(language):
            reply = build_digest(session=session, root=board, today=MONDAY, now=datetime(2021, 1, 18, 8, tzinfo=UTC))
    headings = ("Escalation levels last week", "Lefelau uwchgyfeirio yr wythnos diwethaf")
    (section,) = [s for s in reply.sections if (s.heading or "").startswith(headings)]
    assert all(isinstance(piece, Text) and piece.style == "code" for ln in section.lines for piece in ln)
    assert render_text(reply)
    return [piece.text for ln in section.lines for piece in ln if isinstance(piece, Text)]


def test_the_week_is_a_table_with_named_days(sqlite_db: Database) -> None:
    header, *rows = _week_table(sqlite_db, "en")
    assert header.split() == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    (gp,) = [row for row in rows if row.startswith("GP Services (In Hours)")]
    # Monday 11 to Sunday 17 January: level 2 on Tuesday, 3 on Thursday, nothing else reported.
    assert gp.split()[-7:] == ["-", "2", "-", "3", "-", "-", "-"]
    assert header.index("Tue") <= gp.index("2") < header.index("Tue") + len("Tue")  # the level sits under its day


def test_the_week_table_in_welsh(sqlite_db: Database) -> None:
    header, *_rows = _week_table(sqlite_db, "cy")
    assert "Llun" in header and "Sul" in header
