"""Actions owed by several organisations: one delivery per organisation, each with its own owner, status and
history; national views show one line with a roll-up; schema upgrades keep what was recorded before."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import func, select, text

from bot.clock import FixedClock
from bot.config import SHIPPED_DATA_DIR
from bot.directory.service import find_organisation
from bot.plans.importer import import_plan
from bot.plans.listing import ActionFilter, overdue_actions
from bot.plans.models import Action, StatusUpdate
from bot.plans.reading import read_plan_file
from bot.shipped_data import load_shipped_data
from bot.storage.database import Database
from bot.storage.migrate import alembic_config, upgrade_to_head
from tests.helpers import ADMIN, action, person, say, text_of

JANUARY = FixedClock(datetime(2021, 1, 15, 10, 0, tzinfo=UTC))
CAI = "cai.ynyr@example.nhs.wales"  # Head of Primary Care, Cardiff and Vale

# What issue 10 lists as overdue for Cardiff and Vale on 15 January 2021.
CARDIFF_AND_VALE_OVERDUE = {
    "esr/1.c@cvuhb", "esr/1.d@cvuhb", "esr/10.b@cvuhb", "esr/10.c@cvuhb", "esr/10.d@cvuhb", "esr/10.e@cvuhb",
    "pcmw-2020-21/2@cvuhb", "pcmw-2020-21/3.i@cvuhb", "pcmw-2020-21/4.i@cvuhb", "pcmw-2020-21/5.i@cvuhb",
    "pcmw-2020-21/6.a@cvuhb",
    # Recurring: C&V's own monthly reporting (PCMW 1) missed October to December 2020, one line for the three;
    # each of its two clusters missed its annual IMTP refresh due by the end of September 2020.
    "pcmw-2020-21/1@cvuhb",
    "cluster-planning/2.1@cardiff-north#2020-09-30", "cluster-planning/2.1@central-vale#2020-09-30",
}  # fmt: skip
MISSED_OCCURRENCES_ON_SHARED_LINES = 2  # 3 occurrences on one line


def test_each_board_owes_its_own_delivery_owned_from_the_directory(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        whole = action(session, "esr/1.c")
        assert whole.is_rollup and whole.owner is not None and whole.owner.email == "dafydd.rhosier@example.nhs.wales"
        parts = session.scalars(select(Action).where(Action.parent_id == whole.id)).all()
        assert sorted(p.organisation.code for p in parts) == [
            "abuhb", "bcuhb", "ctmuhb", "cvuhb", "hduhb", "pthb", "sbuhb"]  # fmt: skip
        assert all(p.owner is not None and p.owner.organisation_id == p.organisation_id for p in parts)
        assert action(session, "esr/1.c@pthb").owner.titles == ["Head of Primary Care, Powys"]  # type: ignore[union-attr]
        # "HBs, suggest via DoPCCs, COOs and DoFs": the board's Director of Primary Care & Community owns it.
        assert action(session, "esr/1.d@cvuhb").owner.titles[0].startswith("Director of Primary Care")  # type: ignore[union-attr]
        # PCMW 6.a names three boards; 6.b-6.d are for every board.
        assert {p.organisation.code for p in action(session, "pcmw-2020-21/6.a").parts()} == {
            "abuhb", "cvuhb", "bcuhb"}  # fmt: skip
        assert len(action(session, "pcmw-2020-21/6.c").parts()) == 7
        # A national body's own action is not fanned out.
        assert not action(session, "esr/1.a").is_rollup


def test_a_board_sees_its_own_overdue_deliveries(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        board = find_organisation(session=session, text="cvuhb")
        report = overdue_actions(session=session, today=date(2021, 1, 15), flt=ActionFilter(organisation=board),
                                 per_plan=50)  # fmt: skip
        assert {row.label for group in report.groups for row in group.rows} == CARDIFF_AND_VALE_OVERDUE
        assert report.lines == len(CARDIFF_AND_VALE_OVERDUE)
        assert report.total == len(CARDIFF_AND_VALE_OVERDUE) + MISSED_OCCURRENCES_ON_SHARED_LINES
        reply = say(session, JANUARY, "/milestones overdue org:cvuhb", None)
    assert "Nothing is overdue" not in reply.title
    assert "esr/1.c@cvuhb" in text_of(reply) and "Cai Ynyr" in text_of(reply)


def test_all_of_wales_shows_one_line_per_action_with_its_roll_up(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        reply = say(session, JANUARY, "/milestones overdue plan:esr", None)
    shown = text_of(reply)
    assert "esr/1.c@" not in shown
    line = next(row for row in shown.splitlines() if row.lstrip("• ").startswith("esr/1.c "))
    assert "0 of 7 boards done · 7 overdue: AB, BCU, CTM, C&V, HD, Powys, SB" in line
    assert "(esr) — 7 overdue actions (43 deliveries and occurrences)" in shown


def test_a_board_lead_updating_their_delivery_moves_the_national_roll_up(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        cai = person(session, CAI)
        done = say(session, JANUARY, '/milestones update esr/1.c@cvuhb done "SOP adopted"', cai)
        assert done.tone == "success" and "esr/1.c@cvuhb is now Done" in done.title
        whole = text_of(say(session, JANUARY, "/milestones show esr/1.c", None))
        board = text_of(say(session, JANUARY, "/milestones overdue org:cvuhb", None))
        wales = text_of(say(session, JANUARY, "/milestones overdue plan:esr", None))
        history = session.scalars(
            select(StatusUpdate).where(StatusUpdate.action_id == action(session, "esr/1.c@cvuhb").id)
        ).all()
    assert "1 of 7 boards done · 6 overdue: AB, BCU, CTM, HD, Powys, SB" in whole
    assert "esr/1.c@cvuhb" not in board
    assert "1 of 7 boards done · 6 overdue" in wales
    assert [(h.status, h.note) for h in history] == [("done", "SOP adopted")]


def test_the_whole_cannot_be_updated_and_says_which_parts_can(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        reply = say(session, JANUARY, "/milestones update esr/1.c done", person(session, ADMIN))
        assert reply.tone == "refusal"
        assert "delivered in parts" in reply.title and "esr/1.c@abuhb" in text_of(reply)
        assert action(session, "esr/1.c").status == "not_started"


def test_someone_else_cannot_update_a_boards_delivery(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        other_board_lead = person(session, "jac.prosser@example.nhs.wales")  # Aneurin Bevan's Head of Primary Care
        reply = say(session, JANUARY, "/milestones update esr/1.c@cvuhb done", other_board_lead)
        assert reply.tone == "refusal" and action(session, "esr/1.c@cvuhb").status == "not_started"


def test_reimport_keeps_each_deliverys_status_history_and_owner(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        admin = person(session, ADMIN)
        say(session, JANUARY, "/milestones update esr/1.c@hduhb at_risk", admin)
        say(session, JANUARY, f"/milestones assign esr/1.c@hduhb {CAI}", admin)
        plan_file = read_plan_file(SHIPPED_DATA_DIR / "plans" / "enhanced-services-review.yaml", key=None, name=None,
                                   overrides={})  # fmt: skip
        summary = import_plan(session=session, plan_file=plan_file, now=JANUARY.now())
        delivery = action(session, "esr/1.c@hduhb")
        assert (delivery.status, delivery.owner.email) == ("at_risk", CAI)  # type: ignore[union-attr]
        assert delivery.organisation.code == "hduhb"  # a delivery stays with the board that owes it
        assert summary.fanned_out == []  # nothing new to add
        assert session.scalar(select(func.count()).where(Action.parent_id == action(session, "esr/1.c").id)) == 7


def test_an_owed_by_column_fans_out_and_an_unknown_organisation_is_reported(
    tmp_path: Path, seeded_db: Database
) -> None:
    path = tmp_path / "winter.csv"
    path.write_text(
        "Ref,Action,Lead,Timeline,Owed by\n"
        "1,Winter plan agreed,,End of October 2020,clusters:cvuhb\n"
        '2,Surge rota agreed,,End of October 2020,"abuhb, nowhere"\n',
        encoding="utf-8",
    )
    with seeded_db.unit_of_work() as session:
        summary = import_plan(session=session, plan_file=read_plan_file(path, key=None, name=None, overrides={}),
                              now=JANUARY.now())  # fmt: skip
        parts = action(session, "winter/1").parts()
        assert sorted(p.ref for p in parts) == ["1@cardiff-north", "1@central-vale"]
        assert all(p.owner is not None and "Cluster lead" in p.owner.titles[0] for p in parts)
        assert not action(session, "winter/2").is_rollup
    assert any("2: owed by “abuhb, nowhere”: no organisation nowhere" in line for line in summary.lines())


def test_upgrading_an_older_database_keeps_its_history_and_then_fans_out(seeded_url: str) -> None:
    config = alembic_config(seeded_url)
    command.downgrade(config, "0005")
    database = Database.from_url(seeded_url)
    with database.engine.begin() as connection:
        whole_id = connection.execute(
            text("SELECT a.id FROM actions a JOIN plans p ON p.id = a.plan_id WHERE p.key = 'esr' AND a.ref = '1.c'")
        ).scalar_one()
        connection.execute(
            text("INSERT INTO status_updates (action_id, status, previous_status, source, recorded_at) "
                 "VALUES (:id, 'on_track', 'not_started', 'console', :at)"),
            {"id": whole_id, "at": datetime(2020, 10, 1, 9, 0, tzinfo=UTC)},
        )  # fmt: skip
    upgrade_to_head(seeded_url)
    with database.unit_of_work() as session:
        load_shipped_data(session=session, data_dir=SHIPPED_DATA_DIR, now=JANUARY.now())
    with database.unit_of_work() as session:
        whole = action(session, "esr/1.c")
        assert [h.status for h in whole.history] == ["on_track"]
        assert whole.is_rollup and len(whole.parts()) == 7
    database.engine.dispose()
