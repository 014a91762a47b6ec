"""The language choice through Teams' /api/messages: the activity's locale, the offer's buttons on a card,
a click that stores the choice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from commands import welsh_words
from commands.grammar import ESCALATION_VERBS, MILESTONE_VERBS
from tests.teams.activities import card_buttons, card_click, message
from tests.teams.conftest import TeamsBotUnderTest, personal_chat

NEWCOMER = "deiniol.fychan@example.nhs.wales"
KNOWN_WORDS = {*MILESTONE_VERBS, *ESCALATION_VERBS, *welsh_words.MILESTONE_VERBS, *welsh_words.NAMESPACES,
               *welsh_words.ESCALATION_VERBS}  # fmt: skip


def _teams_text(card: dict[str, Any]) -> str:
    return str(card)


def test_teams_answers_in_the_activitys_locale_and_stores_a_click(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(NEWCOMER)
    chat = personal_chat(user)
    activity = message(user, chat, "language", teams_bot.service_url)
    assert teams_bot.post({**activity, "locale": "cy-GB"}).status_code == 200
    sent = teams_bot.connector.sent()[-1]
    assert "Nid ydych wedi dewis iaith eto." in _teams_text(sent.card)
    buttons = [b for b in card_buttons(sent.card) if str(b.get("data", {}).get("subject", "")).startswith("language:")]
    assert [b["title"] for b in buttons] == ["Cymraeg", "English"]
    assert sent.activity_id is not None
    click = card_click(user, chat, teams_bot.service_url, card_id=sent.activity_id, data=buttons[1]["data"])
    response = teams_bot.post(click)
    assert response.status_code == 200
    assert "Done: your language is now English." in str(response.json())
    assert teams_bot.person(NEWCOMER).language == "en"
    teams_bot.post(message(user, chat, "language", teams_bot.service_url) | {"locale": "cy-GB"})
    assert "Your language is English." in _teams_text(teams_bot.connector.sent()[-1].card)


def test_the_manifest_has_a_welsh_localization_file_for_every_command() -> None:
    package = Path(__file__).resolve().parents[2] / "teams"
    manifest = json.loads((package / "manifest.json").read_text())
    info = manifest["localizationInfo"]
    assert info["defaultLanguageTag"] == "en-gb"
    assert info["additionalLanguages"] == [{"languageTag": "cy", "file": "cy.json"}]
    welsh = json.loads((package / "cy.json").read_text(encoding="utf-8"))
    assert welsh["$schema"].endswith("/MicrosoftTeams.Localization.schema.json")
    assert len(welsh["description.short"]) <= 80 and len(welsh["name.full"]) <= 100  # Teams' limits
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    for index, _command in enumerate(commands):
        key = f"bots[0].commandLists[0].commands[{index}]"
        title, description = welsh[f"{key}.title"], welsh[f"{key}.description"]
        assert description and all(word in KNOWN_WORDS for word in title.split()), title
