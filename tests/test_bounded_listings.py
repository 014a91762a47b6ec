"""The listing statements that answer in one round trip (issue 14): `overdue` by organisation reads counts
and ranked lines together; the digest reads its oldest lines with the overdue count, and last week's changes
with theirs. What they return must be what the full lists say, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from bot.clock import FixedClock
from bot.directory.models import Organisation
from bot.directory.service import find_organisation
from bot.plans.listing import ActionFilter, oldest_overdue, overdue_actions
from bot.plans.models import Action
from bot.plans.service import record_status
from bot.storage.database import Database
from scheduler.digest_data import status_changes
from tests.helpers import ADMIN, person, say

DAY = date(2021, 1, 15)


def board(session: object, code: str) -> Organisation:
    found = find_organisation(session=session, text=code)  # type: ignore[arg-type]
    assert found is not None
    return found


def test_a_boards_pages_hold_every_plan_and_a_page_past_them_is_not_good_news(
    seeded_db: Database, clock: FixedClock
) -> None:
    with seeded_db.unit_of_work() as session:
        flt = ActionFilter(organisation=board(session, "cvuhb"))
        everything = overdue_actions(session=session, today=DAY, flt=flt, max_plans=100, per_plan=1000)
        assert everything.total > 0 and everything.plans_total == len(everything.groups)
        assert sum(len(g.rows) for g in everything.groups) == everything.lines
        one_by_one = [
            overdue_actions(session=session, today=DAY, flt=flt, max_plans=1, per_plan=1000, plans_from=n)
            for n in range(everything.plans_total)
        ]
        assert [r.groups[0].plan_key for r in one_by_one] == [g.plan_key for g in everything.groups]
        assert {(r.total, r.lines, r.plans_total) for r in one_by_one} == {
            (everything.total, everything.lines, everything.plans_total)
        }
        past = overdue_actions(session=session, today=DAY, flt=flt, plans_from=everything.plans_total)
        assert past.groups == [] and past.total == everything.total
        beyond = say(session, clock, f"overdue org:cvuhb page:{everything.plans_total + 1}", None)
        assert beyond.title.startswith("There is no page"), beyond.title


def test_the_digests_oldest_lines_are_the_oldest_of_the_full_list(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        flt = ActionFilter(organisation=board(session, "cvuhb"))
        everything = overdue_actions(session=session, today=DAY, flt=flt, max_plans=100, per_plan=1000)
        every_line = sorted((row.deadline, row.label) for g in everything.groups for row in g.rows)
        rows, total = oldest_overdue(session=session, today=DAY, flt=flt, limit=5)
        assert total == everything.total
        assert [(row.deadline, row.label) for row in rows] == every_line[:5]
        nowhere = ActionFilter(organisation=board(session, "cvuhb"))
        assert oldest_overdue(session=session, today=date(2000, 1, 1), flt=nowhere, limit=5) == ([], 0)


def test_the_digests_status_changes_carry_their_count(seeded_db: Database) -> None:
    """The count of last week's changes rides on the shown rows (one round trip): all of them are counted."""
    now = datetime(2021, 1, 15, 9, 0, tzinfo=UTC)
    with seeded_db.unit_of_work() as session:
        root = board(session, "cvuhb")
        parts = session.scalars(
            select(Action)
            .where(Action.organisation_id == root.id, Action.is_rollup.is_(False), Action.status != "blocked")
            .order_by(Action.id)
            .limit(7)
        ).all()
        assert len(parts) == 7
        admin = person(session, ADMIN)
        for n, part in enumerate(parts):
            record_status(session=session, action=part, status="blocked", actor=admin, now=now - timedelta(hours=n))
        shown, total = status_changes(session=session, root=root, now=now, limit=5)
        assert total == 7 and len(shown) == 5
        assert [c.label for c in shown] == [p.label for p in parts[:5]]  # newest first
        assert status_changes(session=session, root=root, now=now + timedelta(days=30), limit=5) == ([], 0)
