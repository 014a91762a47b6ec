"""Reading a table file as people save them: CSV/TSV in UTF-8 (with or without a BOM) or Windows-1252
(Excel's "CSV"), comma-, semicolon- or tab-separated; xlsx with title rows, merged cells and real date cells.

Returns rows of cells as text. A file that is not a table (missing, empty, binary, a renamed file, a corrupt
workbook) raises TableError with one line saying so."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime
from pathlib import Path

Table = list[list[str]]
_DELIMITERS = (",", ";", "\t")


class TableError(ValueError):
    """A file that cannot be read as a table; the message is one plain line."""


def read_table(path: Path) -> Table:
    if not path.is_file():
        raise TableError("there is no such file")
    data = path.read_bytes()
    if not data.strip():
        raise TableError("the file is empty")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _excel(path)
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise TableError("this is not a text table (it looks like a binary file); save it as CSV or .xlsx")
    return _text_table(_decode(data), path.suffix.lower())


def _decode(data: bytes) -> str:
    # Excel's "CSV" is Windows-1252 on UK machines ("£" and dashes as single bytes); UTF-8 is tried first.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _text_table(text: str, suffix: str) -> Table:
    # The separator the first lines use most (a title row above the headings may have none): Excel in many
    # European locales writes ";".
    head = "\n".join(text.splitlines()[:20])
    delimiter = "\t" if suffix == ".tsv" else max(_DELIMITERS, key=lambda d: (head.count(d), d == ","))
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _excel(path: Path) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as problem:
        raise TableError(f"this is not a readable Excel workbook ({type(problem).__name__}); "
                         "open it in Excel and save it again as .xlsx") from problem  # fmt: skip
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    # A merged cell (a lead spanning several rows) holds its value in its first cell only: every cell it
    # covers gets it, so each row keeps its lead.
    for merged in sheet.merged_cells.ranges:
        value = rows[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row - 1, merged.max_row):
            for c in range(merged.min_col - 1, merged.max_col):
                rows[r][c] = value
    workbook.close()
    return rows


def _cell_text(value: object) -> str:
    # A real date cell is a date, written as people write one ("28 February 2022") so the timeline reader
    # reads it like any other; a midnight time is only how Excel stores a date.
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        value = value.date()
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else " ".join(str(value).split())
