"""`/milestones …` answered end to end against real databases (SQLite file and PostgreSQL)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.plans.models import Snooze, StatusUpdate
from bot.storage.database import Database
from commands.views import age
from tests.helpers import ADMIN, action, outsider, person, say, text_of


def test_overdue_groups_by_plan_oldest_first_with_counts(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        reply = say(session, clock, "/milestones overdue", None)
    headings = [s.heading or "" for s in reply.sections]
    assert any(h.startswith("Enhanced Services Review") and "(esr) — 7 overdue actions" in h for h in headings)
    esr = next(s for s in reply.sections if "(esr)" in (s.heading or ""))
    assert text_of(reply).count("esr/1.a") == 1
    first = "".join(getattr(p, "text", "") for p in esr.lines[0])
    assert first.startswith("esr/1.a") and "107 days overdue" in first  # due 30 Sep 2020, today 15 Jan 2021
    # The footer counts lines and deliveries over every plan: here all plans are shown, so it is their sum.
    counts = [re.search(r"— (\d+) overdue actions?(?: \((\d+) deliveries and occurrences\))?", h) for h in headings]
    lines = sum(int(m.group(1)) for m in counts if m)
    parts = sum(int(m.group(2) or m.group(1)) for m in counts if m)
    plans = sum(1 for m in counts if m)
    expected = f"{lines} overdue actions ({parts} deliveries and occurrences) in {plans} plans"
    assert reply.footer is not None and expected in reply.footer


def test_open_ended_and_undated_actions_are_never_overdue(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        text = text_of(say(session, clock, "overdue plan:esr", None))
        assert "esr/2.a" not in text  # "From December 2020 onwards"
        assert "esr/10.a" not in text  # no timeline at all
        assert action(session, "esr/2.a").open_ended


def test_overdue_filters_by_plan_org_and_lead(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        only_esr = say(session, clock, "overdue plan:esr", None)
        assert [s.heading for s in only_esr.sections if s.heading and "(esr)" not in s.heading] == []
        by_lead = text_of(say(session, clock, 'overdue lead:"Chief Medical Officer"', None))
        assert "esr/1.a" in by_lead and "esr/1.c" not in by_lead
        unknown_org = say(session, clock, "overdue org:atlantis", None)
        assert unknown_org.tone == "refusal" and "no organisation `atlantis`" in unknown_org.title


def test_nothing_overdue_before_the_plans_start(seeded_db: Database) -> None:
    early = FixedClock(FixedClock().instant.replace(year=2017, month=1))
    with seeded_db.unit_of_work() as session:
        reply = say(session, early, "overdue plan:esr", None)
    assert reply.title.startswith("Nothing is overdue for plan esr")


def test_owner_updates_status_and_history_keeps_who_and_when(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        target = action(session, "esr/1.a")
        owner = target.owner
        assert owner is not None
        reply = say(session, clock, 'update esr/1.a at_risk "waiting for WG sign-off"', owner)
        assert reply.tone == "success" and "now At risk (was Not started)" in reply.title
        clock.advance(timedelta(days=1))
        say(session, clock, "update esr/1.a done", owner)
    with seeded_db.unit_of_work() as session:
        target = action(session, "esr/1.a")
        history = session.scalars(
            select(StatusUpdate).where(StatusUpdate.action_id == target.id).order_by(StatusUpdate.recorded_at)
        ).all()
        assert [(h.status, h.previous_status, h.person_id) for h in history] == [
            ("at_risk", "not_started", owner.id),
            ("done", "at_risk", owner.id),
        ]
        assert history[0].note == "waiting for WG sign-off"
        assert history[1].recorded_at - history[0].recorded_at == timedelta(days=1)
        assert target.status == "done"
        assert "esr/1.a" not in text_of(say(session, clock, "overdue", None))


def test_manager_and_admin_may_update_but_others_are_refused(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        target = action(session, "esr/1.c@cvuhb")
        assert target.owner is not None
        stranger = outsider(session, target)
        refused = say(session, clock, "update esr/1.c@cvuhb on_track", stranger)
        assert refused.tone == "refusal" and "only its owner" in refused.title
        assert action(session, "esr/1.c@cvuhb").status == "not_started"
        if target.owner.manager is not None:
            assert say(session, clock, "update esr/1.c@cvuhb on_track", target.owner.manager).tone == "success"
        assert say(session, clock, "update esr/1.c@cvuhb blocked", person(session, ADMIN)).tone == "success"


def test_bad_input_gets_a_clear_answer(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        admin = person(session, ADMIN)
        unknown = say(session, clock, "show esr/1.z", admin)
        assert unknown.tone == "refusal" and "no action `esr/1.z`" in unknown.title
        assert "esr/1.a" in text_of(unknown) or "esr/1.b" in text_of(unknown)
        bad_status = say(session, clock, "update esr/1.a finished-ish", admin)
        assert "not a status" in bad_status.title and "on_track" in text_of(bad_status)
        ambiguous = say(session, clock, "show 1", admin)
        assert "Several plans" in ambiguous.title
        malformed = say(session, clock, "snooze esr/1.a someday", admin)
        assert malformed.tone == "refusal" and "could not read `someday`" in malformed.title
        anonymous = say(session, clock, "update esr/1.a done", None)
        assert "don't know who you are" in anonymous.title


def test_a_snooze_more_than_a_year_away_is_refused_and_stores_nothing(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        admin = person(session, ADMIN)
        for far in ("2099-01-01", "400d"):
            refused = say(session, clock, f"snooze esr/1.a {far}", admin)
            assert refused.tone == "refusal" and "more than a year away" in refused.title
            assert "due-date" in text_of(refused)
        assert session.scalar(select(func.count(Snooze.id))) == 0
        year = (clock.now().date() + timedelta(days=366)).isoformat()
        assert say(session, clock, f"snooze esr/1.a {year}", admin).tone == "success"
        assert session.scalar(select(func.count(Snooze.id))) == 1


def test_assign_changes_owner_and_checks_the_email(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        admin = person(session, ADMIN)
        missing = say(session, clock, "assign esr/1.b ghost@example.nhs.wales", admin)
        assert "Nobody with the email ghost@example.nhs.wales" in missing.title
        assert say(session, clock, f"assign esr/1.b {ADMIN}", admin).tone == "success"
        assert action(session, "esr/1.b").owner_id == admin.id
        mine = text_of(say(session, clock, "mine", admin))
        assert "esr/1.b" in mine


def test_every_change_of_owner_is_kept_with_who_and_when(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        admin = person(session, ADMIN)
        target = action(session, "esr/1.b")
        first_owner = target.owner
        assert first_owner is not None
        # The owner came from the role directory at import.
        assert [(c.owner_id, c.changed_by_id, c.source) for c in target.owner_history] == [
            (first_owner.id, None, "import")
        ]
        reply = say(session, clock, f"assign esr/1.b {ADMIN}", admin)
        assert reply.title == f"esr/1.b is now owned by {admin.name} (was {first_owner.name})."
        again = say(session, clock, f"assign esr/1.b {ADMIN}", admin)
        assert again.title.startswith("esr/1.b is already owned by") and again.tone == "info"
    with seeded_db.unit_of_work() as session:
        latest = action(session, "esr/1.b").owner_history[-1]
        assert (latest.previous_owner_id, latest.owner_id, latest.changed_by_id) == (first_owner.id, admin.id, admin.id)
        assert latest.recorded_at == clock.now() and latest.source == "console"
        shown = text_of(say(session, clock, "show esr/1.b", None))
        assert "Owners (latest first)" in shown and "15 Jan 2021 10:00" in shown


def test_show_and_due_and_help(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        shown = text_of(say(session, clock, "show esr/2.a", None))
        assert "ongoing from 1 Dec 2020" in shown and "Commissioning of revised enhanced services." in shown
        due = say(session, clock, "due 30d", None)
        assert "esr/3" in text_of(due)  # January 2021 → 31 Jan 2021, 16 days ahead
        helped = say(session, clock, "help update", None)
        assert "update esr/1.a at_risk" in text_of(helped)


def test_ages_count_calendar_days_in_london() -> None:
    today = date(2021, 1, 15)
    assert age(datetime(2021, 1, 14, 23, 30, tzinfo=UTC), today) == "1 day ago"
    assert age(datetime(2021, 1, 15, 0, 5, tzinfo=UTC), today) == "today"
    assert age(datetime(2021, 6, 30, 23, 30, tzinfo=UTC), date(2021, 7, 1)) == "today"  # 00:30 BST on 1 July
    assert age(datetime(2021, 1, 5, 9, 0, tzinfo=UTC), today) == "10 days ago"
    assert age(None, today) == "never updated"


def test_the_same_status_again_records_nothing_and_says_so(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        owner = action(session, "esr/1.a").owner
        assert say(session, clock, 'update esr/1.a done "published"', owner).tone == "success"
        clock.advance(timedelta(hours=2))
        again = say(session, clock, "update esr/1.a done", owner)
        assert again.title == "esr/1.a is already Done; nothing recorded." and again.tone == "info"
        with_note = say(session, clock, 'update esr/1.a completed "really published"', owner)
        assert with_note.title == "esr/1.a is already Done; nothing recorded, not even the note."
        assert "really published" in text_of(with_note)
    with seeded_db.unit_of_work() as session:
        target = action(session, "esr/1.a")
        assert [(h.status, h.previous_status, h.note) for h in target.history] == [("done", "not_started", "published")]
        assert target.status_changed_at == clock.now() - timedelta(hours=2)
        shown = say(session, clock, "show esr/1.a", None)
        assert [len(s.lines) for s in shown.sections if s.heading == "History (latest first)"] == [1]
