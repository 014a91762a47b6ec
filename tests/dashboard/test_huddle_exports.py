"""Huddle-ready exports over real HTTP, opened with openpyxl: typed UK dates, column widths, a frozen header,
an autofilter, and a "not reported" row for every report expected and not made (checked against the domain's
own view of each day); and the command line refusing an unknown format or a range that ends before it starts."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from openpyxl import load_workbook
from sqlalchemy import select

from bot.directory.models import Organisation
from bot.escalation.demo_reports import seed_demo_reports
from bot.escalation.service import list_services, service_day
from bot.exports.escalation import escalation_table
from bot.storage.database import Database
from tests.dashboard.live import LiveDashboard

SCRIPT = str(Path(sys.executable).parent / "milestones-bot")
FIRST, LAST = date(2021, 1, 1), date(2021, 1, 15)  # New Year's Day (a bank holiday) and two weekends


def test_the_escalation_workbook_is_ready_for_a_huddle(live: LiveDashboard) -> None:
    with httpx.Client(base_url=live.url) as browser:
        browser.get(live.link("cvuhb"), follow_redirects=True)
        response = browser.get(f"/dashboard/org/cvuhb/export/escalation.xlsx?from={FIRST}&to={LAST}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    headings = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:J{sheet.max_row}"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJ"}
    assert all(8 <= width <= 60 for width in widths.values()) and widths["D"] > widths["A"]
    rows = [dict(zip(headings, (c for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert rows
    for row in rows:
        assert isinstance(row["Date"].value, datetime) and row["Date"].number_format == "dd/mm/yyyy"
        when = row["Reported at (UK time)"]
        assert when.value is None or (isinstance(when.value, datetime) and when.number_format == "dd/mm/yyyy hh:mm")
        assert row["Level"].value is None or isinstance(row["Level"].value, int)
    not_reported = {
        (r["Date"].value.date(), r["Organisation code"].value, r["Service"].value)
        for r in rows
        if r["Level label"].value == "not reported"
    }
    assert not_reported == _missing_by_the_domain(live), "not-reported rows differ from the domain's"
    assert all(r["Level"].value is None for r in rows if r["Level label"].value == "not reported")


def _missing_by_the_domain(live: LiveDashboard) -> set[tuple[date, str, str]]:
    missing = set()
    with live.database.unit_of_work() as session:
        board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        for service in list_services(session=session):
            for n in range((LAST - FIRST).days + 1):
                day = FIRST + timedelta(days=n)
                truth = service_day(session=session, service=service, root=board, day=day)
                missing |= {(day, org.code, service.name) for org, _people in truth.missing}
    # weekday-only services are not expected on New Year's Day or at weekends
    assert not {m for m in missing if m[0] in (date(2021, 1, 1), date(2021, 1, 2)) and "In Hours" in m[2]}
    assert missing
    return missing


def test_export_refuses_an_unknown_format_and_a_backwards_range(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "LOG_LEVEL": "WARNING"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([SCRIPT, "export", *args], env=env, capture_output=True, text=True, timeout=60)

    pdf = run("escalation", "--from", "2021-01-01", "--out", str(tmp_path / "x.pdf"))
    assert pdf.returncode == 2
    assert pdf.stderr.strip() == "Cannot export to x.pdf: the formats are CSV (.csv) and Excel (.xlsx)."
    assert not (tmp_path / "x.pdf").exists()
    backwards = run("escalation", "--from", "2021-02-01", "--to", "2021-01-01")
    assert backwards.returncode == 2
    assert backwards.stderr.strip() == "--from 2021-02-01 is after --to 2021-01-01: nothing to export."
    mismatch = run("actions", "--format", "csv", "--out", str(tmp_path / "x.xlsx"))
    assert mismatch.returncode == 2 and "does not match x.xlsx" in mismatch.stderr


def test_not_reported_rows_over_several_months_of_the_demo_match_the_domain(seeded_db: Database) -> None:
    """More than one of the read model's month windows, over the demo's year (about 3 % of days missed)."""
    first, last = date(2020, 12, 1), date(2021, 1, 15)
    with seeded_db.unit_of_work() as session:
        seed_demo_reports(session=session, today=last, now=datetime(2021, 1, 15, 9, 0, tzinfo=UTC))
    with seeded_db.unit_of_work() as session:
        wales = session.scalars(select(Organisation).where(Organisation.code == "wales")).one()
        table = escalation_table(session=session, root=wales, day_from=first, day_to=last, today=last)
        rows = list(table.rows)
        truth = set()
        for service in list_services(session=session):
            for n in range((last - first).days + 1):
                day = first + timedelta(days=n)
                picture = service_day(session=session, service=service, root=wales, day=day)
                truth |= {(day, org.code, service.name) for org, _people in picture.missing}
    missing = {(r[0], r[4], r[5]) for r in rows if r[7] == "not reported"}
    assert missing == truth and len(missing) > 20
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
