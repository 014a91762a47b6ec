"""The timeline grammar: a timeline is read only when one of these named rules accounts for all its tokens.

    timeline := placeholder                        "TBC", "As required", "Ongoing"
              | open-start point open-end?         "From December 2020 (onwards)", "October 2020 - ongoing"
              | item ((","|";"|"and"|"&"|"then")? item)*     one deadline per item
    item     := lead? span label?                  "By end of March 2021", "Sept 2020 (draft)"
    lead     := "by" | "end of" | "no later than" | "before" | "mid" …
    span     := point (("-"|"to"|"until") point)?  a range: "5-9 October 2020", "Jan-Mar 2018", "Q1-Q2 2021/22"
    point    := day month year | month day year | d/m/y (UK order) | y-m-d | month year | quarter FY |
                half FY | season year | financial year | multi-year period | calendar year |
                a day, month or quarter without its year (borrowed from the next point, else the plan's period)

Each rule returns every way it can read the tokens at a position; a timeline with two different readings
is not read at all. What a rule cannot place (a year-less date in a plan without a period) is left unread
with the reason, never filled in from today."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal, cast

from bot.plans.timeline_tokens import (
    Period,
    Token,
    add_months,
    day_before,
    exact_day,
    financial_year,
    month_end,
    month_number,
    year_of,
)

Precision = Literal["day", "month", "quarter", "season", "half", "year", "none"]
PartKind = Literal["bare", "day", "month", "quarter", "half", "fy_end"]


@dataclass(frozen=True)
class Span:
    start: date
    end: date
    precision: Precision
    fy: int | None = None  # the financial year it lies in, when read as part of one (lends it to "Q1 and Q3")


@dataclass(frozen=True)
class Partial:
    """A point written without its year ("March 31", "Q1", "5" in "5-9 October 2020")."""

    kind: PartKind
    month: int | None = None
    day: int | None = None
    number: int | None = None  # the quarter or half


Point = Span | Partial
Found = list[tuple[Point, int]]


@dataclass(frozen=True)
class Item:
    point: Point
    first: int  # token indexes, to cut the item's own text out of the cell
    last: int
    before: bool = False


# Two-digit numbers after a month ("October 20") are years only when they could be a plan's year; "March 31"
# and "December 15" are days (years 2031 and 2015 are not what a plan of these years means).
PLAUSIBLE_TWO_DIGIT_YEARS = range(17, 30)

SEASONS = {"spring": 3, "summer": 6, "autumn": 9}  # first month; winter spans the new year: Dec-Feb
SEPARATORS = ((",",), (";",), ("and",), ("&",), ("then",), (",", "and"))
RANGE_MARKS = (("-",), ("to",), ("until",), ("till",), ("through",), ("/",), ("-", "end", "of"), ("to", "end", "of"))
DEADLINE_LEADS = tuple(
    tuple(text.split())
    for text in (
        "by", "by the end of", "by end of", "by the end", "by end", "end of", "no later than end of",
        "no later than the end of", "not later than the end of", "not later than end of", "the end of", "end",
        "at the end of",
        "no later than", "not later than", "on or before", "due", "due by", "deadline", "complete by",
        "completed by", "in", "during", "target", "the", "from",
    )
)  # fmt: skip
BEFORE_LEADS = (("before",), ("prior", "to"), ("ahead", "of"))


class Grammar:
    def __init__(self, tokens: list[Token], period: Period | None) -> None:
        self.tokens = tokens
        self.period = period

    # -- small matchers -------------------------------------------------------------------------------

    def words(self, at: int, *phrase: str) -> int | None:
        end = at + len(phrase)
        if end <= len(self.tokens) and all(self.tokens[at + k].text == w for k, w in enumerate(phrase)):
            return end
        return None

    def any_of(self, at: int, phrases: tuple[tuple[str, ...], ...]) -> Iterator[int]:
        for phrase in phrases:
            end = self.words(at, *phrase)
            if end is not None:
                yield end

    def num(self, at: int, digits: tuple[int, ...] = (1, 2)) -> int | None:
        if 0 <= at < len(self.tokens) and self.tokens[at].kind == "num" and len(self.tokens[at].text) in digits:
            return self.tokens[at].value
        return None

    def month(self, at: int) -> int | None:
        token = self.tokens[at] if at < len(self.tokens) else None
        return month_number(token.text) if token is not None and token.kind == "word" else None

    def plausible_years(self) -> range:
        """Two-digit numbers after a month that are years: the plan's own years when it gives a period."""
        if self.period is None:
            return PLAUSIBLE_TWO_DIGIT_YEARS
        return range(self.period.start.year % 100, self.period.end.year % 100 + 1)

    def ordinal(self, at: int) -> bool:
        return at < len(self.tokens) and self.tokens[at].ordinal

    def skip(self, at: int, *marks: str) -> int:
        return at + 1 if at < len(self.tokens) and self.tokens[at].text in marks else at

    # -- points ---------------------------------------------------------------------------------------

    def points(self, at: int) -> Found:
        found: Found = []
        for rule in (self.numeric, self.day_month, self.month_first, self.quarter, self.half, self.season,
                     self.years, self.mid_month, self.year_end):  # fmt: skip
            found += rule(at)
        return found

    def numeric(self, at: int) -> Found:
        # UK order only: 31/03/21, 31.03.2021, 31-03-2021; ISO 2021-03-31. Never US month-first.
        first, found = self.num(at, (1, 2, 4)), cast(Found, [])
        if first is None or at + 4 >= len(self.tokens):
            return []
        mark = self.tokens[at + 1].text if at + 1 < len(self.tokens) else ""
        if mark not in ("/", ".", "-") or self.words(at + 3, mark) is None:
            return []
        middle, last = self.num(at + 2), self.num(at + 4, (1, 2, 4))
        if middle is None or last is None:
            return []
        if len(self.tokens[at].text) == 4:
            day = exact_day(first, middle, last) if len(self.tokens[at + 4].text) <= 2 else None
        else:
            year = year_of(self.tokens[at + 4])
            day = exact_day(year, middle, first) if year is not None else None
        if day is not None:
            found.append((Span(day, day, "day"), at + 5))
        return found

    def day_month(self, at: int) -> Found:
        # "30 September 2020", "1st of April 2021", "31 March 21"; without a year, a day of the plan's year.
        day = self.num(at)
        if day is None:
            return []
        after_of = self.words(at + 1, "of") or self.skip(at + 1, "-")  # "31-Mar-22" as Excel writes it
        month = self.month(after_of)
        if month is None:
            return []
        excel = self.tokens[at + 1].text == "-"  # "31-Mar-22": the year after a dash too, and only then
        at_year = self.skip(after_of + 1, "-") if excel else self.skip(after_of + 1, ",")
        year = year_of(self.tokens[at_year]) if self.num(at_year, (2, 4)) is not None else None
        if year is not None:
            exact = exact_day(year, month, day)
            return [(Span(exact, exact, "day"), at_year + 1)] if exact else []
        return [(Partial("day", month, day), after_of + 1)] if 1 <= day <= 31 else []

    def month_first(self, at: int) -> Found:
        month = self.month(at)
        if month is None:
            return []
        found: Found = []
        after = self.skip(at + 1, ".")
        hyphen = self.skip(after, "-", ",", "'")
        full_year = self.num(hyphen, (4,))
        if full_year is not None:
            found.append((Span(date(full_year, month, 1), month_end(full_year, month), "month"), hyphen + 1))
        two = self.num(hyphen, (2,)) if not self.ordinal(hyphen) else None
        plausible = self.plausible_years()
        if two is not None and (hyphen > after or two in plausible):
            # "Dec-20", "Sept 21": the month of 2020/2021 (Excel writes mmm-yy).
            found.append((Span(date(2000 + two, month, 1), month_end(2000 + two, month), "month"), hyphen + 1))
        day = self.num(after)
        if day is not None and 1 <= day <= 31:
            at_year = self.skip(after + 1, ",")
            year = self.num(at_year, (4,))
            if year is not None:
                exact = exact_day(year, month, day)
                found += [(Span(exact, exact, "day"), at_year + 1)] if exact else []
            elif hyphen == after and (two is None or two not in plausible):
                found.append((Partial("day", month, day), after + 1))  # "March 31": a day, its year unknown
        found.append((Partial("month", month), after))
        return found

    def financial_years(self, at: int, two_digit_first: bool) -> list[tuple[int, int, int]]:
        """(first year, last year, end index) for "2021/22", "2021-2022", "21/22" (only where allowed)."""
        digits = (2, 4) if two_digit_first else (4,)
        first = self.num(at, digits)
        if first is None or at + 2 >= len(self.tokens) or self.tokens[at + 1].text not in ("/", "-"):
            return []
        last = self.num(at + 2, (2, 4))
        if last is None:
            return []
        first_year, last_year = year_of(self.tokens[at]), year_of(self.tokens[at + 2])
        if first_year is None or last_year is None:
            return []
        return [(first_year, last_year, at + 3)]

    def fy(self, at: int, *, two_digit: bool = True) -> list[tuple[int, int]]:
        """A single financial year (start year, end index), with optional "FY"/"financial year" before it."""
        lead = next(self.any_of(at, (("fy",), ("financial", "year"), ("the", "financial", "year"))), at)
        found = []
        for first, last, end in self.financial_years(lead, two_digit or lead > at):
            if last == first + 1:
                found.append((first, end))
        return found

    def quarter(self, at: int) -> Found:
        # Quarters of the NHS financial year: Q1 Apr-Jun … Q4 Jan-Mar of the next calendar year.
        number = self.num(self.words(at, "q") or self.words(at, "quarter") or -1, (1,))
        if number is None or not 1 <= number <= 4:
            return []
        end = at + 2
        found: Found = [(Partial("quarter", number=number), end)]
        for start_year, after in self.fy(self.skip(end, ",")):
            found.append((quarter_span(start_year, number, number), after))
        return found

    def half(self, at: int) -> Found:
        number = self.num(self.words(at, "h") or -1, (1,))
        ordinal = {"first": 1, "second": 2}.get(self.tokens[at].text) if at < len(self.tokens) else None
        end = at + 2
        if number is None and ordinal is not None:
            end = self.words(at + 1, "half", "of") or self.words(at + 1, "half") or -1
            number = ordinal if end > 0 else None
        if number is None or number not in (1, 2):
            return []
        found: Found = [(Partial("half", number=number), end)]
        for start_year, after in self.fy(self.skip(end, ",")):
            found.append((quarter_span(start_year, 2 * number - 1, 2 * number, "half"), after))
        return found

    def season(self, at: int) -> Found:
        word = self.tokens[at].text if at < len(self.tokens) else ""
        if word == "winter":
            # Winter runs December to February, so only a year written across the new year says which one.
            return [
                (Span(date(first, 12, 1), month_end(first + 1, 2), "season"), end)
                for first, last, end in self.financial_years(at + 1, True)
                if last == first + 1
            ]
        if word not in SEASONS:
            return []
        year = self.num(at + 1, (4,))
        if year is None:
            return []
        first = date(year, SEASONS[word], 1)
        return [(Span(first, month_end(year, SEASONS[word] + 2), "season"), at + 2)]

    def years(self, at: int) -> Found:
        found: Found = []
        for first, last, end in self.financial_years(at, False):
            window = financial_year(first, last)
            if window is not None:
                precision: Precision = "year"
                found.append((Span(window[0], window[1], precision, fy=first if last == first + 1 else None), end))
        for start_year, end in self.fy(at, two_digit=False):
            if self.tokens[at].kind == "word":  # "FY 21/22", "financial year 2021/22"
                found.append((Span(date(start_year, 4, 1), date(start_year + 1, 3, 31), "year", fy=start_year), end))
        year = self.num(at, (4,))
        if year is not None and year > 0:
            found.append((Span(date(year, 1, 1), date(year, 12, 31), "year"), at + 1))
        after_calendar = self.words(at, "calendar", "year")
        if after_calendar is not None and (calendar_year := self.num(after_calendar, (4,))) is not None:
            found.append((Span(date(calendar_year, 1, 1), date(calendar_year, 12, 31), "year"), after_calendar + 1))
        return found

    def mid_month(self, at: int) -> Found:
        # "Mid-November 2020": the 15th, the middle of any month.
        after = self.words(at, "mid")
        if after is None:
            return []
        found: Found = []
        for point, end in self.month_first(self.skip(after, "-")):
            if isinstance(point, Span) and point.precision == "month":
                middle = point.start.replace(day=15)
                found.append((Span(point.start, middle, "day"), end))
            elif isinstance(point, Partial) and point.kind == "month":
                found.append((Partial("day", point.month, 15), end))
        return found

    def year_end(self, at: int) -> Found:
        # "Financial year end", "end of (the) financial year [2020/21]", "year end": 31 March.
        phrases = (("financial", "year", "end"), ("year", "end"), ("end", "of", "financial", "year"),
                   ("end", "of", "the", "financial", "year"), ("end", "of", "year"), ("year", "end", "of"))  # fmt: skip
        found: Found = []
        for end in self.any_of(at, phrases):
            found.append((Partial("fy_end"), end))
            for start_year, after in self.fy(end):
                found.append((Span(date(start_year + 1, 3, 1), date(start_year + 1, 3, 31), "month"), after))
        return found

    # -- items and spans ------------------------------------------------------------------------------

    def spans(self, at: int) -> Found:
        found: Found = []
        for left, middle in self.points(at) + self.bare_days(at):
            if not isinstance(left, Partial) or left.kind != "bare":
                found.append((left, middle))
            for after_mark in self.any_of(middle, RANGE_MARKS):
                if self.tokens[middle].text == "/" and not isinstance(left, Partial):
                    continue  # "Sept 2020 / March 2021": a range, a choice or two deadlines? Not said.
                for right, end in self.points(after_mark) + self.quarter_after(left, after_mark):
                    if isinstance(right, Partial):  # "3rd-7th May" in a 2021-22 plan
                        right = from_period(right, self.period) or right
                    joined = join_range(left, right)
                    if joined is not None:
                        found.append((joined, end))
        return found

    def quarter_after(self, left: Point, at: int) -> Found:
        # "Q3/4 2020/21": the second quarter's "Q" is left out.
        if not isinstance(left, Partial) or left.kind != "quarter" or self.num(at, (1,)) is None:
            return []
        number = self.num(at, (1,)) or 0
        return [(quarter_span(year, number, number), end) for year, end in self.fy(at + 1) if 1 <= number <= 4]

    def bare_days(self, at: int) -> Found:
        # "5" in "5-9 October 2020": a day whose month and year come from the other end of the range.
        day = self.num(at)
        return [(Partial("bare", day=day), at + 1)] if day is not None and 1 <= day <= 31 else []

    def items(self, at: int) -> list[tuple[Item, int]]:
        found: list[tuple[Item, int]] = []
        leads = [(at, False)] + [(e, False) for e in self.any_of(at, DEADLINE_LEADS)]
        leads += [(e, True) for e in self.any_of(at, BEFORE_LEADS)]
        for after_lead, before in leads:
            for point, end in self.spans(after_lead):
                found.append((Item(point, at, end - 1, before), self.label(end)))
        return found

    def label(self, at: int) -> int:
        # "(draft)", "(final report)": a stage named in brackets after a date; it holds no date itself.
        if self.words(at, "(") is None:
            return at
        for close in range(at + 1, min(at + 6, len(self.tokens))):
            if self.tokens[close].text == ")":
                inside = self.tokens[at + 1 : close]
                if inside and all(t.kind == "word" and month_number(t.text) is None for t in inside):
                    return close + 1
                return at
        return at

    def sequences(self, at: int) -> Iterator[list[Item]]:
        """Every way the tokens from `at` to the end read as items."""
        if at == len(self.tokens):
            yield []
            return
        for item, end in self.items(at):
            if end <= at:
                continue
            for after in {end, *self.any_of(end, SEPARATORS)}:
                if after == len(self.tokens) and after != end:
                    continue  # a trailing "and" is not a separator
                for rest in self.sequences(after):
                    yield [item, *rest]


def quarter_span(start_year: int, first: int, last: int, precision: Precision = "quarter") -> Span:
    year_start = date(start_year, 4, 1)
    end = day_before(add_months(year_start, 3 * last))
    return Span(add_months(year_start, 3 * (first - 1)), end, precision, fy=start_year)


def join_range(left: Point, right: Point) -> Point | None:
    """A range: the later end lends its month, year or financial year to the earlier one."""
    if isinstance(right, Partial):
        return None  # "Q1-Q2" or "March-May" with no year at all: not stretched over a guessed year
    if is_calendar_year(left) and is_calendar_year(right):
        return None  # "2020-2023" is a multi-year NHS period (to 31 March), read by `years`, not Jan-Dec
    earlier = left if isinstance(left, Span) else lend(left, right, wrap=True)
    if earlier is None or earlier.start > right.end:
        return None
    precision = max(earlier.precision, right.precision, key=PRECISION_ORDER.index)
    return Span(earlier.start, right.end, precision, fy=right.fy if right.fy == earlier.fy else None)


def is_calendar_year(point: Point) -> bool:
    return isinstance(point, Span) and point.precision == "year" and point.fy is None and point.start.month == 1


def lend(partial: Partial, lender: Span, *, wrap: bool) -> Span | None:
    """`partial` completed from the point after it; None when that point cannot say."""
    if partial.kind == "bare" and lender.precision == "day":
        exact = exact_day(lender.start.year, lender.start.month, partial.day or 0)
        return Span(exact, exact, "day") if exact else None
    if partial.kind in ("day", "month") and lender.precision in ("day", "month") and partial.month is not None:
        year = lender.start.year
        if partial.month > lender.start.month or (partial.month == lender.start.month and partial.kind == "day"
                                                  and (partial.day or 0) > lender.start.day):  # fmt: skip
            if not wrap:
                return None
            year -= 1  # "November - January 2019": November 2018
        return in_year(partial, year)
    if partial.kind in ("quarter", "half") and lender.fy is not None:
        return in_financial_year(partial, lender.fy)
    return None


def in_year(partial: Partial, year: int) -> Span | None:
    assert partial.month is not None
    if partial.kind == "month":
        return Span(date(year, partial.month, 1), month_end(year, partial.month), "month")
    exact = exact_day(year, partial.month, partial.day or 0)
    return Span(exact, exact, "day") if exact else None


def in_financial_year(partial: Partial, start_year: int) -> Span | None:
    if partial.kind == "quarter" and partial.number:
        return quarter_span(start_year, partial.number, partial.number)
    if partial.kind == "half" and partial.number:
        return quarter_span(start_year, 2 * partial.number - 1, 2 * partial.number, "half")
    if partial.kind == "fy_end":
        return Span(date(start_year + 1, 3, 1), date(start_year + 1, 3, 31), "month")
    return None


def from_period(partial: Partial, period: Period | None) -> Span | None:
    """A year-less point placed in the plan's (one-year) period."""
    if period is None or not period.single_year:
        return None
    if partial.kind in ("quarter", "half", "fy_end"):
        return in_financial_year(partial, period.start.year)
    if partial.month is None:
        return None
    year = period.year_for_month(partial.month)
    return in_year(partial, year) if year is not None else None


PRECISION_ORDER: tuple[Precision, ...] = ("day", "month", "quarter", "season", "half", "year", "none")


def before(span: Span) -> Span:
    """ "Before 31 March 2021" is met by the 30th; "before April 2021" by 31 March."""
    last = day_before(span.start)
    return replace(span, start=last, end=last, precision="day", fy=None)
