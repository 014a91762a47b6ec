"""Killing the sender (SIGKILL) in the middle of 2,000 check-ins and starting it again delivers every one,
none twice: rows claimed by the dead process come back when their lease ends, and the one message that
may have been accepted just before the kill carries the same idempotency key when it is sent again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.storage.database import Database
from bot.storage.outbox import OutboxMessage
from scheduler.checkins import decide_checkins
from scheduler.outbox import Planned, enqueue
from tests.scheduler.recording_api import RecordingApi, serving

MESSAGES = 2000
REPO = Path(__file__).resolve().parents[2]


def _queue(database: Database) -> None:
    planned: list[Planned] = []
    with database.unit_of_work() as session:
        day = date(2021, 1, 1)
        while len(planned) < MESSAGES:
            planned += decide_checkins(session=session, today=day)
            day += timedelta(days=1)
        enqueue(session=session, planned=planned[:MESSAGES], now=datetime.now(UTC) - timedelta(seconds=1))


def _start(url: str, api_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DELIVERY_LEASE_SECONDS": "2", "SENDER_POLL_SECONDS": "0.1", "SENDER_BATCH_SIZE": "50"}
    return subprocess.Popen([sys.executable, "-m", "tests.scheduler.sender_process", url, api_url], cwd=REPO, env=env)


def _wait_until(condition, seconds: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_kill_minus_nine_midway_then_restart_delivers_each_once(sqlite_db: Database) -> None:
    _queue(sqlite_db)
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    api = RecordingApi()
    with serving(api) as api_url:
        first = _start(url, api_url)
        _wait_until(lambda: len(api.accepted) >= MESSAGES // 3, 60)
        first.send_signal(signal.SIGKILL)
        first.wait()
        killed_at = len(api.accepted)
        assert killed_at < MESSAGES, "the kill came midway"
        second = _start(url, api_url)
        try:
            _wait_until(lambda: len(api.accepted) == MESSAGES and _unsent(sqlite_db) == 0, 120)
        finally:
            second.terminate()
            second.wait()
    assert len(api.accepted) == MESSAGES  # every one delivered
    assert api.posts - api.duplicates == MESSAGES  # none shown twice (a resend after the kill is deduplicated)
    with sqlite_db.unit_of_work() as session:
        ids = session.scalars(select(OutboxMessage.message_id)).all()
    assert sorted(ids) == sorted(api.accepted)  # each row records the message the platform kept


def _unsent(database: Database) -> int:
    with database.unit_of_work() as session:
        return session.scalar(select(func.count()).where(OutboxMessage.status != "sent")) or 0
