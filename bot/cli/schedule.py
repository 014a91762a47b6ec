"""`milestones-bot schedule …`: preview what the scheduler would send, or run it once by hand.

The scheduler's modules are imported when a verb runs, not when the command line is built: every
`milestones-bot` command builds it, and `say` should not pay for the scheduler."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime

from bot.cli.core import parse_now
from bot.clock import LONDON, Clock, FixedClock, SystemClock
from bot.config import get_settings
from bot.runtime import Runtime, configure_logging, open_database

USAGE_ERROR = 2
MAX_PREVIEW_DAYS = 92


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    schedule = subcommands.add_parser("schedule", help="preview or run the scheduler (prompts, check-ins, digests)")
    verbs = schedule.add_subparsers(dest="verb", required=True, metavar="VERB")
    show = verbs.add_parser("preview", help="list what would be sent in a period, without sending or saving")
    show.add_argument("--from", dest="first", type=_day, required=True, help="first day, e.g. 2021-05-03")
    show.add_argument("--to", dest="last", type=_day, required=True, help="last day (inclusive)")
    show.set_defaults(run=run_preview)
    once = verbs.add_parser("run-once", help="catch up today's jobs and deliver what is due, then exit")
    once.add_argument("--now", type=parse_now, help="pretend it is this date or time (ISO), e.g. 2021-05-04T12:00")
    once.set_defaults(run=run_once)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2021-05-03") from problem


def run_preview(args: argparse.Namespace) -> int:
    from scheduler.preview import preview

    if args.last < args.first or (args.last - args.first).days >= MAX_PREVIEW_DAYS:
        print(f"--to must be on or after --from, and at most {MAX_PREVIEW_DAYS} days later.", file=sys.stderr)
        return USAGE_ERROR
    settings = get_settings()
    configure_logging(settings)
    count = 0
    for item in preview(database=open_database(settings), settings=settings, first=args.first, last=args.last):
        print(item.line())
        count += 1
    print(f"{count} message(s) would be sent; nothing was sent or saved.")
    return 0


def run_once(args: argparse.Namespace) -> int:
    """Decides today's missed jobs and the level alerts, then delivers everything due. With no chat platform
    configured, messages are printed here (the console port)."""
    from bot.console.port import RecordingPort
    from bot.server.app import chat_ports
    from scheduler.jobs import alert_scan, catch_up, run_decision
    from scheduler.sender import Sender

    settings = get_settings()
    configure_logging(settings)
    clock: Clock = FixedClock(args.now) if args.now else SystemClock()
    database = open_database(settings)
    ports = chat_ports(Runtime(settings=settings, database=database, clock=clock)) or [RecordingPort(echo=print)]
    ran = catch_up(database=database, clock=clock, settings=settings)
    with database.unit_of_work() as session:
        run_decision(session=session, decide=alert_scan, clock=clock, settings=settings)
    delivered = Sender(database, ports, clock, settings, worker="run-once").drain()
    print(
        f"Ran {', '.join(ran) or 'no daily jobs'} and the level-alert scan at {_when(clock.now())}; "
        f"handled {delivered} message(s)."
    )
    return 0


def _when(instant: datetime) -> str:
    return instant.astimezone(LONDON).strftime("%H:%M on %-d %b %Y")
