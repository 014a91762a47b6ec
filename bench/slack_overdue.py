"""How fast does Slack get its answers, against a Bolt app that does nothing? In one run, three server
processes, each under uvicorn on the same Starlette route and thread pool:

- `cached`: the real server as deployed, keeping answers in memory until the data changes
  (bot/storage/answer_cache.py);
- `uncached`: the real server running the queries for every request (the first question after a change);
- `noop`: bench/noop_bolt.py, a slack-bolt app answering `/milestones` with one fixed line.

With `--actions` actions loaded (bench/generate.py; SQLite file, or a throwaway PostgreSQL database with
`--postgres`), each round visits, in a shuffled order, `/milestones overdue` on `cached` and `uncached`,
`/milestones help` on `cached` and `/milestones overdue` on `noop`, one signed request at a time. For each it
measures the acknowledgement (the HTTP response Slack waits for, limit 3 s) and the delivery (the reply
reaching the stand-in's response_url, tests/stand_ins/slack_api.py).

Targets (issue 14): delivered p50 of cached overdue at most 1.5x the no-op's, uncached at most 4x; ack p99
under 100 ms.

    .venv/bin/python -m bench.slack_overdue                 # SQLite, 100,000 actions, 300 rounds
    .venv/bin/python -m bench.slack_overdue --postgres
    .venv/bin/python -m bench.slack_overdue --rounds 50 --actions 20000
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx
import uvicorn

from bench.generate import generate
from bench.noop_bolt import build_noop_app
from bench.overdue import POSTGRES_URL, TODAY, build_overdue_snapshot, postgres_database
from bot.clock import FixedClock
from bot.config import Settings
from bot.runtime import Runtime
from bot.server.app import build_app
from bot.storage.database import Database
from tests.live_server import free_port
from tests.slack.harness import SlackSender
from tests.stand_ins.slack_api import SlackApiStandIn

SECRET = "bench-signing-secret"
ADMIN = "admin@example.nhs.wales"
REPO = Path(__file__).resolve().parents[1]
SERVERS = ("cached", "uncached", "noop")
# (label, server, command text)
BLOCKS = (("overdue cached", "cached", "overdue"), ("overdue uncached", "uncached", "overdue"),
          ("help cached", "cached", "help"), ("no-op Bolt", "noop", "overdue"))  # fmt: skip


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# -- a server process ------------------------------------------------------------------------------------------
def serve(kind: str, database_url: str, slack_url: str, port: int) -> None:
    settings = Settings(slack_bot_token="xoxb-bench", slack_signing_secret=SECRET, slack_api_base_url=slack_url,
                        database_url=database_url, slack_app_token=None)  # fmt: skip
    if kind == "noop":
        app = build_noop_app(settings)
    else:
        database = Database.from_url(database_url, cache_answers=kind == "cached")
        clock = FixedClock(TODAY)
        app = build_app(Runtime(settings=settings, database=database, clock=clock))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", log_config=None)


@contextmanager
def server(kind: str, database_url: str, slack_url: str) -> Iterator[str]:
    port = free_port()
    command = [sys.executable, "-m", "bench.slack_overdue", "--serve", kind, database_url, slack_url, str(port)]
    process = subprocess.Popen(command, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while not _listening(url):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the {kind} server did not start")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _listening(url: str) -> bool:
    try:
        httpx.get(url + "/", timeout=1)
    except httpx.HTTPError:
        return False
    return True


# -- measuring -------------------------------------------------------------------------------------------------
def measure(sender: SlackSender, slack: SlackApiStandIn, text: str, name: str) -> tuple[float, float]:
    """(ack ms, delivered ms) for one signed slash command."""
    started = time.monotonic()
    response = sender.slash("/milestones", text, user_id="UADMIN", response_url=slack.response_url(name))
    acked = time.monotonic() - started
    assert response.status_code == 200, response.text
    delivered = slack.wait_for(f"response:{name}")
    assert delivered, f"no reply for {name}"
    return acked * 1000, (delivered[0].at - started) * 1000


def rounds(senders: dict[str, SlackSender], slack: SlackApiStandIn, count: int) -> dict[str, list[tuple[float, float]]]:
    """Every block once per round, in a shuffled order; the first 10 rounds warm up and are not kept."""
    results: dict[str, list[tuple[float, float]]] = {label: [] for label, _, _ in BLOCKS}
    shuffle = random.Random(14)
    for n in range(-10, count):
        order = list(BLOCKS)
        shuffle.shuffle(order)
        for label, kind, text in order:
            timing = measure(senders[kind], slack, text, f"{kind}-{text}-{n}")
            if n >= 0:
                results[label].append(timing)
        slack.clear()  # the stand-in keeps every call; a long run would otherwise scan them all
    return results


def report(results: dict[str, list[tuple[float, float]]]) -> None:
    for label, timings in results.items():
        acks, delivered = [t[0] for t in timings], [t[1] for t in timings]
        print(f"{label:17} n={len(timings)}  ack p50 {statistics.median(acks):6.1f} ms  "
              f"p99 {percentile(acks, 0.99):6.1f} ms   delivered p50 {statistics.median(delivered):6.1f} ms  "
              f"p99 {percentile(delivered, 0.99):6.1f} ms")  # fmt: skip
    p50 = {label: statistics.median(t[1] for t in timings) for label, timings in results.items()}
    all_acks = [t[0] for timings in results.values() for t in timings]
    print(f"ack p99 (all) {percentile(all_acks, 0.99):.1f} ms (target < 100 ms)")
    for label, target in (("overdue cached", 1.5), ("overdue uncached", 4.0), ("help cached", 1.5)):
        ratio = p50[label] / p50["no-op Bolt"]
        verdict = "PASS" if ratio <= target else "FAIL"
        print(f"{label} delivered p50 / no-op Bolt p50 = {ratio:.2f} (target <= {target}): {verdict}")


def run(database_url: str, actions: int, count: int) -> None:
    began = time.monotonic()
    generate(database_url, actions=actions)
    print(f"generated {actions:,} actions in {time.monotonic() - began:.0f} s")
    # The servers run no scheduler: build the overdue snapshot for their day as its leader would after midnight.
    database = Database.from_url(database_url)
    print(f"overdue snapshot built in {build_overdue_snapshot(database):.1f} s")
    database.engine.dispose()
    slack = SlackApiStandIn().start()
    slack.add_user("UADMIN", ADMIN)
    with ExitStack() as stack:
        urls = {kind: stack.enter_context(server(kind, database_url, slack.url)) for kind in SERVERS}
        senders = {kind: SlackSender(url, SECRET, slack.response_url()) for kind, url in urls.items()}
        try:
            report(rounds(senders, slack, count))
        finally:
            for sender in senders.values():
                sender.close()
            slack.stop()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true", help="a throwaway database on --postgres-url")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    args = parser.parse_args()
    if args.postgres:
        with postgres_database(args.postgres_url) as url:
            print("PostgreSQL")
            run(url, args.actions, args.rounds)
        return
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite")
        run(f"sqlite:///{Path(folder) / 'bench.db'}", args.actions, args.rounds)


if __name__ == "__main__":
    main()
