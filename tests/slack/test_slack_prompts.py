"""Prompts sent through the Slack chat port and answered by clicking: recorded once, message updated in place."""

from __future__ import annotations

import json
import time

from sqlalchemy import select

from bot.escalation.models import EscalationReport, Level
from bot.slack.surface import slack
from commands.prompts import checkin_prompt
from tests.helpers import action, outsider, reporter_of
from tests.slack.conftest import SlackBot
from tests.slack.prompting import click_payload, prompt_elements, send_status_prompt, status_updates


def test_status_prompt_has_buttons_and_a_click_is_recorded_once(slack_bot: SlackBot) -> None:
    message, ts = send_status_prompt(slack_bot, "UOWNER")
    labels = [e["text"]["text"] for e in prompt_elements(message)]
    assert labels == ["On track", "At risk", "Blocked", "Done", "Snooze a week", "Add a note"]
    before = status_updates(slack_bot)
    at_risk = prompt_elements(message)[1]
    for _ in range(3):  # an impatient double click, and Slack redelivering it
        assert (
            slack_bot.sender.interaction(
                click_payload(message, ts, "UOWNER", at_risk, response_url=slack_bot.slack.response_url("click"))
            ).status_code
            == 200
        )
    update = slack_bot.slack.wait_for("chat.update")[0].params
    assert (update["channel"], update["ts"]) == (message["channel"], ts)
    receipt = json.dumps(update["blocks"])
    assert "Recorded: esr/1.a: At risk" in receipt and "<@UOWNER>" in receipt and "actions" not in receipt
    time.sleep(0.3)
    assert status_updates(slack_bot) == before + 1
    with slack_bot.database.unit_of_work() as session:
        assert action(session, "esr/1.a").status == "at_risk"


def test_someone_else_clicking_is_refused_privately_and_the_prompt_stays(slack_bot: SlackBot) -> None:
    message, ts = send_status_prompt(slack_bot, "UOWNER")
    with slack_bot.database.unit_of_work() as session:
        stranger = outsider(session, action(session, "esr/1.a")).email
    slack_bot.slack.add_user("USTRANGER", stranger)
    payload = click_payload(
        message, ts, "USTRANGER", prompt_elements(message)[3], response_url=slack_bot.slack.response_url("click")
    )
    slack_bot.sender.interaction(payload)
    refusal = slack_bot.slack.wait_for("response:click")[0].params
    assert refusal["response_type"] == "ephemeral" and refusal["replace_original"] is False
    assert "You can't update esr/1.a" in json.dumps(refusal["blocks"])
    assert slack_bot.slack.calls_to("chat.update") == []


def test_add_a_note_opens_a_modal_whose_submission_records_with_the_note(slack_bot: SlackBot) -> None:
    message, ts = send_status_prompt(slack_bot, "UOWNER")
    slack_bot.sender.interaction(
        click_payload(
            message, ts, "UOWNER", prompt_elements(message)[-1], response_url=slack_bot.slack.response_url("click")
        )
    )
    view = slack_bot.slack.wait_for("views.open")[0].params["view"]
    options = view["blocks"][0]["element"]["options"]
    assert [o["text"]["text"] for o in options][:4] == ["On track", "At risk", "Blocked", "Done"]
    choice = {"value": {"type": "static_select", "selected_option": options[2]}}
    note = {"value": {"type": "plain_text_input", "value": "no data"}}
    submitted = {**view, "state": {"values": {"choice": choice, "note": note}}}
    response = slack_bot.sender.interaction({"type": "view_submission", "user": {"id": "UOWNER"}, "view": submitted})
    assert response.status_code == 200 and response.text == ""
    assert "esr/1.a: Blocked — “no data”" in json.dumps(
        slack_bot.slack.wait_for("chat.update")[0].params["blocks"], ensure_ascii=False
    )
    # A second submission is a new request with its own timestamp (the same signed request again is a replay).
    again = slack_bot.sender.interaction({"type": "view_submission", "user": {"id": "UOWNER"}, "view": submitted},
                                         timestamp=time.time() + 1)  # fmt: skip
    assert again.json()["response_action"] == "errors" and "already answered" in again.json()["errors"]["note"]


def test_checkin_select_offers_each_level_with_its_definition(slack_bot: SlackBot) -> None:
    port = slack.chat_port(slack_bot.runtime)
    assert port is not None
    with slack_bot.database.unit_of_work() as session:
        assignment = reporter_of(session, "gp_in_hours")
        assignment.person.slack_user_id = "UREPORTER"
        levels = list(session.scalars(select(Level).order_by(Level.number)))
        today = slack_bot.runtime.clock.now().date()
        delivered = port.send_to_person(
            assignment.person, checkin_prompt(assignment.service, assignment.organisation, levels, today)
        )
    message = slack_bot.slack.calls_to("chat.postMessage")[-1].params
    select_menu = prompt_elements(message)[0]
    assert select_menu["type"] == "static_select" and len(select_menu["options"]) == 4
    assert all(0 < len(o["description"]["text"]) <= 75 for o in select_menu["options"])
    chosen = {**select_menu, "selected_option": select_menu["options"][2]}
    slack_bot.sender.interaction(
        click_payload(
            message, delivered.message_id, "UREPORTER", chosen, response_url=slack_bot.slack.response_url("click")
        )
    )
    slack_bot.slack.wait_for("chat.update")
    with slack_bot.database.unit_of_work() as session:
        report = session.scalars(select(EscalationReport)).one()
        assert (report.level, report.source, report.day) == (3, "slack", today)
