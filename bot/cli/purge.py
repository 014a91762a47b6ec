"""`milestones-bot purge --before DATE`: the retention command (SECURITY.md): blanks notes older than DATE,
keeps the history rows."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, time

from bot.clock import LONDON, SystemClock, london_today
from bot.config import get_settings
from bot.governance.retention import purge_notes
from bot.runtime import configure_logging, open_database

USAGE_ERROR = 2


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    purge = subcommands.add_parser("purge", help="blank notes recorded before a date (history rows are kept)")
    purge.add_argument("--before", required=True, type=_day, metavar="DATE",
                       help="ISO date: notes recorded before the start of this day (UK time) are blanked")  # fmt: skip
    purge.set_defaults(run=run_purge)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date, e.g. 2021-01-15") from problem


def run_purge(args: argparse.Namespace) -> int:
    if args.before > london_today(SystemClock()):
        # A date in the future would blank today's notes too: almost certainly a typing slip.
        print(f"{args.before.isoformat()} is in the future; purge notes before today or earlier.", file=sys.stderr)
        return USAGE_ERROR
    settings = get_settings()
    configure_logging(settings)
    database = open_database(settings)
    with database.unit_of_work() as session:
        purged = purge_notes(session=session, before=datetime.combine(args.before, time(0), tzinfo=LONDON))
    print(f"Notes recorded before {args.before.isoformat()} (UK time):")
    for line in purged.lines():
        print(f"  {line}")
    return 0
