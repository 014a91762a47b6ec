from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.plans.due_window import DueWindow, Period, Precision, parse_due_window, read_timeline, split_timeline


def _case(raw: str, start: date | None, end: date | None, precision: Precision, open_ended: bool = False) -> Any:
    return pytest.param(raw, start, end, precision, open_ended, id=repr(raw))


def _assert_window(raw: str, start: date | None, end: date | None, precision: Precision, open_ended: bool) -> None:
    window = parse_due_window(raw)
    assert window == DueWindow(
        raw=raw, start=start, end=end, precision=precision, open_ended=open_ended, understood=True
    )


D = date

MONTH_ONLY = [
    _case("September 2020", D(2020, 9, 1), D(2020, 9, 30), "month"),
    _case("Sept 2020", D(2020, 9, 1), D(2020, 9, 30), "month"),
    _case("sep 2020", D(2020, 9, 1), D(2020, 9, 30), "month"),
    _case("September, 2020", D(2020, 9, 1), D(2020, 9, 30), "month"),
    _case("Sept. 2020", D(2020, 9, 1), D(2020, 9, 30), "month"),
    _case("February 2024", D(2024, 2, 1), D(2024, 2, 29), "month"),
    _case("February 2021", D(2021, 2, 1), D(2021, 2, 28), "month"),
    _case("By March 2021", D(2021, 3, 1), D(2021, 3, 31), "month"),
]

END_OF_MONTH = [
    _case("End of October 2020", D(2020, 10, 1), D(2020, 10, 31), "month"),
    _case("End October 2020", D(2020, 10, 1), D(2020, 10, 31), "month"),
    _case("End March 2021", D(2021, 3, 1), D(2021, 3, 31), "month"),
    _case("end of Oct 2020", D(2020, 10, 1), D(2020, 10, 31), "month"),
    _case("By the end of June 2021", D(2021, 6, 1), D(2021, 6, 30), "month"),
]

TWO_DIGIT_YEAR = [
    _case("October 20", D(2020, 10, 1), D(2020, 10, 31), "month"),
    _case("November 20", D(2020, 11, 1), D(2020, 11, 30), "month"),
    _case("December 20", D(2020, 12, 1), D(2020, 12, 31), "month"),
    _case("Oct 21", D(2021, 10, 1), D(2021, 10, 31), "month"),
    _case("Sept 23", D(2023, 9, 1), D(2023, 9, 30), "month"),  # the year 2023, not the 23rd
]

OPEN_ENDED = [
    _case("From December 2020 onwards", D(2020, 12, 1), None, "month", True),
    _case("From Dec 2020", D(2020, 12, 1), None, "month", True),
    _case("End of October 2020 on", D(2020, 10, 1), None, "month", True),
    _case("October 2020 onwards", D(2020, 10, 1), None, "month", True),
    _case("Ongoing from April 2021", D(2021, 4, 1), None, "month", True),
    _case("From 1 April 2021", D(2021, 4, 1), None, "day", True),
    _case("From Q3 2021/22 onwards", D(2021, 10, 1), None, "quarter", True),
]

EXACT_DAYS = [
    _case("30 September 2020", D(2020, 9, 30), D(2020, 9, 30), "day"),
    _case("30/09/2020", D(2020, 9, 30), D(2020, 9, 30), "day"),
    _case("03/04/2021", D(2021, 4, 3), D(2021, 4, 3), "day"),  # UK day-first, not 4 March
    _case("30/09/20", D(2020, 9, 30), D(2020, 9, 30), "day"),
    _case("30.09.2020", D(2020, 9, 30), D(2020, 9, 30), "day"),
    _case("2020-09-30", D(2020, 9, 30), D(2020, 9, 30), "day"),
    _case("30th Sept 2020", D(2020, 9, 30), D(2020, 9, 30), "day"),
    _case("1st of April 2021", D(2021, 4, 1), D(2021, 4, 1), "day"),
    _case("September 30th 2020", D(2020, 9, 30), D(2020, 9, 30), "day"),
    _case("Wednesday 30 September 2020", D(2020, 9, 30), D(2020, 9, 30), "day"),
    _case("By 31 March 2021", D(2021, 3, 31), D(2021, 3, 31), "day"),
]

QUARTERS = [
    _case("Q1 2021/22", D(2021, 4, 1), D(2021, 6, 30), "quarter"),
    _case("Q2 2021-22", D(2021, 7, 1), D(2021, 9, 30), "quarter"),
    _case("Q3 2021/22", D(2021, 10, 1), D(2021, 12, 31), "quarter"),
    _case("Q4 2021/22", D(2022, 1, 1), D(2022, 3, 31), "quarter"),
    _case("Q3/4 2020/21", D(2020, 10, 1), D(2021, 3, 31), "quarter"),
    _case("Q1 21/22", D(2021, 4, 1), D(2021, 6, 30), "quarter"),
    _case("q4 2023/24", D(2024, 1, 1), D(2024, 3, 31), "quarter"),  # leap-year February inside
    _case("Q1-Q2 2021/2022", D(2021, 4, 1), D(2021, 9, 30), "quarter"),
]

YEARS = [
    _case("2021/22", D(2021, 4, 1), D(2022, 3, 31), "year"),
    _case("2021-22", D(2021, 4, 1), D(2022, 3, 31), "year"),
    _case("2021/2022", D(2021, 4, 1), D(2022, 3, 31), "year"),
    _case("2021 \u2013 22", D(2021, 4, 1), D(2022, 3, 31), "year"),
    _case("2021", D(2021, 1, 1), D(2021, 12, 31), "year"),
    _case("End of 2021/22", D(2021, 4, 1), D(2022, 3, 31), "year"),
]

RANGES = [
    _case("January \u2013 March 2018", D(2018, 1, 1), D(2018, 3, 31), "month"),
    _case("April 2018 \u2013 March 2019", D(2018, 4, 1), D(2019, 3, 31), "month"),
    _case("June 2017 - January 2018", D(2017, 6, 1), D(2018, 1, 31), "month"),
    _case("April 2018 \u2014 March 2019", D(2018, 4, 1), D(2019, 3, 31), "month"),
    _case("Jan-Mar 2018", D(2018, 1, 1), D(2018, 3, 31), "month"),
    _case("November \u2013 January 2019", D(2018, 11, 1), D(2019, 1, 31), "month"),
    _case("From December 2020 to March 2021", D(2020, 12, 1), D(2021, 3, 31), "month"),
    _case("1 April 2021 - March 2022", D(2021, 4, 1), D(2022, 3, 31), "month"),
]

UNDATED = [
    _case("TBC", None, None, "none"),
    _case("TBA", None, None, "none"),
    _case("To be confirmed", None, None, "none"),
    _case("N/A", None, None, "none"),
    _case("", None, None, "none"),
    _case("   ", None, None, "none"),
    _case("tbc.", None, None, "none"),
    _case("Ongoing", None, None, "none", True),
    _case("ONGOING", None, None, "none", True),
]

TOLERATED_TYPOGRAPHY = [
    _case("September\u00a02020", D(2020, 9, 1), D(2020, 9, 30), "month"),
    _case("  End\u00a0of  October\t2020  ", D(2020, 10, 1), D(2020, 10, 31), "month"),
    _case("March 2021.", D(2021, 3, 1), D(2021, 3, 31), "month"),
    _case("SEPTEMBER 2020", D(2020, 9, 1), D(2020, 9, 30), "month"),
    _case("From December 2020 onwards.", D(2020, 12, 1), None, "month", True),
    _case("Q3\u00a02021/22", D(2021, 10, 1), D(2021, 12, 31), "quarter"),
]


@pytest.mark.parametrize(
    ("raw", "start", "end", "precision", "open_ended"),
    MONTH_ONLY
    + END_OF_MONTH
    + TWO_DIGIT_YEAR
    + OPEN_ENDED
    + EXACT_DAYS
    + QUARTERS
    + YEARS
    + RANGES
    + UNDATED
    + TOLERATED_TYPOGRAPHY,
)
def test_rules(raw: str, start: date | None, end: date | None, precision: Precision, open_ended: bool) -> None:
    _assert_window(raw, start, end, precision, open_ended)


# Timeline column of Table 1 in the National Clinical Framework implementation plan (seed 000).
SEED_000_TIMELINES = [
    _case("September 2020", D(2020, 9, 1), D(2020, 9, 30), "month"),
    _case("March 2021", D(2021, 3, 1), D(2021, 3, 31), "month"),
    _case("October 2020", D(2020, 10, 1), D(2020, 10, 31), "month"),
    _case("December 2020", D(2020, 12, 1), D(2020, 12, 31), "month"),
    _case("From December 2020 onwards", D(2020, 12, 1), None, "month", True),
    _case("January 2021", D(2021, 1, 1), D(2021, 1, 31), "month"),
    _case("February 2021", D(2021, 2, 1), D(2021, 2, 28), "month"),
    _case("October 20", D(2020, 10, 1), D(2020, 10, 31), "month"),
    _case("November 20", D(2020, 11, 1), D(2020, 11, 30), "month"),
    _case("December 20", D(2020, 12, 1), D(2020, 12, 31), "month"),
]

# Single-date Timescale cells of Appendix 1 in the re-set delivery milestones (seed 004).
SEED_004_SINGLE_TIMESCALES = [
    _case("End of October 2020 on", D(2020, 10, 1), None, "month", True),
    _case("End of October 2020", D(2020, 10, 1), D(2020, 10, 31), "month"),
    _case("January 2021", D(2021, 1, 1), D(2021, 1, 31), "month"),
]


@pytest.mark.parametrize(
    ("raw", "start", "end", "precision", "open_ended"), SEED_000_TIMELINES + SEED_004_SINGLE_TIMESCALES
)
def test_seed_timelines(raw: str, start: date | None, end: date | None, precision: Precision, open_ended: bool) -> None:
    _assert_window(raw, start, end, precision, open_ended)


# Multi-date Timescale cells of seed 004, with their exact (double) spacing, split then read part by part.
SEED_004_MULTI_TIMESCALES = [
    pytest.param(
        "End of October 2020 End of March 2021",
        [
            ("End of October 2020", D(2020, 10, 1), D(2020, 10, 31)),
            ("End of March 2021", D(2021, 3, 1), D(2021, 3, 31)),
        ],
        id="october-and-march",
    ),
    pytest.param(
        "End of November 2020  End of February 2021  End of March 2021  End March 2021",
        [
            ("End of November 2020", D(2020, 11, 1), D(2020, 11, 30)),
            ("End of February 2021", D(2021, 2, 1), D(2021, 2, 28)),
            ("End of March 2021", D(2021, 3, 1), D(2021, 3, 31)),
            ("End March 2021", D(2021, 3, 1), D(2021, 3, 31)),
        ],
        id="four-deadlines",
    ),
]


@pytest.mark.parametrize(("cell", "expected"), SEED_004_MULTI_TIMESCALES)
def test_seed_multi_date_cells(cell: str, expected: list[tuple[str, date, date]]) -> None:
    parts = split_timeline(cell)
    assert parts == [text for text, _, _ in expected]
    for text, start, end in expected:
        _assert_window(text, start, end, "month", False)


@pytest.mark.parametrize(("cell", "_expected"), SEED_004_MULTI_TIMESCALES)
def test_multi_date_cell_is_not_one_window(cell: str, _expected: object) -> None:
    # A cell with several deadlines must be split first; read whole it is not a single window.
    window = parse_due_window(cell)
    assert not window.understood
    assert (window.start, window.end, window.precision) == (None, None, "none")


@pytest.mark.parametrize(
    ("cell", "parts"),
    [
        pytest.param("End of October 2020 on", ["End of October 2020 on"], id="trailing-on-belongs"),
        pytest.param("April 2018 \u2013 March 2019", ["April 2018 \u2013 March 2019"], id="range-is-one"),
        pytest.param("January \u2013 March 2018", ["January \u2013 March 2018"], id="range-borrowed-year"),
        pytest.param("September 2020", ["September 2020"], id="single"),
        pytest.param("  September 2020 ", ["September 2020"], id="single-stripped"),
        pytest.param("From December 2020 onwards", ["From December 2020 onwards"], id="open-ended"),
        pytest.param("TBC", ["TBC"], id="placeholder"),
        pytest.param("", [""], id="empty"),
        pytest.param("when funding allows", ["when funding allows"], id="unreadable"),
        pytest.param("End of March 2021 if funded", ["End of March 2021 if funded"], id="partly-unreadable"),
        pytest.param("October 20 November 20", ["October 20", "November 20"], id="two-digit-years"),
        pytest.param("Q3 2020/21 Q4 2020/21", ["Q3 2020/21", "Q4 2020/21"], id="quarters"),
        pytest.param(
            "End of October 2020; End of March 2021",
            ["End of October 2020", "End of March 2021"],
            id="semicolon",
        ),
        pytest.param("October 2020 and March 2021", ["October 2020", "March 2021"], id="and-between-dates"),
        pytest.param(
            "End of October 2020\nEnd of March 2021",
            ["End of October 2020", "End of March 2021"],
            id="newline",
        ),
        pytest.param(
            "End\u00a0of October 2020 End of March 2021",
            ["End\u00a0of October 2020", "End of March 2021"],
            id="nbsp",
        ),
    ],
)
def test_split_timeline(cell: str, parts: list[str]) -> None:
    assert split_timeline(cell) == parts


@pytest.mark.parametrize(
    "raw",
    [
        "when funding allows",
        "Octember 2020",
        "31 September 2020",  # no such day; not guessed at
        "09/30/2020",  # US month-first is not a UK date
        "Q5 2021/22",
        "Q4/3 2020/21",
        "Q3 2021/23",  # not consecutive years, so not a financial year
        "March 2019 \u2013 April 2018",  # range running backwards
        "0000",
        "99/99/9999",
        "\u2014",
        "From",
        "onwards",
        "From TBC",
        "September",
        "Q3 2021",  # quarter without a financial year is ambiguous
        "End of October 2020 End of March 2021",
        "\u00a0?\u00a0",
    ],
)
def test_unreadable_text_is_kept_not_guessed(raw: str) -> None:
    assert parse_due_window(raw) == DueWindow(
        raw=raw, start=None, end=None, precision="none", open_ended=False, understood=False
    )


def test_month_only_never_gets_a_made_up_day() -> None:
    # dateutil would fill the day from today's date; a month is always the whole month.
    window = parse_due_window("September 2020")
    assert (window.start, window.end) == (D(2020, 9, 1), D(2020, 9, 30))


def test_raw_text_is_kept_exactly() -> None:
    raw = "  End\u00a0of October 2020.  "
    assert parse_due_window(raw).raw == raw


def test_deadline_is_end_unless_open_ended() -> None:
    assert parse_due_window("March 2021").deadline == D(2021, 3, 31)
    assert parse_due_window("From December 2020 onwards").deadline is None
    assert parse_due_window("TBC").deadline is None


DEADLINE = D(2021, 3, 31)


@pytest.mark.parametrize(
    ("raw", "today", "overdue"),
    [
        pytest.param("March 2021", DEADLINE + timedelta(days=1), True, id="due-yesterday"),
        pytest.param("March 2021", DEADLINE, False, id="due-today"),
        pytest.param("March 2021", DEADLINE - timedelta(days=1), False, id="due-tomorrow"),
        pytest.param("March 2021", D(2021, 3, 15), False, id="mid-month-of-month-deadline"),
        pytest.param("31/03/2021", DEADLINE + timedelta(days=1), True, id="exact-day-yesterday"),
        pytest.param("From December 2020 onwards", D(2030, 1, 1), False, id="open-ended-never"),
        pytest.param("End of October 2020 on", D(2030, 1, 1), False, id="on-never"),
        pytest.param("Ongoing", D(2030, 1, 1), False, id="ongoing-never"),
        pytest.param("TBC", D(2030, 1, 1), False, id="undated-never"),
        pytest.param("when funding allows", D(2030, 1, 1), False, id="unreadable-never"),
        pytest.param("Q4 2020/21", D(2021, 4, 1), True, id="quarter-passed"),
    ],
)
def test_is_overdue(raw: str, today: date, overdue: bool) -> None:
    assert parse_due_window(raw).is_overdue(today) is overdue


# The wrong readings issue 11 names: each is now right, or undated with the reason.
@pytest.mark.parametrize(
    ("raw", "deadlines", "reason"),
    [
        pytest.param("5-9 October 2020", [D(2020, 10, 9)], "", id="day-range-not-2005"),
        pytest.param("14th-18th December 2020", [D(2020, 12, 18)], "", id="ordinal-range-not-2014"),
        pytest.param("1-14 March 2021", [D(2021, 3, 14)], "", id="day-range-not-2001"),
        pytest.param("March 31", [], "no year", id="not-march-2031"),
        pytest.param("December 15", [], "no year", id="not-december-2015"),
        pytest.param("11/12", [], "not a date", id="not-fy-2011-12"),
        pytest.param("2020-2023", [D(2023, 3, 31)], "", id="imtp-period-ends-31-march"),
        pytest.param("Q1 and Q3 2021/22", [D(2021, 6, 30), D(2021, 12, 31)], "", id="two-quarters-two-deadlines"),
        pytest.param("Sept 2020 (draft), Dec 2020 (final)", [D(2020, 9, 30), D(2020, 12, 31)], "", id="stages"),
        pytest.param("March 2021 " * 20, [], "too long", id="too-long"),
    ],
)
def test_issue_11_wrong_readings(raw: str, deadlines: list[date], reason: str) -> None:
    reading = read_timeline(raw)
    assert [w.deadline for w in reading.windows] == deadlines
    assert reason in reading.reason


def test_a_year_less_date_takes_the_plans_period() -> None:
    period = Period.parse("2020-21")
    assert parse_due_window("March 31", period=period).deadline == D(2021, 3, 31)
    assert parse_due_window("December 15", period=period).deadline == D(2020, 12, 15)
    assert parse_due_window("March 31", period=Period.parse("2020-2023")).deadline is None
    assert split_timeline("Q1 and Q3", period=Period.parse("2021-22")) == ["Q1 2021/22", "Q3 2021/22"]
