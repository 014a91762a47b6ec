"""Issue 13's must-show: each kind of reply, asked for in Welsh, rendered as Slack blocks (and their fallback
text), a Teams Adaptive Card and console text, carries none of the English sentences of any catalog. The
dashboard's own check is tests/dashboard/test_welsh.py; the replies' Welsh wording is checked in
tests/test_welsh_commands.py and tests/test_welsh_chat_and_scheduler.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache

import pytest
from babel.messages.pofile import read_po
from sqlalchemy.orm import Session

from bot.clock import FixedClock
from bot.console.render import render_text
from bot.i18n import speaking
from bot.i18n.catalogs import po_files
from bot.slack.blocks import fallback_text, reply_blocks
from bot.storage.database import Database
from bot.teams.cards import render_card
from tests.helpers import action, say

# Shorter pieces ("Parts", "Cluster") may be names, codes or the same word in both languages.
SHORTEST_TELLING = 13
WELSH_QUESTIONS = [
    "hwyr",
    "hwyr sefydliad:cvuhb",
    "hwyr cynllun:esr tudalen:2",
    "dyledus 8w",
    "dangos esr/1.a",
    "dangos esr/1.c",
    "dangos pacesetter/3.3.4",
    "cynllun esr",
    "uwchgyfeirio heddiw",
    "uwchgyfeirio hanes dental 7",
    "gweinyddu heb-berchennog",
    "help",
    "dangos esr/99.z",
    "blah",
]


@cache
def english_pieces() -> frozenset[str]:
    """Every catalog's English message ids, cut at their placeholders, where a piece is long enough to tell."""
    pieces: set[str] = set()
    for po in po_files("cy"):
        with po.open("rb") as handle:
            for message in read_po(handle, locale="cy"):
                for text in message.id if isinstance(message.id, tuple) else (message.id,):
                    pieces.update(p.strip() for p in re.split(r"\{[a-z_]+\}", text or ""))
    return frozenset(piece for piece in pieces if len(piece) >= SHORTEST_TELLING)


def renderings(session: Session, clock: FixedClock, question: str, owner: object) -> dict[str, str]:
    reply = say(session, clock, question, owner)  # type: ignore[arg-type]
    return {
        "slack": json.dumps(reply_blocks(reply), ensure_ascii=False) + "\n" + fallback_text(reply),
        "teams": json.dumps(render_card(reply), ensure_ascii=False, default=str),
        "console": render_text(reply),
    }


@pytest.fixture
def welsh_session(sqlite_db: Database) -> Iterator[Session]:
    with sqlite_db.unit_of_work() as session, speaking("cy"):
        yield session


@pytest.mark.parametrize("question", WELSH_QUESTIONS)
def test_a_welsh_question_is_answered_in_welsh_on_every_surface(
    welsh_session: Session, clock: FixedClock, question: str
) -> None:
    owner = action(welsh_session, "esr/1.a").owner
    for surface, text in renderings(welsh_session, clock, question, owner).items():
        left = sorted(piece for piece in english_pieces() if piece in text)
        assert left == [], f"{surface} answer to {question!r} keeps English: {left}"


def test_the_english_pieces_are_telling() -> None:
    pieces = english_pieces()
    assert "Overdue actions" in pieces and len(pieces) > 300


def test_each_surface_carries_the_welsh_text(welsh_session: Session, clock: FixedClock) -> None:
    for surface, text in renderings(welsh_session, clock, "hwyr sefydliad:cvuhb", None).items():
        assert "Gweithredoedd hwyr ar gyfer" in text and "diwrnod yn hwyr" in text, surface
