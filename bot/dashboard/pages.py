"""The dashboard's HTTP handlers. Each resolves who is looking and which organisation they asked for, then
renders read models from the domain. Handlers are sync: Starlette runs them in its thread pool, which suits
the synchronous SQLAlchemy sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.clock import london_today
from bot.dashboard.access import (
    SESSION_COOKIE,
    Grant,
    Refusal,
    bad_link,
    grant_from_cookie,
    grant_from_link,
    grant_from_proxy,
    may_view,
    no_session,
    session_cookie,
)
from bot.dashboard.days import query_day
from bot.dashboard.queries import escalation_picture, service_branches
from bot.dashboard.render import level_styles, render
from bot.dashboard.tile_picture import tile_png
from bot.directory.models import Organisation
from bot.escalation.models import Service
from bot.escalation.service import list_levels
from bot.i18n import _
from bot.plans.delivery_progress import BUCKET_LABELS, BUCKETS, organisation_progress, plan_progress
from bot.plans.listing import ActionFilter, overdue_actions
from bot.runtime import Runtime
from bot.signed_links import DOWNLOAD, download_purpose

Handler = Callable[[Request], Response]


def refusal_page(refusal: Refusal) -> HTMLResponse:
    return HTMLResponse(render("refusal.html", refusal=refusal), status_code=refusal.status)


class DashboardPages:
    def __init__(self, runtime: Runtime, secret: str) -> None:
        self.runtime = runtime
        self.secret = secret

    def enter(self, request: Request) -> Response:
        params = request.query_params
        grant = grant_from_link(
            self.secret,
            org=params.get("org", ""),
            until=params.get("until", ""),
            sig=params.get("sig", ""),
            now=self.runtime.clock.now(),
        )
        if grant is None:
            return refusal_page(bad_link())
        response = RedirectResponse(f"/dashboard/org/{grant.org_code}", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session_cookie(self.secret, self._capped(grant)),
            httponly=True,
            samesite="lax",
            secure=self.runtime.settings.dashboard_base_url.startswith("https"),
        )
        return response

    def _capped(self, grant: Grant) -> Grant:
        hours = self.runtime.settings.dashboard_session_hours
        cap = int((self.runtime.clock.now() + timedelta(hours=hours)).timestamp())
        return Grant(grant.org_code, min(grant.until or cap, cap))

    def _grant(self, request: Request, session: Session, signed: str | None) -> Grant | Refusal:
        params = request.query_params
        if signed and "sig" in params:
            purpose = download_purpose(request.url.path, params) if signed == DOWNLOAD else signed
            grant = grant_from_link(self.secret, org=params.get("org", ""), until=params.get("until", ""),
                                    sig=params["sig"], now=self.runtime.clock.now(), purpose=purpose)  # fmt: skip
            return grant or bad_link()
        header = self.runtime.settings.dashboard_trust_proxy_header
        if header and request.headers.get(header):
            return grant_from_proxy(session=session, email=request.headers[header])
        grant = grant_from_cookie(self.secret, request.cookies.get(SESSION_COOKIE), now=self.runtime.clock.now())
        return grant or no_session()

    def guarded(
        self, page: Callable[[Request, Session, Organisation], Response], *, signed: str | None = None
    ) -> Handler:
        """Wraps a page that needs an organisation the viewer may see: in the path, in `?org=`, or the grant's
        own. With `signed`, a request may instead carry its own signature made for that purpose."""

        def handler(request: Request) -> Response:
            with self.runtime.database.unit_of_work() as session:
                grant = self._grant(request, session, signed)
                if isinstance(grant, Refusal):
                    return refusal_page(grant)
                code = request.path_params.get("code") or request.query_params.get("org") or grant.org_code
                organisation = session.scalar(select(Organisation).where(Organisation.code == code))
                if organisation is None:
                    return refusal_page(no_organisation(code))
                if not may_view(session=session, grant=grant, organisation=organisation):
                    return refusal_page(not_yours(organisation))
                request.state.grant = grant
                return page(request, session, organisation)

        return handler

    def home(self, request: Request, _session: Session, organisation: Organisation) -> Response:
        return RedirectResponse(f"/dashboard/org/{organisation.code}", status_code=303)

    def organisation(self, request: Request, session: Session, organisation: Organisation) -> Response:
        today = london_today(self.runtime.clock)
        day = _picture_day(request.query_params.get("day"), today)
        if day is None:
            return refusal_page(bad_day())
        # Wales is every action, including those no organisation holds yet (see bot/plans/scope.py).
        scope = None if organisation.parent_id is None else organisation
        overdue = overdue_actions(session=session, today=today, flt=ActionFilter(organisation=scope))
        return self._page(
            "organisation.html",
            request,
            session,
            organisation,
            day,
            picture=escalation_picture(session=session, root=organisation, today=day),
            plans=plan_progress(session=session, root=organisation, today=today),
            progress=organisation_progress(session=session, root=organisation),
            overdue=overdue,
            buckets=BUCKETS,
            bucket_labels={b: _(label) for b, label in BUCKET_LABELS.items()},
        )

    def service(self, request: Request, session: Session, organisation: Organisation) -> Response:
        key = request.path_params["key"]
        service = session.scalar(select(Service).where(Service.key == key))
        if service is None:
            message = _("There is no escalation service `{key}`.").format(key=key)
            return refusal_page(Refusal(404, _("No such service"), message))
        day = _picture_day(request.query_params.get("day"), london_today(self.runtime.clock))
        if day is None:
            return refusal_page(bad_day())
        picture = escalation_picture(session=session, root=organisation, today=day)
        return self._page(
            "service.html",
            request,
            session,
            organisation,
            day,
            tile=next(t for t in picture.tiles if t.key == key),
            picture=picture,
            branches=service_branches(session=session, root=organisation, service_id=service.id, today=day),
        )

    def tiles_picture(self, request: Request, session: Session, organisation: Organisation) -> Response:
        today = london_today(self.runtime.clock)
        day = _picture_day(request.query_params.get("day"), today)
        if day is None:
            return refusal_page(bad_day())
        picture = escalation_picture(session=session, root=organisation, today=day)
        styles = level_styles(list_levels(session=session))
        png = tile_png(picture, styles, heading=organisation.local_name, day=day, is_today=day == today)
        # Short-lived caching: today's picture changes as reports come in, and chat clients fetch it again.
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"})

    def _page(
        self, template: str, request: Request, session: Session, organisation: Organisation, day: date, **context: Any
    ) -> Response:
        """`day` is the day the escalation part shows: today, or the `?day=` asked for."""
        grant: Grant = request.state.grant
        today = london_today(self.runtime.clock)
        codes = organisation.path.strip("/").split("/")
        chain = {o.code: o for o in session.scalars(select(Organisation).where(Organisation.code.in_(codes)))}
        crumbs = [chain[c] for c in codes[codes.index(grant.org_code) :] if c in chain]
        html = render(
            template,
            organisation=organisation,
            today=day,
            real_today=today,
            is_today=day == today,
            day_query="" if day == today else f"?day={day.isoformat()}",
            crumbs=crumbs,
            levels=level_styles(list_levels(session=session)),
            **context,
        )
        return HTMLResponse(html)


def bad_day() -> Refusal:
    return Refusal(
        400, _("No such day"), _("`day` must be a date such as 2021-01-15, from 2000 on and not after today.")
    )


def no_organisation(code: str) -> Refusal:
    return Refusal(404, _("No such organisation"), _("There is no organisation `{code}`.").format(code=code))


def not_yours(organisation: Organisation) -> Refusal:
    message = _("Your access does not cover {organisation}.").format(organisation=organisation.local_name)
    return Refusal(403, _("Not yours to see"), message)


def _picture_day(text: str | None, today: date) -> date | None:
    """The day a picture shows: `?day=` when given (a past day, for digests), otherwise today."""
    day = query_day(text, today)
    return day if day is not None and day <= today else None
