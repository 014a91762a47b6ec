"""The pack as a PDF, laid out with reportlab: pure Python, no system libraries to install (WeasyPrint needs
Pango and Cairo), and it draws tables that split across pages by itself. Text is set in DejaVu Sans, which
matplotlib ships, because the PDF standard fonts lack Welsh letters such as ŵ and ŷ."""

from __future__ import annotations

import io
import textwrap
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.i18n import _, format_day, format_number, ngettext
from bot.plans.delivery_progress import BUCKET_LABELS, BUCKETS
from bot.reports.charts import delivery_chart, heatmap_chart
from bot.reports.labels import state_label
from bot.reports.pack import ActionLine, ReportPack

if TYPE_CHECKING:
    from reportlab.platypus import Flowable

# Longer lists are cut short in the PDF (a board reads the top of them); the workbook lists every row.
MAX_ROWS = 40
TITLE_CHARACTERS = 110
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE_WIDTH_CM = 18.0


def pack_pdf(pack: ReportPack) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import SimpleDocTemplate

    _register_fonts()
    out = io.BytesIO()
    title = _("{plan}: report pack for {period}").format(plan=pack.plan_name, period=pack.period.code)
    document = SimpleDocTemplate(out, pagesize=A4, title=title, leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                                 topMargin=1.5 * cm, bottomMargin=1.5 * cm)  # fmt: skip
    story = _Story(pack)
    document.build(story.flowables(title), onFirstPage=story.footer, onLaterPages=story.footer)
    return out.getvalue()


def _register_fonts() -> None:
    from pathlib import Path

    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont(BOLD, str(fonts / "DejaVuSans-Bold.ttf")))


class _Story:
    def __init__(self, pack: ReportPack) -> None:
        from reportlab.lib.styles import ParagraphStyle

        self.pack = pack
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=7.5, leading=9.5)
        self.heading = ParagraphStyle("heading", parent=self.body, fontName=BOLD, fontSize=13, leading=17,
                                      spaceBefore=10, spaceAfter=4, keepWithNext=1)  # fmt: skip
        self.title = ParagraphStyle("title", parent=self.heading, fontSize=17, leading=21, spaceBefore=0,
                                    keepWithNext=0)  # fmt: skip

    def footer(self, canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 7)
        text = _("{plan} · {organisation} · {period} · page {page}").format(
            plan=self.pack.plan_name, organisation=self.pack.organisation, period=self.pack.period.code,
            page=document.page)  # fmt: skip
        canvas.drawString(document.leftMargin, 0.8 * 28.35, text)
        canvas.restoreState()

    def flowables(self, title: str) -> list[Flowable]:
        from reportlab.platypus import PageBreak

        pack = self.pack
        intro = _(
            "{organisation}, {period}. Position at the end of {day}: each action's status as it stood then, "
            "and an open action past its deadline by then counts as overdue."
        ).format(organisation=pack.organisation, period=pack.period.title, day=format_day(pack.as_at))
        story: list[Flowable] = [self._paragraph(title, self.title), self._paragraph(intro)]
        story += self._delivery() + self._overdue() + self._changes() + self._at_risk() + self._occurrences()
        story += [PageBreak(), *self._escalation()]
        return story

    def _paragraph(self, text: str, style: Any = None) -> Flowable:
        from reportlab.platypus import Paragraph

        return Paragraph(_escaped(text), style or self.body)

    def _image(self, png: bytes) -> Flowable:
        from reportlab.lib.units import cm
        from reportlab.platypus import Image

        picture = Image(io.BytesIO(png))
        scale = PAGE_WIDTH_CM * cm / picture.imageWidth
        picture.drawWidth, picture.drawHeight = picture.imageWidth * scale, picture.imageHeight * scale
        return picture

    def _table(self, headings: list[str], rows: list[list[str]], widths: list[float]) -> Flowable:
        from reportlab.lib import colors
        from reportlab.lib.units import cm
        from reportlab.platypus import Paragraph, Table, TableStyle

        cells = [[Paragraph(h, self.small) for h in headings]]
        cells += [[Paragraph(_escaped(value), self.small) for value in row] for row in rows]
        table = Table(cells, colWidths=[w * cm for w in widths], repeatRows=1)
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E0E0E0")),
            ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9E9E9E")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]))  # fmt: skip
        return table

    def _section(self, heading: str, empty: str, count: int) -> list[Flowable]:
        flowables = [self._paragraph(heading, self.heading)]
        return [*flowables, self._paragraph(empty)] if count == 0 else flowables

    def _cut(self, rows: list[list[str]]) -> tuple[list[list[str]], list[Flowable]]:
        if len(rows) <= MAX_ROWS:
            return rows, []
        more = ngettext("…and {n} more: the workbook (.xlsx) lists every one.",
                        "…and {n} more: the workbook (.xlsx) lists every one.", len(rows) - MAX_ROWS)  # fmt: skip
        return rows[:MAX_ROWS], [self._paragraph(more.format(n=format_number(len(rows) - MAX_ROWS)))]

    def _delivery(self) -> list[Flowable]:
        rows = self.pack.delivery
        story = self._section(_("Delivery by organisation"), _("This plan has no actions here."), len(rows))
        if not rows:
            return story
        headings = [_("Organisation"), *(_(BUCKET_LABELS[b]) for b in BUCKETS), _("Total")]
        table = [[row.organisation, *(format_number(row.counts[b]) for b in BUCKETS), format_number(row.total)]
                 for row in rows]  # fmt: skip
        return [*story, self._image(delivery_chart(rows)), self._table(headings, table, [4.8] + [1.9] * 7)]

    def _overdue(self) -> list[Flowable]:
        lines = self.pack.overdue
        story = self._section(_("Overdue actions"), _("Nothing is overdue."), len(lines))
        if not lines:
            return story
        headings = [_("Action"), _("Title"), _("Organisation"), _("Owner"), _("Deadline"), _("Days overdue")]
        rows = [[line.label, _short(line.title), line.organisation, line.owner or _("Nobody yet"), _day(line.due),
                 format_number(_age(line, self.pack.as_at))] for line in lines]  # fmt: skip
        rows, more = self._cut(rows)
        return [*story, self._table(headings, rows, [3.8, 5.0, 2.9, 2.5, 1.9, 1.9]), *more]

    def _changes(self) -> list[Flowable]:
        changes = self.pack.changes
        story = self._section(_("What changed this period"), _("No status changed this period."), len(changes))
        if not changes:
            return story
        headings = [_("Date"), _("Action"), _("Title"), _("From"), _("To"), _("By"), _("Note")]
        rows = [[format_day(c.day), c.label, _short(c.title), state_label(c.previous), state_label(c.status), c.by,
                 c.note] for c in changes]  # fmt: skip
        rows, more = self._cut(rows)
        return [*story, self._table(headings, rows, [1.9, 3.8, 3.4, 1.7, 1.7, 2.4, 3.1]), *more]

    def _at_risk(self) -> list[Flowable]:
        lines = self.pack.at_risk
        story = self._section(_("Actions at risk or blocked"), _("No action is at risk or blocked."), len(lines))
        if not lines:
            return story
        headings = [_("Action"), _("Title"), _("Owner"), _("Status"), _("Deadline"), _("Note")]
        rows = [[line.label, _short(line.title), line.owner or _("Nobody yet"), state_label(line.status),
                 _day(line.due), line.note] for line in lines]  # fmt: skip
        rows, more = self._cut(rows)
        return [*story, self._table(headings, rows, [3.8, 4.4, 2.5, 1.7, 1.9, 3.7]), *more]

    def _occurrences(self) -> list[Flowable]:
        found = self.pack.occurrences
        story = self._section(_("Recurring reports due this period"), _("No recurring report fell due this period."),
                              len(found))  # fmt: skip
        if not found:
            return story
        states = {state: sum(o.state == state for o in found) for state in ("received", "missing", "due_later")}
        summary = _("{received} received, {missing} missing, {later} not due yet.").format(
            received=format_number(states["received"]), missing=format_number(states["missing"]),
            later=format_number(states["due_later"]))  # fmt: skip
        headings = [_("Report"), _("Title"), _("Organisation"), _("Due"), _("State")]
        rows = [[o.label, _short(o.title), o.organisation, _day(o.due), state_label(o.state)] for o in found]
        rows, more = self._cut(rows)
        return [*story, self._paragraph(summary), self._table(headings, rows, [3.8, 6.0, 3.4, 2.4, 2.4]), *more]

    def _escalation(self) -> list[Flowable]:
        pack = self.pack
        explained = _(
            "The worst level any organisation reported for each service and day, with its number (over a quarter, "
            "only levels 3 and 4 are numbered); a pale cell means no report that day. Dates mark Mondays."
        )
        story = [self._paragraph(_("Escalation levels this period"), self.heading), self._paragraph(explained)]
        for index, heatmap in enumerate(pack.heatmaps):
            picture = heatmap_chart(heatmap, pack.level_colours, pack.level_labels, legend=index == 0)
            story.append(self._image(picture))
        return story


def _short(title: str) -> str:
    """A title cut to a few lines: a recurring report repeats its title on every occurrence."""
    return textwrap.shorten(title, TITLE_CHARACTERS, placeholder=" …")


def _escaped(value: str) -> str:
    from xml.sax.saxutils import escape

    return escape(value)


def _day(day: date | None) -> str:
    return format_day(day) if day else ""


def _age(line: ActionLine, as_at: date) -> int:
    return (as_at - line.due).days if line.due else 0
