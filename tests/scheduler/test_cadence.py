"""The status-prompt cadence and the weekly jobs' days as pure rules, and the Welsh working-day calendar
they stand on."""

from __future__ import annotations

from datetime import date, time, timedelta

from bot.calendar import is_working_day, working_day_on_or_after, working_days_before
from bot.config import Settings
from scheduler.jobs import DailyJob
from scheduler.status_prompts import prompt_milestone

SETTINGS = Settings()


def prompt_days(first: date, last: date, **action: object) -> list[date]:
    days = []
    day = first
    while day <= last:
        if prompt_milestone(today=day, settings=SETTINGS, **action) is not None:  # type: ignore[arg-type]
            days.append(day)
        day += timedelta(days=1)
    return days


def test_welsh_bank_holidays_are_not_working_days() -> None:
    assert not is_working_day(date(2021, 5, 3))  # early May bank holiday
    assert not is_working_day(date(2021, 12, 27)) and not is_working_day(date(2021, 12, 28))  # substitute days
    assert not is_working_day(date(2021, 5, 8))  # a Saturday
    assert is_working_day(date(2021, 5, 4))
    assert working_day_on_or_after(date(2021, 5, 1)) == date(2021, 5, 4)
    assert working_days_before(date(2021, 5, 14), 7) == date(2021, 5, 5)  # counts past the bank holiday


def test_prompts_before_on_and_after_the_due_date() -> None:
    days = prompt_days(
        date(2021, 4, 1),
        date(2021, 6, 10),
        deadline=date(2021, 5, 14),
        ongoing_since=None,
        open_ended=False,
        last_update=None,
    )
    # 14, 7 and 1 working days before (3 May is a bank holiday), on the day, then weekly; the 31 May
    # prompt would fall on no day but it is not a cadence day: 21 May + 7 = 28 May, + 7 = 4 June.
    assert days == [
        date(2021, 4, 23),
        date(2021, 5, 5),
        date(2021, 5, 13),
        date(2021, 5, 14),
        date(2021, 5, 21),
        date(2021, 5, 28),
        date(2021, 6, 4),
    ]


def test_an_answer_restarts_the_weekly_overdue_cadence_and_bank_holidays_defer_it() -> None:
    days = prompt_days(
        date(2021, 5, 15),
        date(2021, 6, 10),
        deadline=date(2021, 5, 14),
        ongoing_since=None,
        open_ended=False,
        last_update=date(2021, 5, 24),
    )
    # Answered on 24 May: a week on is 31 May, the Spring bank holiday, so that prompt goes on 1 June;
    # the cadence still counts from the answer, so the next is 7 June.
    assert days == [date(2021, 6, 1), date(2021, 6, 7)]


def test_no_prompt_within_the_quiet_days_after_an_update() -> None:
    days = prompt_days(
        date(2021, 5, 10),
        date(2021, 5, 14),
        deadline=date(2021, 5, 14),
        ongoing_since=None,
        open_ended=False,
        last_update=date(2021, 5, 12),
    )
    assert days == []


def test_ongoing_actions_are_asked_monthly_on_working_days() -> None:
    days = prompt_days(
        date(2020, 12, 1),
        date(2021, 5, 31),
        deadline=None,
        ongoing_since=date(2020, 12, 1),
        open_ended=True,
        last_update=None,
    )
    # 1 Jan is New Year's Day and 1 May a Saturday before the May Day holiday.
    assert days == [date(2021, 1, 4), date(2021, 2, 1), date(2021, 3, 1), date(2021, 4, 1), date(2021, 5, 4)]


def _days_run(job: DailyJob, first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1) if job.runs_on(first + timedelta(days=n))]


def test_a_weekly_job_due_on_a_bank_holiday_runs_on_the_next_working_day() -> None:
    monday = DailyJob("digest", time(8), lambda *_: [], weekday=0)
    assert _days_run(monday, date(2021, 5, 1), date(2021, 5, 16)) == [date(2021, 5, 4), date(2021, 5, 10)]
    # Good Friday (2 April 2021) is followed by a weekend and Easter Monday: the digest waits for Tuesday.
    friday = DailyJob("digest", time(8), lambda *_: [], weekday=4)
    assert _days_run(friday, date(2021, 3, 29), date(2021, 4, 11)) == [date(2021, 4, 6), date(2021, 4, 9)]
    # A weekend day chosen on purpose is not moved; only a bank holiday is.
    saturday = DailyJob("digest", time(8), lambda *_: [], weekday=5)
    assert _days_run(saturday, date(2021, 5, 1), date(2021, 5, 9)) == [date(2021, 5, 1), date(2021, 5, 8)]
