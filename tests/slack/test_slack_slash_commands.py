"""Slash commands end to end: signed request → ack → reply delivered to the response_url."""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.plans.models import StatusUpdate
from tests.helpers import ADMIN, action, outsider, person
from tests.slack.conftest import SlackBot


def _reply(bot: SlackBot, count: int = 1) -> dict:
    calls = bot.slack.wait_for("response:default", count)
    assert len(calls) >= count, "no reply reached the response_url"
    return calls[count - 1].params


def test_overdue_is_acknowledged_at_once_and_answered_with_blocks(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    started = time.monotonic()
    ack = slack_bot.sender.slash("/milestones", "overdue", user_id="UADMIN")
    assert ack.status_code == 200 and ack.text == ""
    assert time.monotonic() - started < 1.0  # Slack allows three seconds
    reply = _reply(slack_bot)
    assert reply["response_type"] == "ephemeral"
    blocks = reply["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Overdue actions", "emoji": True}}
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert sections and sections[0].startswith("*") and "overdue action" in sections[0]
    assert "days overdue" in sections[0] and "• `" in sections[0]
    assert blocks[-1]["type"] == "context" and "/milestones update" in blocks[-1]["elements"][0]["text"]
    with slack_bot.database.unit_of_work() as session:
        assert person(session, ADMIN).slack_user_id == "UADMIN"  # linked once, by email


def test_owners_known_to_slack_are_mentioned(slack_bot: SlackBot) -> None:
    with slack_bot.database.unit_of_work() as session:
        owner = action(session, "esr/1.a").owner
        assert owner is not None
        owner.slack_user_id = "UOWNER"
    slack_bot.slack.add_user("UADMIN", ADMIN)
    slack_bot.sender.slash("/milestones", "show esr/1.a", user_id="UADMIN")
    assert "<@UOWNER>" in str(_reply(slack_bot)["blocks"])


def test_public_flag_posts_to_the_channel(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    slack_bot.sender.slash("/milestones", "overdue public", user_id="UADMIN")
    assert _reply(slack_bot)["response_type"] == "in_channel"


def test_update_by_the_owner_is_recorded_from_slack(slack_bot: SlackBot) -> None:
    with slack_bot.database.unit_of_work() as session:
        owner_email = action(session, "esr/1.a").owner.email  # type: ignore[union-attr]
    slack_bot.slack.add_user("UOWNER", owner_email)
    slack_bot.sender.slash("/milestones", 'update esr/1.a at_risk "waiting for data"', user_id="UOWNER")
    assert "is now At risk" in _reply(slack_bot)["blocks"][0]["text"]["text"]
    with slack_bot.database.unit_of_work() as session:
        target = action(session, "esr/1.a")
        latest = session.scalars(select(StatusUpdate).where(StatusUpdate.action_id == target.id)
                                 .order_by(StatusUpdate.id.desc())).first()  # fmt: skip
        assert target.status == "at_risk" and latest is not None
        assert (latest.source, latest.note, latest.person.email) == ("slack", "waiting for data", owner_email)


def test_update_by_someone_else_is_refused_and_nothing_changes(slack_bot: SlackBot) -> None:
    with slack_bot.database.unit_of_work() as session:
        target = action(session, "esr/1.a")
        before, stranger = target.status, outsider(session, target).email
    slack_bot.slack.add_user("USTRANGER", stranger)
    slack_bot.sender.slash("/milestones", "update esr/1.a done", user_id="USTRANGER")
    header = _reply(slack_bot)["blocks"][0]["text"]["text"]
    assert header.startswith(":no_entry_sign: You can't update esr/1.a")
    with slack_bot.database.unit_of_work() as session:
        assert action(session, "esr/1.a").status == before


def test_unknown_reference_gets_a_hint(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    slack_bot.sender.slash("/milestones", "show esr/99.z", user_id="UADMIN")
    reply = _reply(slack_bot)
    assert "There is no action `esr/99.z`" in reply["blocks"][0]["text"]["text"]


def test_malformed_text_gets_the_help_for_that_command(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    slack_bot.sender.slash("/milestones", 'update esr/1.a "unclosed', user_id="UADMIN")
    reply = _reply(slack_bot)
    assert "quotation mark is not closed" in reply["blocks"][0]["text"]["text"]
    slack_bot.sender.slash("/escalation", "frobnicate", user_id="UADMIN")
    text = str(_reply(slack_bot, 2)["blocks"])
    assert "I don't know the command `frobnicate`" in text and "/escalation report" in text


def test_escalation_today_uses_the_escalation_namespace(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    slack_bot.sender.slash("/escalation", "today", user_id="UADMIN")
    assert _reply(slack_bot)["blocks"][0]["text"]["text"].startswith("Escalation levels today")


def test_unknown_slack_user_is_told_how_to_be_added(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UNEW", "not.in.directory@example.org")
    slack_bot.sender.slash("/milestones", "mine", user_id="UNEW")
    text = str(_reply(slack_bot)["blocks"])
    assert "I only answer people in the milestones directory" in text and "add your work email" in text
    slack_bot.sender.slash("/milestones", "mine", user_id="UNOEMAIL")  # Slack has no email for them at all
    assert "I only answer people in the milestones directory" in str(_reply(slack_bot, 2)["blocks"])
