"""Recurring timelines: what Welsh plans write, read into a Recurrence, its due dates and its stored RRULE."""

from __future__ import annotations

from datetime import date

import pytest

from bot.plans.recurrence import Recurrence, occurrences, parse_recurrence, period_of, recurrence_from_rrule

D = date
QUARTERLY = Recurrence("month", 3)
MONTHLY = Recurrence("month", 1)
SIX_MONTHLY = Recurrence("month", 6)
ANNUALLY = Recurrence("month", 12)
SEPTEMBER = Recurrence("month", 12, anchor_month=9)
WEEKLY = Recurrence("week", 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Quarterly", QUARTERLY),
        ("quarterly.", QUARTERLY),
        ("End of each quarter", QUARTERLY),
        ("By the end of each quarter", QUARTERLY),
        ("Every quarter", QUARTERLY),
        ("Every 3 months", QUARTERLY),
        ("Quarterly, by the end of the quarter", QUARTERLY),
        ("Quarterly reporting", QUARTERLY),
        ("Reporting quarterly", QUARTERLY),
        ("Monthly", MONTHLY),
        ("each month", MONTHLY),
        ("Every month", MONTHLY),
        ("End of each month", MONTHLY),
        ("Monthly at month end", MONTHLY),
        ("Monthly returns", MONTHLY),
        ("Six-monthly", SIX_MONTHLY),
        ("Six monthly", SIX_MONTHLY),
        ("6-monthly", SIX_MONTHLY),
        ("Every six months", SIX_MONTHLY),
        ("Bi-annually", SIX_MONTHLY),
        ("Biannually", SIX_MONTHLY),
        ("Half-yearly", SIX_MONTHLY),
        ("Twice a year", SIX_MONTHLY),
        ("Annually", ANNUALLY),
        ("Yearly", ANNUALLY),
        ("Annually by end of September", SEPTEMBER),
        ("annually, by the end of September of each financial year", SEPTEMBER),
        ("Annually in Sept", SEPTEMBER),
        ("Annual refresh by end September", SEPTEMBER),
        ("Weekly", WEEKLY),
        ("Every week", WEEKLY),
        ("Weekly ongoing", WEEKLY),
    ],
    ids=repr,
)
def test_open_recurrences(raw: str, expected: Recurrence) -> None:
    assert parse_recurrence(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Monthly from April 2021", Recurrence("month", 1, first=D(2021, 4, 1))),
        ("Monthly from 15 April 2021", Recurrence("month", 1, first=D(2021, 4, 15))),
        ("From April 2021, quarterly", Recurrence("month", 3, first=D(2021, 4, 1))),
        ("Quarterly from April 2021 onwards", Recurrence("month", 3, first=D(2021, 4, 1))),
        ("Monthly from end of October 2020", Recurrence("month", 1, first=D(2020, 10, 1))),
        ("Monthly until March 2022", Recurrence("month", 1, last=D(2022, 3, 31))),
        (
            "Quarterly reporting April 2018 \u2013 March 2019",
            Recurrence("month", 3, first=D(2018, 4, 1), last=D(2019, 3, 31)),
        ),
        ("Quarterly 2021/22", Recurrence("month", 3, first=D(2021, 4, 1), last=D(2022, 3, 31))),
        # As seed 001's programme is transcribed: the cadence, then the programme's years.
        ("Quarterly, April 2018 \u2013 March 2021", Recurrence("month", 3, first=D(2018, 4, 1), last=D(2021, 3, 31))),
        (
            "Every six months, April 2018 \u2013 March 2021",
            Recurrence("month", 6, first=D(2018, 4, 1), last=D(2021, 3, 31)),
        ),
        (
            "Annually by end of September, 2020/21 \u2013 2022/23",
            Recurrence("month", 12, anchor_month=9, first=D(2020, 4, 1), last=D(2023, 3, 31)),
        ),
        ("Quarterly during 2021-22", Recurrence("month", 3, first=D(2021, 4, 1), last=D(2022, 3, 31))),
        ("Monthly from April 2021 to March 2022", Recurrence("month", 1, first=D(2021, 4, 1), last=D(2022, 3, 31))),
        ("Annually 2020/21 - 2022/23", Recurrence("month", 12, first=D(2020, 4, 1), last=D(2023, 3, 31))),
    ],
    ids=repr,
)
def test_bounded_recurrences(raw: str, expected: Recurrence) -> None:
    assert parse_recurrence(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "Quarter 3 2020",  # a single window, not a recurrence
        "Q3 2021/22",
        "September 2020",
        "End of October 2020 on",  # ongoing work; only a hint in the action text makes it monthly
        "From December 2020 onwards",
        "Ongoing",
        "TBC",
        "",
        "Annual report September 2020",  # one annual report, due once
        "Quarterly Q3 2021/22",  # one quarter holds one quarterly deadline
        "Monthly quarterly",  # two cadences: not ours to choose
        "Quarterly and annually",
        "Monthly from Octember 2020",  # a date we cannot read is not dropped
        "Quarterly from TBC",
        "Fortnightly",  # not a cadence these plans use; never guessed
        "Every two weeks",
        "Monthly on the 15th",
        "Quarterly, by the end of September",  # a named month only fits an annual rule
        "Quarterly reporting against agreed metrics",  # words we do not know
        "From April 2021 quarterly until March 2022 and 2023",
        "From April 2021 quarterly 2021/22",  # dates before and after: two sets of bounds
        "Monthly from March 2022 to April 2021",  # ends before it starts
    ],
    ids=repr,
)
def test_not_recurrences(raw: str) -> None:
    assert parse_recurrence(raw) is None


def test_seed_004_monthly_reporting_from_end_of_october_2020_on() -> None:
    # PCMW 1: "Health Boards will use this monthly reporting mechanism …" against "End of October 2020 on".
    # The action says how often, the timeline from when: the first report is due at the end of October 2020.
    action = "Health Boards will use this monthly reporting mechanism to monitor activity against the five essential"
    found = parse_recurrence("End of October 2020 on", action_text=action)
    assert found == Recurrence("month", 1, first=D(2020, 10, 1))
    assert occurrences(found, D(2020, 9, 1), D(2021, 1, 31)) == [D(2020, 10, 31), D(2020, 11, 30), D(2020, 12, 31),
                                                                 D(2021, 1, 31)]  # fmt: skip


def test_seed_001_quarterly_reporting_within_a_programme_year() -> None:
    found = parse_recurrence("April 2018 \u2013 March 2019", action_text="Quarterly reporting against agreed metrics")
    assert found is not None
    assert occurrences(found, D(2000, 1, 1), D(2030, 1, 1)) == [D(2018, 6, 30), D(2018, 9, 30), D(2018, 12, 31),
                                                                D(2019, 3, 31)]  # fmt: skip


@pytest.mark.parametrize(
    ("timeline", "action"),
    [
        ("April 2018 \u2013 March 2019", "3 networks \u2013 ready to finalise and implement plans in first year"),
        ("January 2021", "Cluster Annual Plan to be submitted to Welsh Government"),  # a name, and one date
        ("2021/22", "Annual Plan on a Page for 2021/22"),
        ("September 2020", "Quarterly reporting"),  # one month holds one quarterly deadline at most
        ("TBC", "Monthly reporting"),  # no start to count from
        ("Ongoing", "Monthly reporting"),
        ("April 2018 \u2013 March 2019", "reviewed quarterly for network practices and annually for the others"),
    ],
    ids=repr,
)
def test_action_text_hints_that_do_not_make_a_recurrence(timeline: str, action: str) -> None:
    assert parse_recurrence(timeline, action_text=action) is None


def test_a_timeline_that_recurs_by_itself_ignores_the_action_text() -> None:
    assert parse_recurrence("Quarterly", action_text="monthly returns") == QUARTERLY


@pytest.mark.parametrize(
    ("recurrence", "start", "until", "expected"),
    [
        # The NHS financial year: quarters end in June, September, December and March.
        (QUARTERLY, D(2021, 1, 15), D(2021, 12, 31), [D(2021, 3, 31), D(2021, 6, 30), D(2021, 9, 30), D(2021, 12, 31)]),
        (SIX_MONTHLY, D(2021, 1, 1), D(2022, 3, 31), [D(2021, 3, 31), D(2021, 9, 30), D(2022, 3, 31)]),
        (ANNUALLY, D(2021, 1, 1), D(2022, 12, 31), [D(2021, 3, 31), D(2022, 3, 31)]),
        (SEPTEMBER, D(2021, 1, 1), D(2022, 12, 31), [D(2021, 9, 30), D(2022, 9, 30)]),
        (MONTHLY, D(2024, 1, 31), D(2024, 3, 30), [D(2024, 1, 31), D(2024, 2, 29)]),  # both ends included
        (WEEKLY, D(2021, 1, 1), D(2021, 1, 20), [D(2021, 1, 1), D(2021, 1, 8), D(2021, 1, 15)]),
        # The recurrence's own bounds hold whatever the caller asks for.
        (Recurrence("month", 1, first=D(2021, 4, 1)), D(2021, 1, 1), D(2021, 6, 30), [D(2021, 4, 30), D(2021, 5, 31),
                                                                                     D(2021, 6, 30)]),
        (Recurrence("month", 3, last=D(2021, 9, 30)), D(2021, 1, 1), D(2030, 1, 1), [D(2021, 3, 31), D(2021, 6, 30),
                                                                                    D(2021, 9, 30)]),
        (QUARTERLY, D(2021, 4, 1), D(2021, 6, 29), []),
    ],
)  # fmt: skip
def test_occurrences(recurrence: Recurrence, start: date, until: date, expected: list[date]) -> None:
    assert occurrences(recurrence, start, until) == expected


def test_each_occurrence_covers_its_period() -> None:
    assert period_of(QUARTERLY, D(2021, 6, 30)) == (D(2021, 4, 1), D(2021, 6, 30))
    assert period_of(QUARTERLY, D(2022, 3, 31)) == (D(2022, 1, 1), D(2022, 3, 31))
    assert period_of(MONTHLY, D(2021, 2, 28)) == (D(2021, 2, 1), D(2021, 2, 28))
    assert period_of(SEPTEMBER, D(2021, 9, 30)) == (D(2020, 10, 1), D(2021, 9, 30))
    assert period_of(WEEKLY, D(2021, 1, 8)) == (D(2021, 1, 4), D(2021, 1, 8))
    # The first period never starts before the recurrence does.
    assert period_of(Recurrence("month", 1, first=D(2021, 4, 15)), D(2021, 4, 30)) == (D(2021, 4, 15), D(2021, 4, 30))


@pytest.mark.parametrize(
    "raw",
    [
        "Quarterly",
        "Monthly",
        "Weekly",
        "Six-monthly",
        "Annually",
        "Annually by end of September",
        "Annually by end of January",
        "Monthly from April 2021",
        "Monthly until March 2022",
        "Quarterly reporting April 2018 - March 2019",
        "Weekly from 4 January 2021 to 26 March 2021",
    ],
)
def test_the_stored_rrule_reads_back_as_the_same_recurrence(raw: str) -> None:
    recurrence = parse_recurrence(raw)
    assert recurrence is not None
    assert recurrence_from_rrule(recurrence.rrule) == recurrence
    assert recurrence_from_rrule(recurrence.rrule).rrule == recurrence.rrule


def test_rrule_text_is_stable_and_standard() -> None:
    assert QUARTERLY.rrule == "RRULE:FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
    assert SEPTEMBER.rrule == "RRULE:FREQ=MONTHLY;BYMONTH=9;BYMONTHDAY=-1"
    assert WEEKLY.rrule == "RRULE:FREQ=WEEKLY;BYDAY=FR"
    bounded = parse_recurrence("Quarterly reporting April 2018 - March 2019")
    assert bounded is not None
    assert (
        bounded.rrule
        == "DTSTART:20180401T000000\nRRULE:FREQ=MONTHLY;UNTIL=20190331T000000;BYMONTH=3,6,9,12;BYMONTHDAY=-1"
    )


def test_equal_rules_are_spelled_once() -> None:
    # Any due month of a quarterly rule names the same rule.
    assert Recurrence("month", 3, anchor_month=12) == QUARTERLY
    assert Recurrence("month", 6, anchor_month=9) == SIX_MONTHLY
    assert Recurrence("month", 1, anchor_month=7) == MONTHLY


@pytest.mark.parametrize(
    "text",
    ["RRULE:FREQ=DAILY", "RRULE:FREQ=MONTHLY;BYMONTHDAY=15", "RRULE:FREQ=MONTHLY;BYMONTH=1,2,3,4,5;BYMONTHDAY=-1"],
)
def test_rules_milestones_bot_never_writes_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a rule"):
        recurrence_from_rrule(text)


def test_unsupported_intervals_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        Recurrence("month", 5)


def test_descriptions_for_people() -> None:
    assert QUARTERLY.describe() == "quarterly, due at the end of Jun, Sep, Dec and Mar"
    assert SEPTEMBER.describe() == "annually, due at the end of September"
    assert MONTHLY.describe() == "monthly, due at the end of each month"
    assert WEEKLY.describe() == "weekly, due on Fridays"
