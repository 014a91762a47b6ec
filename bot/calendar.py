"""Working days in Wales: Monday to Friday, less the bank holidays of England and Wales (GB subdivision WLS)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from bot.clock import LONDON


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="WLS", years=year))


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def working_day_on_or_after(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def working_days_before(day: date, count: int) -> date:
    """The working day `count` working days before `day` (which need not itself be a working day)."""
    while count > 0:
        day -= timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def london_instant(day: date, at: time) -> datetime:
    """A wall-clock time on a London day as an aware instant: 09:00 is 09:00 whether GMT or BST."""
    return datetime.combine(day, at, tzinfo=LONDON)
