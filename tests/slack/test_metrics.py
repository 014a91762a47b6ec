"""/metrics scraped over HTTP from the real server after real traffic: signed Slack commands, a report, a
refused patient identifier, outbox rows, and (in a second app in the same process, with its own registry)
the scheduler leading and delivering through the Slack stand-in."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import httpx
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from bot.clock import LONDON, FixedClock
from bot.config import Settings
from bot.directory.models import Person
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.storage.database import Database
from bot.storage.outbox import OutboxMessage
from scheduler.outbox import Planned, enqueue, person_recipient
from tests.helpers import ADMIN, person, reporter_of
from tests.live_server import ServerThread
from tests.slack.conftest import SlackBot, slack_settings
from tests.slack.prompting import click_payload, prompt_elements, send_status_prompt
from tests.stand_ins.slack_api import SlackApiStandIn

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(base_url: str) -> Samples:
    response = httpx.get(f"{base_url}/metrics", timeout=10)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}  # fmt: skip


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def answered(samples: Samples, command: str, outcome: str) -> float:
    return value(samples, "milestones_command_seconds_count", command=command, outcome=outcome)


def test_commands_reports_refusals_and_the_outbox_move_the_figures(slack_bot: SlackBot) -> None:
    url = f"http://127.0.0.1:{slack_bot.sender.http.base_url.port}"
    with slack_bot.database.unit_of_work() as session:
        reporter = reporter_of(session, "dental")
        reporter_email, service = reporter.person.email, reporter.service.key
    slack_bot.slack.add_user("UADMIN", ADMIN)
    slack_bot.slack.add_user("UREPORTER", reporter_email)
    before = scrape(url)
    assert value(before, "milestones_database_up") == 1 and value(before, "milestones_scheduler_leader") == 0

    slack_bot.sender.slash("/milestones", "overdue", user_id="UADMIN")
    slack_bot.sender.slash("/milestones", "show esr/99.z", user_id="UADMIN")
    slack_bot.sender.slash("/milestones", 'update esr/1.a at_risk "for 943 476 5919"', user_id="UADMIN")
    slack_bot.sender.slash("/milestones", "overdue", user_id="USTRANGER")
    slack_bot.sender.slash("/escalation", "report dental 2", user_id="UREPORTER")
    slack_bot.slack.wait_for("response:default", 5)
    after = scrape(url)

    assert answered(after, "overdue", "answered") == answered(before, "overdue", "answered") + 1
    assert answered(after, "show", "refused") == 1 and answered(after, "report_level", "answered") == 1
    assert answered(after, "unknown", "refused") == 1  # the identifier is refused before the text is read
    assert answered(after, "unknown", "stranger") == 1
    assert value(after, "milestones_command_seconds_bucket", command="overdue", outcome="answered", le="+Inf") == 1
    assert value(after, "milestones_command_seconds_sum", command="overdue", outcome="answered") > 0
    assert value(after, "milestones_reports_today", service=service) == value(before, "milestones_reports_today",
                                                                               service=service) + 1  # fmt: skip
    refusals = ("milestones_identifier_refusals_total", {"kind": "nhs_number", "source": "slack"})
    assert value(after, refusals[0], **refusals[1]) == value(before, refusals[0], **refusals[1]) + 1

    now = slack_bot.runtime.clock.now()
    with slack_bot.database.unit_of_work() as session:
        admin_id = person(session, ADMIN).id
        enqueue(session=session, now=now - timedelta(minutes=10),
                planned=[Planned("status_prompt", person_recipient(admin_id), "bundle:1", now.date())])  # fmt: skip
        enqueue(session=session, now=now, planned=[Planned("checkin", person_recipient(admin_id), "c:1", now.date())])
    queued = scrape(url)
    assert value(queued, "milestones_outbox_depth") == 2
    assert value(queued, "milestones_outbox_oldest_age_seconds") == 600
    assert value(queued, "milestones_outbox_messages", kind="checkin", platform="unassigned", status="pending") == 1


def test_the_leading_scheduler_delivering_through_slack_shows_in_its_own_apps_figures(sqlite_db: Database) -> None:
    slack = SlackApiStandIn().start()
    with sqlite_db.unit_of_work() as session:
        for someone in session.scalars(select(Person)):
            slack.add_user(f"U{someone.id:05d}", someone.email)
    settings = slack_settings(slack.url, sqlite_db).model_copy(
        update={"scheduler_enabled": True, "sender_poll_seconds": 0.05, "leader_retry_seconds": 0.1}
    )
    clock = FixedClock(datetime(2021, 5, 10, 10, 30, tzinfo=LONDON))  # a Monday morning: check-ins are due
    leading = ServerThread(build_app(Runtime(settings=settings, database=sqlite_db, clock=clock))).start()
    quiet_settings = settings.model_copy(update={"scheduler_enabled": False})
    quiet = ServerThread(build_app(Runtime(settings=quiet_settings, database=sqlite_db, clock=clock))).start()
    try:
        figures = wait_for_drained_outbox(leading.url)
        other = scrape(quiet.url)
    finally:
        leading.stop()
        quiet.stop()
        slack.stop()
    with sqlite_db.unit_of_work() as session:
        checkins = len(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "checkin")).all())
    assert checkins > 0
    assert value(figures, "milestones_scheduler_leader") == 1 and value(other, "milestones_scheduler_leader") == 0
    assert value(figures, "milestones_outbox_messages", kind="checkin", platform="slack", status="sent") == checkins
    assert value(figures, "milestones_outbox_oldest_age_seconds") == 0


def wait_for_drained_outbox(url: str) -> Samples:
    deadline = time.monotonic() + 30
    while True:
        samples = scrape(url)
        sent = sum(v for (name, labels), v in samples.items()
                   if name == "milestones_outbox_messages" and ("status", "sent") in labels)  # fmt: skip
        if sent > 0 and value(samples, "milestones_outbox_depth") == 0:
            return samples
        assert time.monotonic() < deadline, "outbox not drained"
        time.sleep(0.1)


def test_metrics_can_be_switched_off(sqlite_db: Database) -> None:
    settings = Settings(database_url=str(sqlite_db.engine.url), metrics_enabled=False)
    clock = FixedClock(datetime(2021, 1, 15, 10, 0, tzinfo=LONDON))
    server = ServerThread(build_app(Runtime(settings=settings, database=sqlite_db, clock=clock))).start()
    try:
        assert httpx.get(f"{server.url}/metrics", timeout=10).status_code == 404
    finally:
        server.stop()


def test_prompt_clicks_count_as_commands_named_for_their_prompt(slack_bot: SlackBot) -> None:
    url = f"http://127.0.0.1:{slack_bot.sender.http.base_url.port}"
    message, ts = send_status_prompt(slack_bot, "UOWNER")
    done = prompt_elements(message)[3]
    subject, _, asked_on = done["value"].split("|")
    edited = {**done, "value": f"{subject}|snooze:-1|{asked_on}"}
    for element in (edited, done):
        payload = click_payload(message, ts, "UOWNER", element, response_url=slack_bot.slack.response_url("click"))
        # The figures are told before Slack is acknowledged.
        assert slack_bot.sender.interaction(payload).status_code == 200
    after = scrape(url)
    assert answered(after, "prompt_status", "refused") == 1
    assert answered(after, "prompt_status", "answered") == 1
    assert value(after, "milestones_command_seconds_sum", command="prompt_status", outcome="answered") > 0
