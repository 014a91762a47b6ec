"""Prompts answered by clicking: recorded once per message, refused for the wrong person."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.clock import FixedClock, london_today
from bot.escalation.models import EscalationReport, Level
from bot.plans.models import Action, Snooze, StatusUpdate
from bot.storage.database import Database
from commands.context import CommandContext
from commands.dispatch import answer
from commands.prompts import PromptAnswer, answer_prompt, checkin_prompt
from commands.replies import Prompt
from tests.bundles import queue_bundle
from tests.helpers import action, outsider, reporter_of


def _one_action_prompt(session: Session, target: Action, clock: FixedClock) -> Prompt:
    assert target.owner is not None
    reply = queue_bundle(session, recipient=target.owner, actions=[target], day=london_today(clock), now=clock.now())
    (item,) = [section.prompt for section in reply.sections if section.prompt is not None]
    return item


def test_status_prompt_answer_is_recorded_once_per_message(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        target = action(session, "esr/1.a")
        prompt = _one_action_prompt(session, target, clock)
        assert [c.value for c in prompt.choices] == ["on_track", "at_risk", "blocked", "done", "snooze:7"]
        ctx = CommandContext(session=session, actor=target.owner, clock=clock, source="slack")
        click = PromptAnswer(prompt.subject, "at_risk", prompt.asked_on, "slack:C1:1700.01", "late")
        first = answer_prompt(click, ctx)
        assert first.receipt is not None and first.receipt.summary == "esr/1.a: At risk — “late”"
        again = answer_prompt(click, ctx)
        assert again.receipt is None and "already answered" in again.title
        other = answer_prompt(PromptAnswer(prompt.subject, "done", prompt.asked_on, "slack:C1:1700.01"), ctx)
        assert "already answered" in other.title
        count = session.scalar(select(func.count(StatusUpdate.id)).where(StatusUpdate.action_id == target.id))
        assert count == 1 and action(session, "esr/1.a").status == "at_risk"
        stranger = CommandContext(session=session, actor=outsider(session, target), clock=clock)
        refused = answer_prompt(PromptAnswer(prompt.subject, "done", prompt.asked_on, "m2"), stranger)
        assert refused.tone == "refusal"


def test_checkin_answer_after_midnight_counts_for_the_day_asked(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        assignment = reporter_of(session, "gp_in_hours")
        levels = list(session.scalars(select(Level).order_by(Level.number)))
        asked_on = clock.now().date()
        prompt = checkin_prompt(assignment.service, assignment.organisation, levels, asked_on)
        assert prompt.prompt is not None and len(prompt.prompt.choices) == 4
        clock.advance(timedelta(hours=14, minutes=30))  # 00:30 the next day
        ctx = CommandContext(session=session, actor=assignment.person, clock=clock, source="teams")
        reply = answer_prompt(PromptAnswer(prompt.prompt.subject, "3", asked_on, "teams:act-1"), ctx)
        assert reply.receipt is not None
        report = session.scalars(select(EscalationReport)).one()
        assert (report.day, report.level, report.source) == (asked_on, 3, "teams")


def test_snooze_by_command_and_by_button_is_stored_once(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        target = action(session, "esr/1.a")
        owner = target.owner
        ctx = CommandContext(session=session, actor=owner, clock=clock)
        prompt = _one_action_prompt(session, target, clock)
        typed = answer("snooze esr/1.a 2021-02-01", ctx)
        assert typed.tone == "success" and "until 1 Feb 2021" in typed.title
        click = PromptAnswer(prompt.subject, "snooze:7", prompt.asked_on, "slack:C1:1")
        first = answer_prompt(click, ctx)
        assert first.receipt is None and "already answered" in first.title  # Feb 1 already covers a week
        later = PromptAnswer(prompt.subject, "snooze:30", prompt.asked_on, "slack:C1:2")
        assert answer_prompt(later, ctx).receipt is not None
        assert answer_prompt(later, ctx).receipt is None
        untils = sorted(
            s.until.isoformat() for s in session.scalars(select(Snooze).where(Snooze.action_id == target.id))
        )
        assert untils == ["2021-02-01", "2021-02-14"]


def test_a_click_naming_a_roll_up_is_refused_and_records_nothing(seeded_db: Database, clock: FixedClock) -> None:
    """A prompt names a board's delivery; an edited button value naming the whole it is part of is refused."""
    with seeded_db.unit_of_work() as session:
        part = action(session, "esr/1.c@cvuhb")
        prompt = _one_action_prompt(session, part, clock)
        whole = action(session, "esr/1.c")
        forged = prompt.subject.replace(f":{part.id}", f":{whole.id}")
        assert forged != prompt.subject
        ctx = CommandContext(session=session, actor=whole.owner, clock=clock, source="slack")
        refused = answer_prompt(PromptAnswer(forged, "done", prompt.asked_on, "slack:C1:1700.02"), ctx)
        assert refused.tone == "refusal" and "delivered in parts" in refused.title
        assert session.scalar(select(func.count(StatusUpdate.id)).where(StatusUpdate.action_id == whole.id)) == 0
