"""Ten people changing one action at once, twenty rounds: each change is one read-modify-write, so the
row always matches its latest history entry (status, note, time and author from the same update), every
entry's "previous status" is the status before it, and each person's reply says what really happened.
Threads, each with its own unit of work, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from sqlalchemy import select

from bot.directory.models import Person
from bot.escalation.models import EscalationReport
from bot.plans.models import STATUS_LABELS, STATUSES, StatusUpdate
from bot.plans.service import may_change
from bot.storage.database import Database
from commands.context import CommandContext
from commands.dispatch import answer
from tests.helpers import action, reporter_of, text_of

UPDATERS = 10
ROUNDS = 20
TARGET = "esr/1.a"
LABEL_TO_STATUS = {label: status for status, label in STATUS_LABELS.items()}
NOW_WAS = re.compile(r"is now (.+) \(was (.+)\)\.$")


class TickingClock:
    """Every reading is a distinct instant, so a row's time says which update it came from."""

    def __init__(self) -> None:
        self.instant = datetime(2021, 1, 15, 10, 0, tzinfo=UTC)
        self.guard = threading.Lock()

    def now(self) -> datetime:
        with self.guard:
            self.instant += timedelta(microseconds=1)
            return self.instant


def _updaters(database: Database) -> list[int]:
    with database.unit_of_work() as session:
        target = action(session, TARGET)
        everyone = session.scalars(select(Person).order_by(Person.id))
        allowed = [p.id for p in everyone if may_change(actor=p, action=target)]
    return [allowed[n % len(allowed)] for n in range(UPDATERS)]


def _run_round(database: Database, clock: TickingClock, people: list[int], round_no: int) -> list[tuple[str, str]]:
    start = threading.Barrier(UPDATERS)
    replies: list[tuple[str, str]] = []

    def update(n: int) -> None:
        status = STATUSES[(n + round_no) % len(STATUSES)]
        note = f"updater {n} round {round_no}"
        start.wait()
        with database.unit_of_work() as session:
            ctx = CommandContext(session=session, actor=session.get(Person, people[n]), clock=clock, source="test")
            reply = answer(f'update {TARGET} {status} "{note}"', ctx)
        replies.append((note, reply.title))

    threads = [threading.Thread(target=update, args=(n,)) for n in range(UPDATERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return replies


def test_ten_concurrent_updaters_twenty_rounds_leave_no_torn_row_and_no_broken_chain(seeded_db: Database) -> None:
    clock = TickingClock()
    people = _updaters(seeded_db)
    torn = broken = untrue = 0
    for round_no in range(ROUNDS):
        replies = _run_round(seeded_db, clock, people, round_no)
        with seeded_db.unit_of_work() as session:
            target = action(session, TARGET)
            history = list(session.scalars(select(StatusUpdate).where(StatusUpdate.action_id == target.id)
                                           .order_by(StatusUpdate.recorded_at, StatusUpdate.id)))  # fmt: skip
            latest = history[-1]
            row = (target.status, target.status_note, target.status_changed_at, target.status_changed_by_id)
            torn += row != (latest.status, latest.note, latest.recorded_at, latest.person_id)
            by_note = {u.note: u for u in history if u.note}
            for note, title in replies:
                said = NOW_WAS.search(title)
                kept = by_note.get(note)
                if said is None:  # "already <status>; nothing recorded": then nothing was
                    untrue += kept is not None or "nothing recorded" not in title
                    continue
                now, was = LABEL_TO_STATUS[said.group(1)], LABEL_TO_STATUS[said.group(2)]
                untrue += kept is None or (kept.status, kept.previous_status) != (now, was)
    with seeded_db.unit_of_work() as session:
        target = action(session, TARGET)
        history = list(session.scalars(select(StatusUpdate).where(StatusUpdate.action_id == target.id)
                                       .order_by(StatusUpdate.recorded_at, StatusUpdate.id)))  # fmt: skip
        broken = sum(later.previous_status != earlier.status for earlier, later in pairwise(history))
    assert (torn, broken, untrue) == (0, 0, 0)


def test_simultaneous_reports_leave_exactly_one_current_report(seeded_db: Database) -> None:
    clock = TickingClock()
    with seeded_db.unit_of_work() as session:
        assignment = reporter_of(session, "dental")
        reporter_id, org_id, service_id = assignment.person_id, assignment.organisation_id, assignment.service_id
    start = threading.Barrier(UPDATERS)
    titles: list[str] = []

    def report(n: int) -> None:
        start.wait()
        with seeded_db.unit_of_work() as session:
            ctx = CommandContext(session=session, actor=session.get(Person, reporter_id), clock=clock)
            titles.append(text_of(answer(f'escalation report dental {1 + n % 4} "report {n}"', ctx)))

    threads = [threading.Thread(target=report, args=(n,)) for n in range(UPDATERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(t.startswith("Recorded ") for t in titles), titles
    with seeded_db.unit_of_work() as session:
        reports = list(session.scalars(select(EscalationReport).where(
            EscalationReport.organisation_id == org_id, EscalationReport.service_id == service_id)))  # fmt: skip
    assert len(reports) == UPDATERS
    assert len([r for r in reports if r.superseded_at is None]) == 1
