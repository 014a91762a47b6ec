"""Teams cards show user text as plain text: a note written as a markdown link is never a live link, in the
receipt's title, in `show`'s history or in an update's footer (over real HTTP, through the connector stand-in);
and the patient-identifier guard refuses a card's note."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.teams.cards import note_input_id, render_card
from commands.replies import Choice, Prompt, Reply
from tests.helpers import action
from tests.teams.activities import block_text, card_buttons, message
from tests.teams.conftest import TeamsBotUnderTest, personal_chat
from tests.teams.test_teams_prompts import answered, installed, one_action_prompt

LINK = "[Click to re-authenticate](https://evil.example/login)"


def _text_elements(card: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("TextBlock", "FactSet"):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def test_a_markdown_link_in_a_note_is_plain_text_wherever_it_is_shown(teams_bot: TeamsBotUnderTest) -> None:
    with teams_bot.database.unit_of_work() as session:
        owner = action(session, "esr/1.a").owner
        assert owner is not None
        email = owner.email
    user = teams_bot.user_for(email)
    chat = personal_chat(user)
    for text in (f'update esr/1.a at_risk "{LINK}"', "show esr/1.a"):
        assert teams_bot.post(message(user, chat, text, teams_bot.service_url)).status_code == 200
    update, shown = (call.card for call in teams_bot.connector.sent()[-2:])
    assert LINK in block_text(update["body"][-1])  # the footer: "Recorded by … with the note “[Click…”"
    assert LINK in json.dumps(shown)
    for card in (update, shown):
        assert _text_elements(card) == []  # no element that reads markdown
        assert "evil.example" not in json.dumps([r for r in _runs(card) if "selectAction" in r])


def _runs(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [run for element in card["body"] if element["type"] == "RichTextBlock" for run in element["inlines"]]


def test_a_receipt_shows_the_note_as_typed_and_never_as_a_link(teams_bot: TeamsBotUnderTest) -> None:
    owner_email, prompt = one_action_prompt(teams_bot)
    user = installed(teams_bot, owner_email)
    teams_bot.port().send_to_person(teams_bot.person(owner_email), prompt)
    sent = teams_bot.connector.sent()[-1]
    buttons = {a["title"]: a["data"] for a in card_buttons(sent.card)}
    data = buttons["Done"] | {note_input_id(buttons["Done"]["subject"]): LINK}
    receipt = answered(teams_bot, user, sent, data)["value"]
    assert block_text(receipt["body"][0]) == f"Recorded: esr/1.a: Done — “{LINK}”"
    assert _text_elements(receipt) == []


def test_a_card_note_with_a_patient_identifier_is_refused(teams_bot: TeamsBotUnderTest) -> None:
    owner_email, prompt = one_action_prompt(teams_bot)
    user = installed(teams_bot, owner_email)
    teams_bot.port().send_to_person(teams_bot.person(owner_email), prompt)
    sent = teams_bot.connector.sent()[-1]
    buttons = {a["title"]: a["data"] for a in card_buttons(sent.card)}
    data = buttons["Done"] | {note_input_id(buttons["Done"]["subject"]): "NHS 943 476 5919"}
    body = answered(teams_bot, user, sent, data)
    assert body["type"] == "application/vnd.microsoft.activity.message"
    assert "an NHS number" in body["value"] and "943" not in body["value"]
    with teams_bot.database.unit_of_work() as session:
        assert action(session, "esr/1.a").status != "done"


def test_the_level_definitions_are_plain_lines_too() -> None:
    prompt = Prompt(kind="escalation", subject="checkin:1:1", question="Which level?", asked_on=date(2021, 1, 15),
                    choices=(Choice("1", "Low", LINK),))  # fmt: skip
    card = render_card(Reply(title="t", prompt=prompt))
    assert _text_elements(card) == [] and LINK in json.dumps(card)
