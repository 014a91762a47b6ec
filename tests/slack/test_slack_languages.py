"""The language choice over real HTTP against the Slack Web API stand-in: the offer's buttons, a click that
stores the choice once, the locale from users.info, a channel answered in both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.helpers import person
from tests.slack.conftest import SlackBot
from tests.slack.prompting import click_payload

NEWCOMER = "deiniol.fychan@example.nhs.wales"


def _language_buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = [b for b in blocks if b["type"] == "actions"]
    return [e for row in rows for e in row["elements"] if e.get("value", "").startswith("language:")]


def test_slack_offers_the_choice_once_and_a_click_stores_it(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UNEW", NEWCOMER)
    slack_bot.sender.slash("/milestones", "mine", user_id="UNEW")
    first = slack_bot.slack.wait_for("response:default", 1)[0].params
    buttons = _language_buttons(first["blocks"])
    assert [b["text"]["text"] for b in buttons] == ["Cymraeg", "English"]
    assert "Cymraeg neu English?" in str(first["blocks"])
    # Another command: the same signed body twice within a second is a replay, which Slack never sends.
    slack_bot.sender.slash("/milestones", "due", user_id="UNEW")
    second = slack_bot.slack.wait_for("response:default", 2)[1].params
    assert _language_buttons(second["blocks"]) == []  # offered once

    message_ = {"channel": "C0CHANNEL", "blocks": first["blocks"]}
    click = click_payload(message_, "1700000000.000100", "UNEW", buttons[0],
                          response_url=slack_bot.slack.response_url("click"))  # fmt: skip
    click["container"]["is_ephemeral"] = True  # a slash command's answer: replaced through its response_url
    assert slack_bot.sender.interaction(click).status_code == 200
    receipt = slack_bot.slack.wait_for("response:click")[0].params
    assert receipt["replace_original"] is True
    assert "Wedi'i wneud: eich iaith bellach yw Cymraeg." in str(receipt["blocks"])
    with slack_bot.database.unit_of_work() as session:
        assert person(session, NEWCOMER).language == "cy"
    # The same message clicked again (English this time) records nothing more.
    again = click_payload(message_, "1700000000.000100", "UNEW", buttons[1],
                          response_url=slack_bot.slack.response_url("click"))  # fmt: skip
    again["container"]["is_ephemeral"] = True
    assert slack_bot.sender.interaction(again).status_code == 200
    assert "already answered" in str(slack_bot.slack.wait_for("response:click", 2, timeout=30)[-1].params)
    with slack_bot.database.unit_of_work() as session:
        assert person(session, NEWCOMER).language == "cy"


def test_slack_answers_in_welsh_when_the_users_locale_is_welsh(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UCY", NEWCOMER, locale="cy-GB")
    slack_bot.sender.slash("/milestones", "language", user_id="UCY")
    reply = slack_bot.slack.wait_for("response:default")[0].params
    assert "Nid ydych wedi dewis iaith eto." in str(reply["blocks"])
    asked = [c for c in slack_bot.slack.calls_to("users.info") if str(c.params.get("include_locale")) in ("1", "true")]
    assert asked, "users.info was not asked for the locale"


def test_slack_channel_replies_are_in_both_languages_welsh_first(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UNEW", NEWCOMER)
    slack_bot.slack.set_channel_members("C0CHANNEL", ["UBOT", "UNEW"])
    slack_bot.sender.slash("/milestones", "overdue public", user_id="UNEW")
    reply = slack_bot.slack.wait_for("response:default")[0].params
    assert reply["response_type"] == "in_channel"
    text = str(reply["blocks"])
    assert "Overdue actions" in text  # the English half, after the Welsh one
    assert _language_buttons(reply["blocks"]) == []  # the offer is for one person, never posted in a channel


def test_the_manifest_describes_the_commands_in_welsh_first() -> None:
    manifest = yaml.safe_load((Path(__file__).resolve().parents[2] / "slack" / "manifest.yaml").read_text())
    for command in manifest["features"]["slash_commands"]:
        welsh, english = command["description"].split(" · ", 1)
        assert "uwchgyfeirio" in welsh or "Cynlluniau" in welsh, welsh
        assert english[0].isupper() and len(command["description"]) <= 2000 and len(command["usage_hint"]) <= 1000
    assert manifest["display_information"]["description"].startswith("Cadw") and len(
        manifest["display_information"]["description"]) <= 140  # fmt: skip


def test_slack_is_not_asked_for_the_locale_of_someone_who_has_chosen(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UGWEN", "gwenllian.prys@example.nhs.wales", locale="en-GB")
    slack_bot.sender.slash("/milestones", "language", user_id="UGWEN")
    reply = slack_bot.slack.wait_for("response:default")[0].params
    assert "Eich iaith yw Cymraeg." in str(reply["blocks"])  # her choice, not her Slack locale
    asked = [c for c in slack_bot.slack.calls_to("users.info") if c.params.get("include_locale") is not None]
    assert asked == []
