"""Time the dashboard's Wales and board views on a year of escalation reports in PostgreSQL.

Creates a throwaway database on the server, loads the shipped data, adds clusters and ~2,000 reporting
organisations (one reporter each) across the health boards, a year of daily reports for each (~730,000 rows,
loaded with COPY), starts the real app under uvicorn and requests each view over HTTP. Drops the database after.

    .venv/bin/python bench/dashboard_render.py --url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.clock import FixedClock
from bot.config import SHIPPED_DATA_DIR
from bot.directory.models import Organisation, Person
from bot.escalation.models import Service, ServiceReporter
from bot.shipped_data import load_shipped_data
from bot.storage.database import Database
from bot.storage.migrate import upgrade_to_head
from tests.dashboard.live import start_dashboard

TODAY = date(2021, 6, 1)
KINDS = {
    "practice": "gp_in_hours",
    "pharmacy": "community_pharmacy",
    "dental_practice": "dental",
    "optometry_practice": "optometry",
}


def add_organisations(database: Database, *, reporting: int, clusters_per_board: int) -> None:
    """Clusters under every board, then `reporting` contractors spread over them, each with a reporter."""
    with database.unit_of_work() as session:
        boards = list(session.scalars(select(Organisation).where(Organisation.kind == "health_board")))
        services = {s.key: s.id for s in session.scalars(select(Service))}
        clusters = []
        for board in boards:
            for n in range(clusters_per_board):
                code = f"{board.code}-bench-{n}"
                clusters.append(
                    {
                        "code": code,
                        "name": f"{board.name} bench cluster {n}",
                        "kind": "cluster",
                        "parent_id": board.id,
                        "path": f"{board.path}{code}/",
                    }
                )
        session.execute(insert(Organisation), clusters)
        cluster_rows = list(
            session.execute(select(Organisation.id, Organisation.path).where(Organisation.code.like("%-bench-%")))
        )
        kinds = list(KINDS)
        orgs = []
        for n in range(reporting):
            parent_id, parent_path = cluster_rows[n % len(cluster_rows)]
            code = f"bench-org-{n}"
            orgs.append(
                {
                    "code": code,
                    "name": f"Bench contractor {n:04d}",
                    "kind": kinds[n % len(kinds)],
                    "parent_id": parent_id,
                    "path": f"{parent_path}{code}/",
                }
            )
        session.execute(insert(Organisation), orgs)
        created = session.execute(
            select(Organisation.id, Organisation.code, Organisation.kind).where(Organisation.code.like("bench-org-%"))
        ).all()
        session.execute(
            insert(Person),
            [
                {"email": f"{code}@bench.example", "name": f"Reporter {code}", "titles": [], "organisation_id": oid}
                for oid, code, _ in created
            ],
        )
        bench_people = select(Person.email, Person.id).where(Person.email.like("%@bench.example"))
        people = {email: pid for email, pid in session.execute(bench_people)}
        session.execute(
            insert(ServiceReporter),
            [
                {
                    "service_id": services[KINDS[kind]],
                    "organisation_id": oid,
                    "person_id": people[f"{code}@bench.example"],
                }
                for oid, code, kind in created
            ],
        )


def add_reports(database: Database, *, days: int) -> int:
    """One current report per reporting organisation and day, COPYed in: the realistic shape of a year."""
    with database.unit_of_work() as session:
        assignments = session.execute(
            select(ServiceReporter.organisation_id, ServiceReporter.service_id, ServiceReporter.person_id)
        ).all()
    rng = random.Random(1)
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        columns = "organisation_id, service_id, day, level, reported_by_id, reported_at, source"
        with cursor.copy(f"COPY escalation_reports ({columns}) FROM STDIN") as copy:  # type: ignore[attr-defined]
            for offset in range(days):
                day = TODAY - timedelta(days=offset)
                at = datetime(day.year, day.month, day.day, 8, 30, tzinfo=UTC)
                for org_id, service_id, person_id in assignments:
                    copy.write_row((org_id, service_id, day, rng.choice((1, 1, 1, 2, 2, 3, 4)), person_id, at, "bench"))
        raw.commit()
    finally:
        raw.close()
    with database.engine.connect() as connection:
        connection.execute(text("ANALYZE"))
    return len(assignments) * days


def time_view(client: httpx.Client, path: str, runs: int) -> tuple[float, float]:
    client.get(path).raise_for_status()  # warm the caches and the connection pool
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path).raise_for_status()
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, int(len(timings) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with throwaway_database(args.url, "dashboard_bench") as url:
        run(url, args)


@contextmanager
def throwaway_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new database on the server for one benchmark run, dropped after it whatever happens."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def load_workload(url: str, *, organisations: int, days: int) -> Database:
    """The shipped data, `organisations` reporting organisations and `days` of their reports."""
    started = time.perf_counter()
    upgrade_to_head(url)
    database = Database.from_url(url)
    with database.unit_of_work() as session:
        load_shipped_data(session=session, data_dir=SHIPPED_DATA_DIR, now=datetime(2020, 1, 2, tzinfo=UTC))
    add_organisations(database, reporting=organisations, clusters_per_board=8)
    rows = add_reports(database, days=days)
    elapsed = time.perf_counter() - started
    print(f"Loaded {organisations} reporting organisations, {rows:,} reports in {elapsed:.0f} s")
    return database


def run(url: str, args: argparse.Namespace) -> None:
    database = load_workload(url, organisations=args.organisations, days=args.days)
    dashboard = start_dashboard(database, FixedClock(datetime(2021, 6, 1, 14, 0, tzinfo=UTC)))
    try:
        with httpx.Client(base_url=dashboard.url, timeout=30) as client:
            client.get(dashboard.link("wales"))
            for label, path in (
                ("Wales view", "/dashboard/org/wales"),
                ("Board view (cvuhb)", "/dashboard/org/cvuhb"),
                ("Wales drill-down (GP in hours)", "/dashboard/org/wales/service/gp_in_hours"),
                ("Wales tile picture (PNG)", "/dashboard/tiles.png?org=wales"),
            ):
                p50, p99 = time_view(client, path, args.runs)
                print(f"{label:32} p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   ({args.runs} requests)")
    finally:
        dashboard.stop()
        database.engine.dispose()


if __name__ == "__main__":
    main()
