"""Recurring actions' occurrences as child rows, on SQLite and PostgreSQL: made at import from the seed plans and
from a plan file, idempotent, extended by the daily job, and shown by `show`."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.plans.importer import import_plan
from bot.plans.models import Action, Plan
from bot.plans.occurrences import extend_occurrences, occurrence_rows
from bot.plans.reading import PlanFile, PlanRow
from bot.plans.service import record_status
from bot.storage.database import Database
from tests.helpers import action, person, say, text_of

IMPORTED = datetime(2021, 3, 1, 9, 0, tzinfo=UTC)
OWNER = "berian.lougher@example.nhs.wales"


def quarterly_plan(timeline: str = "Quarterly") -> PlanFile:
    return PlanFile(
        key="returns",
        name="Quarterly returns",
        organisation="hduhb",
        actions=[
            PlanRow(ref="1", action="Activity return to Welsh Government", lead="HDdUHB pacesetter project team",
                    timeline=timeline),
            PlanRow(ref="2", action="Business case", lead="HDdUHB pacesetter project team", timeline="June 2021"),
        ],
    )  # fmt: skip


def refs_under(session: Session, parent: Action) -> list[str]:
    return [row.ref for row in occurrence_rows(session=session, parent=parent)]


def test_seed_quarterly_reporting_becomes_four_occurrences(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        parent = action(session, "pacesetter/3.3.4")  # "Quarterly, April 2020 - March 2021"
        assert parent.is_rollup
        assert parent.recurrence == (
            "DTSTART:20200401T000000\nRRULE:FREQ=MONTHLY;UNTIL=20210331T000000;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
        )
        children = occurrence_rows(session=session, parent=parent)
        assert [c.ref for c in children] == ["3.3.4#2020-06-30", "3.3.4#2020-09-30", "3.3.4#2020-12-31",
                                             "3.3.4#2021-03-31"]  # fmt: skip
        assert [(c.due_start, c.due_end) for c in children][1] == (date(2020, 7, 1), date(2020, 9, 30))
        for child in children:
            assert (child.owner_id, child.organisation_id, child.title) == (
                parent.owner_id, parent.organisation_id, parent.title)  # fmt: skip
            assert (child.parent_id, child.whole_id, child.is_rollup, child.recurrence) == (
                parent.id, parent.id, False, "")  # fmt: skip
            assert child.due_precision == "quarter" and not child.open_ended and child.status == "not_started"
        # An action with no cadence word stays one dated action.
        assert not action(session, "pacesetter/3.3.1").is_rollup


def test_seed_monthly_reporting_by_every_board_recurs_per_delivery(seeded_db: Database) -> None:
    # PCMW 1: "Health Boards will use this monthly reporting mechanism", "End of October 2020 on": owed by
    # each board, so each board's delivery carries its own monthly occurrences; the seed was loaded on
    # 1 Sep 2020, so they run from October 2020 to 13 months ahead.
    with seeded_db.unit_of_work() as session:
        whole = action(session, "pcmw-2020-21/1")
        delivery = action(session, "pcmw-2020-21/1@cvuhb")
        assert whole.is_rollup and delivery.is_rollup and whole.recurrence == delivery.recurrence != ""
        assert refs_under(session, whole) == []
        refs = refs_under(session, delivery)
        assert refs[0] == "1@cvuhb#2020-10-31" and refs[-1] == "1@cvuhb#2021-09-30" and len(refs) == 12
        first = occurrence_rows(session=session, parent=delivery)[0]
        assert (first.whole_id, first.organisation_id, first.owner_id) == (
            whole.id, delivery.organisation_id, delivery.owner_id)  # fmt: skip


def test_import_is_idempotent_and_keeps_answers(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=quarterly_plan(), now=IMPORTED)
        parent = action(session, "returns/1")
        # Open-ended "Quarterly": from the quarter it was read in to 13 months ahead.
        assert refs_under(session, parent) == ["1#2021-03-31", "1#2021-06-30", "1#2021-09-30", "1#2021-12-31",
                                               "1#2022-03-31"]  # fmt: skip
        assert not action(session, "returns/2").is_rollup
        first = action(session, "returns/1#2021-03-31")
        record_status(session=session, action=first, status="done", actor=person(session, OWNER), now=IMPORTED,
                      note="sent")  # fmt: skip
    with seeded_db.unit_of_work() as session:
        summary = import_plan(session=session, plan_file=quarterly_plan(), now=datetime(2021, 3, 2, tzinfo=UTC))
        assert summary.added == [] and summary.unchanged == 2
        first = action(session, "returns/1#2021-03-31")
        assert first.status == "done" and [u.note for u in first.history] == ["sent"]
        count = select(func.count()).select_from(Action).join(Plan).where(Plan.key == "returns")
        assert session.scalar(count) == 2 + 5


def test_the_daily_job_extends_open_recurrences_and_fills_only_gaps(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=quarterly_plan(), now=IMPORTED)
    with seeded_db.unit_of_work() as session:
        added = extend_occurrences(session=session, today=date(2021, 12, 1))
        parent = action(session, "returns/1")
        # Thirteen months on from 1 Dec 2021 reaches 31 Dec 2022; bounded recurrences are complete already.
        assert refs_under(session, parent)[-4:] == ["1#2022-03-31", "1#2022-06-30", "1#2022-09-30", "1#2022-12-31"]
        pcmw = refs_under(session, action(session, "pcmw-2020-21/1@cvuhb"))
        assert pcmw[-1] == "1@cvuhb#2022-12-31" and len(pcmw) == 27
        # returns/1: 3 more quarters; 7 boards: Oct 2021 to Dec 2022. The clusters' annual refresh is bounded
        # ("2020/21 - 2022/23"): all three were made at import.
        assert added == 3 + 7 * 15
    with seeded_db.unit_of_work() as session:
        assert extend_occurrences(session=session, today=date(2021, 12, 1)) == 0


def test_a_dropped_recurring_action_gets_no_new_occurrences(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=quarterly_plan(), now=IMPORTED)
        parent = action(session, "returns/1")
        parent.status = "dropped"
    with seeded_db.unit_of_work() as session:
        extend_occurrences(session=session, today=date(2022, 6, 1))
        assert refs_under(session, action(session, "returns/1"))[-1] == "1#2022-03-31"


def test_a_bounded_timeline_gets_every_occurrence_at_once(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=quarterly_plan("Monthly from April 2021 to March 2023"), now=IMPORTED)
        refs = refs_under(session, action(session, "returns/1"))
        assert len(refs) == 24 and refs[0] == "1#2021-04-30" and refs[-1] == "1#2023-03-31"


def test_show_lists_past_and_next_occurrences(seeded_db: Database) -> None:
    clock = FixedClock(datetime(2021, 1, 15, 10, 0, tzinfo=UTC))
    with seeded_db.unit_of_work() as session:
        record_status(session=session, action=action(session, "pacesetter/3.3.4#2020-06-30"), status="done",
                      actor=person(session, OWNER), now=clock.now())  # fmt: skip
        reply = say(session, clock, "show pacesetter/3.3.4", None)
        text = text_of(reply)
        repeats = "Repeats: quarterly, due at the end of Jun, Sep, Dec and Mar"
        assert f"{repeats} (“Quarterly, April 2020 \u2013 March 2021”)" in text
        past = text.split("Past occurrences (latest first)\n")[1].split("Next occurrences")[0].splitlines()
        assert past == [
            "pacesetter/3.3.4#2020-12-31 · due 31 Dec 2020 · Not started · 15 days overdue",
            "pacesetter/3.3.4#2020-09-30 · due 30 Sep 2020 · Not started · 107 days overdue",
            "pacesetter/3.3.4#2020-06-30 · due 30 Jun 2020 · Done",
        ]
        assert "Next occurrences\npacesetter/3.3.4#2021-03-31 · due 31 Mar 2021 · Not started" in text
        assert reply.footer is not None and "update pacesetter/3.3.4#2020-09-30" in reply.footer

        occurrence = text_of(say(session, clock, "show pacesetter/3.3.4#2021-03-31", None))
        assert "Part of: pacesetter/3.3.4 (the occurrence due 31 Mar 2021)" in occurrence
        assert "Due: 31 Mar 2021 (“1 Jan 2021 to 31 Mar 2021, quarterly”)" in occurrence

        # Owed by every board: the whole lists the boards' deliveries, each delivery its own occurrences.
        whole = text_of(say(session, clock, "show pcmw-2020-21/1", None))
        assert "Repeats: monthly, due at the end of each month (“End of October 2020 on”)" in whole
        assert "pcmw-2020-21/1@cvuhb Cardiff and Vale University Health Board" in whole
        delivery = text_of(say(session, clock, "show pcmw-2020-21/1@cvuhb", None))
        assert "Past occurrences (latest first)\npcmw-2020-21/1@cvuhb#2020-12-31 · due 31 Dec 2020" in delivery


def test_assigning_a_recurring_action_moves_its_open_occurrences(seeded_db: Database) -> None:
    # Pacesetter 3.3.4 has no lead in the seed, so neither it nor its occurrences have an owner yet.
    clock = FixedClock(datetime(2021, 1, 15, 10, 0, tzinfo=UTC))
    newcomer = "angharad.crwys@example.nhs.wales"
    with seeded_db.unit_of_work() as session:
        admin = person(session, "admin@example.nhs.wales")
        record_status(session=session, action=action(session, "pacesetter/3.3.4#2020-06-30"), status="done",
                      actor=admin, now=clock.now())  # fmt: skip
        reply = say(session, clock, f"assign pacesetter/3.3.4 {newcomer}", admin)
        assert reply.tone == "success" and "with 3 open occurrences" in reply.title
        parent = action(session, "pacesetter/3.3.4")
        owners = {c.ref: c.owner.email if c.owner else None for c in occurrence_rows(session=session, parent=parent)}
        assert owners == {
            "3.3.4#2020-06-30": None,  # done: it stays as it was
            "3.3.4#2020-09-30": newcomer,
            "3.3.4#2020-12-31": newcomer,
            "3.3.4#2021-03-31": newcomer,
        }
        moved = action(session, "pacesetter/3.3.4#2021-03-31")
        assert [(c.previous_owner, c.owner.email, c.changed_by_id) for c in moved.owner_history] == [
            (None, newcomer, admin.id)]  # fmt: skip
        # Assigning again moves the open ones that followed, not the one left behind.
        other = "berian.lougher@example.nhs.wales"
        again = say(session, clock, f"assign pacesetter/3.3.4 {other}", admin)
        assert "with 3 open occurrences" in again.title
        assert action(session, "pacesetter/3.3.4#2020-12-31").owner.email == other  # type: ignore[union-attr]


def test_a_changed_timeline_removes_only_untouched_occurrences_it_no_longer_has(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=quarterly_plan(), now=IMPORTED)
        record_status(session=session, action=action(session, "returns/1#2021-06-30"), status="at_risk",
                      actor=person(session, OWNER), now=IMPORTED, note="late data")  # fmt: skip
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=quarterly_plan("Six-monthly"), now=IMPORTED)
        parent = action(session, "returns/1")
        # Six-monthly keeps 31 Mar and 30 Sep; 30 Jun was answered, so it stays; 31 Dec goes.
        assert refs_under(session, parent) == ["1#2021-03-31", "1#2021-06-30", "1#2021-09-30", "1#2022-03-31"]
        assert parent.is_rollup
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=quarterly_plan("June 2021"), now=IMPORTED)
        parent = action(session, "returns/1")
        # No longer recurring: a dated action again, prompted and counted itself; the answered occurrence stays.
        assert (parent.recurrence, parent.is_rollup, parent.due_end) == ("", False, date(2021, 6, 30))
        assert refs_under(session, parent) == ["1#2021-06-30"]
        assert action(session, "returns/1#2021-06-30").status == "at_risk"
