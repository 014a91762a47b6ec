"""The patient-identifier guard: what it recognises, and that a text holding one is refused on every entry
point (commands, prompt notes, imports) on SQLite and PostgreSQL: not stored, not shown, not logged in clear,
and counted (kind and source only) for admins."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from sqlalchemy import func, select

from bot.escalation.models import EscalationReport
from bot.governance.identifiers import find_identifiers, kinds_in, nhs_check_digit_ok, redacted
from bot.governance.models import IdentifierRefusal
from bot.plans.importer import import_plan
from bot.plans.models import Action, Plan, StatusUpdate
from bot.plans.reading import PlanFile, PlanRow
from bot.storage.database import Database
from commands import dispatch
from commands.context import CommandContext
from commands.model import Help
from commands.prompts import PromptAnswer, answer_prompt
from tests.bundles import queue_bundle
from tests.helpers import ADMIN, action, person, reporter_of, say, text_of

TODAY = date(2021, 1, 15)
NOTE = "Pt John Smith NHS no 943 476 5919 DOB 01/02/1950"


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "401 023 2137"])
def test_valid_nhs_numbers_are_found_however_they_are_spaced(number: str) -> None:
    assert kinds_in(f"about {number} today", today=TODAY) == ["nhs_number"]


def test_the_modulus_11_check_decides_what_is_an_nhs_number() -> None:
    assert nhs_check_digit_ok("9434765919") and not nhs_check_digit_ok("9434765918")
    # A check digit that would be 10 makes no valid number, and no other tenth digit rescues it.
    assert not any(nhs_check_digit_ok(f"000000006{d}") for d in range(10))
    assert kinds_in("ring 9434765918 or 02920 747747", today=TODAY) == []


@pytest.mark.parametrize(
    "text",
    ["DOB 01/02/1950", "d.o.b.: 1 Feb 1950", "date of birth 3.4.1987", "born 1/2/50", "Mrs Jones 3.4.21",
     "John Smith 01/02/1950"],
)  # fmt: skip
def test_dates_of_birth_are_found_by_a_label_or_a_name(text: str) -> None:
    assert kinds_in(text, today=TODAY) == ["date_of_birth"]


@pytest.mark.parametrize(
    "text",
    ["agreed at board 01/02/2021", "Cardiff North 12/01/2021 meeting", "snooze esr/1.a 2021-02-01",
     "Patient Safety 1/2/2021", "see Datix 123456", "End of March 2021"],
)  # fmt: skip
def test_ordinary_work_notes_pass(text: str) -> None:
    assert find_identifiers(text, today=TODAY) == []


@pytest.mark.parametrize(
    "text", ["hospital number A123456", "Hosp no. D1234567", "MRN: 1234567", "case note no 99887766"]
)
def test_labelled_hospital_numbers_are_found(text: str) -> None:
    assert kinds_in(text, today=TODAY) == ["hospital_number"]


def test_redaction_keeps_references_readable_and_no_number_in_clear() -> None:
    assert redacted(NOTE, today=TODAY) == "Pt John Smith NHS no [NHS number] DOB [date of birth]"
    assert redacted("update esr/1.a done 9434765918") == "update esr/1.a done ##########"


def _updates(session) -> int:  # type: ignore[no-untyped-def]
    return int(session.scalar(select(func.count()).select_from(StatusUpdate)) or 0)


def test_an_update_with_an_nhs_number_is_refused_and_nothing_is_kept(seeded_db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    with seeded_db.unit_of_work() as session:
        before, status = _updates(session), action(session, "esr/1.a").status
        reply = say(session, clock, f'update esr/1.a at_risk "{NOTE}"', person(session, ADMIN))
    assert reply.tone == "refusal" and "an NHS number and a date of birth" in reply.title
    assert "Datix" in text_of(reply) and "943" not in text_of(reply)
    with seeded_db.unit_of_work() as session:
        assert _updates(session) == before and action(session, "esr/1.a").status == status
        rows = session.scalars(select(IdentifierRefusal)).all()
        assert sorted((r.kind, r.source) for r in rows) == [("date_of_birth", "console"), ("nhs_number", "console")]
        counts = say(session, clock, "/milestones admin identifiers", person(session, ADMIN))
    assert "refused 2 texts" in counts.title
    assert "an NHS number from console: 1 in the last 7 days" in text_of(counts) and "943" not in text_of(counts)


def test_an_escalation_report_note_with_a_hospital_number_is_refused(seeded_db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    with seeded_db.unit_of_work() as session:
        reporter = reporter_of(session, "dental")
        before = session.scalar(select(func.count()).select_from(EscalationReport))
        reply = say(session, clock, '/escalation report dental 3 "delay for hosp no A123456"', reporter.person)
        assert reply.tone == "refusal" and "a hospital number" in reply.title
    with seeded_db.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(EscalationReport)) == before


def test_a_prompt_note_with_an_identifier_is_refused(seeded_db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    with seeded_db.unit_of_work() as session:
        target = action(session, "esr/1.a")
        assert target.owner is not None
        queue_bundle(session, recipient=target.owner, actions=[target], day=TODAY, now=clock.now())
        subject, before = f"bundle:{target.owner.id}:{target.id}", _updates(session)
        ctx = CommandContext(session=session, actor=target.owner, clock=clock, source="teams")
        reply = answer_prompt(PromptAnswer(subject, "done", TODAY, "teams:c:1", "DOB 01/02/1950"), ctx)
        assert reply.tone == "refusal" and reply.receipt is None
    with seeded_db.unit_of_work() as session:
        assert _updates(session) == before
        assert session.scalars(select(IdentifierRefusal.source)).all() == ["teams"]


def test_a_failing_command_is_logged_redacted(seeded_db: Database, clock, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    def broken(_command: object, _ctx: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(dispatch.HANDLERS, Help, broken)
    with caplog.at_level(logging.ERROR), seeded_db.unit_of_work() as session:
        reply = say(session, clock, "help 9434765918 esr/1.a", person(session, ADMIN))
    assert reply.tone == "error"
    assert "help ########## esr/1.a" in caplog.text and "9434765918" not in caplog.text


def test_an_import_reports_rows_with_identifiers_and_does_not_store_them(seeded_db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    plan = PlanFile(key="ward", name="Ward plan", actions=[
        PlanRow(ref="1", action="Open the discharge lounge", timeline="June 2021"),
        PlanRow(ref="2", action="Follow up Mr Evans born 4/5/1940", timeline="June 2021"),
        PlanRow(ref="3", action="Audit", expected_output="Report on 9434765919", timeline="June 2021"),
    ])  # fmt: skip
    with seeded_db.unit_of_work() as session:
        summary = import_plan(session=session, plan_file=plan, now=clock.now())
    lines = "\n".join(summary.lines())
    assert "row 2 (2): not imported: it looks like it holds a date of birth" in lines
    assert "row 3 (3): not imported: it looks like it holds an NHS number" in lines
    assert "Evans" not in lines and "9434765919" not in lines
    with seeded_db.unit_of_work() as session:
        refs = session.scalars(select(Action.ref).join(Plan).where(Plan.key == "ward")).all()
        assert refs == ["1"]
        assert sorted(session.scalars(select(IdentifierRefusal.source)).all()) == ["import", "import"]
