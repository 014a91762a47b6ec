"""The report pack from the dashboard, under the exports' access rules, and the monthly posting of its signed
links to subscribed channels: each link gives exactly its own file."""

from __future__ import annotations

import io
from datetime import date

import httpx
from pypdf import PdfReader
from sqlalchemy import select

from bot.directory.models import Organisation
from bot.escalation.models import Subscription
from bot.i18n import speaking
from bot.signed_links import dashboard_links
from commands.replies import Link
from scheduler.report_packs import REPORT_PACK, build_pack_message, decide_report_packs
from tests.dashboard.live import LiveDashboard

PACK = "/dashboard/org/cvuhb/report/pcmw-2020-21"


def test_a_board_downloads_its_own_pack_and_no_other(live: LiveDashboard) -> None:
    with httpx.Client(base_url=live.url) as browser:
        browser.get(live.link("cvuhb"))
        pdf = browser.get(f"{PACK}.pdf?period=2020-Q4")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert 'filename="report-pcmw-2020-21-cvuhb-2020-Q4.pdf"' in pdf.headers["content-disposition"]
        xlsx = browser.get(f"{PACK}.xlsx?period=2020-12")
        assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
        refused = browser.get("/dashboard/org/bcuhb/report/pcmw-2020-21.pdf?period=2020-Q4")
        assert refused.status_code == 403 and "Not yours to see" in refused.text
        bad_period = browser.get(f"{PACK}.pdf?period=2020-Q9")
        assert bad_period.status_code == 400 and "is not a period" in bad_period.text
        assert browser.get("/dashboard/org/cvuhb/report/nope.pdf?period=2020-Q4").status_code == 400
        assert browser.get(f"{PACK}.docx?period=2020-Q4").status_code == 404
        # Last: the language chosen is remembered for the rest of the session.
        welsh = browser.get(f"{PACK}.pdf?period=2020-Q4&lang=cy")
        assert "Cyflawniad fesul sefydliad" in PdfReader(io.BytesIO(welsh.content)).pages[0].extract_text()
    assert httpx.get(live.url + f"{PACK}.pdf?period=2020-Q4").status_code == 401


def test_subscribed_channels_get_last_months_packs_as_links(live: LiveDashboard) -> None:
    with live.database.unit_of_work() as session:
        board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        session.add(Subscription(organisation_id=board.id, kind=REPORT_PACK, channel="slack:C0BOARD"))
    with live.database.unit_of_work() as session:
        settings = live.settings
        # 1 February 2021 is a Monday: January's packs go out then, and on no other day of the month.
        (planned,) = decide_report_packs(session=session, today=date(2021, 2, 1), settings=settings)
        assert decide_report_packs(session=session, today=date(2021, 2, 2), settings=settings) == []
        assert planned.recipient == "slack:C0BOARD" and planned.payload["period"] == "2021-01"
        board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        reply = build_pack_message(session=session, root=board, period_code="2021-01", now=live.clock.now(),
                                   links=dashboard_links(settings))  # fmt: skip
        with speaking("cy"):
            welsh = build_pack_message(session=session, root=board, period_code="2021-01", now=live.clock.now(),
                                       links=None)  # fmt: skip
    links = [piece.url for s in reply.sections for ln in s.lines for piece in ln if isinstance(piece, Link)]
    pdf = next(url for url in links if "/report/pcmw-2020-21.pdf?" in url)
    assert httpx.get(pdf).content.startswith(b"%PDF")
    for changed in (pdf.replace("period=2021-01", "period=2020-12"), pdf.replace(".pdf?", ".xlsx?"),
                    pdf.replace("/org/cvuhb/", "/org/bcuhb/")):  # fmt: skip
        assert httpx.get(changed).status_code == 403, changed
    assert "Pecynnau adroddiad" in welsh.title and "milestones-bot report --plan" in str(welsh.sections)


def test_the_organisation_page_offers_this_quarters_and_last_months_packs(live: LiveDashboard) -> None:
    with httpx.Client(base_url=live.url) as browser:
        page = browser.get(live.link("cvuhb"), follow_redirects=True).text
        # The tests' clock is 15 January 2021: this quarter is 2021-Q1, last month December 2020.
        assert "Report packs for a programme board" in page
        for link in (f"{PACK}.pdf?period=2021-Q1", f"{PACK}.xlsx?period=2020-12"):
            assert f'href="{link}"' in page
            assert browser.get(link).status_code == 200, link
        welsh = browser.get("/dashboard/org/cvuhb?lang=cy").text
        assert "Pecynnau adroddiad ar gyfer bwrdd rhaglen" in welsh and "y mis diwethaf (2020-12)" in welsh


def test_the_monthly_job_runs_on_the_first_working_day_from_its_day() -> None:
    from bot.config import Settings
    from scheduler.jobs import daily_jobs

    (job,) = [job for job in daily_jobs(Settings()) if job.name == "report_packs"]
    assert job.runs_on(date(2021, 2, 1)) and not job.runs_on(date(2021, 2, 2))
    # 1 May 2021 is a Saturday and 3 May the Early May bank holiday: May's packs go out on Tuesday 4 May.
    assert [day for day in range(1, 8) if job.runs_on(date(2021, 5, day))] == [4]
    (later,) = [job for job in daily_jobs(Settings(report_pack_day=15)) if job.name == "report_packs"]
    assert later.runs_on(date(2021, 2, 15)) and not later.runs_on(date(2021, 2, 1))
