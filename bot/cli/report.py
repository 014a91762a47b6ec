"""`milestones-bot report --plan KEY --period 2021-Q3 --out pack.pdf`: the programme board report pack."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.cli.core import parse_now
from bot.clock import FixedClock, SystemClock, london_today
from bot.config import get_settings
from bot.i18n import _
from bot.reports.build import PackRequest, pack_format, read_pack, render_pack, unknown_format
from bot.runtime import configure_logging, open_database

USAGE_ERROR = 2


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = subcommands.add_parser("report", help="build a plan's report pack for a programme board (PDF or Excel)")
    report.add_argument("--plan", required=True, help="the plan's key, e.g. pcmw-2020-21")
    report.add_argument("--org", default=None, help="only this organisation's subtree (code; default: all Wales)")
    report.add_argument("--period", required=True, help="a quarter such as 2021-Q3 or a month such as 2021-07")
    report.add_argument("--out", type=Path, required=True, help="the file to write: pack.pdf or pack.xlsx")
    report.add_argument("--now", type=parse_now, help="pretend it is this date (ISO), as `say --now` does")
    report.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    fmt = pack_format(args.out.suffix.lstrip("."))
    if fmt is None:
        print(unknown_format(args.out.name), file=sys.stderr)
        return USAGE_ERROR
    settings = get_settings()
    configure_logging(settings)
    today = london_today(FixedClock(args.now) if args.now else SystemClock())
    request = PackRequest(plan=args.plan, period=args.period, org=args.org, fmt=fmt)
    with open_database(settings).unit_of_work() as session:
        pack = read_pack(session=session, request=request, today=today)
        if isinstance(pack, str):
            print(pack, file=sys.stderr)
            return USAGE_ERROR
        args.out.write_bytes(render_pack(pack, fmt))
    print(_("Wrote {file}.").format(file=args.out), file=sys.stderr)
    return 0
