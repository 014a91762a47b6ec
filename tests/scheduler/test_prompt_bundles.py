"""One status prompt per person per day, on the seed data: a realistic day (Wed 29 Dec 2021), and, with one
person given 24 actions that day, the cap and paging, stand-ins and snoozes inside a bundle, and the quiet
rule ("nothing new since your last answer")."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy.orm import Session

from bot.clock import LONDON, FixedClock
from bot.config import Settings
from bot.directory.models import AwayPeriod, Person
from bot.plans.models import Action, Snooze
from bot.plans.service import record_status
from bot.slack.prompts import message_blocks
from bot.storage.database import Database
from bot.teams.cards import CARD_BUDGET, render_card
from commands.context import CommandContext
from commands.prompts import PromptAnswer, answer_prompt
from commands.replies import Reply, inline_text
from scheduler.messages import Lookup, Obsolete, build_message
from scheduler.outbox import Planned, enqueue, recipient_person_id
from scheduler.prompt_bundles import BundleItem, PreviousBundle, has_news, payload_items
from scheduler.status_prompts import decide_status_prompts, due_items
from tests.helpers import ADMIN, person
from tests.scheduler.scenario import weekly_overdue_for
from tests.scheduler.simulation import Simulation

DAY = date(2021, 12, 29)  # a Wednesday between the Christmas bank holidays and New Year
BUSY = ADMIN  # owns nothing in the seed; the scenarios give them 24 actions whose weekly prompts fall on DAY
DELEGATE = "dafydd.rhosier@example.nhs.wales"


def _emails(session: Session, planned: list[Planned]) -> list[str]:
    return [session.get_one(Person, recipient_person_id(p.recipient)).email for p in planned]


def _bundle_of(planned: list[Planned], session: Session, email: str) -> Planned:
    (found,) = [p for p, to in zip(planned, _emails(session, planned), strict=True) if to == email]
    return found


def test_wed_29_dec_2021_asks_each_person_once_most_urgent_first(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        separately = due_items(session=session, today=DAY, settings=Settings())  # the per-action cadence
        planned = decide_status_prompts(session=session, today=DAY, settings=Settings())
        emails = _emails(session, planned)
    asked = sum(len(items) for items in separately.values())
    assert len(planned) == len(separately) and set(Counter(emails).values()) == {1}
    assert {p.subject for p in planned} == {"bundle"}
    assert sum(len(payload_items(p.payload)) for p in planned) == asked > len(planned)  # nobody's action lost
    for bundle in planned:
        deadlines = [item.deadline or date.max for item in payload_items(bundle.payload)]
        assert deadlines == sorted(deadlines)  # overdue oldest first, then the nearest deadline


def test_the_day_through_the_sender_sends_one_message_each_paged_at_the_cap(sim: Simulation) -> None:
    with sim.database.unit_of_work() as session:
        given = [act.label for act in weekly_overdue_for(session, BUSY, 24, DAY)]
    sim.run_day(DAY)
    prompts = sim.deliveries("status_prompt")
    assert len(prompts) == len({d.to for d in prompts}) and BUSY in {d.to for d in prompts}
    busy = next(sent.reply for sent in sim.port.sent if sent.to == BUSY)
    assert busy.title == "How are these 24 actions going?"
    statuses = [s for s in busy.sections if s.prompt is not None and s.prompt.kind == "status"]
    assert [(s.heading or "").split(" · ")[0] for s in statuses] == given[:10]  # the oldest deadline first
    (more,) = [s for s in busy.sections if s.prompt is not None and s.prompt.kind == "page"]
    assert inline_text(more.lines[0]) == "… and 14 more: /milestones mine"
    assert more.prompt is not None and [(c.value, c.label) for c in more.prompt.choices] == [
        ("page:2", "Show the next 10")
    ]
    with sim.database.unit_of_work() as session:
        sim.at(DAY, time(10, 5))
        last = _turn_page(session, sim.clock, more.prompt.subject, "page:3")
    assert last.redraws_prompt and last.receipt is None
    assert [s.heading.split(" · ")[0] for s in last.sections if s.heading] == given[20:]
    (end,) = [s for s in last.sections if s.prompt is not None and s.prompt.kind == "page"]
    assert inline_text(end.lines[0]) == "The last 4 actions of 24."
    assert end.prompt is not None and [c.label for c in end.prompt.choices] == ["Show the previous 10"]


def _turn_page(session: Session, clock: FixedClock, subject: str, value: str) -> Reply:
    ctx = CommandContext(session=session, actor=person(session, BUSY), clock=clock, source="console")
    return answer_prompt(PromptAnswer(subject, value, DAY, "console:1"), ctx)


def test_a_smaller_cap_pages_sooner(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        weekly_overdue_for(session, BUSY, 24, DAY)
        planned = decide_status_prompts(session=session, today=DAY, settings=Settings(status_prompt_max_actions=3))
        reply = _build(session, _bundle_of(planned, session, BUSY))
    assert sum(s.prompt is not None and s.prompt.kind == "status" for s in reply.sections) == 3
    assert "… and 21 more: /milestones mine" in reply.plain_lines()


def _build(session: Session, planned: Planned) -> Reply:
    now = datetime.combine(planned.for_day, time(10, 0), tzinfo=LONDON)
    enqueue(session=session, planned=[planned], now=now)
    return build_message(lookup=Lookup(session), kind=planned.kind, payload=planned.payload,
                         for_day=planned.for_day, now=now)  # fmt: skip


def test_an_away_owners_actions_join_the_delegates_bundle_less_the_snoozed_one(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        given = weekly_overdue_for(session, BUSY, 24, DAY)
        own = {item.action_id for item in due_items(session=session, today=DAY, settings=Settings())[
            person(session, DELEGATE).id]}  # fmt: skip
        away, delegate = person(session, BUSY), person(session, DELEGATE)
        session.add(AwayPeriod(person=away, delegate=delegate, starts_on=DAY, ends_on=DAY))
        session.add(Snooze(action_id=given[0].id, person_id=away.id, until=date(2022, 1, 5),
                           created_at=datetime(2021, 12, 24, 9, 0, tzinfo=UTC)))  # fmt: skip
        session.flush()
        planned = decide_status_prompts(session=session, today=DAY, settings=Settings())
        assert BUSY not in _emails(session, planned)
        bundle = _bundle_of(planned, session, DELEGATE)
        ids = [item.action_id for item in payload_items(bundle.payload)]
        assert set(ids) == own | {act.id for act in given[1:]} and len(ids) == len(own) + 23
        text = "\n".join(_build(session, bundle).plain_lines())
    stood_in = sum(action_id not in own for action_id in ids[:10])  # on the first page
    assert text.count(f"You are standing in for {away.name} while they are away.") == stood_in > 0


def test_what_counts_as_new() -> None:
    asked = datetime(2021, 12, 29, 10, 0, tzinfo=UTC)
    overdue = BundleItem(1, "overdue", date(2019, 3, 31))
    soon = BundleItem(2, "7 working days before", date(2022, 1, 10))
    previous = PreviousBundle(frozenset({overdue, soon}), asked)
    assert has_news([overdue], None, {})  # nobody asked yet
    assert not has_news([overdue, soon], previous, {})  # the same again, unanswered
    assert not has_news([overdue], previous, {})  # fewer
    assert has_news([overdue, BundleItem(3, "overdue", date(2019, 3, 31))], previous, {})  # another action
    assert has_news([BundleItem(2, "1 working days before", date(2022, 1, 10))], previous, {})  # next cadence point
    assert has_news([BundleItem(1, "overdue", date(2021, 6, 30))], previous, {})  # re-dated
    answered = datetime(2022, 1, 5, 11, 0, tzinfo=UTC)
    assert has_news([overdue], previous, {1: answered})  # answered since: a new question
    assert not has_news([overdue], previous, {1: datetime(2021, 12, 1, tzinfo=UTC)})  # answered before it


def test_the_quiet_rule_skips_an_unchanged_bundle_until_something_is_answered(sqlite_sim: Simulation) -> None:
    with sqlite_sim.database.unit_of_work() as session:
        answered_id = weekly_overdue_for(session, BUSY, 24, DAY)[0].id
    sqlite_sim.run_day(DAY)
    sqlite_sim.run_day(date(2022, 1, 5))  # the same 24, a week more overdue: nothing new, so nothing is sent
    with sqlite_sim.database.unit_of_work() as session:
        sqlite_sim.at(date(2022, 1, 5), time(15, 0))
        busy = person(session, BUSY)
        record_status(session=session, action=session.get_one(Action, answered_id), status="at_risk", actor=busy,
                      now=sqlite_sim.clock.now())  # fmt: skip
    sqlite_sim.run_day(date(2022, 1, 12))  # its cadence restarted from the answer and falls on this day again
    to_busy = [(d.at.date(), d.title) for d in sqlite_sim.deliveries("status_prompt") if d.to == BUSY]
    assert to_busy == [(DAY, "How are these 24 actions going?"), (date(2022, 1, 12), "How are these 24 actions going?")]


def test_a_page_at_the_largest_cap_fits_slack_and_teams_whole(seeded_db: Database) -> None:
    largest = Settings.model_fields["status_prompt_max_actions"].metadata
    cap = next(limit.le for limit in largest if hasattr(limit, "le"))
    with seeded_db.unit_of_work() as session:
        weekly_overdue_for(session, BUSY, 24, DAY)
        planned = decide_status_prompts(session=session, today=DAY, settings=Settings(status_prompt_max_actions=cap))
        reply = _build(session, _bundle_of(planned, session, BUSY))
    blocks = message_blocks(reply)
    rows = [block for block in blocks if block["type"] == "actions"]
    assert len(blocks) <= 50 and len(rows) == cap + 1  # every action's buttons and the page row
    card = render_card(reply)
    assert len(json.dumps(card, ensure_ascii=False).encode()) <= CARD_BUDGET
    assert json.dumps(card).count('"Action.Execute"') == cap * 5 + 1 and "not shown here" not in json.dumps(card)


def test_at_send_time_an_answered_action_is_shown_answered_and_a_fully_answered_bundle_is_skipped(
    seeded_db: Database,
) -> None:
    with seeded_db.unit_of_work() as session:
        first, second = weekly_overdue_for(session, BUSY, 2, DAY)
        busy = person(session, BUSY)
        (planned,) = [p for p in decide_status_prompts(session=session, today=DAY, settings=Settings())
                      if p.recipient == f"person:{busy.id}"]  # fmt: skip
        at = datetime.combine(DAY, time(10, 1), tzinfo=LONDON)
        record_status(session=session, action=first, status="on_track", actor=busy, now=at)
        reply = _build(session, planned)
        answered, asked = [s for s in reply.sections if s.heading]
        assert answered.prompt is None and "✓ Recorded: On track by " in inline_text(answered.lines[-1])
        assert asked.prompt is not None and asked.prompt.subject == f"bundle:{busy.id}:{second.id}"
        record_status(session=session, action=second, status="done", actor=busy, now=at)
        with pytest.raises(Obsolete):
            build_message(lookup=Lookup(session), kind=planned.kind, payload=planned.payload, for_day=DAY, now=at)


def test_a_single_action_row_queued_before_bundling_is_still_answered_alone(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        (target,) = weekly_overdue_for(session, BUSY, 1, DAY)
        now = datetime.combine(DAY, time(10, 0), tzinfo=LONDON)
        old = {"action_id": target.id, "milestone": DAY.isoformat()}
        reply = build_message(lookup=Lookup(session), kind="status_prompt", payload=old, for_day=DAY, now=now)
        (item,) = [s.prompt for s in reply.sections if s.prompt is not None]
        assert reply.title == f"How is {target.label} going?" and item.subject == f"action:{target.id}"
