"""How fast is `/milestones overdue` on a large database, and how much memory does answering it take?

For SQLite (a temporary file) and PostgreSQL (a throwaway database created on the server and dropped after),
generate the benchmark workload (bench/generate.py; by default 20% of the actions are owed by all seven
health boards, a roll-up with one delivery per board: `--fan-out`), then, in a fresh process per database so
that generating does not count towards peak memory, answer `/milestones overdue org:<board>` and
`/milestones overdue` through the real handler path (commands.dispatch.answer, one session per message as a
surface opens it) with the clock at 1 June 2021. Prints p50/p99 over the runs and the measuring process's
peak RSS. Answers are not kept in memory here (Database(cache_answers=False)): every run pays for the queries.
Before timing, the overdue snapshot is rebuilt for that day, as the scheduler leader does at the day's start
(bot/plans/overdue_upkeep.py), and the time it took is printed: `overdue` reads it rather than counting.

    .venv/bin/python bench/overdue.py                      # both databases, 200 runs each
    .venv/bin/python bench/overdue.py --only sqlite --profile
    .venv/bin/python bench/overdue.py --fan-out 0          # the workload before deliveries
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import pstats
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate import FAN_OUT, describe, generate
from bot.clock import LONDON, FixedClock
from bot.directory.service import get_person_by_email
from bot.i18n import Language, speaking
from bot.plans.overdue_upkeep import rebuild_overdue_snapshot
from bot.storage.database import Database
from commands.context import CommandContext
from commands.dispatch import answer

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TODAY = datetime(2021, 6, 1, 9, 0, tzinfo=UTC)
ACTOR = "admin@example.nhs.wales"
WARM_UP = 5
TARGETS = {"board p50 ms": 20.0, "board p99 ms": 60.0, "peak RSS MB": 150.0}


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the value at or below which `fraction` of the samples fall."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def time_command(database: Database, message: str, runs: int, actor: str = ACTOR) -> dict[str, object]:
    """Milliseconds per message from `actor`, each answered in its own unit of work as a surface would."""
    clock = FixedClock(TODAY)
    samples: list[float] = []
    title = ""
    for i in range(WARM_UP + runs):
        started = time.perf_counter()
        with database.unit_of_work() as session:
            reply = answer(message, CommandContext(session, get_person_by_email(session=session, email=actor), clock))
        if i >= WARM_UP:
            samples.append((time.perf_counter() - started) * 1000)
        title = reply.footer or reply.title
    if reply.tone == "error":
        raise RuntimeError(f"{message!r} failed: {reply.title}")
    return {"p50": percentile(samples, 0.50), "p99": percentile(samples, 0.99), "max": max(samples), "answer": title}


def time_in_welsh_and_english(database: Database, message: str, runs: int) -> dict[str, float]:
    """The same message answered in Welsh and in English, alternating message by message so both languages
    see the same machine: p50 of each and their ratio (issue 13: Welsh costs at most 10% more)."""
    clock = FixedClock(TODAY)
    samples: dict[Language, list[float]] = {"cy": [], "en": []}
    for i in range(2 * (WARM_UP + runs)):
        language: Language = "cy" if i % 2 else "en"
        started = time.perf_counter()
        with speaking(language), database.unit_of_work() as session:
            answer(message, CommandContext(session, get_person_by_email(session=session, email=ACTOR), clock))
        if i >= 2 * WARM_UP:
            samples[language].append((time.perf_counter() - started) * 1000)
    welsh, english = percentile(samples["cy"], 0.5), percentile(samples["en"], 0.5)
    return {"cy_p50": welsh, "en_p50": english, "ratio": welsh / english}


def build_overdue_snapshot(database: Database) -> float:
    """The overdue snapshot for TODAY, as the scheduler leader builds it after midnight; seconds taken."""
    started = time.perf_counter()
    with database.unit_of_work() as session:
        rebuild_overdue_snapshot(session, as_of=TODAY.astimezone(LONDON).date(), now=TODAY)
    return time.perf_counter() - started


def measure(url: str, board: str, runs: int, profile: bool) -> dict[str, object]:
    database = Database.from_url(url, cache_answers=False)
    rebuilt_in = build_overdue_snapshot(database)
    results = {
        "snapshot_seconds": rebuilt_in,
        "board": time_command(database, f"/milestones overdue org:{board}", runs),
        "wales": time_command(database, "/milestones overdue", runs),
        "languages": time_in_welsh_and_english(database, f"/milestones overdue org:{board}", runs),
    }
    if profile:
        with cProfile.Profile() as profiler:
            time_command(database, f"/milestones overdue org:{board}", runs)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    database.engine.dispose()
    # ru_maxrss is in kilobytes on Linux.
    return {**results, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="milestones-bench-") as folder:
        yield f"sqlite:///{folder}/bench.db"


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"milestones_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_backend(name: str, url: str, args: argparse.Namespace) -> dict[str, object]:
    started = time.perf_counter()
    counts = generate(url, actions=args.actions, plans=args.plans, people=args.people, seed=args.seed,
                      fan_out=args.fan_out)  # fmt: skip
    print(f"{name}: generated {args.actions:,} actions in {time.perf_counter() - started:.1f} s: {describe(counts)}",
          file=sys.stderr)  # fmt: skip
    command = [sys.executable, __file__, "--measure", url, "--board", args.board, "--runs", str(args.runs)]
    if args.profile:
        command.append("--profile")
    finished = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    return {**json.loads(finished.stdout), "counts": counts}


def print_table(results: dict[str, dict[str, object]], args: argparse.Namespace) -> None:
    print(f"\n/milestones overdue, {args.actions:,} actions / {args.plans} plans / {args.people:,} people, "
          f"{args.fan_out:.0%} owed by every board, {args.runs} runs, today = {TODAY:%Y-%m-%d}")  # fmt: skip
    for backend, figures in results.items():
        print(f"{backend}: {describe(figures['counts'])}")  # type: ignore[arg-type]
    print(f"{'database':<11}{'scope':<16}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'peak RSS MB':>13}  answer")
    for backend, figures in results.items():
        for scope, label in (("board", f"org:{args.board}"), ("wales", "all of Wales")):
            row: dict[str, float | str] = figures[scope]  # type: ignore[assignment]
            print(f"{backend:<11}{label:<16}{row['p50']:>8.1f}{row['p99']:>8.1f}{row['max']:>8.1f}"
                  f"{figures['peak_rss_mb']:>13.0f}  {str(row['answer'])[:70]}")  # fmt: skip
    for backend, figures in results.items():
        print(f"{backend}: overdue snapshot rebuilt for {TODAY:%Y-%m-%d} in {figures['snapshot_seconds']:.2f} s")
    for backend, figures in results.items():
        languages: dict[str, float] = figures["languages"]  # type: ignore[assignment]
        print(
            f"{backend}: org:{args.board} in Welsh p50 {languages['cy_p50']:.1f} ms, in English "
            f"{languages['en_p50']:.1f} ms (alternating): Welsh / English = {languages['ratio']:.2f}"
        )
    print("targets: board p50 < 20 ms, board p99 < 60 ms, peak RSS < 150 MB; Welsh / English <= 1.10")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("sqlite", "postgres"), help="measure one database only")
    parser.add_argument("--postgres-url", default=POSTGRES_URL, help="server to create the throwaway database on")
    parser.add_argument("--board", default="bcuhb", help="health board code for the org: query")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--actions", type=int, default=100_000)
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--people", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fan-out", type=float, default=FAN_OUT, help="share of the actions owed by all 7 boards")
    parser.add_argument("--profile", action="store_true", help="cProfile the board query (to stderr)")
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)  # the child process's job
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, args.board, args.runs, args.profile)))
        return
    databases = {"sqlite": sqlite_database, "postgresql": lambda: postgres_database(args.postgres_url)}
    chosen = {k: v for k, v in databases.items() if args.only is None or k.startswith(args.only)}
    results: dict[str, dict[str, object]] = {}
    for name, make in chosen.items():
        with make() as url:
            results[name] = run_backend(name, url, args)
    print_table(results, args)


if __name__ == "__main__":
    main()
