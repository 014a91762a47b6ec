"""Attacks on /slack/events over real HTTP: malformed headers and bodies get 400, a replayed signed request
is applied once, an oversized body gets 413, an edited button value is refused with a message and records
nothing, and no request body reaches the log."""

from __future__ import annotations

import json
import logging
import time
from datetime import date
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.escalation.models import EscalationReport
from bot.governance.models import IdentifierRefusal
from bot.plans.models import Snooze, StatusUpdate
from bot.slack.request_checks import replay_changes_nothing
from bot.storage.delivery import ProcessedDelivery
from tests.helpers import ADMIN, reporter_of
from tests.slack.conftest import SlackBot
from tests.slack.harness import signature
from tests.slack.prompting import click_payload, prompt_elements, send_status_prompt, status_updates

UPDATE = 'update esr/1.a at_risk "replayed?"'


def _count(bot: SlackBot, model: type) -> int:
    with bot.database.unit_of_work() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_timestamp_header_that_is_not_a_number_gets_400(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    before = _count(slack_bot, StatusUpdate)
    body = urlencode({"command": "/milestones", "text": UPDATE, "user_id": "UADMIN", "response_url": "x"})
    for stamp in ("soon", "\u0661\u0667" + "\u0660" * 8, "1.5e9"):  # the second is 17 and eight zeros in Arabic digits
        response = slack_bot.sender.http.post("/slack/events", content=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": stamp.encode(),
            "X-Slack-Signature": signature(slack_bot.sender.secret, stamp, body)})  # fmt: skip
        assert response.status_code == 400 and "Timestamp" in response.text
    assert _count(slack_bot, StatusUpdate) == before


def test_a_signed_body_whose_payload_is_not_json_gets_400(slack_bot: SlackBot) -> None:
    for payload in ("{not json", "[1,", "null"):
        response = slack_bot.sender.post(urlencode({"payload": payload}), "application/x-www-form-urlencoded")
        assert response.status_code == 400


def test_a_replayed_signed_update_is_applied_once(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    before = _count(slack_bot, StatusUpdate)
    stamp = time.time()
    codes = [slack_bot.sender.slash("/milestones", UPDATE, user_id="UADMIN", timestamp=stamp).status_code
             for _ in range(3)]  # fmt: skip
    assert codes == [200, 200, 200]
    slack_bot.slack.wait_for("response:default")
    time.sleep(0.3)
    assert _count(slack_bot, StatusUpdate) == before + 1
    assert len(slack_bot.slack.calls_to("response:default")) == 1  # the replays were not answered either


def test_a_body_over_one_megabyte_gets_413_and_is_not_read(slack_bot: SlackBot) -> None:
    body = "payload=" + "a" * 1_100_000
    assert slack_bot.sender.post(body, "application/x-www-form-urlencoded").status_code == 413

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(12):
            yield b"a" * 100_000

    response = slack_bot.sender.http.post("/slack/events", content=chunks(),
                                          headers={"Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert response.status_code == 413


def test_unsigned_bodies_are_not_logged(slack_bot: SlackBot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    marker = "PATIENT-MARKER"
    body = urlencode({"command": "/milestones", "text": f"{marker}\n2026-01-01 INFO forged line"})
    response = slack_bot.sender.post(body, "application/x-www-form-urlencoded", secret="wrong-secret")
    assert response.status_code == 401
    assert not [r for r in caplog.records if marker in r.getMessage()]


@pytest.mark.parametrize(
    ("value", "words"),
    [("dropped", "not one of this prompt's answers"), ("snooze:36500", "not one of this prompt's answers"),
     ("snooze:-1", "not one of this prompt's answers"), ("snooze:²", "not one of this prompt's answers"),
     ("page:²", "not one of this prompt's answers")],
)  # fmt: skip
def test_an_edited_status_button_is_refused_and_records_nothing(slack_bot: SlackBot, value: str, words: str) -> None:
    message, ts = send_status_prompt(slack_bot, "UOWNER")
    done = prompt_elements(message)[3]
    subject, _, asked_on = done["value"].split("|")
    edited = {**done, "value": f"{subject}|{value}|{asked_on}"}
    before, snoozes = status_updates(slack_bot), _count(slack_bot, Snooze)
    payload = click_payload(message, ts, "UOWNER", edited, response_url=slack_bot.slack.response_url("click"))
    assert slack_bot.sender.interaction(payload).status_code == 200
    refusal = slack_bot.slack.wait_for("response:click")[0].params
    assert words in json.dumps(refusal["blocks"], ensure_ascii=False)
    assert (status_updates(slack_bot), _count(slack_bot, Snooze)) == (before, snoozes)


def test_an_edited_check_in_date_is_refused(slack_bot: SlackBot) -> None:
    with slack_bot.database.unit_of_work() as session:
        assignment = reporter_of(session, "dental")
        assignment.person.slack_user_id = "UREPORTER"
        subject = f"checkin:{assignment.organisation_id}:{assignment.service_id}"
    element = {"type": "static_select", "action_id": "milestones.prompt.answer.select",
               "selected_option": {"value": f"{subject}|2|2099-01-01"}}  # fmt: skip
    message = {"channel": "DUREPORTER", "blocks": []}
    payload = click_payload(message, "1.2", "UREPORTER", element, response_url=slack_bot.slack.response_url("click"))
    slack_bot.sender.interaction(payload)
    refusal = slack_bot.slack.wait_for("response:click")[0].params
    assert "only record today's level" in json.dumps(refusal["blocks"], ensure_ascii=False)
    assert _count(slack_bot, EscalationReport) == 0


def test_a_replayed_private_read_is_answered_again_and_changes_nothing(slack_bot: SlackBot) -> None:
    """No replay record is written before a private read (README, Slack faults): its copy only answers again."""
    slack_bot.slack.add_user("UADMIN", ADMIN)
    slack_bot.sender.slash("/milestones", "help", user_id="UADMIN")  # first sight: the person is linked
    slack_bot.slack.wait_for("response:default")
    before = {model: _count(slack_bot, model) for model in (StatusUpdate, ProcessedDelivery, IdentifierRefusal)}
    stamp = time.time()
    for _ in range(2):
        assert slack_bot.sender.slash("/milestones", "overdue", user_id="UADMIN", timestamp=stamp).status_code == 200
    replies = slack_bot.slack.wait_for("response:default", 3)
    assert replies[1].params["blocks"] == replies[2].params["blocks"]
    assert {model: _count(slack_bot, model) for model in before} == before


@pytest.mark.parametrize("text", ["overdue public", "overdue 4010232137"], ids=["in-the-channel", "identifier"])
def test_a_replayed_read_posted_in_the_channel_or_refused_for_an_identifier_is_answered_once(
    slack_bot: SlackBot, text: str
) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    refusals = _count(slack_bot, IdentifierRefusal)
    stamp = time.time()
    for _ in range(3):
        assert slack_bot.sender.slash("/milestones", text, user_id="UADMIN", timestamp=stamp).status_code == 200
    slack_bot.slack.wait_for("response:default")
    time.sleep(0.3)
    assert len(slack_bot.slack.calls_to("response:default")) == 1
    assert _count(slack_bot, IdentifierRefusal) - refusals == (1 if text.endswith("137") else 0)


def test_only_private_reads_are_left_unrecorded() -> None:
    today = date(2021, 1, 15)
    command = {"command": "/milestones", "user_id": "U1", "response_url": "x"}
    assert replay_changes_nothing({**command, "text": "overdue org:bcuhb"}, today=today)
    assert replay_changes_nothing({**command, "text": ""}, today=today)  # help
    assert replay_changes_nothing({**command, "command": "/escalation", "text": "today"}, today=today)
    for text in (UPDATE, "snooze esr/1.a 7", "overdue public", "language cymraeg", "show 4010232137"):
        assert not replay_changes_nothing({**command, "text": text}, today=today), text
    assert not replay_changes_nothing({"type": "block_actions", "actions": []}, today=today)
    assert not replay_changes_nothing({"type": "event_callback", "event": {"type": "app_mention"}}, today=today)
