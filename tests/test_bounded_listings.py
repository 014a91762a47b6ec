"""The listing statements that answer in one round trip (issue 14): `overdue` by organisation reads counts and
ranked lines together, and the digest reads its oldest lines with the overdue count. What they return must be
what the full lists say, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date

from bot.clock import FixedClock
from bot.directory.models import Organisation
from bot.directory.service import find_organisation
from bot.plans.listing import ActionFilter, oldest_overdue, overdue_actions
from bot.storage.database import Database
from tests.helpers import say

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
