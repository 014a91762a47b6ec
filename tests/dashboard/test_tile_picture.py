"""The tile picture over real HTTP: a PNG whose tiles carry each service's worst level colour today, behind
the dashboard's access rules with a signature of its own (chat platforms fetch images without cookies)."""

from __future__ import annotations

import io
from datetime import timedelta

import httpx
from PIL import Image
from sqlalchemy import select

from bot.clock import london_today
from bot.dashboard.render import NO_REPORTS
from bot.dashboard.tile_picture import tile_box
from bot.directory.models import Organisation
from bot.escalation.service import list_levels, list_services, service_day
from bot.signed_links import picture_link
from tests.dashboard.live import LiveDashboard


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    red, green, blue = (int(hex_colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return red, green, blue


def _picture(live: LiveDashboard, org_code: str, days: int = 2) -> str:
    return picture_link(live.settings, org_code, now=live.clock.now(), days=days)


def test_each_tile_is_the_colour_of_the_services_worst_level_today(live: LiveDashboard) -> None:
    response = httpx.get(_picture(live, "cvuhb"))
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content)).convert("RGB")
    with live.database.unit_of_work() as session:
        board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        levels = {lv.number: lv.colour for lv in list_levels(session=session)}
        services = list_services(session=session)
        worst_levels = []
        for index, service in enumerate(services):
            truth = service_day(session=session, service=service, root=board, day=london_today(live.clock))
            _left, _top, right, bottom = tile_box(index)
            # The bottom-right corner of a tile is clear of its text.
            expected = levels[truth.worst] if truth.worst is not None else NO_REPORTS.background
            assert image.getpixel((right - 4, bottom - 4)) == _rgb(expected), service.key
            worst_levels.append(truth.worst)
    assert image.width >= tile_box(3)[2] and image.height >= tile_box(len(services) - 1)[3]
    assert len(set(worst_levels)) > 1, "the seeded reports should give the tiles different colours"


def test_the_picture_is_refused_without_a_valid_signature_or_session(live: LiveDashboard) -> None:
    plain = httpx.get(live.url + "/dashboard/tiles.png?org=cvuhb")
    assert plain.status_code == 401
    good = _picture(live, "cvuhb", days=1)
    assert httpx.get(good.replace("org=cvuhb", "org=bcuhb")).status_code == 403
    assert httpx.get(good.replace("sig=", "sig=0")).status_code == 403
    # An access link's signature is for opening a session, not for fetching pictures, and the other way round.
    entry = live.link("cvuhb")
    assert httpx.get(entry.replace("/dashboard/enter", "/dashboard/tiles.png")).status_code == 403
    assert httpx.get(good.replace("/dashboard/tiles.png", "/dashboard/enter")).status_code == 403
    live.clock.advance(timedelta(days=2))
    expired = httpx.get(good)
    assert expired.status_code == 403 and "expired" in expired.text


def test_a_board_session_gets_its_own_pictures_and_no_other_boards(live: LiveDashboard) -> None:
    with httpx.Client(base_url=live.url) as browser:
        assert browser.get(live.link("cvuhb"), follow_redirects=True).status_code == 200
        for code in ("cvuhb", "cardiff-north"):
            own = browser.get(f"/dashboard/tiles.png?org={code}")
            assert own.status_code == 200 and own.content.startswith(b"\x89PNG"), code
        other = browser.get("/dashboard/tiles.png?org=bcuhb")
        assert other.status_code == 403 and "Not yours to see" in other.text


def test_a_past_day_shows_that_days_levels_and_a_bad_day_is_refused(live: LiveDashboard) -> None:
    yesterday = london_today(live.clock) - timedelta(days=1)
    link = picture_link(live.settings, "cvuhb", now=live.clock.now(), days=1, day=yesterday)
    image = Image.open(io.BytesIO(httpx.get(link).content)).convert("RGB")
    with live.database.unit_of_work() as session:
        board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        levels = {lv.number: lv.colour for lv in list_levels(session=session)}
        for index, service in enumerate(list_services(session=session)):
            truth = service_day(session=session, service=service, root=board, day=yesterday)
            expected = levels[truth.worst] if truth.worst is not None else NO_REPORTS.background
            _left, _top, right, bottom = tile_box(index)
            assert image.getpixel((right - 4, bottom - 4)) == _rgb(expected), service.key
    tomorrow = (london_today(live.clock) + timedelta(days=1)).isoformat()
    for bad in ("yesterday", "2021-02-30", tomorrow):
        refused = httpx.get(link.replace(f"day={yesterday.isoformat()}", f"day={bad}"))
        assert refused.status_code == 400 and "not after today" in refused.text
