"""Overdue answers are kept in memory only while the data behind them is unchanged: a change committed by
this process or by another one, through the ORM or a bulk statement, is seen by the next question, and a
change not yet committed is never shared."""

from __future__ import annotations

from sqlalchemy import update

from bot.clock import FixedClock
from bot.i18n import current_language, speaking
from bot.plans.models import Action
from bot.storage.answer_cache import cached
from bot.storage.database import Database
from bot.storage.versions import PLANS, current_version
from tests.helpers import action, counting_queries, say

ADMIN_QUESTION = "overdue plan:esr"


def esr_overdue(database: Database, clock: FixedClock) -> str:
    with database.unit_of_work() as session:
        reply = say(session, clock, ADMIN_QUESTION, None)
    return reply.footer or reply.title


def test_a_repeated_question_is_answered_without_listing_queries(seeded_db: Database, clock: FixedClock) -> None:
    first = esr_overdue(seeded_db, clock)
    with counting_queries(seeded_db) as statements:
        assert esr_overdue(seeded_db, clock) == first
    assert not [s for s in statements if "count(*)" in s]
    assert first.startswith("7 overdue actions")


def test_a_status_change_is_seen_by_the_next_question(seeded_db: Database, clock: FixedClock) -> None:
    before = current_version_of(seeded_db)
    assert esr_overdue(seeded_db, clock).startswith("7 overdue actions")
    with seeded_db.unit_of_work() as session:
        owner = action(session, "esr/1.a").owner
        assert say(session, clock, "update esr/1.a done", owner).tone == "success"
    assert current_version_of(seeded_db) == before + 1
    assert esr_overdue(seeded_db, clock).startswith("6 overdue actions")


def test_a_change_committed_by_another_process_is_seen(seeded_url: str, clock: FixedClock) -> None:
    ours, theirs = Database.from_url(seeded_url), Database.from_url(seeded_url)
    try:
        assert esr_overdue(ours, clock).startswith("7 overdue actions")
        with theirs.unit_of_work() as session:
            session.execute(update(Action).where(Action.ref == "1.a").values(status="dropped"))
        assert esr_overdue(ours, clock).startswith("6 overdue actions")
    finally:
        ours.engine.dispose()
        theirs.engine.dispose()


def test_an_uncommitted_change_is_never_shared(seeded_db: Database, clock: FixedClock) -> None:
    session = seeded_db.sessions()
    with session.begin():
        owner = action(session, "esr/1.a").owner
        say(session, clock, "update esr/1.a done", owner)
        inside = say(session, clock, ADMIN_QUESTION, None).footer or ""
        session.rollback()
    session.close()
    assert inside.startswith("6 overdue actions")
    assert esr_overdue(seeded_db, clock).startswith("7 overdue actions")


def test_without_a_cache_every_question_queries(seeded_url: str, clock: FixedClock) -> None:
    database = Database.from_url(seeded_url, cache_answers=False)
    try:
        esr_overdue(database, clock)
        with counting_queries(database) as statements:
            esr_overdue(database, clock)
        assert [s for s in statements if "count(*)" in s]
    finally:
        database.engine.dispose()


def current_version_of(database: Database) -> int:
    with database.unit_of_work() as session:
        return current_version(session, PLANS)


def test_a_kept_reply_is_handed_out_as_a_copy(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        say(session, clock, ADMIN_QUESTION, None).title = "changed by a surface"
    with seeded_db.unit_of_work() as session:
        assert say(session, clock, ADMIN_QUESTION, None).title == "Overdue actions for plan esr, page 1 of 2"


def test_an_answer_kept_in_english_is_not_handed_to_a_welsh_reader(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        english = cached(session, PLANS, "question", current_language)
        with speaking("cy"):
            welsh = cached(session, PLANS, "question", current_language)
        assert (english, welsh) == ("en", "cy")
        assert cached(session, PLANS, "question", lambda: "computed again") == "en"
