"""A table to export (headings and rows) written as CSV or .xlsx, the two formats huddle spreadsheets use."""

from __future__ import annotations

import csv
import io
import itertools
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


# Dates as UK readers write them; the cells stay typed dates, so sorting and filtering by date work.
DATE_FORMAT, DATETIME_FORMAT = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
WIDTH_SAMPLE_ROWS, MIN_WIDTH, MAX_WIDTH = 500, 8, 60


def column_widths(headings: Sequence[str], sample: Sequence[Sequence[Cell]]) -> list[float]:
    """A width per column (in characters) fitting its heading and the sampled rows, within sensible bounds."""
    widths = [len(heading) for heading in headings]
    for row in sample:
        for index, value in enumerate(row):
            shown = 16 if isinstance(value, datetime) else 10 if isinstance(value, date) else len(_text(value))
            widths[index] = max(widths[index], shown)
    return [min(max(width + 2, MIN_WIDTH), MAX_WIDTH) for width in widths]


def xlsx_bytes(table: Table) -> bytes:
    """A workbook a huddle can use as it opens: bold frozen headings with an autofilter, columns wide enough
    for what they hold (judged from the first rows), dates and times as typed cells in UK format."""
    # openpyxl (and the Pillow it pulls in) is imported here, by the few who write a workbook, not by every
    # process that can list actions: it costs a tenth of a second and 15 MB at start.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    # Write-only mode keeps memory flat for large exports; Excel has no timezone, so instants are London-naive.
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.title[:31])
    sheet.freeze_panes = "A2"
    rows = iter(table.rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE_ROWS))
    for index, width in enumerate(column_widths(table.headings, sample), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header = []
    for heading in table.headings:
        cell = WriteOnlyCell(sheet, value=heading)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    last_row = 1
    for row in itertools.chain(sample, rows):
        sheet.append([_xlsx_cell(WriteOnlyCell, sheet, value) for value in row])
        last_row += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(table.headings), 1))}{last_row}"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(text_cell: Callable[..., WriteOnlyCell], sheet: Worksheet, value: Cell) -> WriteOnlyCell | Cell:
    """Dates and numbers stay typed (dates shown day first); text is a string cell whatever it starts with
    (openpyxl would otherwise store `=…` as a live formula), and formula-like text also gets Excel's quote
    prefix, so editing the cell in Excel does not turn it into one either."""
    if isinstance(value, date):
        cell = text_cell(sheet, value=value.replace(tzinfo=None) if isinstance(value, datetime) else value)
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return cell
    if not isinstance(value, str):
        return value
    cell = text_cell(sheet, value=value)
    cell.data_type = "s"
    if is_formula_like(value):
        cell.quotePrefix = True
    return cell
