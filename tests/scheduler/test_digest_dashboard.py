"""The weekly digest and the dashboard: with the dashboard enabled, each digest links its organisation's
dashboard view and carries the tile picture, both signed for a week and a day; without it, neither."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select

from bot.clock import LONDON, FixedClock, london_today
from bot.config import Settings
from bot.console.render import render_text
from bot.dashboard.access import PICTURE, grant_from_link
from bot.dashboard.links import LINK_DAYS, dashboard_links
from bot.directory.models import Organisation, Person
from bot.escalation.models import Subscription
from bot.server.app import Runtime, build_app
from bot.storage.database import Database
from bot.teams.cards import render_card
from commands.replies import Link, Reply
from scheduler.digest import build_digest
from tests.live_server import ServerThread, free_port
from tests.scheduler.test_slack_delivery import managers_of
from tests.slack.conftest import slack_settings
from tests.stand_ins.slack_api import SlackApiStandIn

SECRET = "digest-dashboard-secret"


def _links(reply: Reply) -> list[Link]:
    return [piece for section in reply.sections for ln in section.lines for piece in ln if isinstance(piece, Link)]


def _digest(database: Database, clock: FixedClock, settings: Settings) -> Reply:
    with database.unit_of_work() as session:
        root = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        return build_digest(session=session, root=root, today=london_today(clock), now=clock.now(),
                            links=dashboard_links(settings))  # fmt: skip


def test_the_digest_links_the_dashboard_only_when_it_is_enabled(seeded_db: Database, clock: FixedClock) -> None:
    base = "https://milestones.example.nhs.wales"
    enabled = Settings(dashboard_enabled=True, dashboard_secret=SECRET, dashboard_base_url=base)
    reply = _digest(seeded_db, clock, enabled)
    (link,) = _links(reply)
    assert link.url.startswith(f"{base}/dashboard/enter?org=cvuhb&") and "Cardiff and Vale" in link.label
    assert reply.picture is not None and reply.picture.url.startswith(f"{base}/dashboard/tiles.png?org=cvuhb&")
    query = dict(part.split("=") for part in reply.picture.url.split("?")[1].split("&"))
    valid_until = clock.now() + timedelta(days=LINK_DAYS)
    assert grant_from_link(SECRET, now=valid_until - timedelta(minutes=1), purpose=PICTURE, **query) is not None
    assert grant_from_link(SECRET, now=valid_until + timedelta(minutes=1), purpose=PICTURE, **query) is None
    console = render_text(reply)
    assert link.label in console and f"<{link.url}>" in console
    runs = [run for e in render_card(reply)["body"] if e["type"] == "RichTextBlock" for run in e["inlines"]]
    assert {"type": "Action.OpenUrl", "url": link.url} in [run.get("selectAction") for run in runs]

    for disabled in (enabled.model_copy(update={"dashboard_enabled": False}), Settings(dashboard_enabled=True)):
        plain = _digest(seeded_db, clock, disabled)
        assert plain.picture is None and not _links(plain)
        assert "/dashboard" not in "\n".join(plain.plain_lines())
        assert [s.heading for s in plain.sections] == [s.heading for s in reply.sections][:-1]


def test_digests_through_slack_carry_a_picture_the_server_serves(sqlite_db: Database) -> None:
    """Monday 08:30: only the 08:00 digest is due. Each digest's image block is fetched as Slack would, and
    its dashboard link opens the view of the reader's own organisation."""
    slack = SlackApiStandIn().start()
    with sqlite_db.unit_of_work() as session:
        for person in session.scalars(select(Person)):
            slack.add_user(f"U{person.id:05d}", person.email)
        board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        session.add(Subscription(organisation=board, kind="digest", channel="slack:CDIGEST"))
        organisation_of = {
            f"U{p.id:05d}": p.organisation.code for p in session.scalars(select(Person)) if p.organisation
        }
    port = free_port()
    settings = slack_settings(slack.url, sqlite_db).model_copy(
        update={
            "scheduler_enabled": True,
            "sender_poll_seconds": 0.05,
            "leader_retry_seconds": 0.1,
            "dashboard_enabled": True,
            "dashboard_secret": SECRET,
            "dashboard_base_url": f"http://127.0.0.1:{port}",
        }
    )
    clock = FixedClock(datetime(2021, 5, 10, 8, 30, tzinfo=LONDON))
    server = ServerThread(build_app(Runtime(settings=settings, database=sqlite_db, clock=clock)), port).start()
    try:
        expected = len(managers_of(sqlite_db)) + 1
        posts = slack.wait_for("chat.postMessage", count=expected, timeout=30)
        assert len(posts) == expected
        for post in posts:
            (image,) = [b for b in post.blocks if b["type"] == "image"]
            channel = post.params["channel"]  # a person's digest goes to the direct message D<user id>
            code = "cvuhb" if channel == "CDIGEST" else organisation_of[channel.removeprefix("D")]
            assert image["image_url"].startswith(f"{server.url}/dashboard/tiles.png?org={code}&"), channel
            assert f"{server.url}/dashboard/enter?org={code}&" in post.text()
        digest = next(p for p in posts if p.params["channel"] == "CDIGEST")
        (image,) = [b for b in digest.blocks if b["type"] == "image"]
        picture = httpx.get(image["image_url"])
        assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
        assert picture.content.startswith(b"\x89PNG")
        link = re.search(r"<(http[^|>]+/dashboard/enter\?[^|>]+)\|", digest.text())
        assert link is not None
        opened = httpx.get(link.group(1), follow_redirects=True)
        assert opened.status_code == 200 and "Cardiff and Vale" in opened.text
    finally:
        server.stop()
        slack.stop()
