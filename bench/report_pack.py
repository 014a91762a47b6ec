"""Time the programme board report pack for all of Wales over a quarter on the 740k-report workload.

Creates a throwaway PostgreSQL database, loads the shipped data (the seed plans, with their deliveries and
recurring occurrences), adds ~2,000 reporting organisations with a year of daily reports each (the workload of
bench/dashboard_render.py: 740,220 rows, loaded with COPY), then builds the PDF and the workbook of one plan for
Wales over the quarter ending on the workload's last day, in process, several times. Drops the database after.

    .venv/bin/python bench/report_pack.py --url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.dashboard_render import load_workload, throwaway_database
from bot.reports.build import PackRequest, read_pack, render_pack
from bot.reports.pack import ReportPack
from bot.storage.database import Database

TODAY = date(2021, 6, 1)  # the workload's last day: 2021-Q2 is the quarter it covers in full


def time_pack(database: Database, request: PackRequest, fmt: str) -> tuple[float, int]:
    started = time.perf_counter()
    with database.unit_of_work() as session:
        pack = read_pack(session=session, request=request, today=TODAY)
        assert isinstance(pack, ReportPack), pack
        body = render_pack(pack, "pdf" if fmt == "pdf" else "xlsx")
    return time.perf_counter() - started, len(body)


def run(url: str, args: argparse.Namespace) -> None:
    database = load_workload(url, organisations=args.organisations, days=args.days)
    request = PackRequest(plan=args.plan, period=args.period, org=None, fmt="pdf")
    for fmt in ("pdf", "xlsx"):
        timings, size = [], 0
        for _ in range(args.runs):
            seconds, size = time_pack(database, request, fmt)
            timings.append(seconds)
        print(f"Wales, {args.plan}, {args.period}, {fmt}: median {statistics.median(timings):.2f} s, "
              f"worst {max(timings):.2f} s over {args.runs} builds ({size:,} bytes)")  # fmt: skip
    database.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--organisations", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--plan", default="pcmw-2020-21")
    parser.add_argument("--period", default="2021-Q2")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with throwaway_database(args.url, "bench_reports") as url:
        run(url, args)


if __name__ == "__main__":
    main()
