"""The scheduler inside the real server: started by the app's lifespan, it catches up the morning's jobs
and delivers check-ins, status prompts and digests through the Slack chat port to the Slack API stand-in."""

from __future__ import annotations

import json
import time
from collections import Counter
from datetime import datetime

from sqlalchemy import select

from bot.clock import LONDON, FixedClock
from bot.directory.models import Organisation, Person
from bot.escalation.models import Subscription
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.storage.database import Database
from bot.storage.outbox import OutboxMessage
from tests.live_server import ServerThread
from tests.scheduler.scenario import managers
from tests.slack.conftest import slack_settings
from tests.stand_ins.slack_api import SlackApiStandIn

REPORTERS = 28


def _link_everyone_to_slack(database: Database, slack: SlackApiStandIn) -> None:
    with database.unit_of_work() as session:
        for person in session.scalars(select(Person)):
            slack.add_user(f"U{person.id:05d}", person.email)
        wales = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        session.add(Subscription(organisation=wales, kind="digest", channel="slack:CDIGEST"))


def test_monday_catch_up_through_slack(sqlite_db: Database) -> None:
    slack = SlackApiStandIn().start()
    _link_everyone_to_slack(sqlite_db, slack)
    settings = slack_settings(slack.url, sqlite_db).model_copy(
        update={"scheduler_enabled": True, "sender_poll_seconds": 0.05, "leader_retry_seconds": 0.1}
    )
    clock = FixedClock(datetime(2021, 5, 10, 10, 30, tzinfo=LONDON))  # started late on a Monday
    server = ServerThread(build_app(Runtime(settings=settings, database=sqlite_db, clock=clock))).start()
    try:
        digests = len(managers_of(sqlite_db)) + 1  # every manager, and the subscribed channel
        slack.wait_for("chat.postMessage", count=REPORTERS + digests, timeout=30)
        _wait_until_all_sent(sqlite_db)
    finally:
        server.stop()
        slack.stop()
    posts = slack.calls_to("chat.postMessage")
    with sqlite_db.unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {r.status for r in rows} == {"sent"} and all(r.platform == "slack" and r.message_id for r in rows)
        prompts = sum(r.kind == "status_prompt" for r in rows)
    kinds = Counter(_kind(p.params) for p in posts)
    assert prompts > 0 and kinds == {"checkin": REPORTERS, "digest": digests, "status": prompts}
    assert len(posts) == len(rows)  # nothing sent twice
    checkin = next(p for p in posts if _kind(p.params) == "checkin")
    values = _values(checkin.params)
    assert [v.split("|")[1] for v in values] == ["1", "2", "3", "4"]
    assert all(v.endswith("|2021-05-10") for v in values)
    digest = next(p for p in posts if p.params["channel"] == "CDIGEST")
    body = json.dumps(digest.params["blocks"])
    for heading in (
        "Overdue:",
        "Due in the next 14 days",
        "Status changes last week",
        "No update for 30 days",
        "Escalation levels last week",
        "Missed check-ins",
    ):
        assert heading in body
    with sqlite_db.unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage)).all()
        assert {r.status for r in rows} == {"sent"} and all(r.platform == "slack" and r.message_id for r in rows)


def managers_of(database: Database) -> set[str]:
    with database.unit_of_work() as session:
        return managers(session)


def _wait_until_all_sent(database: Database) -> None:
    deadline = time.monotonic() + 30
    while True:
        with database.unit_of_work() as session:
            if set(session.scalars(select(OutboxMessage.status))) == {"sent"}:
                return
        assert time.monotonic() < deadline, "outbox not drained"
        time.sleep(0.05)


def _kind(params: dict) -> str:  # type: ignore[type-arg]
    text = params.get("text", "")
    if text.startswith("Today's escalation level"):
        return "checkin"
    if text.startswith("How is") or text.startswith("How are these"):
        return "status"
    # A channel that has not chosen a language gets its digest in both, Welsh first (commands/audience.py).
    return "digest" if text.startswith(("Weekly digest", "Crynodeb wythnosol")) else text


def _values(params: dict) -> list[str]:  # type: ignore[type-arg]
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("value"), str) and "|" in node["value"]:
                found.append(node["value"])
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(params["blocks"])
    return found
