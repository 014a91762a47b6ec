"""Only people in the directory read the bot's answers in Teams (over real HTTP through the connector stand-in):
in a channel with someone outside the directory the answer goes to the asker's personal chat, and the thread
only says why; with everyone in the directory it is answered in the thread as before."""

from __future__ import annotations

import json

from tests.helpers import ADMIN
from tests.teams.activities import block_text, message
from tests.teams.conftest import CHANNEL, TeamsBotUnderTest


def test_a_channel_with_a_guest_gets_no_answer_in_the_thread(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    teams_bot.connector.add_member("29:guest", email="guest@partner.example.com", aad_object_id="aad-guest")
    teams_bot.connector.set_conversation_members(CHANNEL.conversation_id, [user.user_id, "29:guest"])
    activity = message(user, CHANNEL, "escalation today", teams_bot.service_url, mention_bot=True)
    assert teams_bot.post(activity).status_code == 200
    private, notice = teams_bot.connector.sent()
    assert private.conversation != CHANNEL.conversation_id
    # Written for the channel, which has not chosen a language: both, Welsh first (commands/audience.py).
    texts = [block_text(block) for block in private.card["body"]]
    assert texts[0].startswith("Lefelau uwchgyfeirio heddiw")
    assert any(text.startswith("Escalation levels today") for text in texts)
    assert notice.conversation == CHANNEL.conversation_id and notice.body["replyToId"] == activity["id"]
    assert block_text(notice.card["body"][0]) == (
        "I have answered you in our personal chat: 1 person here is not in the milestones directory."
    )
    assert "Escalation levels" not in json.dumps(notice.card)


def test_a_channel_of_directory_members_is_answered_in_the_thread(teams_bot: TeamsBotUnderTest) -> None:
    user = teams_bot.user_for(ADMIN)
    teams_bot.connector.set_conversation_members(CHANNEL.conversation_id, [user.user_id])
    activity = message(user, CHANNEL, "overdue", teams_bot.service_url, mention_bot=True)
    assert teams_bot.post(activity).status_code == 200
    (sent,) = teams_bot.connector.sent()
    assert sent.conversation == CHANNEL.conversation_id and sent.body["replyToId"] == activity["id"]
