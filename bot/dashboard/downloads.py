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
from bot.dashboard.days import EARLIEST_DAY, query_day
from bot.dashboard.pages import refusal_page
from bot.directory.models import Organisation
from bot.exports.actions import ActionSelection, actions_table
from bot.exports.escalation import escalation_table
from bot.exports.table import FORMATS, MEDIA_TYPES, Table, csv_lines, xlsx_bytes
from bot.i18n import _

DEFAULT_EXPORT_DAYS = 14


def _table(request: Request, session: Session, organisation: Organisation, today: date) -> Table | Refusal:
    what, params = request.path_params["what"], request.query_params
    if what == "actions":
        selection = ActionSelection.from_params(params)
        if selection is None:
            message = _("`only` is overdue, due or unowned; `days` is a number of days up to a year.")
            return Refusal(400, _("Selection not understood"), message)
        return actions_table(session=session, root=organisation, today=today, selection=selection)
    day_to = query_day(params.get("to"), today)
    day_from = query_day(
        params.get("from"), max(EARLIEST_DAY, (day_to or today) - timedelta(days=DEFAULT_EXPORT_DAYS - 1))
    )
    if day_from is None or day_to is None or day_from > day_to:
        message = _("Give `from` and `to` as dates such as 2021-01-15 (from 2000 on), from first.")
        return Refusal(400, _("Dates not understood"), message)
    return escalation_table(session=session, root=organisation, day_from=day_from, day_to=day_to)


def download(clock: Clock) -> Callable[[Request, Session, Organisation], Response]:
    def page(request: Request, session: Session, organisation: Organisation) -> Response:
        what, fmt = request.path_params["what"], request.path_params["fmt"]
        if what not in ("escalation", "actions") or fmt not in FORMATS:
            message = _("Exports are escalation or actions, as csv or xlsx.")
            return refusal_page(Refusal(404, _("No such export"), message))
        today = london_today(clock)
        table = _table(request, session, organisation, today)
        if isinstance(table, Refusal):
            return refusal_page(table)
        body = "".join(csv_lines(table)).encode() if fmt == "csv" else xlsx_bytes(table)
        filename = f"{what}-{organisation.code}-{today.isoformat()}.{fmt}"
        return Response(body, media_type=MEDIA_TYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})  # fmt: skip

    return page
