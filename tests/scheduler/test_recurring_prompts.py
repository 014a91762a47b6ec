"""A quarterly action through the real status-prompt job and sender: each quarter's occurrence is asked about
before its deadline like a dated action, the recurring action itself never is, and only the missed quarter
is overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update

from bot.clock import LONDON
from bot.config import Settings
from bot.plans.importer import import_plan
from bot.plans.listing import ActionFilter, overdue_actions
from bot.plans.models import Action
from bot.plans.reading import PlanFile, PlanRow
from bot.plans.service import record_status
from scheduler.prompt_bundles import payload_items
from scheduler.status_prompts import prompt_milestone
from tests.helpers import action, person
from tests.scheduler.simulation import Simulation

OWNER = "berian.lougher@example.nhs.wales"
SETTINGS = Settings()
RETURNS = PlanFile(
    key="returns",
    name="Quarterly returns",
    organisation="hduhb",
    actions=[PlanRow(ref="1", action="Activity return to Welsh Government", lead="HDdUHB pacesetter project team",
                     timeline="Quarterly")],
)  # fmt: skip


def prompt_days_at_ten(sim: Simulation, first: date, last: date) -> None:
    day = first
    while day <= last:
        sim.run_day(day, start=time(10, 0), end=time(10, 1))  # the status-prompt job only
        day += timedelta(days=1)


def test_a_quarterly_action_is_prompted_per_quarter_and_overdue_for_the_missed_quarter_only(
    sqlite_sim: Simulation,
) -> None:
    sim = sqlite_sim
    with sim.database.unit_of_work() as session:
        session.execute(update(Action).values(status="done"))  # follow this plan's prompts alone
        import_plan(session=session, plan_file=RETURNS, now=datetime(2021, 3, 1, 9, 0, tzinfo=UTC))
        ids = {a.ref: a.id for a in session.query(Action).filter(Action.ref.like("1#%"))}
        parent_id = action(session, "returns/1").id

    prompt_days_at_ten(sim, date(2021, 3, 1), date(2021, 3, 24))
    with sim.database.unit_of_work() as session:
        march = action(session, "returns/1#2021-03-31")
        record_status(session=session, action=march, status="done", actor=person(session, OWNER),
                      now=datetime(2021, 3, 25, 9, 0, tzinfo=LONDON), note="return sent")  # fmt: skip
    prompt_days_at_ten(sim, date(2021, 3, 25), date(2021, 7, 16))

    # Each day's prompt is the owner's one bundle; which actions it asked about is in its items.
    asked = [
        (item.action_id, d.at.date()) for d in sim.deliveries("status_prompt") for item in payload_items(d.payload)
    ]
    assert parent_id not in {action_id for action_id, _ in asked}
    assert [day for action_id, day in asked if action_id == ids["1#2021-03-31"]] == [
        date(2021, 3, 11),  # 14 working days before 31 March
        date(2021, 3, 22),  # 7; answered on the 25th, so not asked on the 30th or the 31st
    ]
    assert [day for action_id, day in asked if action_id == ids["1#2021-06-30"]] == [
        date(2021, 6, 10),
        date(2021, 6, 21),
        date(2021, 6, 29),
        date(2021, 6, 30),  # on the day
        date(2021, 7, 7),  # then overdue; the next weekly reminder (14 July) has nothing new: the quiet rule
    ]
    assert {action_id for action_id, _ in asked} == {ids["1#2021-03-31"], ids["1#2021-06-30"]}
    assert {d.title for d in sim.deliveries("status_prompt")} >= {"How is returns/1#2021-06-30 going?"}

    with sim.database.unit_of_work() as session:
        report = overdue_actions(session=session, today=date(2021, 7, 16), flt=ActionFilter(plan_key="returns"))
        assert report.total == 1
        assert [row.ref for group in report.groups for row in group.rows] == ["1#2021-06-30"]


def test_an_occurrence_is_not_asked_about_before_its_period() -> None:
    # A weekly return due Friday 15 January 2021 covers that week: 14 and 7 working days before it are
    # in earlier weeks (their own occurrences are asked about then), so only the day before and the day.
    def asked(period_start: date | None) -> list[date]:
        days = [date(2020, 12, 20) + timedelta(days=n) for n in range(28)]
        weekly = {"deadline": date(2021, 1, 15), "ongoing_since": None, "open_ended": False, "last_update": None}
        return [
            day
            for day in days
            if prompt_milestone(**weekly, today=day, settings=SETTINGS, period_start=period_start)  # type: ignore[arg-type]
        ]

    assert asked(date(2021, 1, 11)) == [date(2021, 1, 14), date(2021, 1, 15)]
    assert asked(None) == [date(2020, 12, 23), date(2021, 1, 6), date(2021, 1, 14), date(2021, 1, 15)]
