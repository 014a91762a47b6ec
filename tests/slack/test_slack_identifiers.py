"""The patient-identifier guard over real HTTP from Slack: a slash command's note and a note typed in the prompt's
modal are refused, nothing is recorded, and the server's log never holds the number."""

from __future__ import annotations

import logging

import pytest

from tests.helpers import action
from tests.slack.conftest import SlackBot
from tests.slack.prompting import click_payload, prompt_elements, send_status_prompt, status_updates

NOTE = "Pt John Smith NHS no 943 476 5919 DOB 01/02/1950"


def test_a_slash_update_with_a_patient_identifier_is_refused(
    slack_bot: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    with slack_bot.database.unit_of_work() as session:
        owner_email = action(session, "esr/1.a").owner.email  # type: ignore[union-attr]
    slack_bot.slack.add_user("UOWNER", owner_email)
    before = status_updates(slack_bot)
    with caplog.at_level(logging.DEBUG):
        slack_bot.sender.slash("/milestones", f'update esr/1.a at_risk "{NOTE}"', user_id="UOWNER")
        reply = slack_bot.slack.wait_for("response:default")[0].params
    assert "looks like it contains an NHS number and a date of birth" in reply["blocks"][0]["text"]["text"]
    assert "943 476 5919" not in str(reply) and status_updates(slack_bot) == before
    assert "943 476 5919" not in caplog.text and "01/02/1950" not in caplog.text


def test_a_modal_note_with_a_patient_identifier_keeps_the_modal_open(slack_bot: SlackBot) -> None:
    message, ts = send_status_prompt(slack_bot, "UOWNER")
    slack_bot.sender.interaction(
        click_payload(
            message, ts, "UOWNER", prompt_elements(message)[-1], response_url=slack_bot.slack.response_url("c")
        )
    )
    view = slack_bot.slack.wait_for("views.open")[0].params["view"]
    options = view["blocks"][0]["element"]["options"]
    choice = {"value": {"type": "static_select", "selected_option": options[3]}}
    note = {"value": {"type": "plain_text_input", "value": "MRN: 7654321 seen"}}
    submitted = {**view, "state": {"values": {"choice": choice, "note": note}}}
    before = status_updates(slack_bot)
    response = slack_bot.sender.interaction({"type": "view_submission", "user": {"id": "UOWNER"}, "view": submitted})
    assert response.status_code == 200
    assert response.json()["response_action"] == "errors"
    assert "a hospital number" in response.json()["errors"]["note"]
    assert status_updates(slack_bot) == before and slack_bot.slack.calls_to("chat.update") == []
