"""Importing a plan: rows become actions, timelines become due windows, leads become owners.

Re-importing updates titles, leads and dates but never statuses or history. Nothing is silently dropped:
timelines that cannot be read are imported without a date and listed in the summary."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Organisation, Person, Role
from bot.directory.service import resolve_lead
from bot.governance.guard import refused_kinds
from bot.governance.identifiers import KIND_WORDS, Kind, redacted
from bot.i18n import _, format_number, ngettext
from bot.plans.deliveries import people_by_organisation, sync_deliveries
from bot.plans.due_window import Period, parse_due_window, split_timeline
from bot.plans.fan_out import UnknownOwers, default_titles, owing_organisations
from bot.plans.models import Action, Plan, Recommendation
from bot.plans.occurrences import sync_recurrence
from bot.plans.reading import PlanFile, PlanRow
from bot.plans.service import assign_owner

# Given the rows about to be imported, yields them as they are (a progress bar wraps them this way).
Watch = Callable[[Iterable[PlanRow]], Iterator[PlanRow]]

ROMAN_ITEM = re.compile(r"(?:(?<=\s)|^)(i{1,3}|iv|v|vi{1,3}|ix|x)\.\s+", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[a-z0-9)])\.\s+(?=[A-Z])")


@dataclass
class ImportSummary:
    plan_key: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    # Why each unreadable timeline was not read, by ref; and rows whose timeline says no date is set (TBC).
    reasons: dict[str, str] = field(default_factory=dict)
    no_date: list[tuple[str, str]] = field(default_factory=list)
    split: list[tuple[str, int]] = field(default_factory=list)
    unowned: list[tuple[str, str]] = field(default_factory=list)
    fanned_out: list[tuple[str, int]] = field(default_factory=list)
    recurring: list[tuple[str, int]] = field(default_factory=list)
    unowned_deliveries: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        counts = _("Plan {plan}: {added} added, {updated} updated, {unchanged} unchanged.").format(
            plan=self.plan_key, added=_actions(len(self.added)), updated=len(self.updated), unchanged=self.unchanged
        )
        out = [counts]
        out += [
            "  " + _("{ref}: one timeline cell held {n} dates, imported as {n} actions").format(ref=ref, n=n)
            for ref, n in self.split
        ]
        out += [
            "  "
            + _(
                "{ref}: could not read the timeline “{timeline}” ({reason}); imported with no due date: "
                "set one with `/milestones due-date`"
            ).format(ref=ref, timeline=raw, reason=self.reasons.get(ref) or _("not a date"))
            for ref, raw in self.unreadable
        ]
        out += [
            "  "
            + _(
                "{ref}: the timeline “{timeline}” sets no date; imported with no due date (`/milestones admin undated`)"
            ).format(ref=ref, timeline=raw)
            for ref, raw in self.no_date
        ]
        out += [
            "  " + _("{ref}: no owner found for the lead “{lead}”; assign one").format(ref=ref, lead=lead)
            for ref, lead in self.unowned
            if lead
        ]
        out += self._grouped_lines()
        out += [f"  {problem}" for problem in self.problems]
        out += ["  " + _("Note: {note}").format(note=note) for note in self.notes]
        return out

    def _grouped_lines(self) -> list[str]:
        out = []
        no_lead = [ref for ref, lead in self.unowned if not lead]
        if no_lead:
            words = _("No lead named and no owner yet (assign them): {actions}, {refs}")
            out.append("  " + words.format(actions=_actions(len(no_lead)), refs=", ".join(no_lead)))
        if self.fanned_out:
            words = _(
                "Owed by several organisations: {actions}, {deliveries} deliveries added, one per organisation: {refs}"
            )
            out.append("  " + words.format(
                actions=_actions(len(self.fanned_out)),
                deliveries=format_number(sum(n for _ref, n in self.fanned_out)),
                refs=", ".join(f"{ref} ({n})" for ref, n in self.fanned_out),
            ))  # fmt: skip
        if self.unowned_deliveries:
            words = _("{count} deliveries have no owner yet (see `admin unowned`): {refs}")
            out.append("  " + words.format(count=len(self.unowned_deliveries), refs=", ".join(self.unowned_deliveries)))
        if self.recurring:
            words = _(
                "Repeating: {actions}, {occurrences} occurrences added, each with its own status (`show` lists them): "
                "{refs}"
            )
            out.append("  " + words.format(
                actions=_actions(len(self.recurring)),
                occurrences=format_number(sum(n for _ref, n in self.recurring)),
                refs=", ".join(f"{r} ({n})" for r, n in self.recurring),
            ))  # fmt: skip
        return out


def _actions(count: int) -> str:
    return ngettext("{n} action", "{n} actions", count).format(n=format_number(count))


def expand_row(row: PlanRow, period: Period | None = None) -> list[PlanRow]:
    """A cell with several deadlines becomes one action per deadline, each with its own status, so overdue
    names only the deadline missed. Seed 004 puts them against items i., ii. (or against sentences): each item
    is its action. Otherwise ("Sept 2020 (draft), Dec 2020 (final)") each deadline is the whole action's,
    `ref.d1`, `ref.d2` in order."""
    parts = split_timeline(row.timeline, period=period)
    if len(parts) < 2:
        return [row]
    items = _items(row.action, len(parts))
    if items is None:
        return [
            row.model_copy(update={"ref": f"{row.ref}.d{n}", "timeline": part}) for n, part in enumerate(parts, start=1)
        ]
    prefix, texts, suffixes = items
    return [
        row.model_copy(update={"ref": f"{row.ref}.{suffix}", "action": f"{prefix}{text}".strip(), "timeline": part})
        for suffix, text, part in zip(suffixes, texts, parts, strict=True)
    ]


def _items(text: str, count: int) -> tuple[str, list[str], list[str]] | None:
    markers = list(ROMAN_ITEM.finditer(text))
    if len(markers) == count:
        prefix = text[: markers[0].start()].strip() + " "
        bounds = [m.end() for m in markers]
        ends = [m.start() for m in markers[1:]] + [len(text)]
        texts = [text[b:e].strip() for b, e in zip(bounds, ends, strict=True)]
        return prefix, texts, [m.group(1).lower() for m in markers]
    sentences = [s.strip() for s in SENTENCE_END.split(text) if s.strip()]
    if len(sentences) == count:
        return "", sentences, [chr(ord("a") + i) for i in range(count)]
    return None


def import_plan(*, session: Session, plan_file: PlanFile, now: datetime, watch: Watch | None = None) -> ImportSummary:
    """`watch` sees the file's rows go by (the command line draws progress with it)."""
    summary = ImportSummary(plan_key=plan_file.key, notes=list(plan_file.notes))
    plan_file = _without_identifiers(session, plan_file, now, summary)
    plan = session.scalar(select(Plan).where(Plan.key == plan_file.key)) or Plan(key=plan_file.key)
    plan.name, plan.programme, plan.source = plan_file.name, plan_file.programme, plan_file.source
    plan.name_cy = plan_file.name_cy
    if plan_file.organisation:
        plan.organisation = session.scalar(select(Organisation).where(Organisation.code == plan_file.organisation))
    session.add(plan)
    session.flush()
    recommendations = _upsert_recommendations(session, plan, plan_file)
    existing = {
        a.ref: a for a in session.scalars(select(Action).where(Action.plan_id == plan.id, Action.parent_id.is_(None)))
    }
    context = _ImportContext(session, plan, plan_file, list(session.scalars(select(Role))), now, summary)
    imported: list[PlanRow] = []
    for source_row in (watch or iter)(plan_file.actions):
        rows = expand_row(source_row, plan_file.financial_period)
        if len(rows) > 1:
            summary.split.append((source_row.ref, len(rows)))
        for row in rows:
            existing[row.ref] = context.import_row(row, existing.get(row.ref), recommendations)
        imported.extend(rows)
    session.flush()
    for row in imported:
        _link_dependencies(existing, row, summary)
    return summary


def _without_identifiers(session: Session, plan_file: PlanFile, now: datetime, summary: ImportSummary) -> PlanFile:
    """The plan without the rows and recommendations that hold a patient identifier: each is reported by its
    place in the file (never its text) and not stored; the refusals are counted for admins."""
    today = now.date()
    kept_rows = []
    for number, row in enumerate(plan_file.actions, start=1):
        texts = [row.ref, row.action, row.lead, row.timeline, row.expected_output, row.lead_note, row.recommendation,
                 row.action_cy, row.expected_output_cy]  # fmt: skip
        kinds = refused_kinds(texts, session=session, source="import", now=now, today=today)
        if kinds:
            words = _("row {number} ({ref}): not imported: {why}")
            summary.problems.append(words.format(number=number, ref=redacted(row.ref), why=_found_words(kinds)))
        else:
            kept_rows.append(row)
    kept_recommendations = {}
    for ref, title in plan_file.recommendations.items():
        texts = [ref, title, plan_file.recommendation_notes.get(ref), plan_file.recommendations_cy.get(ref)]
        kinds = refused_kinds(texts, session=session, source="import", now=now, today=today)
        if kinds:
            words = _("recommendation {ref}: not imported: {why}")
            summary.problems.append(words.format(ref=redacted(ref), why=_found_words(kinds)))
        else:
            kept_recommendations[ref] = title
    kept_welsh = {ref: title for ref, title in plan_file.recommendations_cy.items() if ref in kept_recommendations}
    return plan_file.model_copy(update={"actions": kept_rows, "recommendations": kept_recommendations,
                                        "recommendations_cy": kept_welsh})  # fmt: skip


def _found_words(kinds: list[Kind]) -> str:
    held = _(" and ").join(_(KIND_WORDS[k]) for k in kinds)
    return _("it looks like it holds {kinds}; refer to cases by an internal reference (a Datix number) instead").format(
        kinds=held
    )


@dataclass
class _ImportContext:
    session: Session
    plan: Plan
    plan_file: PlanFile
    roles: list[Role]
    now: datetime
    summary: ImportSummary
    people: dict[int, list[Person]] | None = None

    @property
    def period(self) -> Period | None:
        return self.plan_file.financial_period

    def import_row(self, row: PlanRow, action: Action | None, recommendations: dict[str, Recommendation]) -> Action:
        role = resolve_lead(roles=self.roles, lead_text=row.lead) if row.lead else None
        owed_by = row.owed_by or self.plan_file.owed_by or (role.owed_by if role else "")
        if action is None:
            action = Action(plan=self.plan, ref=row.ref, status="not_started")
            self.session.add(action)
            self.summary.added.append(row.ref)
            changed = True
        else:
            changed = _differs(action, row) or action.owed_by != owed_by
            if changed:
                self.summary.updated.append(row.ref)
            else:
                self.summary.unchanged += 1
        if changed:
            _apply_row(action, row, self, recommendations, role)
            action.owed_by = owed_by
        if owed_by:
            self._fan_out(action, owed_by, role)
        occurrences = sync_recurrence(session=self.session, action=action, now=self.now)
        if occurrences:
            self.summary.recurring.append((row.ref, len(occurrences)))
        if changed and not action.due_understood:
            self.summary.unreadable.append((row.ref, row.timeline))
            self.summary.reasons[row.ref] = parse_due_window(row.timeline, period=self.period).reason
        elif changed and action.due_end is None and not action.open_ended and not action.recurrence:
            self.summary.no_date.append((row.ref, row.timeline))
        return action

    def _fan_out(self, whole: Action, owed_by: str, role: Role | None) -> None:
        organisations = owing_organisations(session=self.session, spec=owed_by)
        if isinstance(organisations, UnknownOwers):
            words = _("{ref}: {problem}; imported as one action")
            self.summary.problems.append(words.format(ref=whole.ref, problem=organisations.message))
            return
        if self.people is None:
            self.people = people_by_organisation(self.session)
        self.session.flush()
        titles = (role.delivery_titles if role else []) or default_titles(organisations)
        synced = sync_deliveries(
            session=self.session,
            whole=whole,
            organisations=organisations,
            titles=titles,
            people_by_organisation=self.people,
            now=self.now,
        )
        if synced.added:
            self.summary.fanned_out.append((whole.ref, len(synced.added)))
        self.summary.unowned_deliveries.extend(d.ref for d in synced.unowned)


def _link_dependencies(actions: dict[str, Action], row: PlanRow, summary: ImportSummary) -> None:
    missing = [ref for ref in row.depends_on if ref not in actions]
    if missing:
        words = _("{ref}: depends on {refs}, which this plan does not have")
        summary.problems.append(words.format(ref=row.ref, refs=", ".join(missing)))
    actions[row.ref].depends_on = [actions[ref] for ref in row.depends_on if ref in actions]


def _upsert_recommendations(session: Session, plan: Plan, plan_file: PlanFile) -> dict[str, Recommendation]:
    found = {r.ref: r for r in session.scalars(select(Recommendation).where(Recommendation.plan_id == plan.id))}
    wanted = dict(plan_file.recommendations)
    for row in plan_file.actions:
        if row.recommendation and row.recommendation not in wanted:
            wanted[row.recommendation] = row.recommendation
    for ref, title in wanted.items():
        recommendation = found.get(ref) or Recommendation(plan=plan, ref=ref)
        recommendation.title = title
        recommendation.title_cy = plan_file.recommendations_cy.get(ref) or None
        recommendation.note = plan_file.recommendation_notes.get(ref, "")
        session.add(recommendation)
        found[ref] = recommendation
    return found


def _differs(action: Action, row: PlanRow) -> bool:
    return (action.title, action.lead_text, action.lead_note, action.due_raw, action.expected_output,
            action.extra_fields or {}, action.title_cy or "", action.expected_output_cy or "") != (
        row.action, row.lead, row.lead_note, row.timeline, row.expected_output, row.fields, row.action_cy,
        row.expected_output_cy)  # fmt: skip


def _apply_row(
    action: Action, row: PlanRow, context: _ImportContext, recommendations: dict[str, Recommendation], role: Role | None
) -> None:
    plan, summary, now = context.plan, context.summary, context.now
    window = parse_due_window(row.timeline, period=context.period)
    action.title, action.lead_text, action.expected_output = row.action, row.lead, row.expected_output
    action.title_cy, action.expected_output_cy = row.action_cy or None, row.expected_output_cy or None
    action.lead_note, action.extra_fields = row.lead_note, dict(row.fields)
    action.recommendation = recommendations.get(row.recommendation) if row.recommendation else None
    action.due_raw, action.due_start, action.due_end = row.timeline, window.start, window.end
    action.due_precision, action.open_ended, action.due_understood = (
        window.precision, window.open_ended, window.understood)  # fmt: skip
    if role is not None and role.owner is not None:
        if action.owner is None:
            assign_owner(action=action, owner=role.owner, actor=None, now=now, source="import")
        action.contributors = [p for p in role.contributors if p.id != role.owner.id]
    elif action.owner is None:
        summary.unowned.append((row.ref, row.lead))
    action.organisation = (action.owner.organisation if action.owner else None) or plan.organisation
