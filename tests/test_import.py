"""Importing plans: the shipped seeds, tables in CSV/TSV/Excel, re-imports that keep statuses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.plans.importer import expand_row, import_plan
from bot.plans.models import Action, Plan, StatusUpdate
from bot.plans.reading import PlanFileError, PlanRow, read_plan_file
from bot.storage.database import Database
from tests.helpers import ADMIN, action, person, say

NOW = datetime(2021, 1, 15, 9, 0, tzinfo=UTC)


def test_seed_plans_are_all_imported(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        wholes = select(Plan.key, func.count(Action.id)).join(Action).where(Action.parent_id.is_(None))
        counts = dict(session.execute(wholes.group_by(Plan.key)).all())
        assert counts["esr"] == 17
        # Six milestones, multi-date cells split into items (12), and SPPC's six resource commitments R1-R6.
        assert counts["pcmw-2020-21"] == 18
        assert action(session, "esr/1.a").due_end == date(2020, 9, 30)
        assert action(session, "esr/10.b").due_end == date(2020, 10, 31)  # "October 20"
        assert action(session, "pcmw-2020-21/3.ii").due_end == date(2021, 3, 31)
        assert action(session, "pcmw-2020-21/1").open_ended  # "End of October 2020 on"
        assert action(session, "esr/1.a").owner is not None


def test_multi_date_cell_becomes_one_action_per_item() -> None:
    row = PlanRow(
        ref="3",
        action="Boards will assess provision. This will include: i. an immediate plan ii. a long term plan",
        timeline="End of October 2020 End of March 2021",
    )
    assert [(r.ref, r.action, r.timeline) for r in expand_row(row)] == [
        ("3.i", "Boards will assess provision. This will include: an immediate plan", "End of October 2020"),
        ("3.ii", "Boards will assess provision. This will include: a long term plan", "End of March 2021"),
    ]


def test_csv_with_synonym_headings_and_an_unreadable_timeline(tmp_path: Path, seeded_db: Database) -> None:
    path = tmp_path / "cluster-plan.csv"
    path.write_text(
        "Ref,Actions,Lead,Timescale,Expected output / outcome\n"
        "A1,Set up a cluster hub,HoPC,Q3 2021/22,Hub open\n"
        "A2,Agree the rota,WG,when funding allows,Rota\n",
        encoding="utf-8",
    )
    plan_file = read_plan_file(path, key=None, name="Cluster plan", overrides={})
    with seeded_db.unit_of_work() as session:
        summary = import_plan(session=session, plan_file=plan_file, now=NOW)
        assert summary.added == ["A1", "A2"]
        assert summary.unreadable == [("A2", "when funding allows")]
        assert any("could not read the timeline “when funding allows”" in line for line in summary.lines())
        hub = action(session, "cluster-plan/A1")
        assert (hub.due_start, hub.due_end) == (date(2021, 10, 1), date(2021, 12, 31))
        assert action(session, "cluster-plan/A2").due_end is None


def test_reimport_updates_text_and_dates_but_keeps_status_and_history(tmp_path: Path, seeded_db: Database) -> None:
    path = tmp_path / "plan.tsv"
    path.write_text("ref\taction\tlead\ttimeline\nA1\tFirst wording\tWG\tMarch 2021\n", encoding="utf-8")
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=read_plan_file(path, key="p", name="P", overrides={}), now=NOW)
        say(session, FixedClock(NOW), 'update p/A1 at_risk "slipping"', person(session, ADMIN))
    path.write_text("ref\taction\tlead\ttimeline\nA1\tBetter wording\tWG\tJune 2021\n", encoding="utf-8")
    with seeded_db.unit_of_work() as session:
        summary = import_plan(session=session, plan_file=read_plan_file(path, key="p", name="P", overrides={}), now=NOW)
        assert summary.updated == ["A1"]
        renewed = action(session, "p/A1")
        assert (renewed.title, renewed.due_end, renewed.status) == ("Better wording", date(2021, 6, 30), "at_risk")
        assert session.scalar(select(func.count(StatusUpdate.id)).where(StatusUpdate.action_id == renewed.id)) == 1


def test_excel_with_mapped_columns(tmp_path: Path, seeded_db: Database) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["No.", "Milestone", "Who", "Target"])
    sheet.append(["1", "Publish the framework", "CMO", "September 2020"])
    path = tmp_path / "milestones.xlsx"
    workbook.save(path)
    plan_file = read_plan_file(path, key="xl", name="Excel plan", overrides={"lead": "Who", "timeline": "Target"})
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=plan_file, now=NOW)
        imported = action(session, "xl/1")
        assert (imported.lead_text, imported.due_end) == ("CMO", date(2020, 9, 30))


def test_a_file_without_an_action_column_is_refused_with_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Thing,When\nx,September 2020\n", encoding="utf-8")
    with pytest.raises(PlanFileError, match="--column"):
        read_plan_file(path, key=None, name=None, overrides={})
