"""How fast does the scheduler decide and deliver the daily check-in to 2,000 reporters, and the weekly
digest to 100 managers over 100,000 actions?

1. Generates the benchmark workload (bench/generate.py; 20% of the actions owed by all seven health boards,
   each a roll-up with a delivery per board, unless --fan-out says otherwise) into a fresh SQLite file (or a
   throwaway PostgreSQL database with --postgres), then makes 2,000 generated people service reporters,
   100 people managers, and records a week of escalation reports.
2. Decides and queues the 09:00 check-in (target: under 1 s for 2,000).
3. Measures the sender's own CPU time per prompt (claim, rebuild the prompt, record the outcome;
   time.process_time; target: under 2 ms) with a port that records in memory, then delivers through the
   real SlackChatPort to the Slack API stand-in (tests/stand_ins/slack_api.py), run in a separate process
   so its CPU does not count: prompts per second and CPU per prompt including the Slack SDK.
4. Delivers it again to a stand-in that allows one message per second per channel and refuses every post
   with 429 (Retry-After: 1) for its first 5 seconds: total time, and 0 lost, 0 duplicated.
5. Decides and builds the Monday digest for every manager (target: under 5 s in all), --digest-runs times
   (default 2, to show the spread).

    .venv/bin/python bench/scheduler_fanout.py                 # SQLite
    .venv/bin/python bench/scheduler_fanout.py --postgres      # PostgreSQL at 127.0.0.1:5432
    .venv/bin/python bench/scheduler_fanout.py --postgres --digests-only   # steps 1 and 5 only
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, delete, insert, select, text, update
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import FAN_OUT, describe, generate
from bot.clock import LONDON, FixedClock
from bot.config import Settings
from bot.console.port import RecordingPort
from bot.directory.models import Organisation, Person
from bot.escalation.models import EscalationReport, Service, ServiceReporter
from bot.slack.client import web_client
from bot.slack.port import SlackChatPort
from bot.storage.database import Database
from bot.storage.outbox import OutboxMessage
from scheduler.checkins import decide_checkins
from scheduler.digest import decide_digests
from scheduler.messages import Lookup, build_message
from scheduler.outbox import enqueue
from scheduler.sender import Sender
from tests.stand_ins.slack_api import SlackApiStandIn

REPORTERS = 2_000
MANAGERS = 100
BURST_SECONDS = 5.0
MONDAY = date(2021, 6, 7)
CHECKIN_AT = datetime(2021, 6, 7, 9, 0, tzinfo=LONDON)
DIGEST_AT = datetime(2021, 6, 7, 8, 0, tzinfo=LONDON)
REPO = Path(__file__).resolve().parents[1]


# -- the stand-in, in its own process -------------------------------------------------------------------------
class LimitedSlack(SlackApiStandIn):
    """The Slack stand-in, optionally with Slack's one message per second per channel and a burst of 429s
    (every post refused for the first `burst` seconds after the first one); `bench.stats` reports what it
    accepted."""

    def __init__(self, per_channel: float, burst: float) -> None:
        super().__init__()
        self.per_channel, self.burst = per_channel, burst
        self.burst_ends: float | None = None
        self.last: dict[str, float] = {}
        self.accepted: Counter[str] = Counter()
        self.limited = 0

    def record(
        self, method: str, params: dict[str, Any], connection: int = 0
    ) -> tuple[int, dict[str, str], dict[str, Any] | str]:
        if method == "bench.stats":
            return 200, {}, {"ok": True, "accepted": dict(self.accepted), "limited": self.limited}
        if method == "chat.postMessage":
            with self._lock:
                channel, now = str(params.get("channel")), time.monotonic()
                self.burst_ends = self.burst_ends or now + self.burst
                if now < self.burst_ends or now - self.last.get(channel, -1e9) < self.per_channel:
                    self.limited += 1
                    return 429, {"Retry-After": "1"}, {"ok": False, "error": "ratelimited"}
                self.last[channel] = now
                self.accepted[channel] += 1
        return super().record(method, params, connection)


def serve_stand_in(per_channel: float, burst: float) -> None:
    slack = LimitedSlack(per_channel, burst).start()
    print(slack.url, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    slack.stop()


@contextmanager
def stand_in(per_channel: float = 0.0, burst: float = 0.0) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve-stand-in", str(per_channel), str(burst)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stdout is not None and process.stdin is not None
    url = process.stdout.readline().strip()
    try:
        yield url
    finally:
        process.stdin.close()
        process.wait(timeout=10)


def stats(url: str) -> dict[str, Any]:
    return dict(httpx.post(url + "bench.stats").json())


# -- the workload ---------------------------------------------------------------------------------------------
def add_reporters_and_managers(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(delete(ServiceReporter))  # only the generated reporters, all reachable on Slack
        generated = connection.execute(
            select(Person.id, Person.organisation_id).where(Person.email.like("bench.person%")).order_by(Person.id)
        ).all()
        orgs = (
            connection.execute(
                select(Organisation.id).where(
                    Organisation.kind.in_(("practice", "pharmacy", "dental_practice", "optometry_practice"))
                )
            )
            .scalars()
            .all()
        )
        services = connection.execute(select(Service.id).order_by(Service.id)).scalars().all()
        rows = [
            {
                "service_id": services[n % len(services)],
                "organisation_id": orgs[n % len(orgs)],
                "person_id": generated[MANAGERS + n][0],
            }
            for n in range(REPORTERS)
        ]
        connection.execute(insert(ServiceReporter), rows)
        # The first 100 generated people manage the 20 people after the reporters each.
        for n in range(MANAGERS):
            managed = [pid for pid, _ in generated[MANAGERS + REPORTERS + 20 * n : MANAGERS + REPORTERS + 20 * (n + 1)]]
            connection.execute(update(Person).where(Person.id.in_(managed)).values(manager_id=generated[n][0]))
        reports = [
            {
                "organisation_id": r["organisation_id"],
                "service_id": r["service_id"],
                "day": MONDAY - timedelta(days=d),
                "level": 1 + (n + d) % 4,
                "reported_by_id": r["person_id"],
                "reported_at": DIGEST_AT - timedelta(days=d),
                "source": "bench",
            }
            for n, r in enumerate(rows)
            for d in range(1, 8)
            if (n + d) % 5
        ]
        connection.execute(insert(EscalationReport), reports)


def timed_decide(database: Database) -> float:
    with database.unit_of_work() as session:
        session.execute(delete(OutboxMessage))
    started = time.perf_counter()
    with database.unit_of_work() as session:
        planned = decide_checkins(session=session, today=MONDAY)
        queued = enqueue(session=session, planned=planned, now=CHECKIN_AT)
    elapsed = time.perf_counter() - started
    print(f"  decided and queued {queued:,} check-ins in {elapsed:.3f} s ({queued / elapsed:,.0f}/s)")
    return elapsed


def deliver(database: Database, url: str) -> tuple[float, float, int]:
    settings = Settings(
        slack_bot_token="xoxb-bench", slack_api_base_url=url, sender_batch_size=200, delivery_backoff_seconds=1
    )
    clock = FixedClock(CHECKIN_AT)
    sender = Sender(database, [SlackChatPort(web_client(settings))], clock, settings, worker="bench")
    wall, cpu, handled = time.perf_counter(), time.process_time(), 0
    while True:
        handled += sender.drain()
        with database.unit_of_work() as session:
            left = session.scalar(
                select(OutboxMessage.next_attempt_at)
                .where(OutboxMessage.status == "pending")
                .order_by(OutboxMessage.next_attempt_at)
                .limit(1)
            )
        if left is None:
            break
        wait = (left - clock.now()).total_seconds()
        time.sleep(max(wait, 0))  # the sender's poll: retries wait for Retry-After in real time
        clock.advance(timedelta(seconds=max(wait, 0)))
    return time.perf_counter() - wall, time.process_time() - cpu, handled


def check_exactly_once(database: Database, url: str) -> str:
    answer = stats(url)
    accepted: dict[str, int] = answer["accepted"]
    with database.unit_of_work() as session:
        sent = session.scalar(select(text("count(*)")).select_from(OutboxMessage).where(OutboxMessage.status == "sent"))
        failed = session.scalar(
            select(text("count(*)")).select_from(OutboxMessage).where(OutboxMessage.status != "sent")
        )
    lost = REPORTERS - len(accepted)
    duplicated = sum(c - 1 for c in accepted.values() if c > 1)
    return (
        f"{sum(accepted.values()):,} accepted by the stand-in, {answer['limited']:,} answered 429; "
        f"outbox: {sent:,} sent, {failed} not sent; lost {lost}, duplicated {duplicated}"
    )


def timed_digests(database: Database) -> float:
    """Decides the Monday digests and builds each message as the sender would (one batch, one lookup)."""
    started = time.perf_counter()
    with database.unit_of_work() as session:
        planned = decide_digests(session=session, today=MONDAY)
        lookup = Lookup(session)
        for item in planned:
            build_message(
                lookup=lookup, kind=item.kind, payload=item.payload, for_day=item.for_day, now=DIGEST_AT.astimezone(UTC)
            )
    elapsed = time.perf_counter() - started
    print(f"  decided and built {len(planned)} digests ({len(lookup.built)} organisations) in {elapsed:.2f} s")
    return elapsed


def run(url: str, actions: int, fan_out: float, digests_only: bool, digest_runs: int) -> None:
    started = time.perf_counter()
    counts = generate(url, actions=actions, plans=200, people=5_000, fan_out=fan_out)
    database = Database.from_url(url)
    add_reporters_and_managers(database)
    print(f"  workload ready in {time.perf_counter() - started:.0f} s: {actions:,} actions, {describe(counts)}")
    if digests_only:
        for _ in range(digest_runs):
            timed_digests(database)
        database.engine.dispose()
        return
    timed_decide(database)
    sender = Sender(database, [RecordingPort()], FixedClock(CHECKIN_AT), Settings(sender_batch_size=200), worker="null")
    wall, cpu = time.perf_counter(), time.process_time()
    handled = sender.drain()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"  sender overhead (in-memory port): {handled:,} in {wall:.2f} s, {cpu / handled * 1000:.2f} ms CPU per prompt"
    )
    timed_decide(database)
    with stand_in() as slack:
        wall, cpu, handled = deliver(database, slack)
        print(
            f"  delivered {handled:,} with no rate limit in {wall:.2f} s ({handled / wall:,.0f}/s), "
            f"sender CPU {cpu / handled * 1000:.2f} ms per prompt"
        )
        print("  " + check_exactly_once(database, slack))
    timed_decide(database)
    with stand_in(per_channel=1.0, burst=BURST_SECONDS) as slack:
        wall, cpu, handled = deliver(database, slack)
        print(
            f"  handled {handled:,} outbox rows at one message/s/channel, every post refused (429, Retry-After: 1) "
            f"for the first {BURST_SECONDS:.0f} s, in {wall:.2f} s"
        )
        print("  " + check_exactly_once(database, slack))
    for _ in range(digest_runs):
        timed_digests(database)
    database.engine.dispose()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-stand-in":
        serve_stand_in(float(sys.argv[2]), float(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", action="store_true", help="use a throwaway database on the PostgreSQL server")
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--actions", type=int, default=100_000, help="plan actions to generate")
    parser.add_argument("--fan-out", type=float, default=FAN_OUT, help="share of the actions owed by all 7 boards")
    parser.add_argument("--digests-only", action="store_true", help="skip the check-in steps (2 to 4)")
    parser.add_argument("--digest-runs", type=int, default=2, help="how many times to build the 100 digests")
    args = parser.parse_args()
    options = (args.actions, args.fan_out, args.digests_only, args.digest_runs)
    if not args.postgres:
        with tempfile.TemporaryDirectory() as folder:
            print("SQLite")
            run(f"sqlite:///{folder}/bench.db", *options)
        return
    admin = create_engine(args.postgres_url, isolation_level="AUTOCOMMIT")
    name = f"bench_scheduler_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        print("PostgreSQL")
        run(make_url(args.postgres_url).set(database=name).render_as_string(hide_password=False), *options)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
