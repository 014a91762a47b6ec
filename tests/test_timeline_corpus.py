"""The timeline corpus (tests/data/timelines.csv): timelines as NHS Wales and England plans write them, each
with the deadline(s) a person reads in it, "undated" (no deadline: unreadable, no year, open-ended, TBC) or
"recurring". The reader may leave a datable timeline undated (a miss), but it must never give a wrong date."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from bot.plans.due_window import Period, read_timeline
from bot.plans.recurrence import parse_recurrence

CORPUS = Path(__file__).parent / "data" / "timelines.csv"


def _rows() -> list[dict[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _read(timeline: str, period: str) -> str:
    """What the bot makes of a timeline, in the corpus's words."""
    reading = read_timeline(timeline, period=Period.parse(period) if period else None)
    deadlines = [w.deadline.isoformat() for w in reading.windows if w.deadline is not None]
    if deadlines:
        return ";".join(deadlines)
    return "recurring" if parse_recurrence(timeline) is not None else "undated"


def test_the_corpus_is_large_enough_and_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= 300
    assert all(row["expected"] for row in rows)


def test_no_timeline_is_read_wrong_and_nine_in_ten_datable_are_read(capsys: object) -> None:
    outcome: Counter[str] = Counter()
    wrong, missed = [], []
    for row in _rows():
        got, expected = _read(row["timeline"], row["period"]), row["expected"]
        if got == expected:
            outcome["read" if expected not in ("undated", "recurring") else expected] += 1
        elif got == "undated":
            outcome["undated (missed)"] += 1
            missed.append(f"{row['timeline']!r} (period {row['period'] or 'none'}): expected {expected}")
        else:
            outcome["wrong"] += 1
            wrong.append(f"{row['timeline']!r} (period {row['period'] or 'none'}): read {got}, expected {expected}")
    datable = (
        outcome["read"]
        + outcome["undated (missed)"]
        + sum(1 for w in wrong if "expected undated" not in w and "expected recurring" not in w)
    )
    print("\ncorpus:", dict(outcome), f"datable {datable}")
    print("\n".join(["missed:", *missed]))
    assert wrong == []
    assert outcome["read"] >= 0.9 * datable
