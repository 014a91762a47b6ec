"""`/escalation today` adds the tile picture only when the context can link one, and every surface shows it:
a Slack image block, an Adaptive Card Image, and the alt text with the address in the console."""

from __future__ import annotations

from datetime import datetime

from bot.clock import FixedClock
from bot.console.render import render_text
from bot.slack.blocks import reply_blocks
from bot.storage.database import Database
from bot.teams.cards import render_card
from commands.context import CommandContext
from commands.dispatch import answer
from commands.replies import Reply
from tests.helpers import say


def _picture_link(org_code: str, now: datetime) -> str:
    return f"https://dashboard.example/tiles.png?org={org_code}&at={int(now.timestamp())}"


def _today(database: Database, clock: FixedClock, text: str) -> Reply:
    with database.unit_of_work() as session:
        return answer(text, CommandContext(session=session, actor=None, clock=clock, picture_link=_picture_link))


def test_today_adds_the_picture_of_the_asked_organisation(seeded_db: Database, clock: FixedClock) -> None:
    reply = _today(seeded_db, clock, "/escalation today org:bcuhb")
    assert reply.picture is not None
    assert reply.picture.url == _picture_link("bcuhb", clock.now())
    with seeded_db.unit_of_work() as session:
        without = say(session, clock, "/escalation today org:bcuhb", None)
    assert without.picture is None
    assert reply.plain_lines() == without.plain_lines()  # the text is complete either way
    for section in without.sections:
        service = (section.heading or "").split(" — ")[0]
        assert f"{service}: " in reply.picture.alt_text


def test_every_surface_renders_the_picture(seeded_db: Database, clock: FixedClock) -> None:
    reply = _today(seeded_db, clock, "/escalation today")
    assert reply.picture is not None
    blocks = reply_blocks(reply)
    assert {"type": "image", "image_url": reply.picture.url, "alt_text": reply.picture.alt_text} in blocks
    assert blocks[-1]["type"] == "context"  # the footer stays last
    images = [e for e in render_card(reply)["body"] if e["type"] == "Image"]
    assert [(e["url"], e["altText"]) for e in images] == [(reply.picture.url, reply.picture.alt_text)]
    console = render_text(reply)
    assert f"Picture: {reply.picture.alt_text}" in console and reply.picture.url in console
