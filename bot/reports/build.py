"""Find what a pack request names (plan, organisation, period, format) and build the file: shared by the CLI,
the dashboard download and the monthly posting, so each answers bad input with the same one line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation
from bot.directory.service import top_organisation
from bot.i18n import _
from bot.plans.models import Plan
from bot.plans.service import PlanNotFound, find_plan_key
from bot.reports.pack import ReportPack, build_pack
from bot.reports.period import parse_period

PackFormat = Literal["pdf", "xlsx"]
PACK_FORMATS: tuple[PackFormat, ...] = ("pdf", "xlsx")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class PackRequest:
    plan: str
    period: str
    org: str | None
    fmt: str


def pack_format(fmt: str) -> PackFormat | None:
    return next((known for known in PACK_FORMATS if fmt.lower() == known), None)


def unknown_format(fmt: str) -> str:
    return _("A report pack is a .pdf or an .xlsx file, not `{format}`.").format(format=fmt)


def read_pack(*, session: Session, request: PackRequest, today: date) -> ReportPack | str:
    """The pack asked for, or one line saying what in the request is wrong."""
    period = parse_period(request.period)
    if isinstance(period, str):
        return period
    key = find_plan_key(session=session, key=request.plan)
    if isinstance(key, PlanNotFound):
        suggestion = (
            " " + _("Did you mean {plans}?").format(plans=", ".join(key.suggestions)) if key.suggestions else ""
        )
        return _("There is no plan `{plan}`.").format(plan=request.plan) + suggestion
    plan = session.scalars(select(Plan).where(Plan.key == key)).one()
    root = (
        top_organisation(session=session)
        if request.org is None
        else session.scalars(select(Organisation).where(Organisation.code == request.org)).first()
    )
    if root is None:
        return _("There is no organisation `{org}`.").format(org=request.org)
    return build_pack(session=session, plan=plan, root=root, period=period, today=today)


def render_pack(pack: ReportPack, fmt: PackFormat) -> bytes:
    if fmt == "pdf":
        from bot.reports.pdf import pack_pdf

        return pack_pdf(pack)
    from bot.reports.xlsx import pack_xlsx

    return pack_xlsx(pack)


def pack_filename(pack: ReportPack, fmt: PackFormat) -> str:
    return f"report-{pack.plan_key}-{pack.organisation_code}-{pack.period.code}.{fmt}"
