"""A reporting period as boards name it: a quarter (`2021-Q3`) or a calendar month (`2021-07`)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from bot.i18n import _, format_day

QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
EARLIEST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    code: str
    start: date
    end: date

    @property
    def title(self) -> str:
        return _("{start} to {end}").format(start=format_day(self.start), end=format_day(self.end))

    def days(self) -> list[date]:
        return [date.fromordinal(n) for n in range(self.start.toordinal(), self.end.toordinal() + 1)]


def parse_period(text: str) -> Period | str:
    """The period, or one line saying what a period looks like."""
    quarter, month = QUARTER.match(text.strip()), MONTH.match(text.strip())
    if quarter and int(quarter[1]) >= EARLIEST_YEAR:
        year, first_month = int(quarter[1]), 3 * int(quarter[2]) - 2
        last = first_month + 2
        end = date(year, last, calendar.monthrange(year, last)[1])
        return Period(f"{year}-Q{quarter[2]}", date(year, first_month, 1), end)
    if month and int(month[1]) >= EARLIEST_YEAR and 1 <= int(month[2]) <= 12:
        year, number = int(month[1]), int(month[2])
        return Period(
            f"{year}-{number:02d}", date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])
        )
    return _("`{period}` is not a period: give a quarter such as 2021-Q3 or a month such as 2021-07.").format(
        period=text
    )
