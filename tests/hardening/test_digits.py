"""Numbers written with other digits (`²`, `٣`) are answered with a clear message and record nothing, on
SQLite and PostgreSQL; before, `escalation report dental ²` raised inside the handler ("something went
wrong", a traceback in the log) and `٣` was read as level 3."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.escalation.models import EscalationReport
from bot.storage.database import Database
from tests.helpers import ADMIN, person, reporter_of, say, text_of


@pytest.mark.parametrize("level", ["²", "\u0663", "3\u0663", "99999999999999999999"])
def test_a_level_in_other_digits_is_refused_with_the_valid_levels(seeded_db: Database, clock: FixedClock,
                                                                  level: str) -> None:  # fmt: skip
    with seeded_db.unit_of_work() as session:
        reporter = reporter_of(session, "dental").person
        reply = say(session, clock, f"escalation report dental {level}", reporter)
        assert reply.tone == "refusal" and "is not an escalation level" in reply.title
        assert "Use one of: `1`" in text_of(reply)
        assert session.scalar(select(func.count(EscalationReport.id))) == 0


@pytest.mark.parametrize("text", ["overdue page:²", "due \u0663d", "escalation history dental ²d", "snooze esr/1.a ²w"])
def test_other_digits_in_pages_and_periods_get_the_usage(seeded_db: Database, clock: FixedClock, text: str) -> None:
    with seeded_db.unit_of_work() as session:
        reply = say(session, clock, text, person(session, ADMIN))
        assert "something went wrong" not in reply.title and reply.tone != "success"
