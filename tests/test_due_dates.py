"""Undated actions: named at import with the reason, listed by `admin undated`, given a date by
`due-date` (owner, manager or admin only) and kept in the deadline history that `show` prints."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.directory.models import Person
from bot.plans.importer import import_plan
from bot.plans.models import DueDateChange
from bot.plans.reading import read_plan_file
from bot.storage.database import Database
from tests.helpers import ADMIN, action, outsider, person, say, text_of

NOW = datetime(2021, 1, 15, 9, 0, tzinfo=UTC)
CLOCK = FixedClock(NOW)
PLAN = (
    "ref,action,lead,timeline\n"
    "A1,Open the hub,WG,5-9 October 2020\n"
    "A2,Agree the rota,WG,March 31\n"
    "A3,Write the report,WG,TBC\n"
    "A4,Run the service,WG,October 2020 - ongoing\n"
    'A5,Draft then final,WG,"Sept 2020 (draft), Dec 2020 (final)"\n'
)


def _import(tmp_path: Path, db: Database, text: str = PLAN) -> list[str]:
    path = tmp_path / "hub.csv"
    path.write_text(text, encoding="utf-8")
    with db.unit_of_work() as session:
        summary = import_plan(session=session, plan_file=read_plan_file(path, key="hub", name="Hub", overrides={}),
                              now=NOW)  # fmt: skip
        return summary.lines()


def test_import_names_every_undated_row_and_why(tmp_path: Path, seeded_db: Database) -> None:
    lines = "\n".join(_import(tmp_path, seeded_db))
    assert "A2: could not read the timeline “March 31” (no year: “March 31” needs one" in lines
    assert "A3: the timeline “TBC” sets no date" in lines
    assert "A4" not in lines  # ongoing from October 2020: no deadline by design
    with seeded_db.unit_of_work() as session:
        assert action(session, "hub/A1").due_end == date(2020, 10, 9)  # not 9 October 2005
        assert action(session, "hub/A5.d1").due_end == date(2020, 9, 30)
        assert action(session, "hub/A5.d2").due_end == date(2020, 12, 31)
        assert action(session, "hub/A5.d2").due_raw == "Dec 2020 (final)"


def test_admin_undated_lists_them_and_due_date_sets_one_with_history(tmp_path: Path, seeded_db: Database) -> None:
    _import(tmp_path, seeded_db)
    with seeded_db.unit_of_work() as session:
        admin = person(session, ADMIN)
        listed = _all_pages(session, admin)
        assert "hub/A2" in listed and "hub/A3" in listed and "no year" in listed
        assert "hub/A4" not in listed and "hub/A1" not in listed
        stranger = outsider(session, action(session, "hub/A2"))
        refused = text_of(say(session, CLOCK, "due-date hub/A2 2021-03-31", stranger))
        assert "can't set the deadline of hub/A2" in refused
        assert action(session, "hub/A2").due_end is None
        done = text_of(say(session, CLOCK, "due-date hub/A2 31/03/2021", admin))
        assert "hub/A2 is now due" in done
        assert action(session, "hub/A2").due_end == date(2021, 3, 31)
        assert "hub/A2" not in _all_pages(session, admin)
        shown = text_of(say(session, CLOCK, "show hub/A2", admin))
        assert "Deadline set by hand" in shown and "(had no deadline)" in shown
        change = session.scalars(select(DueDateChange)).one()
        assert (change.person_id, change.timeline, change.source) == (admin.id, "March 31", change.source)
        assert change.recorded_at == NOW


def _all_pages(session: Session, admin: Person) -> str:
    pages = [text_of(say(session, CLOCK, "admin undated", admin))]
    while "page:" in pages[-1]:
        pages.append(text_of(say(session, CLOCK, f"admin undated page:{len(pages) + 1}", admin)))
    return "\n".join(pages)


def test_a_date_set_by_hand_survives_reimporting_the_same_plan(tmp_path: Path, seeded_db: Database) -> None:
    _import(tmp_path, seeded_db)
    with seeded_db.unit_of_work() as session:
        say(session, CLOCK, "due-date hub/A3 30 June 2021", person(session, ADMIN))
    _import(tmp_path, seeded_db)
    with seeded_db.unit_of_work() as session:
        assert action(session, "hub/A3").due_end == date(2021, 6, 30)


def test_due_date_refuses_what_is_not_one_day(tmp_path: Path, seeded_db: Database) -> None:
    _import(tmp_path, seeded_db)
    with seeded_db.unit_of_work() as session:
        admin = person(session, ADMIN)
        for written in ("03/31/2021", "Q1 and Q3 2021/22", "soon"):
            reply = text_of(say(session, CLOCK, f"due-date hub/A3 {written}", admin))
            assert "could not read" in reply
        assert action(session, "hub/A3").due_end is None


def test_a_date_set_on_a_whole_is_set_on_every_delivery(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        whole = action(session, "esr/10.a")  # owed by every board; the plan gives no timeline
        parts = whole.parts()
        assert whole.is_rollup and parts and all(part.due_end is None for part in parts)
        reply = text_of(say(session, CLOCK, "due-date esr/10.a 30 June 2021", person(session, ADMIN)))
        assert "for every delivery of it" in reply
        assert {part.due_end for part in whole.parts()} == {date(2021, 6, 30)}
        recorded = session.scalars(select(DueDateChange.action_id)).all()
        assert sorted(recorded) == sorted([whole.id, *(part.id for part in parts)])
