"""The shipped plans say what the seed documents say, and show where a reading came from."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from bot.clock import FixedClock
from bot.directory.models import Organisation
from bot.storage.database import Database
from tests.helpers import action, say, text_of

JANUARY = FixedClock(datetime(2021, 1, 15, 10, 0, tzinfo=UTC))


def test_blank_esr_leads_come_from_the_overview_page_and_say_so(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        assert action(session, "esr/10.c").lead_note == ""  # the table states this one
        assert action(session, "esr/10.e").lead_text == "HoPCs and AMDs"
        shown = text_of(say(session, JANUARY, "/milestones show esr/10.d", None))
        ten_a = action(session, "esr/10.a")
        assert ten_a.lead_text == "" and ten_a.owner is None and ten_a.is_rollup
    assert "Where the lead comes from: The lead cell is blank in Table 1; the overview (page 7) says" in shown


def test_recommendations_covered_by_other_actions_say_so(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        outline = say(session, JANUARY, "/milestones plan esr", None)
        unknown = say(session, JANUARY, "/milestones plan esrr", None)
    by_heading = {(s.heading or "").split(".")[0]: text_of_section(s) for s in outline.sections}
    assert by_heading["9"] == "Covered by Actions 1 to 3."
    assert by_heading["11"] == "Covered by Actions 1 to 4"
    assert "0 of 7 boards done · 7 overdue" in by_heading["1"]
    assert unknown.tone == "refusal" and "`plan esr`" in text_of(unknown)


def text_of_section(section) -> str:  # type: ignore[no-untyped-def]
    return "\n".join("".join(getattr(p, "text", getattr(p, "name", "")) for p in ln) for ln in section.lines)


def test_pcmw_boards_milestones_wait_for_sppc_and_keep_the_january_date(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        guidance = action(session, "pcmw-2020-21/R4")
        assert guidance.due_end == date(2021, 1, 31) and guidance.owner is not None
        assert guidance.owner.organisation.code == "sppc"  # type: ignore[union-attr]
        assert [d.ref for d in action(session, "pcmw-2020-21/4.i").depends_on] == ["R4"]
        shown = text_of(say(session, JANUARY, "/milestones show pcmw-2020-21/4.i@cvuhb", None))
    assert "Waits for: pcmw-2020-21/R4 (Not started)" in shown


def test_every_cluster_owes_its_cluster_annual_plan(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        clusters = set(session.scalars(select(Organisation.code).where(Organisation.kind == "cluster")))
        submission = action(session, "cluster-planning/1.4")
        assert {p.organisation.code for p in submission.parts()} == clusters
        assert submission.due_end == date(2021, 1, 31)


def test_pacesetter_leads_the_seed_does_not_name_are_marked_not_stated(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        newsletter = action(session, "pacesetter/M.2")
        networks = action(session, "pacesetter/M.1")
        assert newsletter.lead_text == "" and newsletter.lead_note.startswith("Not stated")
        assert newsletter.owner is None
        assert networks.lead_text == "Networks" and networks.owner is not None
