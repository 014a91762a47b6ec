"""Turning an outbox row back into a Reply at send time, so the message shows the latest state, and a
message that stopped making sense (the action was closed, the service already reported) is skipped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation, Person
from bot.escalation.models import EscalationReport, Level, Service
from bot.escalation.service import list_levels, previous_level
from bot.i18n import _, current_language, ngettext, pgettext
from bot.signed_links import DashboardLinks
from commands.escalation import level_badge
from commands.prompts import checkin_prompt
from commands.replies import Reply, Section, Text, line
from commands.status_bundle import status_bundle
from commands.views import format_date, mention
from scheduler.alerts import LEVEL_ALERT, RISE_FLAGGED
from scheduler.checkins import CHASER, CHECKIN, MISSED_REPORTS
from scheduler.digest import DIGEST, build_digest
from scheduler.prompt_bundles import STATUS_PROMPT, read_bundle
from scheduler.report_packs import REPORT_PACK, build_pack_message

T = TypeVar("T")


class Obsolete(Exception):
    """The message no longer needs sending; the reason is kept on the row."""


@dataclass
class Lookup:
    """Rows a sender batch reads again and again (organisations, services, people, levels), held for the
    batch: the session's identity map alone would let them go between messages. `links` are the dashboard
    addresses digests carry, when the dashboard is enabled."""

    session: Session
    links: DashboardLinks | None = None
    _rows: dict[tuple[type[Any], int], Any] = field(default_factory=dict)
    _levels: list[Level] | None = None
    built: dict[tuple[object, ...], Reply] = field(default_factory=dict)
    _reported: dict[date, set[tuple[int, int]]] = field(default_factory=dict)

    def get(self, model: type[T], key: int) -> T | None:
        if (model, key) not in self._rows:
            self._rows[(model, key)] = self.session.get(model, key)
        found: T | None = self._rows[(model, key)]
        return found

    def hold(self, rows: list[Any]) -> None:
        """Keeps rows already loaded (a batch's recipients, read in one query)."""
        self._rows.update(((type(row), row.id), row) for row in rows)

    def reported(self, organisation_id: int, service_id: int, day: date) -> bool:
        """Whether a level was reported that day. Read once per day per batch: a report landing during the
        batch's few seconds may still get its check-in, which the reporter can ignore."""
        if day not in self._reported:
            rows = self.session.execute(
                select(EscalationReport.organisation_id, EscalationReport.service_id).where(EscalationReport.day == day)
            )
            self._reported[day] = {(org, service) for org, service in rows}
        return (organisation_id, service_id) in self._reported[day]

    def levels(self) -> list[Level]:
        if self._levels is None:
            self._levels = list_levels(session=self.session)
        return self._levels


def build_message(*, lookup: Lookup, kind: str, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    builder = _BUILDERS.get(kind)
    if builder is None:
        raise Obsolete(f"unknown message kind {kind!r}")
    return builder(lookup, payload, for_day, now)


def _status(lookup: Lookup, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    bundle = read_bundle(session=lookup.session, payload=payload, day=for_day)
    if bundle.unanswered == 0:
        raise Obsolete("every action in it is closed, gone or already answered today")
    return status_bundle(bundle)


def _checkin(lookup: Lookup, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    organisation = lookup.get(Organisation, payload["organisation_id"])
    service = lookup.get(Service, payload["service_id"])
    if organisation is None or service is None:
        raise Obsolete("the organisation or service is gone")
    if lookup.reported(organisation.id, service.id, for_day):
        raise Obsolete("already reported")
    return checkin_prompt(service, organisation, lookup.levels(), for_day)


def _chaser(lookup: Lookup, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    reply = _checkin(lookup, payload, for_day, now)
    reply.title = _("Reminder: no report yet today. {title}").format(title=reply.title)
    return reply


def _missed(lookup: Lookup, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    levels = {lvl.number: lvl for lvl in lookup.levels()}
    lines = []
    for org_id, service_id, person_id in payload["missing"]:
        organisation, service = lookup.get(Organisation, org_id), lookup.get(Service, service_id)
        reporter = lookup.get(Person, person_id)
        if organisation is None or service is None or reporter is None:
            continue
        if lookup.reported(org_id, service_id, for_day):
            continue
        last = previous_level(session=lookup.session, organisation=organisation, service=service, before=for_day)
        known = level_badge(last, levels) if last is not None else Text(_("no earlier report"), "muted")
        where = _("{service} at {organisation} (").format(
            service=service.local_name, organisation=organisation.local_name
        )
        lines.append(line(where, mention(reporter), _(") · last known: "), known))
    if not lines:
        raise Obsolete("everyone has reported since")
    return Reply(
        title=_("Not yet reported today ({day})").format(day=format_date(for_day)),
        sections=[Section(lines=lines)],
        footer=_("They were asked at the morning check-in and chased since."),
    )


def _alert(lookup: Lookup, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    report = lookup.get(EscalationReport, payload["report_id"])
    if report is None:
        raise Obsolete("the report is gone")
    levels = {lvl.number: lvl for lvl in lookup.levels()}
    previous: int | None = payload.get("previous")
    rise = previous is not None and report.level - previous >= RISE_FLAGGED
    title = (
        _("Sharp rise — {service} at {organisation}: level {level}")
        if rise
        else _("Escalation — {service} at {organisation}: level {level}")
    )
    where = {"service": report.service.local_name, "organisation": report.organisation.local_name}
    day = pgettext("escalation alert", " for {day}").format(day=format_date(report.day))
    pieces = [line(pgettext("escalation alert", "Reported "), level_badge(report.level, levels), day)]
    if report.reported_by is not None:
        pieces.append(line(pgettext("escalation alert", "by "), mention(report.reported_by)))
    if rise and previous is not None:
        up = report.level - previous
        since = ngettext("Up {n} level since the last report (level {previous}).",
                         "Up {n} levels since the last report (level {previous}).", up)  # fmt: skip
        pieces.append(line(Text(since.format(n=up, previous=previous), "bold")))
    if report.note:
        pieces.append(line(Text(f"“{report.note}”", "muted")))
    return Reply(title=title.format(level=report.level, **where), sections=[Section(lines=pieces)], tone="error")


def _digest(lookup: Lookup, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    root = lookup.get(Organisation, payload["organisation_id"])
    if root is None:
        raise Obsolete("the organisation is gone")
    # Managers of one organisation, and its channels, get the same digest: build it once per batch and language.
    key = ("digest", root.id, for_day, current_language())
    if key not in lookup.built:
        lookup.built[key] = build_digest(session=lookup.session, root=root, today=for_day, now=now, links=lookup.links)
    return lookup.built[key]


def _report_pack(lookup: Lookup, payload: dict[str, Any], for_day: date, now: datetime) -> Reply:
    root = lookup.get(Organisation, payload["organisation_id"])
    if root is None:
        raise Obsolete("the organisation is gone")
    return build_pack_message(session=lookup.session, root=root, period_code=payload["period"], now=now,
                              links=lookup.links)  # fmt: skip


_BUILDERS = {
    STATUS_PROMPT: _status,
    CHECKIN: _checkin,
    CHASER: _chaser,
    MISSED_REPORTS: _missed,
    LEVEL_ALERT: _alert,
    DIGEST: _digest,
    REPORT_PACK: _report_pack,
}
