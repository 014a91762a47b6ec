"""Read plan timelines as people write them ("End of October 2020", "Q3 2021/22") into due windows.

A timeline is read only when a named rule of the grammar (bot.plans.timeline_grammar) accounts for every
word of it; anything else is kept as written, undated, with the reason. A wrong deadline is worse than none:
it nags the wrong person on the wrong day. Everything here is a pure function.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from datetime import date

from bot.plans.timeline_grammar import (
    Grammar,
    Item,
    Partial,
    Precision,
    Span,
    before,
    from_period,
    lend,
)
from bot.plans.timeline_tokens import Period, Token, month_number, tokenise

__all__ = ["DueWindow", "Period", "Precision", "Reading", "month_number", "normalise_timeline",
           "parse_due_window", "read_timeline", "split_timeline"]  # fmt: skip


@dataclass(frozen=True)
class DueWindow:
    raw: str
    start: date | None
    end: date | None
    precision: Precision
    open_ended: bool
    understood: bool
    # Why a timeline has no deadline ("no year given", "not a date the reader knows"); empty when read.
    reason: str = field(default="", compare=False)

    @property
    def deadline(self) -> date | None:
        # "From December 2020 onwards" describes ongoing work: it has a start but nothing to miss.
        return None if self.open_ended else self.end

    def is_overdue(self, today: date) -> bool:
        # A deadline is met if the work is done on the day itself, so only later days are overdue.
        deadline = self.deadline
        return deadline is not None and deadline < today


@dataclass(frozen=True)
class Reading:
    """A whole cell read: one window per deadline (several for "Q1 and Q3 2021/22"), each with its own words."""

    raw: str
    windows: tuple[DueWindow, ...]
    parts: tuple[str, ...]
    reason: str = ""


_SPACE_LIKE = re.compile(r"[\s\u00a0\u2007\u202f]+")
_DASH_LIKE = re.compile(r"[\u2010-\u2015\u2212]")


def normalise_timeline(raw: str) -> str:
    """The timeline as the recurrence reader sees it: lower case, plain dashes and spaces, no commas or stop."""
    text = _DASH_LIKE.sub("-", raw).lower().replace(",", " ")
    return _SPACE_LIKE.sub(" ", text).strip().rstrip(". ").strip()


# Placeholders plans use when no date has been set, and words for work that simply carries on.
_NO_DATE = frozenset({"tbc", "tba", "tbd", "to be confirmed", "to be agreed", "to be determined", "to be decided",
                      "n a", "na", "not applicable", "as required", "as and when required", "as needed",
                      "when required", "if required", "as necessary", "when needed", "not known",
                      "unknown"})  # fmt: skip
_ONGOING = frozenset({"ongoing", "on going", "continuous", "continuing", "continual", "rolling", "business as usual",
                      "in place", "ongoing work", "ongoing process"})  # fmt: skip
_OPEN_STARTS = (("ongoing", "from"), ("ongoing", "since"), ("from",), ("since",), ("starting", "from"),
                ("starting",), ("commencing",), ("with", "effect", "from"), ("beginning",), ("start",))  # fmt: skip
_OPEN_ENDS = (("onwards",), ("onward",), ("on",), ("ongoing",), ("on", "going"), ("and", "ongoing"),
              ("then", "ongoing"), ("-", "ongoing"), (",", "ongoing"), ("and", "beyond"), ("-", "on", "going"),
              ("-", "onwards"), ("and", "onwards"))  # fmt: skip


# A cell is a timeline, not a paragraph: the readings of a long run of dates multiply, so past this many the
# cell is left unread rather than searched for ever.
MAX_READINGS = 2000
MAX_TOKENS = 60


def read_timeline(raw: str, *, period: Period | None = None) -> Reading:
    """Every deadline a timeline cell holds, or none with the reason. Never raises, never guesses."""
    tokens = tokenise(raw)
    words = " ".join(t.text for t in tokens if t.text not in ("-", "/", ".", ","))
    if tokens and not words:
        return _no_date(raw, open_ended=False, understood=False, reason="not a date the reader knows")
    if not words or words in _NO_DATE:
        return _no_date(raw, open_ended=False, understood=True, reason="no date set (TBC)" if words else "no date set")
    if words in _ONGOING:
        return _no_date(raw, open_ended=True, understood=True, reason="ongoing: no deadline")
    if len(tokens) > MAX_TOKENS:
        return _no_date(raw, open_ended=False, understood=False, reason="too long to read as one timeline")
    grammar = Grammar(tokens, period)
    open_start = _open_ended(grammar, raw)
    if open_start is not None:
        return open_start
    return _deadlines(grammar, raw)


def parse_due_window(raw: str, *, period: Period | None = None) -> DueWindow:
    """One timeline as one window; a cell with several deadlines is not one window (split it first)."""
    reading = read_timeline(raw, period=period)
    if len(reading.windows) == 1:
        return reading.windows[0]
    if len(reading.windows) > 1:
        return DueWindow(raw, None, None, "none", False, False, f"{len(reading.windows)} deadlines in one cell")
    return DueWindow(raw, None, None, "none", False, False, reading.reason)


def split_timeline(raw: str, *, period: Period | None = None) -> list[str]:
    """A cell holding several deadlines ("End of October 2020 End of March 2021", "Q1 and Q3 2021/22") → the
    words of each, completed so each reads alone ("Q1 2021/22"); a cell with one (or none) → [raw.strip()]."""
    reading = read_timeline(raw, period=period)
    return list(reading.parts) if len(reading.parts) > 1 else [raw.strip()]


def _no_date(raw: str, *, open_ended: bool, understood: bool, reason: str) -> Reading:
    window = DueWindow(raw, None, None, "none", open_ended, understood, reason)
    return Reading(raw, (window,) if understood else (), (), reason)


def _open_ended(grammar: Grammar, raw: str) -> Reading | None:
    """ "From December 2020 onwards", "October 2020 - ongoing": a start, nothing to be overdue against."""
    tokens = grammar.tokens
    starts = [0, *(end for end in grammar.any_of(0, _OPEN_STARTS))]
    for first in starts:
        for item, end in grammar.items(first):
            span = item.point
            tail = [e for e in grammar.any_of(end, _OPEN_ENDS) if e == len(tokens)]
            if end == len(tokens) and first > 0 and isinstance(span, Span):
                if tokens[first - 1].text in ("from",) and span.start != span.end and _is_range(grammar, first, end):
                    return None  # "From December 2020 to March 2021": a range, read as deadlines below
                return _open(raw, span)
            if tail and isinstance(span, Span):
                return _open(raw, span)
    return None


def _is_range(grammar: Grammar, first: int, end: int) -> bool:
    return any(t.text in ("-", "to", "until", "till") for t in grammar.tokens[first:end])


def _open(raw: str, span: Span) -> Reading:
    window = DueWindow(raw, span.start, None, span.precision, True, True)
    return Reading(raw, (window,), (raw.strip(),))


def _deadlines(grammar: Grammar, raw: str) -> Reading:
    # The reading with the fewest deadlines wins ("April 2018 - March 2019" is one range, not two months),
    # then the one that borrows fewest years ("October 20 November 20" is two months of 2020, not October
    # borrowing from "20 November 20"). Two readings still level are two dates: none is chosen.
    readings: dict[tuple[tuple[date | None, bool], ...], Reading] = {}
    reason = "not a date the reader knows"
    best: tuple[int, int] | None = None
    failed_rank: tuple[int, int] | None = None  # the reason given is the simplest failed reading's
    for count, items in enumerate(grammar.sequences(0)):
        if count > MAX_READINGS:
            return Reading(raw, (), (), "too long to read as one timeline")
        rank = (len(items), sum(isinstance(item.point, Partial) for item in items))
        if best is not None and rank > best:
            continue
        resolved = _resolve(grammar, raw, items)
        if isinstance(resolved, str):
            if failed_rank is None or rank < failed_rank:
                reason, failed_rank = resolved, rank
            continue
        key = tuple((w.end, w.open_ended) for w in resolved.windows)  # readings agreeing on deadlines agree
        if best is None or rank < best:
            readings, best = {}, rank
        readings[key] = resolved
    if len(readings) == 1:
        return next(iter(readings.values()))
    if len(readings) > 1:
        reason = "could mean more than one date"
    return Reading(raw, (), (), reason)


def _resolve(grammar: Grammar, raw: str, items: list[Item]) -> Reading | str:
    """Each item's dates, a year-less one completed from the item after it or from the plan's period."""
    spans: list[Span] = []
    suffixes: list[str] = []
    following: Span | None = None
    for item in reversed(items):
        point, suffix = item.point, ""
        if isinstance(point, Partial):
            lent = lend(point, following, wrap=False) if following is not None else None
            placed = lent or from_period(point, grammar.period)
            if placed is None:
                return f"no year: “{_text(grammar, raw, item)}” needs one (or a period on the plan)"
            suffix = _year_words(point, placed)
            point = placed
        following = point
        spans.insert(0, before(point) if item.before else point)
        suffixes.insert(0, suffix)
    windows = tuple(DueWindow(raw, s.start, s.end, s.precision, False, True) for s in spans)
    if len(windows) > 1:
        windows = tuple(
            DueWindow(text, w.start, w.end, w.precision, False, True)
            for w, text in zip(windows, _parts(grammar, raw, items, suffixes), strict=True)
        )
    if any(a.end > b.end for a, b in itertools.pairwise(spans)):
        return "deadlines out of order"
    parts = tuple(_parts(grammar, raw, items, suffixes)) if len(items) > 1 else (raw.strip(),)
    return Reading(raw, windows, parts)


def _parts(grammar: Grammar, raw: str, items: list[Item], suffixes: list[str]) -> list[str]:
    return [
        (_text(grammar, raw, item) + suffix + _label(grammar, raw, item, items)).strip()
        for item, suffix in zip(items, suffixes, strict=True)
    ]


def _text(grammar: Grammar, raw: str, item: Item) -> str:
    tokens: list[Token] = grammar.tokens
    return raw[tokens[item.first].start : tokens[item.last].end]


def _label(grammar: Grammar, raw: str, item: Item, items: list[Item]) -> str:
    end = grammar.label(item.last + 1)
    if end == item.last + 1:
        return ""
    tokens = grammar.tokens
    return " " + raw[tokens[item.last + 1].start : tokens[end - 1].end]


def _year_words(partial: Partial, placed: Span) -> str:
    if partial.kind in ("quarter", "half", "fy_end") and placed.fy is not None:
        return f" {placed.fy}/{(placed.fy + 1) % 100:02d}"
    if partial.kind == "fy_end":
        return f" {placed.end.year - 1}/{placed.end.year % 100:02d}"
    return f" {placed.end.year}"
