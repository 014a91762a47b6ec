"""Domain wording a person reads (roll-ups, repeats, the import summary) in Welsh, and how the terminal's
locale picks the language of command-line output."""

from __future__ import annotations

import pytest

from bot.i18n import speaking
from bot.i18n.terminal import terminal_language
from bot.plans.importer import ImportSummary
from bot.plans.recurrence import recurrence_from_rrule
from bot.plans.rollup import Part, Rollup


def test_a_rollup_counts_boards_in_welsh_with_its_mutations() -> None:
    parts = tuple(Part(label, done, overdue) for label, done, overdue in [("AB", True, False), ("CTM", False, True)])
    rollup = Rollup("boards", parts)
    assert rollup.summary() == "1 of 2 boards done · 1 overdue: CTM"
    with speaking("cy"):
        assert rollup.summary() == "1 o 2 fwrdd wedi gorffen · 1 yn hwyr: CTM"


def test_a_recurrence_is_described_with_welsh_month_names() -> None:
    quarterly = recurrence_from_rrule("RRULE:FREQ=MONTHLY;BYMONTH=6,9,12,3;BYMONTHDAY=-1")
    with speaking("cy"):
        assert quarterly.describe() == "chwarterol, yn ddyledus ar ddiwedd Meh, Medi, Rhag a Maw"


def test_the_import_summary_in_welsh() -> None:
    summary = ImportSummary("esr", added=["1.a"], unchanged=16, no_date=[("9", "TBC")])
    with speaking("cy"):
        lines = summary.lines()
    assert lines[0] == "Cynllun esr: 1 weithred wedi'u hychwanegu, 0 wedi'u diweddaru, 16 heb newid."
    assert "nid yw'r amserlen “TBC” yn gosod dyddiad" in lines[1]


@pytest.mark.parametrize(
    ("environment", "language"),
    [({"LANG": "cy_GB.UTF-8"}, "cy"), ({"LC_ALL": "en_GB.UTF-8", "LANG": "cy_GB"}, "en"), ({}, "en")],
)
def test_the_terminal_locale_picks_the_language(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], language: str
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert terminal_language() == language
