"""Requests that did not come from Slack: forged signature, stale timestamp, missing headers → 401,
and nothing is recorded or answered."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from bot.plans.models import StatusUpdate
from tests.helpers import ADMIN
from tests.slack.conftest import SlackBot

UPDATE = 'update esr/1.a done "should never be recorded"'


def _status_updates(bot: SlackBot) -> int:
    with bot.database.unit_of_work() as session:
        return int(session.scalar(select(func.count(StatusUpdate.id))) or 0)


@pytest.mark.parametrize(
    "options",
    [
        {"secret": "not-the-signing-secret"},
        {"timestamp": time.time() - 6 * 60},  # Slack's replay window is five minutes
        {"signed": False},
    ],
    ids=["forged", "stale", "missing-headers"],
)
def test_unverified_requests_are_refused_and_change_nothing(slack_bot: SlackBot, options: dict) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    before = _status_updates(slack_bot)
    response = slack_bot.sender.slash("/milestones", UPDATE, user_id="UADMIN", **options)
    assert response.status_code == 401
    time.sleep(0.3)  # long enough for a (wrongly) started listener to have recorded and replied
    assert _status_updates(slack_bot) == before
    assert slack_bot.slack.calls_to("response:default") == [] and slack_bot.slack.calls_to("users.info") == []


def test_a_signed_copy_of_the_same_request_is_accepted(slack_bot: SlackBot) -> None:
    slack_bot.slack.add_user("UADMIN", ADMIN)
    before = _status_updates(slack_bot)
    assert slack_bot.sender.slash("/milestones", UPDATE, user_id="UADMIN").status_code == 200
    slack_bot.slack.wait_for("response:default")
    assert _status_updates(slack_bot) == before + 1
