"""Only people in the directory are answered, over real HTTP: a Slack user whose email is not in the directory
(a guest, a Slack Connect partner) gets one sentence for every command, and a `public` answer or an @mention's
answer goes to the channel only when everyone in it is in the directory."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.plans.models import StatusUpdate
from tests.helpers import ADMIN
from tests.slack.conftest import SlackBot

STRANGER = (
    "I only answer people in the milestones directory; ask a milestones-bot administrator to add your work email."
)


@pytest.mark.parametrize(
    "command,text",
    [
        ("/milestones", "overdue org:cvuhb"),
        ("/milestones", "show esr/1.a"),
        ("/milestones", "plan esr"),
        ("/milestones", "due 2w"),
        ("/milestones", "help"),
        ("/milestones", 'update esr/1.a done "guessing"'),
        ("/escalation", "today public"),
        ("/escalation", "history dental 7d"),
    ],
)
def test_a_stranger_gets_one_sentence_for_every_command(slack_bot: SlackBot, command: str, text: str) -> None:
    slack_bot.slack.add_user("UGUEST", "partner@supplier.example.com")
    with slack_bot.database.unit_of_work() as session:
        before = session.scalar(select(func.count()).select_from(StatusUpdate))
    assert slack_bot.sender.slash(command, text, user_id="UGUEST").status_code == 200
    reply = slack_bot.slack.wait_for("response:default")[0].params
    assert reply["response_type"] == "ephemeral"
    assert [b["text"]["text"] for b in reply["blocks"]] == [f":no_entry_sign: {STRANGER}"]
    with slack_bot.database.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(StatusUpdate)) == before


def test_a_public_answer_stays_private_when_a_stranger_is_in_the_channel(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    slack_bot.slack.add_user("UGUEST", "partner@supplier.example.com")
    slack_bot.slack.set_channel_members("CSHARED", ["UBOT", "UADMIN", "UGUEST"])
    slack_bot.sender.slash("/escalation", "today public", user_id="UADMIN", channel_id="CSHARED")
    reply = slack_bot.slack.wait_for("response:default")[0].params
    assert reply["response_type"] == "ephemeral"
    assert "Shown only to you: 1 person in this channel is not in the milestones directory" in str(reply["blocks"])

    slack_bot.slack.set_channel_members("CTEAM", ["UBOT", "UADMIN"])
    slack_bot.sender.slash("/escalation", "today public", user_id="UADMIN", channel_id="CTEAM")
    assert slack_bot.slack.wait_for("response:default", 2)[1].params["response_type"] == "in_channel"


def test_a_mention_is_answered_to_the_asker_alone_in_a_channel_with_strangers(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    slack_bot.slack.set_channel_members("CSHARED", ["UBOT", "UADMIN", "UOUTSIDE"])
    event = {"type": "app_mention", "user": "UADMIN", "text": "<@UBOT> overdue", "channel": "CSHARED", "ts": "1.1"}
    assert slack_bot.sender.event(event, event_id="Ev1").status_code == 200
    ephemeral = slack_bot.slack.wait_for("chat.postEphemeral")
    assert ephemeral and ephemeral[0].params["user"] == "UADMIN"
    assert slack_bot.slack.calls_to("chat.postMessage") == []

    slack_bot.slack.set_channel_members("CTEAM", ["UBOT", "UADMIN"])
    event = {**event, "channel": "CTEAM", "ts": "2.1"}
    slack_bot.sender.event(event, event_id="Ev2")
    assert slack_bot.slack.wait_for("chat.postMessage")[0].params["channel"] == "CTEAM"
