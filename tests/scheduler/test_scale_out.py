"""The scale-out bench's machinery at a small scale (bench/scale_out.py runs it with 20,000 check-ins): two
schedulers with their senders, as two server processes, on one PostgreSQL database, deliver the day's
check-ins through the Slack and Teams stand-ins enforcing the published limits; every message once."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from bench.checkin_workload import add_reporters
from bot.clock import SystemClock
from bot.config import Settings
from bot.delivery.pacing import SLACK_LIMITS, TEAMS_LIMITS
from bot.runtime import Runtime
from bot.server.app import chat_ports
from bot.storage.database import Database
from bot.storage.outbox import OutboxMessage
from scheduler.service import SchedulerService
from tests.conftest import PostgresCluster
from tests.stand_ins.slack_api import SlackApiStandIn
from tests.stand_ins.teams_connector import StandInConnector

pytestmark = pytest.mark.postgres
CHECKINS, PER_REPORTER = 40, 2


@pytest.fixture
def pg_url(postgres_cluster: PostgresCluster, seeded_postgres_template: str) -> str:
    return postgres_cluster.create(template=seeded_postgres_template)


@pytest.fixture
def stand_ins() -> Iterator[tuple[SlackApiStandIn, StandInConnector]]:
    slack, teams = SlackApiStandIn().start(), StandInConnector().start()
    yield slack, teams
    slack.stop()
    teams.stop()


def _settings(url: str, slack: SlackApiStandIn, teams: StandInConnector) -> Settings:
    return Settings(database_url=url, scheduler_enabled=True, checkin_time="00:00", chaser_time="23:59",
                    missed_report_time="23:59", status_prompt_time="23:59", occurrences_time="23:59",
                    digest_weekday=(SystemClock().now().weekday() + 3) % 7, leader_retry_seconds=0.1,
                    sender_poll_seconds=0.1, slack_bot_token="xoxb-test", slack_signing_secret="test",
                    slack_api_base_url=slack.url, teams_client_id="11111111-2222-3333-4444-555555555555",
                    teams_allow_unauthenticated=True, teams_connector_base_url=teams.url)  # fmt: skip


def _unsent(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).where(OutboxMessage.status != "sent")) or 0


def test_two_processes_deliver_every_checkin_once_within_the_limits(
    pg_url: str, stand_ins: tuple[SlackApiStandIn, StandInConnector]
) -> None:
    slack, teams = stand_ins
    slack_limits, teams_limits = slack.enforce(SLACK_LIMITS), teams.enforce(TEAMS_LIMITS)
    databases = [Database.from_url(pg_url), Database.from_url(pg_url)]
    workload = add_reporters(databases[0], checkins=CHECKINS, per_reporter=PER_REPORTER)
    settings = _settings(pg_url, slack, teams)
    services = [SchedulerService(db, SystemClock(), settings, chat_ports(Runtime(settings, db, SystemClock())))
                for db in databases]  # fmt: skip
    for service in services:
        service.start()
    try:
        deadline = time.monotonic() + 30
        while slack_limits.stats()["unique"] + teams_limits.stats()["unique"] < CHECKINS or _unsent(databases[0]):
            assert time.monotonic() < deadline, (slack_limits.stats(), teams_limits.stats())
            time.sleep(0.1)
        assert [service.presence.senders() for service in services] == [2, 2]
        assert sum(service.is_leader for service in services) == 1
    finally:
        for service in services:
            service.stop()
        for db in databases:
            db.engine.dispose()
    for enforcer, expected in ((slack_limits, workload.slack), (teams_limits, workload.teams)):
        assert enforcer.stats()["unique"] == expected and enforcer.stats()["duplicated"] == 0
