"""`milestones-bot export escalation|actions`: the huddle spreadsheet tables as CSV or .xlsx, and
`milestones-bot dashboard link`: a signed access link to one organisation's dashboard."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.cli.core import parse_now
from bot.cli.progress import shown
from bot.clock import FixedClock, SystemClock, london_today
from bot.config import get_settings
from bot.directory.models import Organisation
from bot.directory.service import top_organisation
from bot.exports.actions import MAX_DAYS, ONLY, ActionSelection, actions_table
from bot.exports.escalation import escalation_table
from bot.exports.table import FORMATS, Table, write_csv, xlsx_bytes
from bot.plans.service import PlanNotFound, find_plan_key
from bot.runtime import configure_logging, open_database
from bot.signed_links import access_link

USAGE_ERROR = 2


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2021-01-15") from problem


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = subcommands.add_parser("export", help="write escalation reports or plan actions as CSV or Excel")
    tables = export.add_subparsers(dest="table", required=True, metavar="TABLE")
    escalation = tables.add_parser("escalation", help="one row per organisation, service and day")
    escalation.add_argument("--from", dest="day_from", type=_day, required=True, help="first day, e.g. 2021-01-01")
    escalation.add_argument("--to", dest="day_to", type=_day, help="last day (default: today)")
    actions = tables.add_parser("actions", help="one row per plan action, with owner, deadline and status")
    actions.add_argument("--plan", help="only this plan (its key, e.g. esr)")
    actions.add_argument("--lead", help="only actions whose lead, owner name or owner email contains this")
    actions.add_argument("--person", metavar="EMAIL", help="only the actions this person owns or contributes to")
    actions.add_argument("--only", choices=ONLY, help="only the overdue, those due within --days, or the unowned")
    actions.add_argument("--days", type=int, default=14, help="with --only due: days ahead (default: 14)")
    for parser in (escalation, actions):
        parser.add_argument("--org", default=None, help="only this organisation's subtree (code; default: all Wales)")
        parser.add_argument("--format", choices=FORMATS, help="csv or xlsx (default: from --out, else csv)")
        parser.add_argument("--out", type=Path, help="file to write (default: CSV to standard output)")
        parser.add_argument("--now", type=parse_now, help="pretend it is this date (ISO), as `say --now` does")
        parser.set_defaults(run=run_export)

    dashboard = subcommands.add_parser("dashboard", help="web dashboard tools")
    tools = dashboard.add_subparsers(dest="tool", required=True, metavar="TOOL")
    link = tools.add_parser("link", help="print a signed access link to one organisation's dashboard")
    link.add_argument("--org", required=True, help="organisation code; the link shows its whole subtree")
    link.add_argument("--days", type=int, default=30, help="days until the link expires (default: 30)")
    link.set_defaults(run=run_link)


def _root(session: Session, code: str | None) -> Organisation | None:
    if code is None:
        return top_organisation(session=session)
    return session.scalars(select(Organisation).where(Organisation.code == code)).first()


def run_export(args: argparse.Namespace) -> int:
    fmt = args.format or ("xlsx" if args.out and args.out.suffix.lower() == ".xlsx" else "csv")
    if fmt == "xlsx" and args.out is None:
        print("An Excel export needs --out FILE.xlsx.", file=sys.stderr)
        return USAGE_ERROR
    if args.table == "actions" and not 0 < args.days <= MAX_DAYS:
        print(f"--days must be from 1 to {MAX_DAYS}.", file=sys.stderr)
        return USAGE_ERROR
    settings = get_settings()
    configure_logging(settings)
    today = london_today(FixedClock(args.now) if args.now else SystemClock())
    with open_database(settings).unit_of_work() as session:
        table = _table(session, args, today)
        if isinstance(table, str):
            print(table, file=sys.stderr)
            return USAGE_ERROR
        _write(table, fmt, args.out)
    return 0


def _table(session: Session, args: argparse.Namespace, today: date) -> Table | str:
    """The table asked for, or why there is none (an unknown organisation or plan)."""
    root = _root(session, args.org)
    if root is None:
        return f"There is no organisation `{args.org}`."
    if args.table == "escalation":
        return escalation_table(session=session, root=root, day_from=args.day_from, day_to=args.day_to or today)
    plan_key = args.plan and find_plan_key(session=session, key=args.plan)
    if isinstance(plan_key, PlanNotFound):
        return f"There is no plan `{args.plan}`." + (
            f" Did you mean {' or '.join(plan_key.suggestions)}?" if plan_key.suggestions else "")  # fmt: skip
    selection = ActionSelection(plan_key=plan_key, lead=args.lead, only=args.only, days=args.days, person=args.person)
    return actions_table(session=session, root=root, today=today, selection=selection)


def _write(whole: Table, fmt: str, out: Path | None) -> None:
    table = Table(whole.title, whole.headings, shown(whole.rows, what="rows"))
    if fmt == "xlsx" and out is not None:
        out.write_bytes(xlsx_bytes(table))
    elif out is None:
        write_csv(table, sys.stdout)
    else:
        with out.open("w", encoding="utf-8", newline="") as stream:
            write_csv(table, stream)
    if out is not None:
        print(f"Wrote {out}.", file=sys.stderr)


def run_link(args: argparse.Namespace) -> int:
    settings = get_settings()
    configure_logging(settings)
    if not settings.dashboard_secret:
        print("Set DASHBOARD_SECRET first: it signs the links.", file=sys.stderr)
        return USAGE_ERROR
    with open_database(settings).unit_of_work() as session:
        if _root(session, args.org) is None:
            print(f"There is no organisation `{args.org}`.", file=sys.stderr)
            return USAGE_ERROR
    print(access_link(settings, args.org, now=SystemClock().now(), days=args.days))
    return 0
