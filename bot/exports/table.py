"""A table to export (headings and rows) written as CSV or .xlsx, the two formats huddle spreadsheets use."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet as Worksheet

Format = Literal["csv", "xlsx"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
Cell = str | int | date | datetime | None


@dataclass
class Table:
    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[Cell]]


# A cell starting with one of these is read by Excel, LibreOffice and Google Sheets as a formula (tab and
# carriage return too, after the spreadsheet trims them): OWASP's CSV-injection advice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    # A leading apostrophe makes a spreadsheet show the rest as text, never evaluate it.
    return f"'{value}" if is_formula_like(value) else value


def csv_lines(table: Table) -> Iterator[str]:
    """The CSV one line at a time, so a year of Wales streams instead of sitting in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.headings)
    yield buffer.getvalue()
    for row in table.rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_text(value) for value in row])
        yield buffer.getvalue()


def write_csv(table: Table, out: IO[str]) -> None:
    for text in csv_lines(table):
        out.write(text)


def xlsx_bytes(table: Table) -> bytes:
    # openpyxl (and the Pillow it pulls in) is imported here, by the few who write a workbook, not by every
    # process that can list actions: it costs a tenth of a second and 15 MB at start.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    # Write-only mode keeps memory flat for large exports; Excel has no timezone, so instants are London-naive.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.title[:31])
    sheet.freeze_panes = "A2"
    header = []
    for heading in table.headings:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in table.rows:
        sheet.append([_xlsx_cell(WriteOnlyCell, sheet, value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(text_cell: Callable[..., WriteOnlyCell], sheet: Worksheet, value: Cell) -> WriteOnlyCell | Cell:
    """Dates and numbers stay typed; text is a string cell whatever it starts with (openpyxl would otherwise
    store `=…` as a live formula), and formula-like text also gets Excel's quote prefix, so editing the cell
    in Excel does not turn it into one either."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if not isinstance(value, str):
        return value
    cell = text_cell(sheet, value=value)
    cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True
    return cell
