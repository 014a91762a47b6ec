"""init, demo, say and import: the commands that need no chat platform.

What only `init` and `import` use (the plan readers, YAML) is imported when they run: `say` starts in a
fresh process for every message, so it imports no more than answering needs."""

from __future__ import annotations

import argparse
import difflib
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.cli.progress import shown
from bot.clock import LONDON, Clock, FixedClock, SystemClock, london_today
from bot.config import get_settings
from bot.console.session import DEMO_ADMIN, ConsoleChat, UnknownPerson
from bot.directory.service import find_organisation, organisation_codes
from bot.runtime import configure_logging, open_database
from bot.signed_links import download_maker, picture_maker

if TYPE_CHECKING:
    from bot.plans.reading import PlanFile, PlanRow
    from bot.storage.database import Database

USAGE_ERROR = 2


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = subcommands.add_parser("init", help="create or upgrade the database schema")
    init.add_argument("--demo", action="store_true", help="also load the shipped plans, services and demo people")
    init.add_argument("--now", type=parse_now, help="record the import as at this date or time (ISO)")
    init.set_defaults(run=run_init)

    demo = subcommands.add_parser("demo", help="init --demo, then chat with the bot in this terminal")
    demo.add_argument("--as", dest="email", default=DEMO_ADMIN, help="who you are (an email in the directory)")
    demo.add_argument("--now", type=parse_now, help="pretend it is this date or time (ISO), e.g. 2021-01-15")
    demo.set_defaults(run=run_demo)

    say = subcommands.add_parser("say", help="send one message and print the reply")
    say.add_argument("text", help='the message, e.g. "overdue" or "/milestones show esr/1.a"')
    say.add_argument("--as", dest="email", default=DEMO_ADMIN, help="who is speaking (an email in the directory)")
    say.add_argument("--now", type=parse_now, help="pretend it is this date or time (ISO), e.g. 2021-01-15T10:00")
    say.set_defaults(run=run_say)

    load = subcommands.add_parser("import", help="import a plan from CSV, TSV, YAML or Excel (.xlsx)")
    load.add_argument("file", type=Path)
    load.add_argument("--plan", help="the plan's name (tables only; YAML files name themselves)")
    load.add_argument("--key", help="short key used in references such as KEY/1.a (default: from the file name)")
    load.add_argument("--column", action="append", default=[], metavar="NAME=HEADING",
                      help="map a column (ref, action, lead, timeline, expected_output, recommendation, "
                           "owed_by) to the file's heading")  # fmt: skip
    load.add_argument("--header-row", type=int, metavar="N",
                      help="the row holding the headings (default: the first that names an action column)")  # fmt: skip
    load.add_argument("--org", help="the organisation the plan belongs to (its code, e.g. cvuhb)")
    load.add_argument("--owed-by", default="", metavar="WHO",
                      help="organisations that each owe every row without an owed-by cell: health_boards, clusters, "
                           "clusters:BOARD or codes, comma-separated")  # fmt: skip
    load.add_argument("--now", type=parse_now, help="record the import as at this date or time (ISO)")
    load.set_defaults(run=run_import)


def parse_now(text: str) -> datetime:
    """`2021-01-15` (09:00 that day in London) or a full ISO date-time."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date or date-time, e.g. 2021-01-15") from problem
    if len(text) <= 10:
        moment = datetime.combine(moment.date(), time(9, 0))
    return moment if moment.tzinfo else moment.replace(tzinfo=LONDON)


def _clock(now: datetime | None) -> Clock:
    return FixedClock(now) if now else SystemClock()


def run_init(args: argparse.Namespace) -> int:
    from bot.shipped_data import data_dir_problem, load_shipped_data

    settings = get_settings()
    configure_logging(settings)
    problem = data_dir_problem(settings.data_dir) if args.demo else None
    if problem:
        print(f"Cannot load the demo data: {problem}", file=sys.stderr)
        return USAGE_ERROR
    database = open_database(settings)
    print(f"Schema is up to date on {database.engine.url.render_as_string(hide_password=True)}.")
    if args.demo:
        with database.unit_of_work() as session:
            now = _clock(args.now).now()
            for summary_line in load_shipped_data(session=session, data_dir=settings.data_dir, now=now):
                print(summary_line)
            print(_seed_demo_activity(session, now))
    _refresh_overdue_snapshot(database, _clock(args.now))
    return 0


def _refresh_overdue_snapshot(database: Database, clock: Clock) -> None:
    """The overdue counts rebuilt for today if a load left them unusable, as the scheduler leader would do
    within a minute: `overdue` is fast from the first command."""
    from bot.plans.overdue_upkeep import rebuild_if_stale

    with database.unit_of_work() as session:
        rebuild_if_stale(session, today=london_today(clock), now=clock.now())


def _seed_demo_activity(session: Session, now: datetime) -> str:
    from bot.escalation.demo_reports import seed_demo_reports
    from bot.plans.demo_history import seed_demo_history

    reports = seed_demo_reports(session=session, today=now.astimezone(LONDON).date(), now=now)
    updates = seed_demo_history(session=session, now=now)
    return (f"Demo activity (marked as demo data): {reports} escalation reports over the year to "
            f"{now.astimezone(LONDON).date().isoformat()}, {updates} status updates.")  # fmt: skip


def run_say(args: argparse.Namespace) -> int:
    settings = get_settings()
    configure_logging(settings)
    chat = ConsoleChat(
        open_database(settings), _clock(args.now), args.email, picture_maker(settings), download_maker(settings)
    )
    try:
        print(chat.say(args.text))
    except UnknownPerson as problem:
        print(problem, file=sys.stderr)
        return USAGE_ERROR
    return 0


def run_demo(args: argparse.Namespace) -> int:
    initialised = run_init(argparse.Namespace(demo=True, now=args.now))
    if initialised != 0:
        return initialised
    from bot.console.repl import chat_loop

    settings = get_settings()
    chat = ConsoleChat(
        open_database(settings, upgrade=False),
        _clock(args.now),
        args.email,
        picture_maker(settings),
        download_maker(settings),
    )
    try:
        return chat_loop(chat)
    except UnknownPerson as problem:
        print(problem, file=sys.stderr)
        return USAGE_ERROR


def run_import(args: argparse.Namespace) -> int:
    from bot.plans.importer import import_plan
    from bot.plans.reading import PlanFileError, read_plan_file

    settings = get_settings()
    configure_logging(settings)
    overrides = dict(pair.split("=", 1) for pair in args.column if "=" in pair)
    try:
        plan_file = read_plan_file(
            args.file, key=args.key, name=args.plan, overrides=overrides, header_row=args.header_row
        )
        if args.owed_by:
            plan_file = plan_file.model_copy(update={"owed_by": args.owed_by})
    except PlanFileError as problem:
        print(f"Could not import: {problem}", file=sys.stderr)
        return USAGE_ERROR
    database = open_database(settings)
    with database.unit_of_work() as session:
        owned = _belonging_to(session, plan_file, args.org or plan_file.organisation)
        if isinstance(owned, str):
            print(f"Could not import: {owned}", file=sys.stderr)
            return USAGE_ERROR
        summary = import_plan(session=session, plan_file=owned, now=_clock(args.now).now(), watch=_rows_shown)
    _refresh_overdue_snapshot(database, _clock(args.now))
    print("\n".join(summary.lines()))
    return 0


def _rows_shown(rows: Iterable[PlanRow]) -> Iterator[PlanRow]:
    return shown(rows, what="rows")


def _belonging_to(session: Session, plan_file: PlanFile, code: str | None) -> PlanFile | str:
    """The plan with its organisation given as the directory's code (`--org` wins over the file's own), or
    why not: an unknown organisation is refused rather than imported as nobody's."""
    if code is None:
        return plan_file
    organisation = find_organisation(session=session, text=code)
    if organisation is None:
        close = difflib.get_close_matches(code.lower(), organisation_codes(session=session), n=3)
        return f"there is no organisation `{code}`." + (f" Did you mean {' or '.join(close)}?" if close else "")
    return plan_file.model_copy(update={"organisation": organisation.code})
