"""Wed 29 Dec 2021 on the seed data, sent through the Teams chat port to the Bot Connector stand-in: one card
per person, each action with its own buttons and note box; a click records that action once and the card is
redrawn with the rest still to answer."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from bot.clock import LONDON, FixedClock
from bot.directory.models import Person
from bot.plans.models import Action, StatusUpdate
from bot.teams.cards import note_input_id
from scheduler.jobs import run_decision
from scheduler.outbox import Planned, recipient_person_id
from scheduler.sender import Sender
from scheduler.status_prompts import decide_status_prompts
from tests.scheduler.scenario import weekly_overdue_for
from tests.scheduler.test_prompt_bundles import BUSY, DAY
from tests.teams.activities import block_text, card_buttons
from tests.teams.conftest import TeamsBotUnderTest
from tests.teams.test_teams_prompts import answered, installed

MORNING = datetime(2021, 12, 29, 10, 30, tzinfo=LONDON)
TEAMS_MESSAGE_LIMIT = 28_000  # bytes Teams accepts in one message


def test_29_dec_over_teams_one_card_each_and_a_click_records_once(
    teams_bot: TeamsBotUnderTest, clock: FixedClock
) -> None:
    clock.set(MORNING)
    settings = teams_bot.runtime.settings
    with teams_bot.database.unit_of_work() as session:
        weekly_overdue_for(session, BUSY, 24, DAY)
        planned = decide_status_prompts(session=session, today=DAY, settings=settings)
        emails = [session.get_one(Person, recipient_person_id(p.recipient)).email for p in planned]
    users = {email: installed(teams_bot, email) for email in emails}
    before = len(teams_bot.connector.sent())
    with teams_bot.database.unit_of_work() as session:
        run_decision(session=session, decide=_status_prompts, clock=clock, settings=settings)
    Sender(teams_bot.database, [teams_bot.port()], clock, settings, worker="test").drain()
    cards = teams_bot.connector.sent()[before:]
    assert len(cards) == len(emails) and len({card.conversation for card in cards}) == len(emails)
    sent = next(card for card in cards if block_text(card.card["body"][0]) == "How are these 24 actions going?")
    assert len(json.dumps(sent.body).encode()) < TEAMS_MESSAGE_LIMIT
    buttons = card_buttons(sent.card)
    assert len(buttons) == 10 * 5 + 1 and buttons[-1]["title"] == "Show the next 10"

    done = next(b["data"] for b in buttons if b["title"] == "Done")
    click = done | {note_input_id(done["subject"]): "signed off at the board", "note.bundle:0:0": "another box's text"}
    first = answered(teams_bot, users[BUSY], sent, click)
    redrawn = first["value"]
    label = _label(teams_bot, int(done["subject"].rpartition(":")[2]))
    assert block_text(redrawn["body"][0]) == f"Recorded: {label}: Done — “signed off at the board”"
    assert len(card_buttons(redrawn)) == 9 * 5 + 1
    again = answered(teams_bot, users[BUSY], sent, click)["value"]  # the bundle as it stands, nothing recorded
    assert block_text(again["body"][0]) == "How are these 24 actions going?" and len(card_buttons(again)) == 9 * 5 + 1
    with teams_bot.database.unit_of_work() as session:
        action_id = int(done["subject"].rpartition(":")[2])
        target = session.get_one(Action, action_id)
        notes = list(session.scalars(select(StatusUpdate.note).where(StatusUpdate.action_id == action_id)))
        assert (target.status, notes) == ("done", ["signed off at the board"])


def _label(teams_bot: TeamsBotUnderTest, action_id: int) -> str:
    with teams_bot.database.unit_of_work() as session:
        return session.get_one(Action, action_id).label


def _status_prompts(session: Any, today: date, _now: datetime, settings: Any) -> list[Planned]:
    return decide_status_prompts(session=session, today=today, settings=settings)
