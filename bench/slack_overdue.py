"""How fast does Slack get its answers? With 100,000 actions loaded (bench/generate.py) in a SQLite file,
the real server under uvicorn answers signed `/milestones overdue` and `/milestones help` requests, alternated,
500 of each, one after another. For each request it measures the acknowledgement (the HTTP response Slack
waits for, limit 3 s) and the delivery (the reply reaching the stand-in's response_url).

Targets: p99 acknowledgement under 100 ms; overdue delivery p50 within 1.5x the trivial `help` p50.

The server runs as deployed, keeping overdue answers in memory until the data changes
(bot/storage/answer_cache.py); `--no-cache` makes every request run the queries, the figure for the first
question after each change.

    .venv/bin/python -m bench.slack_overdue               # from the repository root
    .venv/bin/python -m bench.slack_overdue --no-cache
    .venv/bin/python -m bench.slack_overdue --requests 100 --actions 20000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.generate import generate
from bot.clock import FixedClock
from bot.config import Settings
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.storage.database import Database
from tests.live_server import ServerThread
from tests.slack.harness import SlackSender
from tests.stand_ins.slack_api import SlackApiStandIn

SECRET = "bench-signing-secret"
ADMIN = "admin@example.nhs.wales"
COMMANDS = {"overdue": "overdue", "help": "help"}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(sender: SlackSender, slack: SlackApiStandIn, text: str, n: int) -> tuple[float, float]:
    """(ack seconds, delivery seconds) for one signed slash command."""
    name = f"{text}-{n}"
    started = time.monotonic()
    response = sender.slash("/milestones", text, user_id="UADMIN", response_url=slack.response_url(name))
    acked = time.monotonic() - started
    assert response.status_code == 200, response.text
    delivered = slack.wait_for(f"response:{name}")
    assert delivered, f"no reply for {name}"
    return acked, delivered[0].at - started


def run(requests: int, actions: int, cache_answers: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        began = time.monotonic()
        generate(url, actions=actions)
        print(f"generated {actions:,} actions in {time.monotonic() - began:.1f} s")
        database = Database.from_url(url, cache_answers=cache_answers)
        print(f"answers kept in memory until the data changes: {'yes' if cache_answers else 'no'}")
        slack = SlackApiStandIn().start()
        slack.add_user("UADMIN", ADMIN)
        settings = Settings(slack_bot_token="xoxb-bench", slack_signing_secret=SECRET, slack_api_base_url=slack.url,
                            database_url=url, slack_app_token=None)  # fmt: skip
        clock = FixedClock(datetime(2021, 6, 1, 9, 0, tzinfo=UTC))
        server = ServerThread(build_app(Runtime(settings=settings, database=database, clock=clock))).start()
        sender = SlackSender(server.url, SECRET, slack.response_url())
        try:
            report(sender, slack, requests)
        finally:
            sender.close()
            server.stop()
            slack.stop()
            database.engine.dispose()


def report(sender: SlackSender, slack: SlackApiStandIn, requests: int) -> None:
    for n in range(10):  # warm-up: connections, caches, the first users.info lookup
        for text in COMMANDS:
            measure(sender, slack, text, -n - 1)
    acks: dict[str, list[float]] = {text: [] for text in COMMANDS}
    delivered: dict[str, list[float]] = {text: [] for text in COMMANDS}
    for n in range(requests):
        for text in COMMANDS:
            ack, done = measure(sender, slack, text, n)
            acks[text].append(ack * 1000)
            delivered[text].append(done * 1000)
    for text in COMMANDS:
        print(f"/milestones {text:8} n={requests}  ack p50 {statistics.median(acks[text]):6.1f} ms  "
              f"p99 {percentile(acks[text], 0.99):6.1f} ms   delivered p50 {statistics.median(delivered[text]):6.1f} ms"
              f"  p99 {percentile(delivered[text], 0.99):6.1f} ms")  # fmt: skip
    all_acks = acks["overdue"] + acks["help"]
    ratio = statistics.median(delivered["overdue"]) / statistics.median(delivered["help"])
    print(
        f"ack p99 (all) {percentile(all_acks, 0.99):.1f} ms (target < 100 ms): "
        f"{'PASS' if percentile(all_acks, 0.99) < 100 else 'FAIL'}"
    )
    print(f"overdue p50 / help p50 = {ratio:.2f} (target <= 1.5): {'PASS' if ratio <= 1.5 else 'FAIL'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--no-cache", action="store_true", help="run the overdue queries for every request")
    args = parser.parse_args()
    run(args.requests, args.actions, cache_answers=not args.no_cache)


if __name__ == "__main__":
    main()
