"""The pack as a workbook: one sheet per section, every row (the PDF cuts long lists short), dates typed as
dates, a frozen header with a filter, so a programme office can sort and chart it further."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from bot.i18n import _, format_day
from bot.plans.delivery_progress import BUCKET_LABELS, BUCKETS
from bot.reports.labels import state_label
from bot.reports.pack import ReportPack

if TYPE_CHECKING:
    from openpyxl import Workbook

Row = Sequence[str | int | date | None]
WIDEST = 60


def pack_xlsx(pack: ReportPack) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    summary.append([_("Plan"), pack.plan_name])
    summary.append([_("Organisation"), pack.organisation])
    summary.append([_("Period"), pack.period.title])
    summary.append([_("Position at the end of"), format_day(pack.as_at)])
    summary.column_dimensions["A"].width, summary.column_dimensions["B"].width = 20, 60
    for title, headings, rows in _sheets(pack):
        _sheet(workbook, title, headings, rows)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheets(pack: ReportPack) -> list[tuple[str, list[str], list[Row]]]:
    overdue: list[Row] = [(line.label, line.title, line.organisation, line.owner, line.due,
                (pack.as_at - line.due).days if line.due else None) for line in pack.overdue]  # fmt: skip
    return [
        (_("Delivery"), [_("Organisation"), *(_(BUCKET_LABELS[b]) for b in BUCKETS), _("Total")],
         [(row.organisation, *(row.counts[b] for b in BUCKETS), row.total) for row in pack.delivery]),
        (_("Overdue"), [_("Action"), _("Title"), _("Organisation"), _("Owner"), _("Deadline"), _("Days overdue")],
         overdue),
        (_("Changes"), [_("Date"), _("Action"), _("Title"), _("From"), _("To"), _("By"), _("Note")],
         [(c.day, c.label, c.title, state_label(c.previous), state_label(c.status), c.by, c.note)
          for c in pack.changes]),
        (_("At risk"), [_("Action"), _("Title"), _("Owner"), _("Status"), _("Deadline"), _("Note")],
         [(a.label, a.title, a.owner, state_label(a.status), a.due, a.note) for a in pack.at_risk]),
        (_("Recurring reports"), [_("Report"), _("Title"), _("Organisation"), _("Due"), _("State")],
         [(o.label, o.title, o.organisation, o.due, state_label(o.state)) for o in pack.occurrences]),
        (_("Escalation"), [_("Health board"), _("Service"), _("Date"), _("Worst level")],
         [(h.group, h.services[row], day, level) for h in pack.heatmaps
          for (row, day), level in sorted(h.cells.items(), key=lambda cell: (cell[0][1], cell[0][0]))]),
    ]  # fmt: skip


def _sheet(workbook: Workbook, title: str, headings: list[str], rows: list[Row]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title[:31])
    sheet.append(headings)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(value) for value in row])
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, heading in enumerate(headings, start=1):
        longest = max([len(heading), *(len(str(row[column - 1] or "")) for row in rows[:500])])
        sheet.column_dimensions[get_column_letter(column)].width = min(WIDEST, longest + 2)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"


def _safe(value: str | int | date | None) -> str | int | date | None:
    """Text that a spreadsheet would read as a formula is kept as text (OWASP's CSV-injection advice)."""
    from bot.exports.table import is_formula_like

    return f"'{value}" if isinstance(value, str) and is_formula_like(value) else value
