"""Whole weeks driven by a moved clock through the real deciding jobs and the real sender."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from bot.clock import LONDON
from bot.directory.models import AwayPeriod, Organisation
from bot.escalation.models import Service, ServiceReporter, Subscription
from bot.escalation.service import record_report
from bot.plans.models import Action, Snooze
from bot.plans.service import record_status
from scheduler.service import build_scheduler
from tests.helpers import person
from tests.scheduler.scenario import managers, only_open_action, per_day
from tests.scheduler.simulation import Simulation

WEEKDAY_REPORTERS = 28  # every seeded reporter
EVERY_DAY_REPORTERS = 8  # GP out of hours and community services in two health boards
OWNER = "dafydd.rhosier@example.nhs.wales"
DELEGATE = "eirlys.maddox@example.nhs.wales"


def test_bank_holiday_week_checkins_chasers_and_the_digest_on_the_next_working_day(sim: Simulation) -> None:
    sim.run_days(date(2021, 5, 3), date(2021, 5, 9))  # Monday 3 May is the early May bank holiday

    checkins = sim.deliveries("checkin")
    assert per_day(checkins) == {
        date(2021, 5, 3): EVERY_DAY_REPORTERS,
        **{date(2021, 5, d): WEEKDAY_REPORTERS for d in range(4, 8)},
        date(2021, 5, 8): EVERY_DAY_REPORTERS,
        date(2021, 5, 9): EVERY_DAY_REPORTERS,
    }
    assert {d.at.time() for d in checkins} == {time(9, 0)}
    # Nobody answered, so everyone asked is chased at 11:00, and their managers told at 12:00.
    assert per_day(sim.deliveries("chaser")) == per_day(checkins)
    assert {d.at.time() for d in sim.deliveries("chaser")} == {time(11, 0)}
    digests = sim.deliveries("digest")  # due on the bank holiday, so out on Tuesday at the same time
    assert {d.at for d in digests} == {datetime(2021, 5, 4, 8, 0, tzinfo=LONDON)}
    with sim.database.unit_of_work() as session:
        assert {d.to for d in digests} == managers(session)


def test_a_report_stops_the_chaser_and_the_note_to_the_manager(sim: Simulation) -> None:
    day = date(2021, 5, 5)
    sim.run_day(day, end=time(9, 30))
    with sim.database.unit_of_work() as session:
        assignment = session.scalars(select(ServiceReporter).order_by(ServiceReporter.id)).first()
        assert assignment is not None and assignment.person.manager is not None
        reporter, manager = assignment.person.email, assignment.person.manager.email
        sim.at(day, time(9, 30))
        record_report(
            session=session,
            organisation=assignment.organisation,
            service=assignment.service,
            level=1,
            reporter=assignment.person,
            day=day,
            now=sim.clock.now(),
        )
    sim.run_day(day, start=time(9, 30))

    chased = {d.to for d in sim.deliveries("chaser")}
    assert reporter not in chased and len(sim.deliveries("chaser")) == WEEKDAY_REPORTERS - 1
    notes = [d for d in sim.deliveries("missed_reports") if d.to == manager]
    assert len(notes) == 1 and notes[0].at.time() == time(12, 0)
    with sim.database.unit_of_work() as session:
        from bot.storage.outbox import OutboxMessage

        note = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.kind == "missed_reports",
                OutboxMessage.recipient == f"person:{person(session, manager).id}",
            )
        ).one()
        assert assignment.organisation_id not in {org for org, _service, _who in note.payload["missing"]}  # type: ignore[attr-defined]


def test_checkins_keep_london_time_across_both_clock_changes(sqlite_sim: Simulation) -> None:
    for first, last in ((date(2021, 3, 27), date(2021, 3, 28)), (date(2021, 10, 30), date(2021, 10, 31))):
        sqlite_sim.run_days(first, last)
    sent_utc = sorted({d.at.astimezone(UTC) for d in sqlite_sim.deliveries("checkin")})
    assert sent_utc == [
        datetime(2021, 3, 27, 9, 0, tzinfo=UTC),  # GMT
        datetime(2021, 3, 28, 8, 0, tzinfo=UTC),  # BST from 01:00 that morning
        datetime(2021, 10, 30, 8, 0, tzinfo=UTC),  # still BST
        datetime(2021, 10, 31, 9, 0, tzinfo=UTC),  # back to GMT
    ]
    # APScheduler's cron trigger agrees with the simulation on both change days.
    scheduler = build_scheduler(database=sqlite_sim.database, clock=sqlite_sim.clock, settings=sqlite_sim.settings)
    trigger = scheduler.get_job("checkin").trigger
    assert trigger.get_next_fire_time(None, datetime(2021, 3, 27, 12, tzinfo=UTC)) == datetime(
        2021, 3, 28, 9, 0, tzinfo=LONDON
    )
    assert trigger.get_next_fire_time(None, datetime(2021, 10, 30, 12, tzinfo=UTC)).astimezone(UTC) == datetime(
        2021, 10, 31, 9, 0, tzinfo=UTC
    )


def test_one_actions_prompts_over_seven_weeks_with_snooze_away_and_an_answer(sqlite_sim: Simulation) -> None:
    with sqlite_sim.database.unit_of_work() as session:
        owner, delegate = person(session, OWNER), person(session, DELEGATE)
        action_id = only_open_action(session, "esr/1.a", due=date(2021, 5, 14), owner=owner).id
        session.add(AwayPeriod(person=owner, delegate=delegate, starts_on=date(2021, 5, 13), ends_on=date(2021, 5, 17)))
    for day in _days(date(2021, 4, 19), date(2021, 6, 6)):
        with sqlite_sim.database.unit_of_work() as session:
            sqlite_sim.at(day, time(8, 0))
            owner = person(session, OWNER)
            if day == date(2021, 5, 4):  # snoozed for two days: the 5 May prompt is skipped
                session.add(
                    Snooze(
                        action_id=action_id,
                        person_id=owner.id,
                        until=date(2021, 5, 6),
                        created_at=sqlite_sim.clock.now(),
                    )
                )
            if day == date(2021, 5, 24):
                act = session.get(Action, action_id)
                assert act is not None
                record_status(session=session, action=act, status="at_risk", actor=owner, now=sqlite_sim.clock.now())
        sqlite_sim.run_day(day)
    prompts = [(d.at.date(), d.to) for d in sqlite_sim.deliveries("status_prompt")]
    assert prompts == [
        (date(2021, 4, 23), OWNER),  # 14 working days before
        (date(2021, 5, 13), DELEGATE),  # 1 working day before: the owner is away
        (date(2021, 5, 14), DELEGATE),  # due
        (date(2021, 5, 21), OWNER),  # a week overdue
        # answered on 24 May: a week later is the 31 May bank holiday, so 1 June
        (date(2021, 6, 1), OWNER),
    ]
    assert {d.at.time() for d in sqlite_sim.deliveries("status_prompt")} == {time(10, 0)}


def test_christmas_bank_holidays_hold_prompts_until_the_next_working_day(sqlite_sim: Simulation) -> None:
    with sqlite_sim.database.unit_of_work() as session:
        only_open_action(session, "esr/1.a", due=date(2021, 12, 25), owner=person(session, OWNER))
    sqlite_sim.run_days(date(2021, 12, 24), date(2022, 1, 2))
    assert [d.at.date() for d in sqlite_sim.deliveries("status_prompt")] == [
        date(2021, 12, 24),  # 1 working day before Christmas Day
        date(2021, 12, 29),  # the due date, held over Christmas and the two substitute bank holidays
    ]
    checkins = per_day(sqlite_sim.deliveries("checkin"))
    assert checkins[date(2021, 12, 27)] == checkins[date(2021, 12, 28)] == EVERY_DAY_REPORTERS
    assert checkins[date(2021, 12, 29)] == WEEKDAY_REPORTERS


def test_top_levels_and_sharp_rises_alert_the_health_board_once(sim: Simulation) -> None:
    with sim.database.unit_of_work() as session:
        board = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        lead = person(session, "bethan.caddick@example.nhs.wales")
        session.add(Subscription(organisation=board, kind="escalation_alerts", person=lead))
        session.add(Subscription(organisation=board, kind="escalation_alerts", channel="console:cvuhb-alerts"))
    _report(sim, date(2021, 5, 10), "community_hospitals", 1)
    sim.scan_alerts()
    assert sim.deliveries("level_alert") == []
    _report(sim, date(2021, 5, 11), "community_hospitals", 3)
    _report(sim, date(2021, 5, 11), "community_nursing", 2)
    sim.scan_alerts()
    sim.scan_alerts()  # scanning again sends nothing twice
    alerts = sim.deliveries("level_alert")
    title = (
        "Sharp rise — Community Hospitals (Step up / Step down) at Cardiff and Vale University Health Board: level 3"
    )
    # The channel has not chosen a language, so its alert is in both, Welsh first (commands/audience.py).
    welsh = (
        "Codiad sydyn — Ysbytai Cymunedol (Camu i Fyny / Camu i Lawr), Bwrdd Iechyd Prifysgol Caerdydd a'r Fro: lefel 3"
    )
    assert sorted((a.to, a.title) for a in alerts) == [
        ("#cvuhb-alerts", welsh),
        ("bethan.caddick@example.nhs.wales", title),
    ]


def _report(sim: Simulation, day: date, service_key: str, level: int) -> None:
    with sim.database.unit_of_work() as session:
        assignment = session.scalars(
            select(ServiceReporter)
            .join(Service)
            .join(Organisation, Organisation.id == ServiceReporter.organisation_id)
            .where(Service.key == service_key, Organisation.code == "cvuhb")
        ).first()
        assert assignment is not None
        sim.at(day, time(9, 15))
        record_report(
            session=session,
            organisation=assignment.organisation,
            service=assignment.service,
            level=level,
            reporter=assignment.person,
            day=day,
            now=sim.clock.now(),
        )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
