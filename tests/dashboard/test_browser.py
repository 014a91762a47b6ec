"""The dashboard in a real headless Chromium (Debian's chromium + chromium-driver via Selenium): tiles against
the database, drilling down to a cluster, and a CSV download compared with the database. Screenshots go to
artifacts/ for a reviewer. Without Chromium these skip with a reason, except under CI=true."""

from __future__ import annotations

import csv
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.clock import london_today
from bot.directory.models import Organisation
from bot.escalation.models import EscalationReport, Service
from bot.escalation.service import list_levels, list_services, service_day
from tests.dashboard.live import LiveDashboard

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@pytest.fixture
def chrome(tmp_path: Path) -> Iterator[object]:
    if not (shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)):
        message = "Chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service as DriverService

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1400,1800"):  # fmt: skip
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"download.default_directory": str(tmp_path / "downloads")})
    driver = webdriver.Chrome(options=options, service=DriverService(CHROMEDRIVER))
    yield driver
    driver.quit()


def _rgb(hex_colour: str) -> str:
    red, green, blue = (int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({red}, {green}, {blue}, 1)"


def test_board_tiles_match_the_database_and_drill_down_to_a_cluster(live: LiveDashboard, chrome, request) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    ARTIFACTS.mkdir(exist_ok=True)
    suffix = request.node.callspec.id
    chrome.get(live.link("cvuhb"))
    assert "Cardiff and Vale" in chrome.find_element(By.TAG_NAME, "h1").text
    chrome.save_screenshot(str(ARTIFACTS / f"dashboard-board-{suffix}.png"))
    with live.database.unit_of_work() as session:
        board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        levels = {lv.number: lv for lv in list_levels(session=session)}
        for service in list_services(session=session):
            truth = service_day(session=session, service=service, root=board, day=london_today(live.clock))
            tile = chrome.find_element(By.ID, f"tile-{service.key}")
            assert tile.get_attribute("data-reported") == str(len(truth.reports)), service.key
            assert int(tile.get_attribute("data-expected")) == len(truth.reports) + len(truth.missing)
            if truth.worst:
                assert levels[truth.worst].label in tile.text
                assert tile.value_of_css_property("background-color") == _rgb(levels[truth.worst].colour)
            for organisation, _people in truth.missing:
                assert organisation.name in tile.text
    chrome.find_element(By.ID, "tile-gp_in_hours").click()
    assert "GP Services (In Hours)" in chrome.find_element(By.TAG_NAME, "h1").text
    chrome.save_screenshot(str(ARTIFACTS / f"dashboard-drilldown-{suffix}.png"))
    cluster_row = chrome.find_element(By.CSS_SELECTOR, "#branches tr[data-org='cardiff-north']")
    cluster_row.find_element(By.TAG_NAME, "a").click()
    assert "Cardiff North" in chrome.find_element(By.TAG_NAME, "h1").text
    rows = chrome.find_elements(By.CSS_SELECTOR, "#branches tbody tr")
    assert rows and all(row.get_attribute("data-org") for row in rows)


def test_csv_download_matches_the_database(live: LiveDashboard, chrome, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    chrome.get(live.link("cvuhb"))
    chrome.find_element(By.ID, "export-escalation-csv").click()
    downloads = tmp_path / "downloads"
    deadline = time.monotonic() + 15
    while not list(downloads.glob("*.csv")) and time.monotonic() < deadline:
        time.sleep(0.1)
    (csv_file,) = downloads.glob("*.csv")
    with csv_file.open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    with live.database.unit_of_work() as session:
        board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        truth = session.execute(
            select(EscalationReport.day, Organisation.code, Service.name, EscalationReport.level)
            .join(Organisation, Organisation.id == EscalationReport.organisation_id)
            .join(Service, Service.id == EscalationReport.service_id)
            .where(EscalationReport.superseded_at.is_(None), Organisation.path.startswith(board.path))
        ).all()
    expected = sorted((d.isoformat(), code, name, str(level)) for d, code, name, level in truth)
    got = sorted((r["Date"], r["Organisation code"], r["Service"], r["Level"]) for r in rows)
    assert got == expected and len(got) > 10


def test_the_language_switch_shows_the_board_in_welsh_and_back(live: LiveDashboard, chrome, request) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    ARTIFACTS.mkdir(exist_ok=True)
    suffix = request.node.callspec.id
    chrome.get(live.link("cvuhb"))
    chrome.find_element(By.CSS_SELECTOR, "nav.language a[lang='cy']").click()
    assert chrome.find_element(By.TAG_NAME, "html").get_attribute("lang") == "cy"
    headings = [h.text for h in chrome.find_elements(By.TAG_NAME, "h2")]
    assert headings[:2] == ["Lefelau uwchgyfeirio heddiw", "Cyflawni cynlluniau"]
    chrome.save_screenshot(str(ARTIFACTS / f"dashboard-board-cy-{suffix}.png"))
    chrome.find_element(By.ID, "tile-gp_in_hours").click()
    assert "Sefydliadau oddi tano" in chrome.page_source
    chrome.find_element(By.CSS_SELECTOR, "nav.language a[lang='en']").click()
    assert "Organisations beneath" in chrome.page_source
