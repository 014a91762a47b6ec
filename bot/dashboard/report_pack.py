"""The programme board report pack from the dashboard: `/dashboard/org/{code}/report/{plan}.pdf?period=2021-Q3`
(or `.xlsx`), the same pack `milestones-bot report` writes, under the same access rules as the exports (the
caller wraps it with DashboardPages.guarded, and a signed download link may carry its own signature)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from bot.clock import Clock, london_today
from bot.dashboard.access import Refusal
from bot.dashboard.pages import refusal_page
from bot.directory.models import Organisation
from bot.i18n import _
from bot.reports.build import (
    MEDIA_TYPES,
    PackRequest,
    pack_filename,
    pack_format,
    read_pack,
    render_pack,
    unknown_format,
)


def report_pack(clock: Clock) -> Callable[[Request, Session, Organisation], Response]:
    def page(request: Request, session: Session, organisation: Organisation) -> Response:
        fmt = pack_format(request.path_params["fmt"])
        if fmt is None:
            return refusal_page(Refusal(404, _("No such report pack"), unknown_format(request.path_params["fmt"])))
        wanted = PackRequest(request.path_params["plan"], request.query_params.get("period", ""), organisation.code,
                             fmt)  # fmt: skip
        pack = read_pack(session=session, request=wanted, today=london_today(clock))
        if isinstance(pack, str):
            return refusal_page(Refusal(400, _("Report pack not understood"), pack))
        disposition = f'attachment; filename="{pack_filename(pack, fmt)}"'
        return Response(render_pack(pack, fmt), media_type=MEDIA_TYPES[fmt],
                        headers={"Content-Disposition": disposition})  # fmt: skip

    return page
