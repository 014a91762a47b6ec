"""The dashboard explains itself, over real HTTP: level names and a legend instead of codes, who reported in
the words of who reports, UK dates, a day in the past, readable colours and a page for print."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy import select

from bot.clock import london_today
from bot.dashboard.render import contrast_ratio, level_styles, no_reports_style
from bot.directory.models import Organisation
from bot.escalation.service import list_levels, list_services, service_day
from tests.dashboard.live import LiveDashboard

WCAG_AA_TEXT = 4.5


def test_text_on_every_level_colour_meets_wcag_aa(live: LiveDashboard) -> None:
    with live.database.unit_of_work() as session:
        styles = [*level_styles(list_levels(session=session)).values(), no_reports_style(), no_reports_style(False)]
    for style in styles:
        assert contrast_ratio(style.foreground, style.background) >= WCAG_AA_TEXT, style


def test_the_board_page_names_levels_explains_them_and_writes_uk_dates(live: LiveDashboard) -> None:
    with httpx.Client(base_url=live.url) as browser:
        page = browser.get(live.link("cvuhb"), follow_redirects=True).text
    with live.database.unit_of_work() as session:
        levels = list_levels(session=session)
    legend = page[page.index('class="levels-legend"') : page.index('class="tiles"')]
    for level in levels:
        assert level.label in legend and level.definition in legend
    assert "\u00d7" not in page and not re.search(r"\bL\d\b", page)
    assert re.search(r"\d+ of \d+ GP practices reported", page)
    assert re.search(r"\d+ of \d+ health boards? reported", page)
    # never colour alone: every part of a spread bar carries its level's number
    assert re.search(r'<div class="spread"[^>]*>\s*<span style="[^"]*">\d</span>', page)
    # refs (in <code>) may name an occurrence by its ISO date: they are identifiers, typed in commands
    cells = re.findall(r"<td[^>]*>(.*?)</td>", re.sub(r"<code>.*?</code>", "", page), flags=re.S)
    assert not [c for c in cells if re.search(r"\b\d{4}-\d{2}-\d{2}\b", c)]
    assert "31 Oct 2020</td>" in page  # overdue deadlines as people write them
    assert "@media print" in page
    # sparklines are dated: the first and last day of the fortnight under each
    assert ">2 Jan</text>" in page and ">15 Jan</text>" in page


def test_a_past_day_shows_that_days_reports_and_a_bad_day_is_refused_in_plain_words(live: LiveDashboard) -> None:
    yesterday = london_today(live.clock) - timedelta(days=1)
    with httpx.Client(base_url=live.url) as browser:
        browser.get(live.link("cvuhb"), follow_redirects=True)
        page = browser.get(f"/dashboard/org/cvuhb?day={yesterday.isoformat()}").text
        service_page = browser.get(f"/dashboard/org/cvuhb/service/gp_in_hours?day={yesterday.isoformat()}").text
        refused = browser.get("/dashboard/org/cvuhb?day=2021-02-30")
    assert "Escalation levels on Thursday 14 January 2021" in page and "Back to today" in page
    assert "Worst that day:" in service_page
    with live.database.unit_of_work() as session:
        board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        for service in list_services(session=session):
            truth = service_day(session=session, service=service, root=board, day=yesterday)
            tile = re.search(rf'id="tile-{service.key}"[^>]*data-reported="(\d+)"', page)
            assert tile and int(tile.group(1)) == len(truth.reports), service.key
    assert refused.status_code == 400
    assert "<code>day</code>" in refused.text and "`" not in refused.text


def test_the_new_wording_is_welsh_in_a_welsh_page(live: LiveDashboard) -> None:
    yesterday = london_today(live.clock) - timedelta(days=1)
    with httpx.Client(base_url=live.url) as browser:
        browser.get(live.link("cvuhb"), follow_redirects=True)
        page = browser.get(f"/dashboard/org/cvuhb?lang=cy&day={yesterday.isoformat()}").text
        workbook = browser.get("/dashboard/org/cvuhb/export/escalation.csv?from=2021-01-04&to=2021-01-04").text
    assert re.search(r"\d+ o \d+ practis meddyg teulu wedi adrodd", page)
    assert "Lefelau uwchgyfeirio ar " in page and "Dangos diwrnod arall" in page and "Yn ôl i heddiw" in page
    assert "Beth mae'r lefelau" in page or "Beth mae&#39;r lefelau" in page
    assert "heb adrodd" in workbook
    # the language switch keeps the day shown
    assert f'href="?lang=en&amp;day={yesterday.isoformat()}"' in page
