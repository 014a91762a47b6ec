"""Export downloads from the dashboard: the same tables as `milestones-bot export`, under the same access
rules as the pages (the caller wraps these with DashboardPages.guarded)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from bot.clock import Clock, london_today
from bot.dashboard.access import Refusal
from bot.dashboard.pages import refusal_page
from bot.directory.models import Organisation
from bot.exports.actions import ActionSelection, actions_table
from bot.exports.escalation import escalation_table
from bot.exports.table import FORMATS, MEDIA_TYPES, Table, csv_lines, xlsx_bytes

DEFAULT_EXPORT_DAYS = 14


def _day(text: str | None, default: date) -> date | None:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _table(request: Request, session: Session, organisation: Organisation, today: date) -> Table | Refusal:
    what, params = request.path_params["what"], request.query_params
    if what == "actions":
        selection = ActionSelection.from_params(params)
        if selection is None:
            return Refusal(400, "Selection not understood",
                           "`only` is overdue, due or unowned; `days` is a number of days up to a year.")  # fmt: skip
        return actions_table(session=session, root=organisation, today=today, selection=selection)
    day_to = _day(params.get("to"), today)
    day_from = _day(params.get("from"), (day_to or today) - timedelta(days=DEFAULT_EXPORT_DAYS - 1))
    if day_from is None or day_to is None or day_from > day_to:
        return Refusal(400, "Dates not understood", "Give `from` and `to` as dates such as 2021-01-15, from first.")
    return escalation_table(session=session, root=organisation, day_from=day_from, day_to=day_to)


def download(clock: Clock) -> Callable[[Request, Session, Organisation], Response]:
    def page(request: Request, session: Session, organisation: Organisation) -> Response:
        what, fmt = request.path_params["what"], request.path_params["fmt"]
        if what not in ("escalation", "actions") or fmt not in FORMATS:
            return refusal_page(Refusal(404, "No such export", "Exports are escalation or actions, as csv or xlsx."))
        today = london_today(clock)
        table = _table(request, session, organisation, today)
        if isinstance(table, Refusal):
            return refusal_page(table)
        body = "".join(csv_lines(table)).encode() if fmt == "csv" else xlsx_bytes(table)
        filename = f"{what}-{organisation.code}-{today.isoformat()}.{fmt}"
        return Response(body, media_type=MEDIA_TYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})  # fmt: skip

    return page
