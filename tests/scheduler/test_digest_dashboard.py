"""The weekly digest and the dashboard: with the dashboard enabled, each digest links its organisation's
dashboard view and carries the tile picture, both signed for a week and a day; without it, neither."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import select

from bot.clock import LONDON, FixedClock, london_today
from bot.config import Settings
from bot.console.render import render_text
from bot.dashboard.access import grant_from_link
from bot.directory.models import Organisation, Person
from bot.escalation.models import Subscription
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.signed_links import LINK_DAYS, PICTURE, dashboard_links
from bot.storage.database import Database
from bot.teams.cards import render_card
from commands.replies import Link, Reply
from scheduler.digest import build_digest
from tests.live_server import ServerThread, free_port
from tests.scheduler.test_slack_delivery import managers_of
from tests.slack.conftest import slack_settings
from tests.stand_ins.slack_api import Call, SlackApiStandIn

SECRET = "digest-dashboard-secret-4e8a1c7f2b9d6035"


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
    # Sent before the day's check-ins, the digest shows the last working day: Thursday for Friday 15 January.
    assert query.pop("day") == "2021-01-14" and "14 Jan 2021" in reply.picture.alt_text
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


@dataclass
class DigestMonday:
    """The server at 08:30 on a Monday, when only the 08:00 digests are due, delivering to the Slack stand-in."""

    slack: SlackApiStandIn
    server: ServerThread
    organisation_of: dict[str, str]  # Slack user id → the code of the organisation their digest covers

    def posts(self, database: Database, *, per_digest: int = 1) -> list[Call]:
        expected = (len(managers_of(database)) + 1) * per_digest  # every manager, and the subscribed channel
        posts = self.slack.wait_for("chat.postMessage", count=expected, timeout=30)
        assert len(posts) == expected
        return posts

    def organisation(self, post: Call) -> str:
        channel = post.params["channel"]  # a person's digest goes to the direct message D<user id>
        return "cvuhb" if channel == "CDIGEST" else self.organisation_of[channel.removeprefix("D")]


@contextmanager
def digest_monday(database: Database, *, base_url: str | None = None) -> Iterator[DigestMonday]:
    slack = SlackApiStandIn().start()
    with database.unit_of_work() as session:
        people = list(session.scalars(select(Person)))
        for person in people:
            slack.add_user(f"U{person.id:05d}", person.email)
        board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        session.add(Subscription(organisation=board, kind="digest", channel="slack:CDIGEST"))
        organisation_of = {f"U{p.id:05d}": p.organisation.code for p in people if p.organisation}
    port = free_port()
    settings = slack_settings(slack.url, database).model_copy(
        update={
            "scheduler_enabled": True,
            "sender_poll_seconds": 0.05,
            "leader_retry_seconds": 0.1,
            "dashboard_enabled": True,
            "dashboard_secret": SECRET,
            "dashboard_base_url": base_url or f"http://127.0.0.1:{port}",
        }
    )
    clock = FixedClock(datetime(2021, 5, 10, 8, 30, tzinfo=LONDON))
    server = ServerThread(build_app(Runtime(settings=settings, database=database, clock=clock)), port).start()
    try:
        yield DigestMonday(slack, server, organisation_of)
    finally:
        server.stop()
        slack.stop()


def test_digests_through_slack_carry_a_picture_the_server_serves(sqlite_db: Database) -> None:
    """The stand-in downloads each picture as Slack does; the dashboard link opens the reader's organisation."""
    with digest_monday(sqlite_db) as monday:
        posts = monday.posts(sqlite_db)
        base = monday.server.url
        for post in posts:
            code = monday.organisation(post)
            (image,) = [b for b in post.blocks if b["type"] == "image"]
            assert image["image_url"].startswith(f"{base}/dashboard/tiles.png?org={code}&"), post.params["channel"]
            assert f"{base}/dashboard/enter?org={code}&" in post.text()
        digest = next(p for p in posts if p.params["channel"] == "CDIGEST")
        (image,) = [b for b in digest.blocks if b["type"] == "image"]
        picture = httpx.get(image["image_url"])
        assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
        assert picture.content.startswith(b"\x89PNG")
        link = re.search(r"<(http[^|>]+/dashboard/enter\?[^|>]+)\|", digest.text())
        assert link is not None
        opened = httpx.get(link.group(1), follow_redirects=True)
        assert opened.status_code == 200 and "Cardiff and Vale" in opened.text


def test_a_picture_slack_cannot_download_leaves_the_digest_text(sqlite_db: Database) -> None:
    """DASHBOARD_BASE_URL that Slack cannot reach: Slack refuses the message with the picture, so the text
    goes alone (with its dashboard link) rather than the digest failing."""
    with digest_monday(sqlite_db, base_url=f"http://127.0.0.1:{free_port()}") as monday:
        posts = monday.posts(sqlite_db, per_digest=2)
    with_picture = [p for p in posts if any(b["type"] == "image" for b in p.blocks)]
    text_alone = [p for p in posts if p not in with_picture]
    assert len(with_picture) == len(text_alone) == len(posts) // 2
    assert {p.params["channel"] for p in with_picture} == {p.params["channel"] for p in text_alone}
    assert all("/dashboard/enter?org=" in p.text() for p in text_alone)
