"""The words of a timeline as tokens, and the calendar facts the timeline grammar needs.

A token is a number (with its digit count, so "21" and "2021" differ), a word, or a mark ("/", "-", ",", "(").
Ordinal endings ("14th") and weekday names are dropped here: they never change which day is meant."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Kind = Literal["num", "word", "mark"]

# Documents pasted from Word/PDF carry non-breaking spaces and typographic dashes.
_DASH_LIKE = re.compile(r"[\u2010-\u2015\u2212]")
_TOKEN = re.compile(
    r"(?P<num>\d+)(?P<ord>st|nd|rd|th)?\b|(?P<q>[qh])(?P<qn>[1-4])\b|(?P<word>[a-z]+)|(?P<mark>[^\s\w])"
)
_MONTH_NAMES = tuple(name.lower() for name in calendar.month_name[1:])
_WEEKDAYS = frozenset(word for name in calendar.day_name for word in (name.lower(), name.lower()[:3]))


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    start: int = 0  # where it was written, to cut one deadline's own words out of a cell
    end: int = 0
    ordinal: bool = False  # "20th" is a day, never a year

    @property
    def value(self) -> int:
        return int(self.text) if self.kind == "num" else -1


def tokenise(raw: str) -> list[Token]:
    """The timeline's tokens; weekday names and a final full stop are left out (they carry no date)."""
    # Same length as the raw text (one character for one), so offsets point into what was written.
    text = _DASH_LIKE.sub("-", raw).lower() if len(raw.lower()) == len(raw) else _DASH_LIKE.sub("-", raw)
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        at, end = match.start(), match.end()
        if match["num"] is not None:
            tokens.append(Token("num", match["num"], at, end, match["ord"] is not None))
        elif match["q"] is not None:
            tokens += [Token("word", match["q"], at, at + 1), Token("num", match["qn"], at + 1, end)]
        elif match["word"] is not None:
            if match["word"] not in _WEEKDAYS or month_number(match["word"]) is not None:
                tokens.append(Token("word", match["word"], at, end))
        else:
            tokens.append(Token("mark", match["mark"], at, end))
    while tokens and tokens[-1].text in (".", ",", ";"):
        tokens.pop()  # "March 2021." ends a table cell's sentence; the stop carries no meaning
    return tokens


def month_number(word: str) -> int | None:
    """A month's number from its name or an abbreviation of three letters or more ("Sep", "Sept"); three
    is the shortest that tells March from May. "Octember" is not a prefix: None."""
    word = word.rstrip(".")
    if len(word) < 3:
        return None
    for number, name in enumerate(_MONTH_NAMES, start=1):
        if name.startswith(word):
            return number
    return None


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day_one: date, months: int) -> date:
    index = day_one.year * 12 + day_one.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def exact_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # "31 September 2020" is a typo we must not guess at
        return None


def year_of(number: Token) -> int | None:
    """A written year: four digits, or two ("Dec-20") meaning this century, as the plans write them."""
    if number.kind != "num" or len(number.text) not in (2, 4):
        return None
    return 2000 + number.value if len(number.text) == 2 else number.value


@dataclass(frozen=True)
class Period:
    """The financial year(s) a plan covers ("2020-21"): April of the first to March of the last."""

    start: date
    end: date

    @classmethod
    def parse(cls, text: str) -> Period | None:
        match = re.fullmatch(r"\s*(\d{4})\s*[-/\u2013]\s*(\d{2}|\d{4})\s*", text)
        if match is None:
            return None
        first = int(match[1])
        last = int(match[2]) + (first // 100 * 100 if len(match[2]) == 2 else 0)
        if last <= first:
            return None
        return cls(date(first, 4, 1), date(last, 3, 31))

    @property
    def single_year(self) -> bool:
        return self.end.year == self.start.year + 1

    def year_for_month(self, month: int) -> int | None:
        """The calendar year of a month named without one: only a one-year plan says which."""
        if not self.single_year:
            return None
        return self.start.year if month >= 4 else self.end.year


def financial_year(first: int, last: int) -> tuple[date, date] | None:
    """NHS financial years run April to March; "2020-2023" (an IMTP period) runs to 31 March 2023."""
    if last <= first:
        return None
    return date(first, 4, 1), date(last, 3, 31)


def day_before(day: date) -> date:
    return day - timedelta(days=1)
