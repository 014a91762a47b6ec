"""Scale-out you can see (issue 14, item 5): two, then four `milestones-bot serve` processes on one fresh
PostgreSQL database, with the scheduler (one elected leader decides) and an outbox sender in each, deliver
the day's escalation check-ins through stand-ins that enforce the platforms' published limits:

- Teams (Bot Connector): per conversation 7 messages a second and 60 in 30 seconds; per app per tenant
  50 requests a second (all reporters in one tenant);
- Slack: one message a second per channel (a direct message is a channel).

Over a limit the stand-in answers 429 with Retry-After, as the platform would. The workload
(bench/checkin_workload.py) is `--checkins` check-ins (default 20,000), `--per-reporter` (default 10) per
reporter, half the reporters on Slack and half on Teams. Each run decides the check-ins afresh (the leader's
catch-up at start, as after a 09:00 restart) and waits until every outbox row is sent.

Reported per run: delivered messages per second (between the first and the last message the stand-ins
accepted) against the fastest the platforms' limits allow for this workload (goal: at least 90%), and lost
(expected minus unique messages accepted) and duplicated (accepted more than once, counted by conversation
and content) messages (goal: 0 and 0).

    .venv/bin/python -m bench.scale_out                          # 20,000 check-ins; 2 then 4 processes
    .venv/bin/python -m bench.scale_out --checkins 4000 --processes 2
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from bench.checkin_workload import Workload, clear_outbox, outbox_counts, prepare
from bench.limited_stand_ins import StandIns, running
from bench.overdue import POSTGRES_URL, postgres_database
from bot.delivery.pacing import SLACK_LIMITS, TEAMS_LIMITS, PublishedLimits
from bot.storage.database import Database
from tests.live_server import free_port

REPO = Path(__file__).resolve().parents[1]
SERVE = str(Path(sys.executable).parent / "milestones-bot")


def serve_environment(url: str, stand_ins: StandIns) -> dict[str, str]:
    """As deployed with the scheduler on, pointed at the stand-ins; the check-in is already due (00:00),
    every other daily job is not (23:59, the digest on another weekday)."""
    quiet = {name: "23:59" for name in ("CHASER_TIME", "MISSED_REPORT_TIME", "STATUS_PROMPT_TIME", "OCCURRENCES_TIME")}
    return {**os.environ, **quiet, "DATABASE_URL": url, "SCHEDULER_ENABLED": "true", "CHECKIN_TIME": "00:00",
            "DIGEST_WEEKDAY": str((date.today().weekday() + 3) % 7), "LEADER_RETRY_SECONDS": "1",
            "SENDER_POLL_SECONDS": "0.5", "LOG_LEVEL": "WARNING",
            "SLACK_BOT_TOKEN": "xoxb-bench", "SLACK_SIGNING_SECRET": "bench", "SLACK_API_BASE_URL": stand_ins.slack_url,
            "TEAMS_CLIENT_ID": "11111111-2222-3333-4444-555555555555", "TEAMS_ALLOW_UNAUTHENTICATED": "true",
            "TEAMS_CONNECTOR_BASE_URL": stand_ins.teams_url}  # fmt: skip


@contextmanager
def serving(count: int, environment: dict[str, str]) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` serve processes, each on its own port, run from an empty folder (no stray .env)."""
    with tempfile.TemporaryDirectory() as folder:
        processes = [subprocess.Popen([SERVE, "serve", "--host", "127.0.0.1", "--port", str(free_port())],
                                      cwd=folder, env=environment) for _ in range(count)]  # fmt: skip
        try:
            yield processes
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=60)


def cpu_seconds(pid: int) -> float:
    """User and system CPU a live process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_sent(database: Database, workload: Workload, processes: list[Any], timeout: float) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while True:
        counts = outbox_counts(database)
        if sum(counts.values()) >= workload.checkins and not counts.keys() & {"pending", "sending"}:
            return counts
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            return counts
        time.sleep(1)


def fastest_seconds(messages: int, per_conversation: int, limits: PublishedLimits) -> float:
    """The least time the platform's limits allow for `messages`, `per_conversation` in each conversation."""
    bounds = [0.0]
    if limits.per_app is not None:
        bounds.append(messages / limits.per_app.count * limits.per_app.seconds)
    for window in limits.per_conversation:
        bounds.append((per_conversation - 1) // window.count * window.seconds)
    return max(bounds)


def run(url: str, workload: Workload, per_reporter: int, processes: int, stand_ins: StandIns) -> dict[str, Any]:
    clear_outbox(url)
    stand_ins.reset()
    database = Database.from_url(url)
    started = time.monotonic()
    with serving(processes, serve_environment(url, stand_ins)) as running_processes:
        counts = wait_until_sent(database, workload, running_processes, timeout=120 + workload.checkins / 20)
        cpu = sum(cpu_seconds(process.pid) for process in running_processes if process.poll() is None)
    database.engine.dispose()
    stats = stand_ins.stats()
    return {"processes": processes, "outbox": counts, "wall": time.monotonic() - started, "cpu": cpu, **stats}


def report(result: dict[str, Any], workload: Workload, per_reporter: int) -> None:
    print(f"\n{result['processes']} serve processes (wall {result['wall']:.0f} s, start-up included); "
          f"outbox: {result['outbox']}; CPU: serve processes {result['cpu']:.0f} s (start-up included), "
          f"stand-ins {result['stand_in_cpu']:.0f} s so far")  # fmt: skip
    total_unique, total_seconds, fastest_all = 0, 0.0, 0.0
    platforms = (("teams", workload.teams, TEAMS_LIMITS), ("slack", workload.slack, SLACK_LIMITS))
    for platform, expected, limits in platforms:
        got = result[platform]
        fastest = fastest_seconds(expected, per_reporter, limits)
        rate, allowed = got["unique"] / max(got["seconds"], 1e-9), expected / max(fastest, 1e-9)
        print(f"  {platform:5} {got['unique']:,} delivered in {got['seconds']:.1f} s = {rate:.1f}/s; the limits "
              f"allow {allowed:.1f}/s for this workload ({fastest:.0f} s) -> {rate / allowed:.0%} of the limit; "
              f"lost {expected - got['unique']}, duplicated {got['duplicated']}, 429s {got['limited']}")  # fmt: skip
        total_unique += got["unique"]
        total_seconds = max(total_seconds, got["seconds"])
        fastest_all = max(fastest_all, fastest)
    rate, allowed = total_unique / max(total_seconds, 1e-9), workload.checkins / max(fastest_all, 1e-9)
    print(f"  all   {total_unique:,} delivered at {rate:.1f}/s; the limits allow {allowed:.1f}/s -> "
          f"{rate / allowed:.0%} of the limit (goal >= 90%); lost {workload.checkins - total_unique}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkins", type=int, default=20_000)
    parser.add_argument("--per-reporter", type=int, default=10, help="check-ins each reporter is asked")
    parser.add_argument("--processes", type=int, nargs="+", default=[2, 4])
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="the server; a fresh database is made on it")
    args = parser.parse_args()
    with postgres_database(args.postgres_url) as url, running() as stand_ins:
        began = time.monotonic()
        workload = prepare(url, checkins=args.checkins, per_reporter=args.per_reporter)
        print(f"{workload.checkins:,} check-ins ({workload.teams:,} on Teams, {workload.slack:,} on Slack, "
              f"{args.per_reporter} per reporter) ready in {time.monotonic() - began:.0f} s")  # fmt: skip
        for processes in args.processes:
            report(run(url, workload, args.per_reporter, processes, stand_ins), workload, args.per_reporter)


if __name__ == "__main__":
    main()
