"""`/milestones plan KEY`: a plan as its document reads, recommendation by recommendation, each action with
where it stands, and what the document says of recommendations that have no actions of their own."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import _, ngettext
from bot.plans.models import Action, Plan, Recommendation
from bot.plans.rollup import Rollup, rollups
from bot.plans.service import PlanNotFound, find_plan_key
from commands import welsh_words as cy
from commands.context import CommandContext
from commands.model import PlanOutline
from commands.replies import Line, Reply, Section, Text, line, refusal
from commands.views import did_you_mean, format_date, mention, plans_are, shorten, status_badge


def outline(command: PlanOutline, ctx: CommandContext) -> Reply:
    key = find_plan_key(session=ctx.session, key=command.key)
    if isinstance(key, PlanNotFound):
        verb = cy.readers_word("plan", cy.MILESTONE_VERBS)
        hint = did_you_mean(f"`{verb} {s}`" for s in key.suggestions) if key.suggestions else plans_are(key.known)
        return refusal(_("There is no plan `{key}`.").format(key=command.key), hint)
    plan = ctx.session.scalars(select(Plan).where(Plan.key == key)).one()
    actions = _top_level_actions(ctx.session, plan)
    found = rollups(session=ctx.session, whole_ids=[a.id for a in actions if a.is_rollup], today=ctx.today)
    sections = [
        _recommendation_section(
            recommendation, [a for a in actions if a.recommendation_id == recommendation.id], found, ctx.today
        )
        for recommendation in _recommendations(ctx.session, plan)
    ]
    loose = [a for a in actions if a.recommendation_id is None]
    if loose:
        sections.append(Section(heading=_("Other actions"), lines=[_action_line(a, found, ctx.today) for a in loose]))
    footer = ngettext("{n} action. See one with `/milestones show {key}/<ref>`",
                      "{n} actions. See one with `/milestones show {key}/<ref>`", len(actions))  # fmt: skip
    source = _("; source: {source}").format(source=plan.source) if plan.source else "."
    return Reply(
        title=f"{plan.local_name} ({plan.key})",
        sections=sections,
        footer=footer.format(n=len(actions), key=plan.key) + source,
    )


def _recommendations(session: Session, plan: Plan) -> list[Recommendation]:
    found = session.scalars(select(Recommendation).where(Recommendation.plan_id == plan.id))
    return sorted(found, key=lambda r: _natural(r.ref))


def _top_level_actions(session: Session, plan: Plan) -> list[Action]:
    query = select(Action).where(Action.plan_id == plan.id, Action.parent_id.is_(None))
    return sorted(session.scalars(query), key=lambda a: _natural(a.ref))


def _natural(ref: str) -> tuple[tuple[int, int | str], ...]:
    """`10.a` after `9`, `3.ii` after `3.i`: numbers compare as numbers."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in ref.replace("@", ".").split("."))


def _recommendation_section(
    recommendation: Recommendation, actions: list[Action], found: dict[int, Rollup], today: date
) -> Section:
    lines = [_action_line(action, found, today) for action in actions]
    if not actions:
        lines = [line(Text(recommendation.note or _("No actions of its own."), "muted"))]
    return Section(heading=f"{recommendation.ref}. {shorten(recommendation.local_title, 200)}", lines=lines)


def _action_line(action: Action, found: dict[int, Rollup], today: date) -> Line:
    deadline = action.deadline()
    if deadline:
        due = _("due {day}").format(day=format_date(deadline))
    else:
        due = _("ongoing") if action.open_ended else _("no date")
    start = (Text(action.label, "code"), Text(f" {shorten(action.local_title, 80)} · {due} · "))
    if action.is_rollup:
        rollup = found.get(action.id)
        return (*start, Text(rollup.summary() if rollup else _("no parts yet"), "bold"))
    owner = mention(action.owner) if action.owner else Text(_("no owner yet"), "muted")
    return (*start, owner, Text(" · "), status_badge(action.status))
