"""Wed 29 Dec 2021 on the seed data, delivered over real HTTP through the running server's scheduler to the
Slack API stand-in: one message per person; a click records one action's status once and redraws the bundle;
the page buttons turn pages. (The same day over Teams: tests/teams/test_teams_prompt_bundles.py.)"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from bot.clock import LONDON, FixedClock
from bot.config import Settings
from bot.directory.models import Person
from bot.plans.models import Action, StatusUpdate
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.storage.database import Database
from bot.storage.outbox import OutboxMessage
from scheduler.status_prompts import decide_status_prompts
from tests.live_server import ServerThread
from tests.scheduler.scenario import weekly_overdue_for
from tests.scheduler.test_prompt_bundles import BUSY, DAY
from tests.scheduler.test_slack_delivery import _link_everyone_to_slack, _wait_until_all_sent
from tests.slack.conftest import SIGNING_SECRET, slack_settings
from tests.slack.harness import SlackSender
from tests.slack.prompting import click_payload, prompt_elements
from tests.stand_ins.slack_api import Call, SlackApiStandIn

MORNING = datetime(2021, 12, 29, 10, 30, tzinfo=LONDON)
TEAMS_MESSAGE_LIMIT = 28_000  # bytes Teams accepts in one message


def test_29_dec_over_slack_one_message_each_and_clicks_redraw_the_bundle(sqlite_db: Database) -> None:
    with sqlite_db.unit_of_work() as session:
        weekly_overdue_for(session, BUSY, 24, DAY)
        recipients = len(decide_status_prompts(session=session, today=DAY, settings=Settings()))
    slack = SlackApiStandIn().start()
    _link_everyone_to_slack(sqlite_db, slack)
    settings = slack_settings(slack.url, sqlite_db).model_copy(
        update={"scheduler_enabled": True, "sender_poll_seconds": 0.05, "leader_retry_seconds": 0.1}
    )
    server = ServerThread(build_app(Runtime(settings=settings, database=sqlite_db, clock=FixedClock(MORNING)))).start()
    sender = SlackSender(server.url, SIGNING_SECRET, slack.response_url())
    try:
        slack.wait_for("chat.postMessage", count=28 + recipients, timeout=30)  # the 09:00 check-ins, the prompts
        _wait_until_all_sent(sqlite_db)
        prompts = [call.params for call in slack.calls_to("chat.postMessage") if _is_status_prompt(call)]
        assert len(prompts) == recipients and len({p["channel"] for p in prompts}) == recipients
        with sqlite_db.unit_of_work() as session:
            user = f"U{session.scalars(select(Person.id).where(Person.email == BUSY)).one():05d}"
        message = next(p for p in prompts if p["channel"] == f"D{user}")
        assert len(message["blocks"]) <= 50 and len(_rows(message)) == 10 + 1  # ten actions, then the page row
        ts = _message_id(sqlite_db, message["channel"])

        at_risk = prompt_elements(message, row=2)[1]
        for _ in range(2):  # a double click
            sender.interaction(click_payload(message, ts, user, at_risk, response_url=slack.response_url("click")))
        redrawn = slack.wait_for("chat.update")[0].params
        assert redrawn["ts"] == ts and redrawn["blocks"][0]["text"]["text"].endswith(
            f"Recorded: {_label(sqlite_db, at_risk['value'])}: At risk"
        )
        assert len(_rows(redrawn)) == 9 + 1 and "✓ Recorded:" in json.dumps(redrawn["blocks"], ensure_ascii=False)
        time.sleep(0.3)  # room for a wrongly accepted second click to land
        assert _updates(sqlite_db, at_risk["value"]) == 1

        note = prompt_elements(message, row=4)[-1]  # "Add a note" on the fifth action
        sender.interaction(click_payload(message, ts, user, note, response_url=slack.response_url("click")))
        options = slack.wait_for("views.open")[0].params["view"]["blocks"][0]["element"]["options"]
        fifth = {e["value"] for e in prompt_elements(message, row=4) if e["value"] != note["value"]}
        assert note["text"]["text"] == "Add a note" and {o["value"] for o in options} == fifth and len(fifth) == 5

        show_next = prompt_elements(message, row=10)[0]
        assert show_next["text"]["text"] == "Show the next 10"
        sender.interaction(click_payload(message, ts, user, show_next, response_url=slack.response_url("click")))
        page_two = _wait_for_page(slack, "Show the previous 10")
        assert [e["text"]["text"] for e in _rows(page_two)[-1]["elements"]] == [
            "Show the previous 10", "Show the next 4"]  # fmt: skip
        assert len(_rows(page_two)) == 10 + 1 and "… and 4 more" in json.dumps(page_two["blocks"], ensure_ascii=False)
    finally:
        sender.close()
        server.stop()
        slack.stop()


def _wait_for_page(slack: SlackApiStandIn, button: str) -> dict[str, Any]:
    """The message redrawn with `button` in its page row (a double click may also have redrawn it)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for call in slack.calls_to("chat.update"):
            if button in json.dumps(_rows(call.params)[-1]):
                return call.params
        time.sleep(0.05)
    raise AssertionError(f"no message redrawn with {button!r}")


def _is_status_prompt(call: Call) -> bool:
    return str(call.params.get("text", "")).startswith(("How is", "How are these"))


def _rows(params: dict[str, Any]) -> list[dict[str, Any]]:
    return [block for block in params["blocks"] if block["type"] == "actions"]


def _message_id(database: Database, channel: str) -> str:
    with database.unit_of_work() as session:
        return session.scalars(
            select(OutboxMessage.message_id).where(OutboxMessage.kind == "status_prompt",
                                                   OutboxMessage.conversation == channel)
        ).one() or ""  # fmt: skip


def _action_id(button_value: str) -> int:
    return int(button_value.split("|")[0].rpartition(":")[2])  # bundle:<person>:<action>|status|day


def _label(database: Database, button_value: str) -> str:
    with database.unit_of_work() as session:
        return session.get_one(Action, _action_id(button_value)).label


def _updates(database: Database, button_value: str) -> int:
    action_id = _action_id(button_value)
    with database.unit_of_work() as session:
        return int(session.scalar(select(func.count(StatusUpdate.id)).where(StatusUpdate.action_id == action_id)) or 0)
