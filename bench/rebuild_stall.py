"""How long does a write wait while the overdue snapshot is rebuilt (issue 14)?

On an existing generated database (bench/generate.py, e.g. bench1m), one thread rebuilds the overdue snapshot
for 1 June 2021 as the scheduler leader does after midnight, while this thread makes status updates on
overdue parts through the real service (bot/plans/service.record_status), one transaction each, back to back,
until the rebuild returns. Each update moves a part between two open statuses, so it recounts its lines
under the snapshot's lock without changing any count. Prints the updates' times without a rebuild, a
rebuild's time without updates, then per rebuild its time and the updates' times during it (count, p50,
max), and whether the snapshot then answers `overdue` for all of Wales exactly as counting live does. Every
part's status is set back at the end, through the service; the status history keeps the updates.

    .venv/bin/python bench/rebuild_stall.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench1m
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.directory.service import get_person_by_email
from bot.plans.listing import ActionFilter, overdue_actions
from bot.plans.models import CLOSED_STATUSES, Action
from bot.plans.overdue_snapshot import snapshot_counts
from bot.plans.overdue_tables import OverdueSnapshot
from bot.plans.overdue_upkeep import rebuild_overdue_snapshot
from bot.plans.service import record_status
from bot.storage.database import Database

TODAY = date(2021, 6, 1)
NOW = datetime(2021, 6, 1, 9, 0, tzinfo=UTC)
ACTOR = "admin@example.nhs.wales"
# Two open statuses: moving between them keeps a part overdue.
SWAP = {"blocked": "at_risk", "at_risk": "blocked", "on_track": "at_risk", "not_started": "at_risk"}


def overdue_parts(database: Database, count: int) -> dict[int, str]:
    """Some overdue parts of lines, by id, with their statuses now."""
    query = select(Action.id, Action.status).where(
        Action.status.not_in(CLOSED_STATUSES),
        Action.is_rollup.is_(False),
        Action.open_ended.is_(False),
        Action.due_end < TODAY,
        Action.parent_id.is_not(None),
    )
    with database.unit_of_work() as session:
        return {row.id: row.status for row in session.execute(query.order_by(Action.id).limit(count))}


def set_status(database: Database, action_id: int, status: str) -> float:
    """One status update in its own transaction; milliseconds until its commit returned."""
    started = time.perf_counter()
    with database.unit_of_work() as session:
        actor = get_person_by_email(session=session, email=ACTOR)
        assert actor is not None, f"{ACTOR} is not in the database"
        record_status(session=session, action=session.get_one(Action, action_id), status=status, actor=actor,
                      now=NOW, source="bench")  # fmt: skip
    return (time.perf_counter() - started) * 1000


def updates(database: Database, parts: dict[int, str], until: threading.Event | None, rounds: int) -> list[float]:
    """Back-to-back updates cycling through the parts: `rounds` of them, or until `until` is set."""
    taken: list[float] = []
    ids = list(parts)
    while (until is None and len(taken) < rounds) or (until is not None and not until.is_set()):
        action_id = ids[len(taken) % len(ids)]
        status = SWAP[parts[action_id]] if len(taken) // len(ids) % 2 == 0 else parts[action_id]
        taken.append(set_status(database, action_id, status))
    return taken


def rebuild(database: Database) -> float:
    """Seconds the rebuild took, as the leader makes it."""
    started = time.perf_counter()
    with database.unit_of_work() as session:
        rebuild_overdue_snapshot(session, as_of=TODAY, now=NOW)
    return time.perf_counter() - started


def snapshot_is_live(database: Database) -> bool:
    """The snapshot is usable and answers `overdue` for all of Wales as counting live does (the snapshot
    switched off in a transaction rolled back)."""
    with database.sessions() as session:
        if snapshot_counts(session.connection(), today=TODAY, organisation_id=None, plan_key=None) is None:
            return False
        from_snapshot = overdue_actions(session=session, today=TODAY, flt=ActionFilter())
        session.execute(update(OverdueSnapshot).values(usable=False))
        counted_live = overdue_actions(session=session, today=TODAY, flt=ActionFilter())
        session.rollback()
    return from_snapshot == counted_live


def describe(label: str, taken: list[float]) -> str:
    if not taken:
        return f"{label}: no updates (it ended before the first; a small database)"
    return f"{label}: {len(taken)} updates, p50 {statistics.median(taken):.1f} ms, max {max(taken):.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="database URL of a generated workload")
    parser.add_argument("--parts", type=int, default=10, help="overdue parts to update in turn")
    parser.add_argument("--rebuilds", type=int, default=2)
    args = parser.parse_args()
    database = Database.from_url(args.url, cache_answers=False)
    parts = overdue_parts(database, args.parts)
    try:
        print(describe("no rebuild", updates(database, parts, None, 4 * len(parts))))
        print(f"a rebuild without updates: {rebuild(database):.1f} s")
        for _ in range(args.rebuilds):
            done = threading.Event()
            took: list[float] = []

            def rebuild_then_stop(done: threading.Event = done, took: list[float] = took) -> None:
                took.append(rebuild(database))
                done.set()

            thread = threading.Thread(target=rebuild_then_stop)
            thread.start()
            time.sleep(0.2)  # the rebuild under way
            during = updates(database, parts, done, 0)
            thread.join()
            print(describe(f"during a rebuild of {took[0]:.1f} s", during))
            print(f"snapshot answers as counting live: {snapshot_is_live(database)}")
    finally:
        with database.unit_of_work() as session:
            now = {
                row.id: row.status
                for row in session.execute(select(Action.id, Action.status).where(Action.id.in_(parts)))
            }
        for action_id, status in parts.items():
            if now[action_id] != status:
                set_status(database, action_id, status)
        database.engine.dispose()


if __name__ == "__main__":
    main()
