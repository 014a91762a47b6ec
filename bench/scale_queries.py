"""Do the listings cost what they return, not what the database holds? (issue 14, bounded queries)

Answers `/milestones overdue org:<board>`, `/milestones overdue` (all of Wales) and `/milestones mine` (as one
generated person) uncached through the real handler path, on two databases bench/generate.py filled once,
typically 100,000 and 1,000,000 actions (generating a million takes about ten minutes, so they are reused):

    createdb -h 127.0.0.1 -U postgres bench100k && createdb -h 127.0.0.1 -U postgres bench1m
    .venv/bin/python bench/generate.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench100k --actions 100000
    .venv/bin/python bench/generate.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench1m --actions 1000000
    .venv/bin/python bench/scale_queries.py --small postgresql+psycopg://postgres@127.0.0.1:5432/bench100k \\
        --large postgresql+psycopg://postgres@127.0.0.1:5432/bench1m

Before timing, each database is upgraded to the current schema if it is behind and its overdue snapshot is
rebuilt for the benches' day (1 June 2021), as the scheduler leader does at the day's start
(bot/plans/overdue_upkeep.py): `overdue` reads it rather than counting; the rebuild's time is printed.
Prints p50/p99 per command and database (the databases measured alternately, `--rounds` times, so that the
machine's load falls on both alike) and the growth of p50 from the small to the large one. Then, on the large
database, asks PostgreSQL how it would run every statement those commands send (EXPLAIN, with the parameters
they were sent with) and lists any sequential scan of `actions` or of the snapshot's tables; it exits with
status 1 if there is one.

Targets (issue 14): at 1M actions p50 < 20 ms and p99 < 60 ms for each; p50 growth from 100k at most 2x;
no sequential scan of actions.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.overdue import ACTOR, TODAY, build_overdue_snapshot, time_command
from bot.clock import FixedClock
from bot.directory.service import get_person_by_email
from bot.storage.database import Database, make_engine
from bot.storage.migrate import upgrade_unless_current
from commands.context import CommandContext
from commands.dispatch import answer

# Tables no statement may read from end to end: the actions, and the overdue snapshot's tables.
SCANNED = ("actions", "overdue_lines", "overdue_tallies")
# A generated person owning 140 actions at 100,000 and 923 at 1,000,000 (seed 1): a typical owner.
PERSON = "bench.person02319@example.nhs.wales"


def commands(board: str, person: str) -> dict[str, tuple[str, str]]:
    return {
        f"overdue org:{board}": (f"/milestones overdue org:{board}", ACTOR),
        "overdue (Wales)": ("/milestones overdue", ACTOR),
        "mine": ("/milestones mine", person),
    }


def sequential_scans(database: Database, message: str, actor: str) -> list[str]:
    """The statements `message` sends that PostgreSQL would answer with a sequential scan of a SCANNED table."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if any(table in statement for table in SCANNED) and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            sent.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", capture)
    try:
        with database.unit_of_work() as session:
            person = get_person_by_email(session=session, email=actor)
            answer(message, CommandContext(session, person, FixedClock(TODAY)))
    finally:
        event.remove(database.engine, "before_cursor_execute", capture)
    found = []
    with database.engine.connect() as connection:
        for statement, parameters in sent:
            plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {statement}", parameters).scalar_one()
            if any(node.get("Relation Name") in SCANNED for node in _seq_scans(plan[0]["Plan"])):
                found.append(" ".join(statement.split())[:160])
    return found


def _seq_scans(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if node.get("Node Type") == "Seq Scan":
        yield node
    for child in node.get("Plans", []):
        yield from _seq_scans(child)


def measure(url: str, runs: int, board: str, person: str) -> dict[str, dict[str, object]]:
    database = Database.from_url(url, cache_answers=False)
    try:
        return {name: time_command(database, message, runs, actor) for name, (message, actor) in
                commands(board, person).items()}  # fmt: skip
    finally:
        database.engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", required=True, help="database URL of the smaller generated workload")
    parser.add_argument("--large", required=True, help="database URL of the larger generated workload")
    parser.add_argument("--board", default="bcuhb")
    parser.add_argument("--person", default=PERSON, help="whose `mine` to answer")
    parser.add_argument("--runs", type=int, default=100, help="answers per command, database and round")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    for label, url in (("small", args.small), ("large", args.large)):
        upgrade_unless_current(make_engine(url), url)
        database = Database.from_url(url, cache_answers=False)
        print(f"{label}: overdue snapshot rebuilt for {TODAY:%Y-%m-%d} in {build_overdue_snapshot(database):.2f} s")
        database.engine.dispose()
    samples: dict[tuple[str, str], list[dict[str, object]]] = {}
    for _ in range(args.rounds):
        for label, url in (("small", args.small), ("large", args.large)):
            for name, figures in measure(url, args.runs, args.board, args.person).items():
                samples.setdefault((label, name), []).append(figures)
    print(f"{'command':<22}{'database':<10}{'p50 ms per round':<26}{'p99 ms per round':<26}")
    for (label, name), rounds in samples.items():
        p50s = " / ".join(f"{r['p50']:.1f}" for r in rounds)
        p99s = " / ".join(f"{r['p99']:.1f}" for r in rounds)
        print(f"{name:<22}{label:<10}{p50s:<26}{p99s:<26}")
    for name in commands(args.board, args.person):
        small = sorted(float(r["p50"]) for r in samples[("small", name)])  # type: ignore[arg-type]
        large = sorted(float(r["p50"]) for r in samples[("large", name)])  # type: ignore[arg-type]
        print(f"growth of p50, {name}: {large[len(large) // 2] / small[len(small) // 2]:.2f}x (target at most 2x)")
    database = Database.from_url(args.large, cache_answers=False)
    scans = {name: sequential_scans(database, message, actor) for name, (message, actor) in
             commands(args.board, args.person).items()}  # fmt: skip
    database.engine.dispose()
    print("sequential scans of actions or the snapshot's tables at the large size:", json.dumps(scans, indent=2))
    if any(scans.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
