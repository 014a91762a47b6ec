"""How long do the Monday digests take for 100 and for 1,000 managers over a database of a million actions?

Issue 14's targets on PostgreSQL: 100 managers' digests over 1M actions in under 5 s, 1,000 in under 30 s.
Generating a million actions takes about ten minutes on the shared machine, so this reuses a database that
bench/generate.py filled once (a dedicated one; nothing here is kept in it):

    createdb -h 127.0.0.1 -U postgres bench1m
    .venv/bin/python bench/generate.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench1m --actions 1000000
    .venv/bin/python bench/digests_at_scale.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench1m

For each manager count N (`--managers`, default 100 and 1,000): the seven board leads (each manages everyone
at their board, so their digest covers the whole board) and the first N - 7 other generated people become
managers of one person each, in a transaction that is rolled back afterwards. Then, in that transaction,
the digests are decided and each message built as the sender builds it (one batch, one lookup: a digest per
organisation is built once), `--runs` times. The workload has no escalation reports, so the trend and
missed check-in sections are empty; the actions sections are what grows with the database.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.clock import LONDON
from bot.directory.models import Person
from bot.storage.database import Database
from scheduler.digest import decide_digests
from scheduler.messages import Lookup, build_message

MONDAY = date(2021, 6, 7)
DIGEST_AT = datetime(2021, 6, 7, 8, 0, tzinfo=LONDON)
TARGETS = {100: 5.0, 1_000: 30.0}


@contextmanager
def with_managers(database: Database, managers: int) -> Iterator[Session]:
    """A session in which exactly `managers` people manage someone; everything is rolled back after."""
    with database.engine.connect() as connection, connection.begin() as transaction:
        _make_managers(connection, managers)
        try:
            yield Session(bind=connection, join_transaction_mode="create_savepoint")
        finally:
            transaction.rollback()


def _make_managers(connection: Connection, managers: int) -> None:
    generated = select(Person.id, Person.manager_id).where(Person.email.like("bench.person%")).order_by(Person.id)
    people = connection.execute(generated).all()
    leads = [pid for pid, manager in people if manager is None]
    others = [pid for pid, manager in people if manager is not None]
    chosen = others[: managers - len(leads)]
    if len(chosen) + len(leads) != managers or len(others) < 2 * len(chosen):
        raise SystemExit(f"the database has too few generated people for {managers} managers")
    # Everyone else keeps their board lead as manager; each chosen person manages one of the rest.
    managed = others[len(chosen) : 2 * len(chosen)]
    for manager_id, person_id in zip(chosen, managed, strict=True):
        connection.execute(update(Person).where(Person.id == person_id).values(manager_id=manager_id))


def timed_digests(session: Session) -> tuple[float, int, int]:
    started = time.perf_counter()
    planned = decide_digests(session=session, today=MONDAY)
    lookup = Lookup(session)
    for item in planned:
        build_message(lookup=lookup, kind=item.kind, payload=item.payload, for_day=item.for_day,
                      now=DIGEST_AT.astimezone(UTC))  # fmt: skip
    return time.perf_counter() - started, len(planned), len(lookup.built)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="a database bench/generate.py filled")
    parser.add_argument("--managers", type=int, nargs="+", default=[100, 1_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    database = Database.from_url(args.url, cache_answers=False)
    for managers in args.managers:
        with with_managers(database, managers) as session:
            for run in range(1, args.runs + 1):
                elapsed, digests, organisations = timed_digests(session)
                target = TARGETS.get(managers)
                verdict = f" (target < {target:.0f} s)" if target else ""
                print(f"{managers:,} managers, run {run}: {digests:,} digests ({organisations:,} organisations) "
                      f"decided and built in {elapsed:.2f} s{verdict}", flush=True)  # fmt: skip
            session.close()
    database.engine.dispose()


if __name__ == "__main__":
    main()
