"""Recurring timelines ("Quarterly", "Monthly from April 2021", "Annually by end of September") read into a
`Recurrence`, whose occurrences are due dates.

The reader is a small grammar over the words of the timeline, after the same normalising as due windows
(lower case, plain dashes, no commas or final stop). Every word must be accounted for; text it cannot read
in full is not a recurrence (None), never a guess:

    timeline := [head] cadence [activity] [due-rule] [each-year] [bounds]
    head     := "end of" | "by the end of" | "at the end of"   (only before "each …" / "every …")
              | due-rule naming a month, before an annual cadence ("End of September each year")
              | activity ("Reporting quarterly") | bounds ("From April 2021 monthly")
    cadence  := "weekly" | "monthly" | "each month" | "quarterly" | "every quarter" | "six-monthly" |
                "every six months" | "bi-annually" | "half-yearly" | "annually" | "yearly" | …
    activity := "reporting" | "reports" | "returns" | "review" | "newsletters" | …   (at most two words)
    due-rule := "by the end of the quarter" | "at month end" | …   (the period's end: the default anyway)
              | "by (the) end of September" | "in September"      (annual only: that month's last day)
    each-year:= "of each financial year" | "each year"           (annual only: restates the cadence)
    bounds   := any dated timeline the due-window reader understands ("April 2018 - March 2019",
                "from April 2021", "End of October 2020 on", "2021/22"), or "until"/"to" one

Due dates follow the NHS financial year (April to March): monthly on each month's last day; quarterly on
30 June, 30 September, 31 December and 31 March; six-monthly on 30 September and 31 March; annually on
31 March (the year's end) unless a month is named; weekly on Fridays, the end of the working week. A bounded
timeline holding fewer than two due dates ("Annual report September 2020") is a single deadline, not a
recurrence.

A recurrence is stored as one RRULE string (RFC 5545, written and read by dateutil.rrule) and read back
with `recurrence_from_rrule`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from dateutil.relativedelta import relativedelta
from dateutil.rrule import FR, MONTHLY, WEEKLY, rrule, rrulestr

from bot.i18n import N_, _, format_day
from bot.plans.due_window import month_number, normalise_timeline, parse_due_window

Unit = Literal["week", "month"]
Words = tuple[str, ...]
_Cadence = tuple[Unit, int]  # ("month", 3): quarterly

FINANCIAL_YEAR_END = 3  # March
_MONTH_INTERVALS = (1, 3, 6, 12)
# Only used to let dateutil write a rule that has no first period; that line is then left out.
_ANY_START = datetime(2000, 1, 1)


@dataclass(frozen=True)
class Recurrence:
    """Due dates every `interval` weeks or months. For months, `anchor_month` is a month whose last day is
    due; with the interval it fixes the others. `first`/`last` bound the due dates (None: unbounded)."""

    unit: Unit
    interval: int
    anchor_month: int = FINANCIAL_YEAR_END
    first: date | None = None
    last: date | None = None

    def __post_init__(self) -> None:
        allowed = (1,) if self.unit == "week" else _MONTH_INTERVALS
        if self.interval not in allowed:
            raise ValueError(f"unsupported recurrence: every {self.interval} {self.unit}s")
        # One spelling per rule, so equal rules compare equal: the anchor is the due month met first
        # counting from the financial year's end (quarterly → March, "end of September" → September).
        canonical = min(self.due_months, key=lambda m: (m - FINANCIAL_YEAR_END) % 12, default=FINANCIAL_YEAR_END)
        object.__setattr__(self, "anchor_month", canonical)

    @property
    def due_months(self) -> tuple[int, ...]:
        """The months whose last day is due ((): weekly)."""
        if self.unit == "week":
            return ()
        return tuple(sorted((self.anchor_month - 1 + k * self.interval) % 12 + 1 for k in range(12 // self.interval)))

    @property
    def frequency(self) -> str:
        return _FREQUENCY_NAMES[(self.unit, self.interval)]

    @property
    def rrule(self) -> str:
        """The stable RRULE text kept in the database; without a first period it has no DTSTART line."""
        until = datetime.combine(self.last, time()) if self.last else None
        start = datetime.combine(self.first, time()) if self.first else _ANY_START
        if self.unit == "week":
            rule = rrule(WEEKLY, dtstart=start, byweekday=FR, until=until)
        else:
            months = self.due_months if self.interval > 1 else None
            rule = rrule(MONTHLY, dtstart=start, bymonth=months, bymonthday=-1, until=until)
        text = str(rule)
        return text if self.first else text.split("\n", 1)[1]

    def describe(self) -> str:
        """In people's words, in the reader's language: "quarterly, due at the end of Jun, Sep, Dec and Mar"."""
        if self.unit == "week":
            return _("weekly, due on Fridays")
        if self.interval == 1:
            return _("monthly, due at the end of each month")
        months = sorted(self.due_months, key=lambda m: (m - 4) % 12)  # in financial-year order
        names = [format_day(date(2000, m, 1), "MMM" if len(months) > 1 else "MMMM") for m in months]
        listed = (
            names[0] if len(names) == 1 else _("{names} and {last}").format(names=", ".join(names[:-1]), last=names[-1])
        )
        return _("{frequency}, due at the end of {months}").format(frequency=_(self.frequency), months=listed)


# Kept in English in stored timelines ("1 Apr 2021 to 31 Mar 2022, quarterly"); translated where shown.
_FREQUENCY_NAMES: dict[_Cadence, str] = {
    ("week", 1): N_("weekly"),
    ("month", 1): N_("monthly"),
    ("month", 3): N_("quarterly"),
    ("month", 6): N_("six-monthly"),
    ("month", 12): N_("annually"),
}


# ---------------------------------------------------------------------------------------------
# Occurrences
# ---------------------------------------------------------------------------------------------


def occurrences(recurrence: Recurrence, start: date, until: date) -> list[date]:
    """Due dates from `start` to `until` (both included) within the recurrence's own bounds. An open-ended
    recurrence goes on for ever: `until` is the caller's horizon."""
    first = datetime.combine(start, time())
    rule = rrulestr(recurrence.rrule, dtstart=first)  # the rule's own DTSTART, when it has one, wins
    return [when.date() for when in rule.between(first, datetime.combine(until, time()), inc=True)]


def period_of(recurrence: Recurrence, due: date) -> tuple[date, date]:
    """The period an occurrence covers: the working week (Monday to the Friday due), or the `interval`
    months ending on the due date; never before the recurrence's first day."""
    if recurrence.unit == "week":
        start = due - timedelta(days=4)
    else:
        start = due.replace(day=1) - relativedelta(months=recurrence.interval - 1)
    return (max(start, recurrence.first) if recurrence.first else start), due


# ---------------------------------------------------------------------------------------------
# Storage: the RRULE text read back
# ---------------------------------------------------------------------------------------------


def recurrence_from_rrule(text: str) -> Recurrence:
    """The Recurrence that wrote `text` (`Recurrence.rrule`); ValueError for rules it never writes."""
    rrulestr(text, dtstart=_ANY_START)  # dateutil validates the syntax
    lines = dict(line.split(":", 1) for line in text.strip().splitlines())
    parts = dict(part.split("=", 1) for part in lines["RRULE"].split(";"))
    first = _rrule_date(lines["DTSTART"]) if "DTSTART" in lines else None
    last = _rrule_date(parts["UNTIL"]) if "UNTIL" in parts else None
    if parts.get("FREQ") == "WEEKLY" and parts.get("BYDAY") == "FR":
        return Recurrence("week", 1, first=first, last=last)
    if parts.get("FREQ") == "MONTHLY" and parts.get("BYMONTHDAY") == "-1":
        months = [int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else list(range(1, 13))
        if 12 % len(months) == 0:
            recurrence = Recurrence("month", 12 // len(months), months[0], first=first, last=last)
            if sorted(recurrence.due_months) == sorted(months):
                return recurrence
    raise ValueError(f"not a rule milestones-bot writes: {text!r}")


def _rrule_date(text: str) -> date:
    return datetime.strptime(text[:8], "%Y%m%d").date()


# ---------------------------------------------------------------------------------------------
# Reading timelines
# ---------------------------------------------------------------------------------------------


def _phrases(*texts: str) -> tuple[Words, ...]:
    # Longest first, so "every six months" is tried before "every".
    return tuple(sorted((tuple(t.split()) for t in texts), key=len, reverse=True))


_CADENCE_TEXTS: dict[_Cadence, tuple[str, ...]] = {
    ("week", 1): ("weekly", "every week", "each week", "once a week"),
    ("month", 1): ("monthly", "every month", "each month", "once a month", "every calendar month"),
    ("month", 3): ("quarterly", "every quarter", "each quarter", "once a quarter", "every three months",
                   "every 3 months", "three monthly", "3 monthly"),
    # "Bi-annually" in these plans means twice a year (seed 001: "to be refreshed bi-annually").
    ("month", 6): ("six monthly", "6 monthly", "every six months", "every 6 months", "biannually", "bi annually",
                   "biannual", "bi annual", "half yearly", "twice a year", "twice yearly", "every half year"),
    ("month", 12): ("annually", "annual", "yearly", "every year", "each year", "once a year", "every financial year",
                    "each financial year"),
}  # fmt: skip
_CadenceIndex = dict[str, tuple[tuple[Words, _Cadence], ...]]


def _index(phrases: list[tuple[Words, _Cadence]]) -> _CadenceIndex:
    # By first word, longest first: one look-up per word of the text (an action's text may be long).
    index: dict[str, list[tuple[Words, _Cadence]]] = {}
    for phrase, key in sorted(phrases, key=lambda item: -len(item[0])):
        index.setdefault(phrase[0], []).append((phrase, key))
    return {word: tuple(found) for word, found in index.items()}


_ALL_CADENCES = [(phrase, key) for key, texts in _CADENCE_TEXTS.items() for phrase in _phrases(*texts)]
_CADENCES = _index(_ALL_CADENCES)
# In an action's text "annual" is mostly a name ("Cluster Annual Plan"), not how often something happens.
_HINT_CADENCES = _index([item for item in _ALL_CADENCES if item[0] != ("annual",)])

_PERIOD_NOUNS: dict[_Cadence, tuple[Words, ...]] = {
    ("week", 1): _phrases("week"),
    ("month", 1): _phrases("month"),
    ("month", 3): _phrases("quarter"),
    ("month", 6): _phrases("half year", "six months", "6 months"),
    ("month", 12): _phrases("year", "financial year"),
}
_LEAD_INS = _phrases("end of", "the end of", "by end of", "by the end of", "at the end of", "at end of")
_ACTIVITIES = frozenset(
    {"reporting", "report", "reports", "return", "returns", "review", "reviews", "update", "updates", "newsletter",
     "newsletters", "meeting", "meetings", "submission", "submissions", "monitoring", "refresh"}
)  # fmt: skip
_EACH_YEAR = _phrases(
    *(f"{of}{each} {kind}year" for of in ("", "of ") for each in ("each", "every") for kind in ("", "financial "))
)
_UNTIL_WORDS = _phrases("until", "till", "to", "up to", "through", "until the end of", "until end of")
_DURING_WORDS = _phrases("in", "during", "for", "throughout", "over")
# Words joined to a cadence by a hyphen ("six-monthly", "bi-annually", "half-yearly") are read apart.
_HYPHENATED = re.compile(r"\b(six|6|three|3|bi|half|twice)-(?=[a-z])")


def parse_recurrence(raw: str, *, action_text: str = "") -> Recurrence | None:
    """Read a timeline as a recurrence, or None when it is not one (or not fully readable).

    `action_text`, the action as written, is used only as a hint when the timeline is a plain date:
    seed 004's "Health Boards will use this monthly reporting mechanism" against "End of October 2020 on"
    is monthly from October 2020 (first due 31 October 2020), and seed 001's "Quarterly reporting" against
    "April 2018 - March 2019" is quarterly within that year. The hint must name exactly one cadence, and
    the timeline must give a start; a timeline that recurs by itself ignores the action text."""
    words = _words(raw)
    found = _read_timeline(words)
    if found is None and action_text:
        found = _read_with_hint(words, action_text)
    return found if found is not None and _repeats(found) else None


def _words(text: str) -> Words:
    return tuple(_HYPHENATED.sub(r"\1 ", normalise_timeline(text)).split())


def _repeats(recurrence: Recurrence) -> bool:
    if recurrence.first is None or recurrence.last is None:
        return True
    return len(occurrences(recurrence, recurrence.first, recurrence.last)) >= 2


def _match(words: Words, at: int, phrases: tuple[Words, ...]) -> int | None:
    """The index just after the longest of `phrases` found at `at`."""
    for phrase in phrases:
        if words[at : at + len(phrase)] == phrase:
            return at + len(phrase)
    return None


def _find_cadence(words: Words, cadences: _CadenceIndex) -> list[tuple[int, int, _Cadence]]:
    """Every cadence phrase in `words`, left to right: (start, end, cadence)."""
    found = []
    at = 0
    while at < len(words):
        end = at + 1
        for phrase, key in cadences.get(words[at], ()):
            if words[at : at + len(phrase)] == phrase:
                found.append((at, at + len(phrase), key))
                end = at + len(phrase)
                break
        at = end
    return found


def _read_timeline(words: Words) -> Recurrence | None:
    cadences = _find_cadence(words, _CADENCES)
    if not cadences:
        return None
    start, end, key = cadences[0]
    head_month = _named_month_rule(words[:start], 0) if key == ("month", 12) and start else None
    if head_month is not None and head_month[1] == start:
        head_bounds: _Bounds | None = (None, None)  # "End of September each year": the month leads
    else:
        head_month, head_bounds = None, _read_head(words[:start], words[start])
    if head_bounds is None:
        return None
    tail = _read_tail(words, end, key)
    if tail is None:
        return None
    anchor, tail_bounds = tail
    if head_month is not None:
        if anchor is not None:
            return None
        anchor = head_month[0]
    if head_bounds != (None, None) and tail_bounds != (None, None):
        return None  # two sets of dates: not something we should pick between
    first, last = head_bounds if head_bounds != (None, None) else tail_bounds
    return Recurrence(key[0], key[1], anchor or FINANCIAL_YEAR_END, first=first, last=last)


_Bounds = tuple[date | None, date | None]


def _read_head(head: Words, cadence_word: str) -> _Bounds | None:
    """What comes before the cadence: nothing, "End of" before "each quarter", an activity, or the dates."""
    if not head:
        return None, None
    if cadence_word in ("each", "every") and _match(head, 0, _LEAD_INS) == len(head):
        return None, None
    if len(head) <= 2 and all(word in _ACTIVITIES for word in head):
        return None, None
    return _read_bounds(head)


def _read_tail(words: Words, at: int, key: _Cadence) -> tuple[int | None, _Bounds] | None:
    """After the cadence: [activity] [due-rule] [each-year] [bounds]. Returns the named due month, if any."""
    for _attempt in range(2):
        if at < len(words) and words[at] in _ACTIVITIES:
            at += 1
    anchor: int | None = None
    period_end = _period_end_rule(words, at, key)
    if period_end is not None:
        at = period_end
    elif key == ("month", 12) and (named := _named_month_rule(words, at)) is not None:
        anchor, at = named
    if key == ("month", 12):
        at = _match(words, at, _EACH_YEAR) or at
    bounds = _read_bounds(words[at:])
    return None if bounds is None else (anchor, bounds)


def _period_end_rule(words: Words, at: int, key: _Cadence) -> int | None:
    """ "by the end of the quarter", "at the end of each month", "at month end": the default, made explicit."""
    nouns = _PERIOD_NOUNS[key]
    after_lead = _match(words, at, _LEAD_INS)
    if after_lead is not None:
        after_article = after_lead + (
            1 if words[after_lead : after_lead + 1] in (("the",), ("each",), ("every",)) else 0
        )
        return _match(words, after_article, nouns)
    start = at + (1 if words[at : at + 1] in (("by",), ("at",)) else 0)
    after_noun = _match(words, start, nouns)
    return after_noun + 1 if after_noun is not None and words[after_noun : after_noun + 1] == ("end",) else None


def _named_month_rule(words: Words, at: int) -> tuple[int, int] | None:
    """ "by the end of September", "by end September", "in September": that month's last day, each year."""
    at = _match(words, at, _LEAD_INS + _phrases("by", "in", "by end", "before the end of", "before")) or at
    month = month_number(words[at]) if at < len(words) else None
    return None if month is None else (month, at + 1)


def _read_bounds(words: Words) -> _Bounds | None:
    """The dates a recurrence runs between, from any dated timeline; (None, None) for none at all."""
    if not words or words == ("ongoing",):
        return None, None
    until = _match(words, 0, _UNTIL_WORDS)
    if until is not None:
        window = parse_due_window(" ".join(words[until:]))
        return (None, window.end) if window.understood and window.end and not window.open_ended else None
    during = _match(words, 0, _DURING_WORDS) or 0
    window = parse_due_window(" ".join(words[during:]))
    if not window.understood or window.start is None:
        return None
    return window.start, None if window.open_ended else window.end


def _read_with_hint(words: Words, action_text: str) -> Recurrence | None:
    cadences = {key for _, _, key in _find_cadence(_words(action_text), _HINT_CADENCES)}
    bounds = _read_bounds(words)
    if len(cadences) != 1 or bounds is None or bounds[0] is None:
        return None
    (unit, interval), (first, last) = cadences.pop(), bounds
    return Recurrence(unit, interval, first=first, last=last)
