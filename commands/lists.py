"""The list commands: `overdue`, `due` and `mine`. Each answers one page; the "more" line names the exact
command for the next page, and a long list also offers all of it as one file (see `with_download`)."""

from __future__ import annotations

import shlex
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.directory.models import Organisation
from bot.directory.service import find_organisation, top_organisation
from bot.exports.actions import ActionSelection
from bot.i18n import N_, _, current_language, format_number, ngettext
from bot.plans.listing import ActionFilter, OverdueReport, PlanGroup, due_soon, overdue_actions
from bot.plans.models import Action
from bot.plans.personal import CLOSED, OPEN, OVERDUE, WHOLE, personal_counts, personal_page
from bot.plans.rollup import Rollup, rollups
from bot.plans.service import PlanNotFound, find_plan_key
from bot.storage.answer_cache import cached
from bot.storage.versions import PLANS
from commands.context import CommandContext
from commands.milestones import unknown_person
from commands.model import DueSoon, Mine, Overdue
from commands.paging import Page, command_text, more_line, next_page, page_words, past_the_end
from commands.replies import Line, Link, Reply, Section, Text, line, refusal
from commands.views import (
    actions_counted,
    did_you_mean,
    due_line,
    due_words,
    format_date,
    overdue_line,
    plans_are,
    shorten,
    status_badge,
    unknown_organisation,
)

# Rows of one plan a page shows, in the one-plan list and under each plan of the grouped list alike, so that
# "more in this plan" can name page 2 of that plan.
OVERDUE_PAGE = 5
PLANS_PAGE = 8
DUE_PAGE = 30
MINE_PAGE = 20


def overdue(command: Overdue, ctx: CommandContext) -> Reply:
    organisation = _organisation_or_none(command.org, ctx)
    if isinstance(organisation, Reply):
        return organisation
    plan_key = _plan_key_or_none(command, ctx)
    if isinstance(plan_key, Reply):
        return plan_key
    # All of Wales is every action, those no organisation holds yet included (as its export is).
    subtree = None if organisation is not None and organisation.parent_id is None else organisation
    flt = ActionFilter(plan_key=plan_key, organisation=subtree, lead=command.lead)
    scope = _scope_words(command.plan, organisation, command.lead)
    # The reply depends only on the data and the date: it is kept until either changes. A copy goes out so
    # that a surface adjusting its reply cannot change the kept one.
    key = ("overdue reply", *flt.cache_key(), scope, ctx.today, command.public, command.page, current_language())
    reply, total = cached(ctx.session, PLANS, key, lambda: _overdue_reply(command, flt, scope, ctx))
    selection = ActionSelection(plan_key=plan_key, lead=command.lead, only="overdue")
    return with_download(replace(reply), ctx, organisation, selection, total)


def _overdue_reply(command: Overdue, flt: ActionFilter, scope: str, ctx: CommandContext) -> tuple[Reply, int]:
    """The reply, and how many rows it left for later pages (0: it shows them all)."""
    session, today = ctx.session, ctx.today
    if flt.plan_key:
        return _one_plan_overdue(command, flt, session, today, scope)
    page = Page(command.page, PLANS_PAGE)
    report = overdue_actions(session=session, today=today, flt=flt, max_plans=page.size, per_plan=OVERDUE_PAGE,
                             plans_from=page.offset)  # fmt: skip
    if report.total == 0:
        return _nothing_overdue(command, today, scope), 0
    if page.is_past_end(report.plans_total):
        counted = ngettext("{n} plan with overdue actions", "{n} plans with overdue actions", report.plans_total)
        return past_the_end(command, page, report.plans_total, counted.format(n=format_number(report.plans_total))), 0
    sections = [
        Section(
            heading=_plan_heading(group),
            lines=[overdue_line(row, today) for row in group.rows],
            more=_more_in_plan(command, group.plan_key, group.lines - len(group.rows)),
        )
        for group in report.groups
    ]
    later_plans = report.plans_total - page.offset - len(report.groups)
    plans = ngettext("{count} in {n} plan", "{count} in {n} plans", report.plans_total)
    footer = plans.format(count=_overdue_count(report), n=format_number(report.plans_total)) + scope
    if later_plans > 0:
        more = ngettext("{n} more plan: `{command}`", "{n} more plans: `{command}`", later_plans)
        footer += " (" + more.format(n=format_number(later_plans), command=next_page(command)) + ")"
    footer += ". " + update_hint()
    title = _("Overdue actions") + scope + page_words(page, report.plans_total)
    shown = sum(len(group.rows) for group in report.groups)
    return Reply(title=title, sections=sections, footer=footer, public=command.public), report.lines - shown


def _one_plan_overdue(
    command: Overdue, flt: ActionFilter, session: Session, today: date, scope: str
) -> tuple[Reply, int]:
    page = Page(command.page, OVERDUE_PAGE)
    report = overdue_actions(session=session, today=today, flt=flt, max_plans=1, per_plan=page.size,
                             rows_from=page.offset)  # fmt: skip
    if report.total == 0:
        return _nothing_overdue(command, today, scope), 0
    if page.is_past_end(report.lines):
        counted = ngettext("{n} overdue action", "{n} overdue actions", report.lines)
        return past_the_end(command, page, report.lines, counted.format(n=format_number(report.lines))), 0
    group = report.groups[0]
    remaining = group.lines - page.offset - len(group.rows)
    section = Section(
        heading=_plan_heading(group),
        lines=[overdue_line(row, today) for row in group.rows],
        more=more_line(command, remaining),
    )
    footer = f"{_overdue_count(report)}{scope}. {update_hint()}"
    title = _("Overdue actions") + scope + page_words(page, report.lines)
    return Reply(title=title, sections=[section], footer=footer, public=command.public), report.lines - len(group.rows)


def _plan_heading(group: PlanGroup) -> str:
    return f"{group.plan_name} ({group.plan_key}) — {_overdue_count(group)}"


def update_hint() -> str:
    return _('Update one with `/milestones update <ref> on_track "note"`.')


def _overdue_count(counted: PlanGroup | OverdueReport) -> str:
    """ "3 overdue actions", or "3 overdue actions (15 deliveries and occurrences)" when some are owed by several
    organisations or repeat:
    a line stands for all of one action's overdue parts."""
    lines = format_number(counted.lines)
    actions = ngettext("{n} overdue action", "{n} overdue actions", counted.lines).format(n=lines)
    if counted.lines == counted.total:
        return actions
    parts = ngettext("{actions} ({n} delivery or occurrence)", "{actions} ({n} deliveries and occurrences)",
                     counted.total)  # fmt: skip
    return parts.format(actions=actions, n=format_number(counted.total))


def _more_in_plan(command: Overdue, plan_key: str, remaining: int) -> str | None:
    if remaining <= 0:
        return None
    return _("… and {n} more in this plan: `{command}`").format(
        n=format_number(remaining), command=next_page(replace(command, plan=plan_key, page=1))
    )


def _nothing_overdue(command: Overdue, today: date, scope: str) -> Reply:
    title = _("Nothing is overdue{scope} today ({day}).").format(scope=scope, day=format_date(today))
    return Reply(title=title, tone="success", public=command.public)


def due(command: DueSoon, ctx: CommandContext) -> Reply:
    page = Page(command.page, DUE_PAGE)
    rows, total = due_soon(session=ctx.session, today=ctx.today, days=command.days, flt=ActionFilter(),
                           limit=page.size, offset=page.offset)  # fmt: skip
    until = format_date(ctx.today + timedelta(days=command.days))
    if total == 0:
        title = _("Nothing falls due between today and {day}.").format(day=until)
        return Reply(title=title, tone="success", public=command.public)
    if page.is_past_end(total):
        return past_the_end(command, page, total, actions_counted(total))
    title = ngettext("Due in the next {n} day (to {day})", "Due in the next {n} days (to {day})", command.days)
    reply = Reply(
        title=title.format(n=format_number(command.days), day=until) + page_words(page, total),
        sections=[
            Section(
                lines=[due_line(r, ctx.today) for r in rows], more=more_line(command, total - page.offset - len(rows))
            )
        ],
        footer=ngettext(
            "{n} action due. See one with `/milestones show <ref>`.",
            "{n} actions due. See one with `/milestones show <ref>`.",
            total,
        ).format(n=format_number(total)),
        public=command.public,
    )
    selection = ActionSelection(only="due", days=command.days)
    return with_download(reply, ctx, None, selection, total - len(rows))


def mine(command: Mine, ctx: CommandContext) -> Reply:
    if ctx.actor is None:
        return unknown_person()
    counts = personal_counts(session=ctx.session, person=ctx.actor, today=ctx.today)
    if counts.total == 0:
        return Reply(title=_("You have no actions assigned."), footer=_("Ask your manager to `assign` you one."))
    page = Page(command.page, MINE_PAGE)
    if page.is_past_end(counts.total):
        return past_the_end(command, page, counts.total, actions_counted(counts.total))
    # One list in reading order (overdue, open, closed, wholes), cut into pages; each page keeps its headings.
    on_page = personal_page(session=ctx.session, person=ctx.actor, today=ctx.today, limit=page.size,
                            offset=page.offset)  # fmt: skip
    found = rollups(session=ctx.session, whole_ids=[a.id for _, a in on_page if a.is_rollup], today=ctx.today)
    sections: dict[str, Section] = {}
    for category, action in on_page:
        entry = _whole_line(action, found) if action.is_rollup else _action_line(action)
        heading = _(MINE_HEADINGS[category])
        sections.setdefault(heading, Section(heading=heading)).lines.append(entry)
    listed = list(sections.values())
    listed[-1].more = more_line(command, counts.total - page.offset - len(on_page))
    open_count = counts[OPEN] + counts[OVERDUE]
    footer = ngettext("{n} open action, {overdue} overdue.", "{n} open actions, {overdue} overdue.", open_count)
    footer = footer.format(n=format_number(open_count), overdue=counts[OVERDUE])
    if counts[WHOLE]:
        led = ngettext("You also lead {n} action delivered in parts by others.",
                       "You also lead {n} actions delivered in parts by others.", counts[WHOLE])  # fmt: skip
        footer += " " + led.format(n=format_number(counts[WHOLE]))
    title = _("Your actions, {name}").format(name=ctx.actor.name) + page_words(page, counts.total)
    reply = Reply(title=title, sections=listed, footer=footer)
    left = counts.total - len(on_page)
    return with_download(reply, ctx, None, ActionSelection(person=ctx.actor.email), left)


# Marked here, shown with _() in the reader's language.
MINE_HEADINGS = {
    OVERDUE: N_("Overdue"),
    OPEN: N_("Open"),
    CLOSED: N_("Closed"),
    WHOLE: N_("You lead the whole (each part has its own owner)"),
}


def _whole_line(action: Action, found: dict[int, Rollup]) -> Line:
    rollup = found.get(action.id)
    return line(Text(action.label, "code"), f" {shorten(action.local_title)} · ",
                Text(rollup.summary() if rollup else _("no parts yet"), "bold"))  # fmt: skip


def with_download(
    reply: Reply, ctx: CommandContext, organisation: Organisation | None, selection: ActionSelection, left: int
) -> Reply:
    """When a reply leaves rows for later pages, it also offers the whole list as one CSV: a signed link when
    the dashboard is on; in the console, the command-line export that writes it."""
    if left <= 0:
        return reply
    root = _download_root(organisation, ctx) if ctx.download_link is not None else None
    if ctx.download_link is not None and root is not None:
        offer = line(Link(ctx.download_link(root, selection.params(), ctx.now), _("Download the whole list (CSV)")))
    elif ctx.source == "console":
        command = export_command(organisation, selection, ctx.today)
        offer = line(_("The whole list as one file:") + " ", Text(command, "code"))
    else:
        return reply
    return replace(reply, sections=[*reply.sections, Section(lines=[offer])])


def _download_root(organisation: Organisation | None, ctx: CommandContext) -> str | None:
    """The code of the organisation whose CSV the link offers: the one asked about, or the tree's root
    (looked up once per data version, not on every request that pages)."""
    if organisation is not None:
        return organisation.code
    return cached(ctx.session, PLANS, "download root", lambda: _code(top_organisation(session=ctx.session)))


def _code(organisation: Organisation | None) -> str | None:
    return None if organisation is None else organisation.code


def export_command(organisation: Organisation | None, selection: ActionSelection, today: date) -> str:
    """`milestones-bot export actions --only overdue --plan esr --now 2021-01-15 --out overdue.csv`."""
    words = ["milestones-bot", "export", "actions"]
    options = {"--only": selection.only, "--days": str(selection.days) if selection.only == "due" else None,
               "--plan": selection.plan_key, "--lead": selection.lead, "--person": selection.person,
               "--org": organisation.code if organisation else None, "--now": today.isoformat(),
               "--out": f"{selection.only or ('mine' if selection.person else 'actions')}.csv"}  # fmt: skip
    for option, value in options.items():
        if value:
            words += [option, shlex.quote(value)]
    return " ".join(words)


def _organisation_or_none(code: str | None, ctx: CommandContext) -> Organisation | Reply | None:
    if code is None:
        return None
    organisation = find_organisation(session=ctx.session, text=code)
    if organisation is None:
        return unknown_organisation(code)
    return organisation


def _plan_key_or_none(command: Overdue, ctx: CommandContext) -> str | Reply | None:
    """The plan's key as stored; for a key no plan has, a refusal naming the close ones (never "nothing is
    overdue", which would read as good news)."""
    key = command.plan
    if key is None:
        return None
    found = find_plan_key(session=ctx.session, key=key)
    if not isinstance(found, PlanNotFound):
        return found
    if found.suggestions:
        commands = (command_text(replace(command, plan=s, page=1)) for s in found.suggestions)
        hint = did_you_mean(f"`{c}`" for c in commands)
    else:
        hint = plans_are(found.known)
    return refusal(_("There is no plan `{key}`.").format(key=key), hint)


def _scope_words(plan: str | None, organisation: Organisation | None, lead: str | None) -> str:
    parts = [
        _("plan {key}").format(key=plan) if plan else "",
        organisation.local_name if organisation else "",
        _("lead “{lead}”").format(lead=lead) if lead else "",
    ]
    chosen = [p for p in parts if p]
    return _(" for {scope}").format(scope=", ".join(chosen)) if chosen else ""


def _action_line(action: Action) -> Line:
    deadline = action.deadline()
    return line(
        Text(action.label, "code"),
        f" {shorten(action.local_title)} · "
        + _("due {day}").format(day=format_date(deadline) if deadline else due_words(action))
        + " · ",
        status_badge(action.status),
    )
