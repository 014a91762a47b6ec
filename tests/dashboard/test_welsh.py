"""The dashboard in Welsh, over real HTTP: chosen with `?lang=cy` and remembered, or taken from the browser's
Accept-Language; no English from the dashboard's catalog is left in a Welsh page."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from babel.messages.pofile import read_po

from bot.dashboard.language import LANGUAGE_COOKIE, browser_language
from tests.dashboard.live import LiveDashboard

CATALOG = Path(__file__).resolve().parents[2] / "bot/i18n/locale/cy/LC_MESSAGES/dashboard.po"


def english_phrases() -> list[str]:
    """The longest placeholder-free stretch of each English message, where it is long enough to be telling."""
    with CATALOG.open("rb") as handle:
        ids = [m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id]
    stretches = [max(re.split(r"\{\w+\}", message), key=len).strip(" .:(") for message in ids]
    return [s for s in stretches if len(s) >= 12]


def visible_text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_lang_cy_shows_the_page_in_welsh_and_remembers_it(live: LiveDashboard) -> None:
    with httpx.Client(base_url=live.url) as browser:
        browser.get(live.link("cvuhb"), follow_redirects=True)
        welsh = browser.get("/dashboard/org/cvuhb?lang=cy")
        assert welsh.status_code == 200 and '<html lang="cy">' in welsh.text
        assert "Lefelau uwchgyfeirio heddiw" in welsh.text and "Cyflawni cynlluniau" in welsh.text
        left = [phrase for phrase in english_phrases() if phrase in visible_text(welsh.text)]
        assert left == []
        assert browser.cookies.get(LANGUAGE_COOKIE) == "cy"
        again = browser.get("/dashboard/org/cvuhb/service/dental")
        assert "Sefydliadau oddi tano" in again.text
        english = browser.get("/dashboard/org/cvuhb?lang=en")
        assert "Escalation levels today" in english.text and '<html lang="en-GB">' in english.text


def test_the_browser_language_decides_when_nothing_was_chosen(live: LiveDashboard) -> None:
    refused = httpx.get(live.url + "/dashboard/org/cvuhb", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert refused.status_code == 401 and "Mae angen mewngofnodi" in refused.text
    english = httpx.get(live.url + "/dashboard/org/cvuhb", headers={"Accept-Language": "en-GB,cy;q=0.4"})
    assert "Sign-in needed" in english.text


@pytest.mark.parametrize(
    ("header", "language"),
    [("cy", "cy"), ("cy-GB", "cy"), ("en-GB,cy;q=0.8", "en"), ("fr,cy;q=0.5", "cy"), ("", "en"), ("cy;q=x", "en")],
)
def test_accept_language_ranking(header: str, language: str) -> None:
    assert browser_language(header) == language
