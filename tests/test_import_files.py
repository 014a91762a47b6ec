"""Plan tables as people have them: title rows, merged lead cells, real Excel dates, BOMs and Windows line
endings, Windows-1252, semicolons, extra columns; and files that are not plans, refused in one line."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.clock import FixedClock
from bot.plans.importer import import_plan
from bot.plans.reading import PlanFileError, read_plan_file
from bot.storage.database import Database
from tests.helpers import ADMIN, action, person, say, text_of
from tests.test_cli import run  # noqa: F401  (the CLI fixture)

NOW = datetime(2021, 1, 15, 9, 0, tzinfo=UTC)


def _read(path: Path, **options: object) -> list[tuple[str, str, str, str]]:
    plan = read_plan_file(path, key="p", name="P", overrides={}, **options)  # type: ignore[arg-type]
    return [(r.ref, r.action, r.lead, r.timeline) for r in plan.actions]


def test_excel_with_a_title_row_merged_lead_and_date_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Cardiff North cluster plan 2021/22"])
    sheet.append([])
    sheet.append(["Ref", "Delivery Milestone", "Lead", "Target date", "Risks"])
    sheet.append(["1", "Open the hub", "HoPC", datetime(2022, 2, 28), "Estates"])
    sheet.append(["2", "Agree the rota", None, "Q3 2021/22", None])
    sheet.merge_cells("C4:C5")  # one lead for both rows
    path = tmp_path / "plan.xlsx"
    book.save(path)
    assert _read(path) == [
        ("1", "Open the hub", "HoPC", "28 February 2022"),
        ("2", "Agree the rota", "HoPC", "Q3 2021/22"),
    ]
    assert read_plan_file(path, key="p", name="P", overrides={}).actions[0].fields == {"Risks": "Estates"}


def test_header_row_can_be_named(tmp_path: Path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text("Action plan,,\nRef,Action,Timescale\nA1,Do it,March 2021\n", encoding="utf-8")
    assert _read(path, header_row=2) == [("A1", "Do it", "", "March 2021")]
    assert _read(path) == [("A1", "Do it", "", "March 2021")]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        pytest.param("\ufeffRef,Action,Timeline\r\nA1,Do it \u2013 now,March 2021\r\n".encode(), "bom.csv",
                     id="bom-crlf"),
        pytest.param("Ref;Action;Timeline\nA1;Do it \u2013 now;March 2021\n".encode("cp1252"), "semi.csv",
                     id="cp1252-semicolons"),
        pytest.param("Ref\tAction\tTimeline\nA1\tDo it \u2013 now\tMarch 2021\n".encode(), "tabs.tsv", id="tsv"),
    ],
)  # fmt: skip
def test_text_tables_in_the_encodings_and_separators_excel_writes(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert _read(path) == [("A1", "Do it \u2013 now", "", "March 2021")]


def test_duplicate_refs_are_refused_with_both_rows(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("Ref,Action,Timeline\nA1,First,March 2021\nA2,Other,May 2021\nA1,Second,June 2021\n")
    with pytest.raises(PlanFileError, match="A1 is on rows 2 and 4"):
        _read(path)


def test_extra_columns_are_kept_and_shown(tmp_path: Path, seeded_db: Database) -> None:
    path = tmp_path / "extra.csv"
    path.write_text("Ref,Action,Timeline,Objectives,Workforce\nA1,Open the hub,March 2021,Access,Two GPs\n")
    plan = read_plan_file(path, key="extra", name="Extra", overrides={})
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=plan, now=NOW)
        assert action(session, "extra/A1").extra_fields == {"Objectives": "Access", "Workforce": "Two GPs"}
        shown = text_of(say(session, FixedClock(NOW), "show extra/A1", person(session, ADMIN)))
        assert "Objectives: Access" in shown and "Workforce: Two GPs" in shown


def test_a_table_with_no_timeline_column_says_so(tmp_path: Path) -> None:
    path = tmp_path / "notime.csv"
    path.write_text("Ref,Action\nA1,Open the hub\n")
    plan = read_plan_file(path, key="p", name="P", overrides={})
    assert plan.notes and "no timeline column" in plan.notes[0]


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        pytest.param("renamed.xlsx", b"this is not a workbook at all", "not a readable Excel workbook", id="bad-xlsx"),
        pytest.param("empty.csv", b"", "empty", id="empty"),
        pytest.param("header.csv", b"Ref,Action,Timeline\n", "no actions under the headings", id="header-only"),
        pytest.param("binary.csv", b"\x00\x01\x02PK\x00", "not a text table", id="binary"),
        pytest.param("zip.xlsx", b"PK\x03\x04broken", "not a readable Excel workbook", id="corrupt-zip"),
    ],
)  # fmt: skip
def test_files_that_are_not_plans_get_one_line_and_exit_2(
    run,  # noqa: F811  (the CLI fixture)
    tmp_path: Path,
    name: str,
    data: bytes,
    says: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    result = run("import", str(path), "--key", "broken")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    database = tmp_path / "cli.db"
    if database.exists():
        with sqlite3.connect(database) as connection:
            assert connection.execute("select count(*) from plans where key = 'broken'").fetchone() == (0,)


def test_an_excel_date_cell_becomes_the_deadline(tmp_path: Path, seeded_db: Database) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ref", "Action", "By when"])
    sheet.append(["1", "Publish", datetime(2022, 2, 28)])
    path = tmp_path / "dates.xlsx"
    book.save(path)
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=read_plan_file(path, key="xd", name="X", overrides={}), now=NOW)
        assert action(session, "xd/1").due_end == date(2022, 2, 28)
