"""The monthly report packs: on the first working day from REPORT_PACK_DAY, each channel (or person) subscribed
to an organisation's report packs gets last month's packs of every plan with actions there, as signed links.
The files stay behind the links (a chat message carries no attachment): whoever holds the message may fetch
exactly those files for a few weeks, and nothing else."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.calendar import working_day_on_or_after
from bot.config import Settings
from bot.directory.models import Organisation
from bot.escalation.models import Subscription
from bot.i18n import _
from bot.plans.models import Action, Plan
from bot.plans.scope import covered_by
from bot.reports.period import Period, parse_period
from bot.signed_links import DashboardLinks
from commands.replies import Line, Link, Reply, Section, Text, line
from scheduler.outbox import Planned, person_recipient

REPORT_PACK = "report_pack"


def is_pack_day(today: date, settings: Settings) -> bool:
    """The first working day on or after the month's REPORT_PACK_DAY."""
    return today == working_day_on_or_after(today.replace(day=settings.report_pack_day))


def decide_report_packs(*, session: Session, today: date, settings: Settings) -> list[Planned]:
    if not is_pack_day(today, settings):
        return []
    last_month = (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")  # a period code, not for reading
    planned = []
    for org_id, person_id, channel in session.execute(
        select(Subscription.organisation_id, Subscription.person_id, Subscription.channel).where(
            Subscription.kind == REPORT_PACK
        )
    ):
        recipient = person_recipient(person_id) if person_id else channel
        if recipient:
            payload = {"organisation_id": org_id, "period": last_month}
            planned.append(Planned(REPORT_PACK, recipient, f"report_pack:{org_id}:{last_month}", today, payload))
    return planned


def build_pack_message(
    *, session: Session, root: Organisation, period_code: str, now: datetime, links: DashboardLinks | None
) -> Reply:
    period = parse_period(period_code)
    assert isinstance(period, Period), period  # written by decide_report_packs
    plans = session.scalars(
        select(Plan)
        .where(Plan.id.in_(select(Action.plan_id).outerjoin(Organisation, Organisation.id == Action.organisation_id)
                           .where(covered_by(root))))
        .order_by(Plan.name)
    ).all()  # fmt: skip
    lines = [_plan_line(plan, root, period, now, links) for plan in plans]
    return Reply(
        title=_("Report packs for {organisation}: {period}").format(organisation=root.local_name, period=period.title),
        sections=[Section(lines=lines or [line(Text(_("No plan has actions here yet."), "muted"))])],
    )


def _plan_line(plan: Plan, root: Organisation, period: Period, now: datetime, links: DashboardLinks | None) -> Line:
    if links is None:
        command = f"milestones-bot report --plan {plan.key} --org {root.code} --period {period.code} --out pack.pdf"
        return line(Text(plan.local_name, "bold"), ": ", Text(command, "code"))
    pdf, xlsx = ({"fmt": fmt, "period": period.code} for fmt in ("pdf", "xlsx"))
    return line(
        Text(plan.local_name, "bold"),
        ": ",
        Link(links.pack(root.code, plan.key, pdf, now), _("PDF")),
        " · ",
        Link(links.pack(root.code, plan.key, xlsx, now), _("Excel")),
    )
