"""Read plan timelines as people write them ("End of October 2020", "Q3 2021/22") into a due window.

Plan documents are written for people, not machines: a timeline cell may hold a month, a quarter,
a financial year, a range, an open-ended start, a placeholder such as "TBC", or several dates at once.
Everything here is a pure function; the text as written is always kept so nothing is lost when a
cell cannot be read.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, NamedTuple

from dateutil import parser as dateutil_parser

Precision = Literal["day", "month", "quarter", "year", "none"]

# Coarsest last: a range is only as precise as its vaguer end.
_PRECISION_ORDER: tuple[Precision, ...] = ("day", "month", "quarter", "year", "none")


@dataclass(frozen=True)
class DueWindow:
    raw: str
    start: date | None
    end: date | None
    precision: Precision
    open_ended: bool
    understood: bool

    @property
    def deadline(self) -> date | None:
        # "From December 2020 onwards" describes ongoing work: it has a start but nothing to miss.
        return None if self.open_ended else self.end

    def is_overdue(self, today: date) -> bool:
        # A deadline is met if the work is done on the day itself, so only later days are overdue.
        deadline = self.deadline
        return deadline is not None and deadline < today


class _Span(NamedTuple):
    start: date
    end: date
    precision: Precision


# ---------------------------------------------------------------------------------------------
# Normalising the text
# ---------------------------------------------------------------------------------------------

# Documents pasted from Word/PDF carry non-breaking spaces and typographic dashes.
_SPACE_LIKE = re.compile(r"[\s\u00a0\u2007\u202f]+")
_DASH_LIKE = re.compile(r"[\u2010-\u2015\u2212]")


def normalise_timeline(raw: str) -> str:
    """The timeline as the readers see it: lower case, plain dashes and spaces, no commas or final stop."""
    text = _DASH_LIKE.sub("-", raw).lower().replace(",", " ")
    text = _SPACE_LIKE.sub(" ", text).strip()
    # Table cells often end with a full stop ("March 2021."); it carries no meaning.
    return text.rstrip(". ").strip()


# ---------------------------------------------------------------------------------------------
# Calendar helpers
# ---------------------------------------------------------------------------------------------

_MONTH_NAMES = tuple(name.lower() for name in calendar.month_name[1:])


def _month_number(word: str) -> int | None:
    # Any abbreviation of three letters or more ("Sep", "Sept", "Septem") names the month; three is
    # the shortest that tells March from May and June from July. "Octember" is not a prefix: rejected.
    word = word.rstrip(".")
    if len(word) < 3:
        return None
    for number, name in enumerate(_MONTH_NAMES, start=1):
        if name.startswith(word):
            return number
    return None


def month_number(word: str) -> int | None:
    """A month's number from its name or an abbreviation of three letters or more; None for other words."""
    return _month_number(word)


def _full_year(digits: str) -> int:
    # Two-digit years ("October 20", "Q1 21/22") are always this century in these plans.
    year = int(digits)
    return 2000 + year if len(digits) == 2 else year


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day_one: date, months: int) -> date:
    index = day_one.year * 12 + day_one.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_span(year: int, month: int) -> _Span | None:
    try:
        return _Span(date(year, month, 1), _month_end(year, month), "month")
    except ValueError:
        return None


def _day_span(year: int, month: int, day: int) -> _Span | None:
    try:
        exact = date(year, month, day)
    except ValueError:  # "31 September 2020" is a typo we must not guess at
        return None
    return _Span(exact, exact, "day")


def _financial_year_start(first: str, second: str) -> date | None:
    # NHS Wales financial years run April to March and are written "2021/22", "2021-22" or
    # "2021/2022"; the second year must follow the first or it is not a financial year.
    start_year, end_year = _full_year(first), _full_year(second)
    if end_year != start_year + 1 or start_year < 1:
        return None
    return date(start_year, 4, 1)


# ---------------------------------------------------------------------------------------------
# Single expressions ("September 2020", "Q3 2021/22", "30/09/2020", ...)
# ---------------------------------------------------------------------------------------------

_FY = r"(?:fy\s*)?(?P<fy1>\d{4}|\d{2})\s*[/-]\s*(?P<fy2>\d{4}|\d{2})"

_ISO_DATE = re.compile(r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})$")
_NUMERIC_DATE = re.compile(r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4}|\d{2})$")
_DAY_MONTH_YEAR = re.compile(r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>[a-z]+)\.?\s+(?P<y>\d{4}|\d{2})$")
_MONTH_YEAR = re.compile(r"^(?P<m>[a-z]+)\.?\s+(?P<y>\d{4}|\d{2})$")
_QUARTER = re.compile(r"^q(?P<q1>[1-4])(?:\s*(?:/|-|&|and|to)\s*q?(?P<q2>[1-4]))?\s+" + _FY + "$")
_FINANCIAL_YEAR = re.compile("^" + _FY + "$")
_CALENDAR_YEAR = re.compile(r"^(?P<y>\d{4})$")

# "End of October 2020", "End March 2021", "By the end of March 2021": the deadline is the end of
# the period named, which is already the window's end, so the wording adds nothing to keep.
_DEADLINE_PREFIX = re.compile(r"^(?:by\s+)?(?:(?:the\s+)?end\s+(?:of\s+)?)?(?:the\s+)?")


def _iso_date(text: str) -> _Span | None:
    match = _ISO_DATE.match(text)
    if match is None:
        return None
    return _day_span(int(match["y"]), int(match["m"]), int(match["d"]))


def _numeric_date(text: str) -> _Span | None:
    # UK documents write the day first: "03/04/2021" is the 3rd of April, never March 4th.
    match = _NUMERIC_DATE.match(text)
    if match is None:
        return None
    return _day_span(_full_year(match["y"]), int(match["m"]), int(match["d"]))


def _day_month_year(text: str) -> _Span | None:
    match = _DAY_MONTH_YEAR.match(text)
    if match is None:
        return None
    month = _month_number(match["m"])
    if month is None:
        return None
    return _day_span(_full_year(match["y"]), month, int(match["d"]))


def _month_year(text: str) -> _Span | None:
    # A month alone means the whole month, due on its last day. A two-digit number after the month
    # ("October 20") is the year 2020 as the plans write it, not the 20th day.
    match = _MONTH_YEAR.match(text)
    if match is None:
        return None
    month = _month_number(match["m"])
    if month is None:
        return None
    return _month_span(_full_year(match["y"]), month)


def _quarter(text: str) -> _Span | None:
    # Quarters count from the financial year's April: Q1 Apr-Jun, Q2 Jul-Sep, Q3 Oct-Dec and Q4
    # Jan-Mar of the following calendar year. "Q3/4" spans both quarters.
    match = _QUARTER.match(text)
    if match is None:
        return None
    year_start = _financial_year_start(match["fy1"], match["fy2"])
    first = int(match["q1"])
    last = int(match["q2"]) if match["q2"] else first
    if year_start is None or last < first:
        return None
    start = _add_months(year_start, 3 * (first - 1))
    end = _add_months(year_start, 3 * last) - timedelta(days=1)
    return _Span(start, end, "quarter")


def _financial_year(text: str) -> _Span | None:
    match = _FINANCIAL_YEAR.match(text)
    if match is None:
        return None
    year_start = _financial_year_start(match["fy1"], match["fy2"])
    if year_start is None:
        return None
    return _Span(year_start, _add_months(year_start, 12) - timedelta(days=1), "year")


def _calendar_year(text: str) -> _Span | None:
    match = _CALENDAR_YEAR.match(text)
    if match is None or int(match["y"]) < 1:
        return None
    year = int(match["y"])
    return _Span(date(year, 1, 1), date(year, 12, 31), "year")


_WEEKDAY_WORDS = frozenset(word for name in calendar.day_name for word in (name.lower(), name.lower()[:3]))
_ORDINAL_SUFFIXES = frozenset({"st", "nd", "rd", "th"})


def _words_safe_for_dateutil(text: str) -> bool:
    # dateutil skips words such as "on", "and" and "of" and guesses around digits it does not
    # expect, so it is only trusted with text made of a month name plus weekdays and ordinals. A
    # month name is required: for all-numeric text it would swap day and month ("09/30/2020") rather
    # than reject an impossible UK date.
    words = re.findall(r"[a-z]+", text)
    has_month = any(_month_number(word) is not None for word in words)
    known = all(
        _month_number(word) is not None or word in _ORDINAL_SUFFIXES or word in _WEEKDAY_WORDS for word in words
    )
    return has_month and known


def _dateutil_day(text: str) -> _Span | None:
    # Fallback for other spellings of an exact day ("September 30th 2020", "Wed 30 Sept 2020").
    # dateutil fills any missing part from its default, which would turn "September 2020" into
    # a made-up day; parsing against two different defaults exposes any part that was filled in.
    if not _words_safe_for_dateutil(text):
        return None
    try:
        first: datetime = dateutil_parser.parse(text, dayfirst=True, default=datetime(1, 1, 1))
        second: datetime = dateutil_parser.parse(text, dayfirst=True, default=datetime(2, 2, 2))
    except (ValueError, OverflowError):
        return None
    if first.date() != second.date():
        return None
    return _Span(first.date(), first.date(), "day")


_SINGLE_PARSERS: tuple[Callable[[str], _Span | None], ...] = (
    _iso_date,
    _numeric_date,
    _quarter,
    _financial_year,
    _calendar_year,
    _month_year,
    _day_month_year,
    _dateutil_day,
)


def _parse_single(text: str) -> _Span | None:
    core = _DEADLINE_PREFIX.sub("", text, count=1)
    for parse in _SINGLE_PARSERS:
        span = parse(core)
        if span is not None:
            return span
    return None


# ---------------------------------------------------------------------------------------------
# Ranges ("January - March 2018", "April 2018 - March 2019")
# ---------------------------------------------------------------------------------------------

_RANGE_SEPARATOR = re.compile(r"\s*-\s*|\s+(?:to|until|till)\s+")
_RANGE_LEAD_IN = re.compile(r"^(?:from|between)\s+")


def _bare_month_before(word: str, later: _Span) -> _Span | None:
    # "January - March 2018": the year is written once, on the later month. A first month after the
    # later one ("November - January 2019") must belong to the year before.
    month = _month_number(word)
    if month is None or later.precision not in ("day", "month"):
        return None
    year = later.start.year - (1 if month > later.start.month else 0)
    return _month_span(year, month)


def _coarser(first: Precision, second: Precision) -> Precision:
    return max(first, second, key=_PRECISION_ORDER.index)


def _split_range(text: str, separator: re.Match[str]) -> _Span | None:
    left = _RANGE_LEAD_IN.sub("", text[: separator.start()], count=1)
    later = _parse_single(text[separator.end() :])
    if not left or later is None:
        return None
    earlier = _parse_single(left) or _bare_month_before(left.rstrip("."), later)
    if earlier is None or earlier.start > later.end:
        return None
    return _Span(earlier.start, later.end, _coarser(earlier.precision, later.precision))


def _parse_range(text: str) -> _Span | None:
    # Try every separator: a side may itself contain a dash ("Q1 2021-22 - Q2 2021-22").
    for separator in _RANGE_SEPARATOR.finditer(text):
        span = _split_range(text, separator)
        if span is not None:
            return span
    return None


def _parse_bounded(text: str) -> _Span | None:
    return _parse_single(text) or _parse_range(text)


# ---------------------------------------------------------------------------------------------
# Open-ended and undated timelines
# ---------------------------------------------------------------------------------------------

# "From December 2020 onwards", "End of October 2020 on", "Ongoing from April 2021": work that
# starts then and carries on, so there is nothing to be overdue against.
_OPEN_PREFIX = re.compile(r"^(?:ongoing\s+(?:from|since)|from|since|starting(?:\s+from)?|commencing)\s+")
_OPEN_SUFFIX = re.compile(r"\s+(?:on|onwards?|and\s+ongoing|ongoing)$")

# Placeholders plans use when no date has been set. "Ongoing" is the one that still describes work
# under way, so it is open-ended rather than merely undated.
_ONGOING = frozenset({"ongoing"})
_UNDATED = frozenset(
    {
        "",
        "tbc",
        "tba",
        "tbd",
        "to be confirmed",
        "to be agreed",
        "to be determined",
        "n/a",
        "not applicable",
    }
)


def _strip_open_ended(text: str) -> str | None:
    inner = _OPEN_SUFFIX.sub("", _OPEN_PREFIX.sub("", text, count=1), count=1)
    return inner if inner != text and inner else None


def _undated(raw: str, *, open_ended: bool, understood: bool) -> DueWindow:
    return DueWindow(raw, None, None, "none", open_ended, understood)


def parse_due_window(raw: str) -> DueWindow:
    """Read one timeline expression; never raises, and marks text it cannot read as not understood."""
    text = normalise_timeline(raw)
    if text in _UNDATED or text in _ONGOING:
        return _undated(raw, open_ended=text in _ONGOING, understood=True)
    span = _parse_bounded(text)
    if span is not None:
        return DueWindow(raw, span.start, span.end, span.precision, False, True)
    inner = _strip_open_ended(text)
    span = _parse_bounded(inner) if inner is not None else None
    if span is not None:
        return DueWindow(raw, span.start, None, span.precision, True, True)
    return _undated(raw, open_ended=False, understood=False)


# ---------------------------------------------------------------------------------------------
# Cells holding several dates
# ---------------------------------------------------------------------------------------------

# Words and marks people put between dates in one cell; they belong to neither date.
_CONNECTORS = frozenset({"and", "&", "then", ",", ";", "/", "-"})


def _is_dated(text: str) -> bool:
    window = parse_due_window(text)
    return window.understood and window.precision != "none"


def _cell_text(raw: str, first: re.Match[str], last: re.Match[str]) -> str:
    return raw[first.start() : last.end()].strip().rstrip(",;").strip()


def _longest_dated(raw: str, tokens: list[re.Match[str]], first: int) -> int | None:
    # The longest readable run wins so "End of October 2020 on" keeps its "on" and
    # "April 2018 - March 2019" stays one range instead of two months.
    for last in range(len(tokens) - 1, first - 1, -1):
        if _is_dated(_cell_text(raw, tokens[first], tokens[last])):
            return last
    return None


def _dated_parts(raw: str) -> list[str] | None:
    tokens = list(re.finditer(r"\S+", raw))
    parts: list[str] = []
    index = 0
    while index < len(tokens):
        if tokens[index].group().lower() in _CONNECTORS:
            index += 1
            continue
        last = _longest_dated(raw, tokens, index)
        if last is None:
            return None  # some words are not a date; do not chop text we cannot read
        parts.append(_cell_text(raw, tokens[index], tokens[last]))
        index = last + 1
    return parts


def split_timeline(raw: str) -> list[str]:
    """A timeline cell holding several dates ("End of October 2020 End of March 2021") →
    ["End of October 2020", "End of March 2021"]; a cell with one date (or none) → [raw.strip()]."""
    parts = _dated_parts(raw)
    if parts is None or len(parts) < 2:
        return [raw.strip()]
    return parts
