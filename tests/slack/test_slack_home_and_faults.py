"""App Home, Events API retries, Web API rate limits and server errors, and Slack's size limits."""

from __future__ import annotations

import json
import time

from bot.slack.blocks import MAX_MESSAGE_BLOCKS, reply_blocks
from bot.slack.surface import slack
from commands.replies import Reply, Section, line
from tests.helpers import ADMIN, reporter_of
from tests.slack.conftest import SlackBot
from tests.stand_ins.slack_api import block_problem


def test_app_home_shows_services_and_team_and_a_retried_event_publishes_once(slack_bot: SlackBot) -> None:
    with slack_bot.database.unit_of_work() as session:
        reporter = reporter_of(session, "gp_in_hours").person
        email, has_manager = reporter.email, reporter.manager is not None
        manager_email = reporter.manager.email if reporter.manager else None
    slack_bot.slack.add_user("UREPORTER", email)
    event = {"type": "app_home_opened", "user": "UREPORTER", "channel": "DREPORTER", "tab": "home"}
    assert slack_bot.sender.event(event, event_id="Ev1").status_code == 200
    assert slack_bot.sender.event(event, event_id="Ev1", retry_num=1).status_code == 200
    view = slack_bot.slack.wait_for("views.publish")[0].params["view"]
    text = json.dumps(view["blocks"], ensure_ascii=False)
    assert view["type"] == "home" and "Services you report for" in text and "not reported yet today" in text
    time.sleep(0.3)
    assert len(slack_bot.slack.calls_to("views.publish")) == 1
    if has_manager and manager_email:
        slack_bot.slack.add_user("UMANAGER", manager_email)
        slack_bot.sender.event({**event, "user": "UMANAGER"}, event_id="Ev2")
        assert "Your team" in json.dumps(slack_bot.slack.wait_for("views.publish", 2)[1].params["view"])


def test_app_home_for_an_unknown_person_says_how_to_be_added(slack_bot: SlackBot) -> None:
    event = {"type": "app_home_opened", "user": "UNOBODY", "channel": "D1", "tab": "home"}
    slack_bot.sender.event(event, event_id="Ev3")
    assert "add your work email" in json.dumps(slack_bot.slack.wait_for("views.publish")[0].params["view"])


def test_rate_limited_web_api_call_waits_and_succeeds(slack_bot: SlackBot) -> None:
    port = slack.chat_port(slack_bot.runtime)
    assert port is not None
    slack_bot.slack.fail_next(429, retry_after=1)
    slack_bot.slack.fail_next(500)
    started = time.monotonic()
    delivered = port.send_to_channel("C0CHANNEL", Reply(title="Weekly digest"))
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    statuses = [c.status for c in slack_bot.slack.calls_to("chat.postMessage")]
    assert statuses == [429, 500, 200] and delivered.message_id


def test_persistent_failure_is_left_for_the_outbox_with_slacks_advice(slack_bot: SlackBot) -> None:
    from bot.delivery.port import DeliveryFailed

    port = slack.chat_port(slack_bot.runtime)
    assert port is not None
    for _ in range(3):
        slack_bot.slack.fail_next(429, retry_after=0)
    try:
        port.send_to_channel("C0CHANNEL", Reply(title="Weekly digest"))
    except DeliveryFailed as failure:
        assert failure.retry_after == 0 and not failure.permanent
    else:
        raise AssertionError("a send that never got through must raise DeliveryFailed")
    with slack_bot.database.unit_of_work() as session:
        from tests.helpers import person

        nobody = person(session, ADMIN)
        nobody.slack_user_id = None
        try:
            port.send_to_person(nobody, Reply(title="hello"))
        except DeliveryFailed as failure:
            assert failure.permanent  # not on this Slack workspace: retrying cannot help


def test_long_replies_are_truncated_with_a_count_within_slack_limits() -> None:
    long_line = "x" * 2500
    sections = [Section(heading=f"Plan {n}", lines=[line(long_line)] * 3) for n in range(40)]
    reply = Reply(title="T" * 200, sections=sections, footer="footer")
    blocks = reply_blocks(reply)
    assert block_problem(blocks, MAX_MESSAGE_BLOCKS) is None and len(blocks) == MAX_MESSAGE_BLOCKS
    assert blocks[0]["type"] == "section" and blocks[0]["text"]["text"] == "*" + "T" * 200 + "*"  # title kept whole
    notice = blocks[-2]["elements"][0]["text"]
    assert notice.startswith("… and ") and notice.endswith("more lines not shown here.")
    shown = sum(b["text"]["text"].count("• ") for b in blocks if b["type"] == "section")
    assert shown + int(notice.split()[2].replace(",", "")) == 120
    assert all(long_line in b["text"]["text"] for b in blocks[1:-2])  # no line cut in half
