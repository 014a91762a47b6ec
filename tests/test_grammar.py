"""The command language: every surface's words parse to the same typed commands."""

import shlex
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.grammar import parse, parse_days, split_words
from commands.model import (
    Admin,
    Assign,
    DueSoon,
    EscalationHistory,
    EscalationToday,
    Help,
    Mine,
    Overdue,
    ParseProblem,
    ReportLevel,
    Show,
    Snooze,
    Update,
)
from commands.paging import Listing, command_text, next_page


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/milestones overdue", Overdue()),
        ("overdue", Overdue()),
        ("milestones overdue plan:esr org:cvuhb lead:HoPC public", Overdue("esr", "cvuhb", "HoPC", True)),
        ('overdue lead:"Directors of Digital"', Overdue(lead="Directors of Digital")),
        ("overdue plan:esr page:2", Overdue("esr", page=2)),
        ("due", DueSoon()),
        ("due 2w page:3", DueSoon(days=14, page=3)),
        ("mine page:2", Mine(page=2)),
        ("admin unowned page:2", Admin("unowned", page=2)),
        ("due 2w", DueSoon(days=14)),
        ("due 30d", DueSoon(days=30)),
        ("mine", Mine()),
        ("show esr/1.a", Show("esr/1.a")),
        ('update 1.a at_risk "waiting for WG"', Update("1.a", "at_risk", "waiting for WG")),
        ("update 1.a done \u201cfinished early\u201d", Update("1.a", "done", "finished early")),
        ("assign 1.a someone@example.nhs.wales", Assign("1.a", "someone@example.nhs.wales")),
        ("assign 1.a <mailto:someone@example.nhs.wales>", Assign("1.a", "someone@example.nhs.wales")),
        ("snooze esr/1.a 1w", Snooze("esr/1.a", days=7)),
        ("snooze esr/1.a 2026-12-01", Snooze("esr/1.a", until=date(2026, 12, 1))),
        ("snooze esr/1.a 1/12/2026", Snooze("esr/1.a", until=date(2026, 12, 1))),
        ("", Help()),
        ("help update", Help("update")),
        ("/escalation report dental 3", ReportLevel("dental", "3")),
        ('/escalation report dental 3 "two off" org:cv-dental-1', ReportLevel("dental", "3", "two off", "cv-dental-1")),
        ("escalation today", EscalationToday()),
        ("/escalation today org:cvuhb public", EscalationToday(org="cvuhb", public=True)),
        ("/escalation history dental", EscalationHistory("dental")),
        ("/escalation history dental 7d", EscalationHistory("dental", days=7)),
        ("/escalation history dental 7d page:3", EscalationHistory("dental", days=7, page=3)),
        ("/escalation", Help("escalation")),
    ],
)
def test_parses(text: str, expected: object) -> None:
    assert parse(text) == expected


@pytest.mark.parametrize(
    ("text", "topic", "fragment"),
    [
        ("frobnicate", "milestones", "don't know the command `frobnicate`"),
        ("/escalation frob", "escalation", "don't know the command `frob`"),
        ("show", "show", "Say which action"),
        ("update 1.a", "update", "new status"),
        ('update 1.a done "unclosed', None, "quotation mark is not closed"),
        ("due soon", "due", "`soon` is not a period"),
        ("assign 1.a bob", "assign", "who owns it"),
        ("snooze 1.a whenever", "snooze", "could not read `whenever`"),
        ("snooze 1.a 2026-13-45", "snooze", "could not read"),
        ("/escalation history dental 999d", "history", "at most a year"),
        ("overdue extra words", "overdue", "didn't expect `extra words`"),
        ("overdue page:0", "overdue", "`page:0` is not a page number"),
        ("mine page:two", "mine", "`page:two` is not a page number"),
        ("admin everything", "admin", "`admin unowned`"),
    ],
)
def test_problems_name_the_fix(text: str, topic: str | None, fragment: str) -> None:
    result = parse(text)
    assert isinstance(result, ParseProblem)
    assert result.topic == topic
    assert fragment in result.message


@pytest.mark.parametrize(
    "command",
    [
        Overdue("esr", "cvuhb", "Chief Medical Officer", True, page=3),
        Overdue(lead='say "hi"', page=2),
        DueSoon(days=30, page=2),
        Mine(page=4),
        Admin("unowned", page=2),
        EscalationHistory("dental", days=7, org="cv-dental-1", page=2),
    ],
)
def test_the_next_page_command_parses_back_to_the_next_page(command: Listing) -> None:
    assert parse(next_page(command)) == replace(command, page=command.page + 1)
    assert parse(command_text(command)) == command


@pytest.mark.parametrize(("token", "days"), [("14d", 14), ("2w", 14), ("7", 7), ("x", None), ("3m", None)])
def test_parse_days(token: str, days: int | None) -> None:
    assert parse_days(token) == days


def _shlex_or_error(text: str) -> list[str] | str:
    try:
        return shlex.split(text)
    except ValueError as problem:
        return str(problem)


def _split_or_error(text: str) -> list[str] | str:
    try:
        return split_words(text)
    except ValueError as problem:
        return str(problem)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from([*"ab:/.-_1 \t\r\n\"'\\", "\x0b", "\x0c", "\x1f", "\xa0", "\u2003", "ŵ"])))
def test_commands_are_split_into_words_exactly_as_shlex_splits_them(text: str) -> None:
    assert _split_or_error(text) == _shlex_or_error(text)
