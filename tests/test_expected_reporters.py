"""Weekday-only services (`runs_every_day: false`: GP in hours, pharmacy, dental, optometry) are neither
expected nor chased at weekends and on Welsh bank holidays: not in `escalation today`, not on the dashboard
tiles or their picture, not in check-ins, chasers or the notes to managers, not in the digest's missed
check-ins. On working days they are, as before."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import LONDON, FixedClock
from bot.dashboard.queries import escalation_picture
from bot.dashboard.render import level_styles
from bot.dashboard.tile_picture import tile_png
from bot.directory.models import Organisation
from bot.escalation.models import Service, ServiceReporter
from bot.escalation.service import list_levels, record_report
from bot.i18n import speaking
from bot.storage.database import Database
from commands.context import CommandContext
from commands.dispatch import answer
from scheduler.checkins import decide_chasers, decide_checkins, decide_missed_reports
from scheduler.digest_data import missed_checkins
from scheduler.outbox import enqueue
from tests.helpers import reporter_of, say, text_of

SATURDAY = date(2021, 5, 8)
EASTER_MONDAY = date(2021, 4, 5)
TUESDAY = date(2021, 5, 4)
NOT_WORKING = [pytest.param(SATURDAY, id="saturday"), pytest.param(EASTER_MONDAY, id="bank-holiday")]


def _weekday_only(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Service.id, Service.name).where(Service.runs_every_day.is_(False))).all())


def _expected_pairs(session: Session, *, every_day_only: bool) -> int:
    query = select(ServiceReporter.organisation_id, ServiceReporter.service_id).join(Service).distinct()
    if every_day_only:
        query = query.where(Service.runs_every_day.is_(True))
    return len(session.execute(query).all())


def _today(session: Session, day: date) -> tuple[str, str]:
    """The footer and the picture's alt text of `escalation today` for Wales at 10:00 on `day`."""
    clock = FixedClock(datetime.combine(day, time(10), tzinfo=LONDON))
    ctx = CommandContext(session=session, actor=None, clock=clock, picture_link=lambda code, now: "https://tiles")
    reply = answer("/escalation today", ctx)
    assert reply.footer is not None and reply.picture is not None
    return reply.footer, reply.picture.alt_text


@pytest.mark.parametrize("day", NOT_WORKING)
def test_reply_counts_only_services_that_run_that_day(seeded_db: Database, day: date) -> None:
    with seeded_db.unit_of_work() as session:
        resting = _weekday_only(session)
        footer, alt_text = _today(session, day)
        expected = _expected_pairs(session, every_day_only=True)
    assert expected < _expected_pairs_on_a_working_day(seeded_db)
    assert footer.startswith(f"{expected} organisations still to report. Not expected today (weekdays only): ")
    for name in resting.values():
        assert name in footer
        assert f"{name}: not expected today" in alt_text


def _expected_pairs_on_a_working_day(database: Database) -> int:
    with database.unit_of_work() as session:
        footer, _ = _today(session, TUESDAY)
        every = _expected_pairs(session, every_day_only=False)
    assert footer.startswith(f"{every} organisations still to report. Report with")
    return every


@pytest.mark.parametrize("day", NOT_WORKING)
def test_tiles_and_their_picture_expect_nobody_for_weekday_services(seeded_db: Database, day: date) -> None:
    with seeded_db.unit_of_work() as session:
        resting = _weekday_only(session)
        wales = session.scalars(select(Organisation).where(Organisation.code == "wales")).one()
        picture = escalation_picture(session=session, root=wales, today=day)
        working = escalation_picture(session=session, root=wales, today=TUESDAY)
        png = tile_png(picture, level_styles(list_levels(session=session)), heading=wales.name, day=day)
    for tile, weekday_tile in zip(picture.tiles, working.tiles, strict=True):
        if tile.name in resting.values():
            assert (tile.runs_today, tile.expected, tile.missing, tile.missing_total) == (False, 0, [], 0)
            assert tile.reported_text == "Not expected today"
            assert weekday_tile.runs_today and weekday_tile.expected > 0
            assert weekday_tile.reported_text == f"0 of {weekday_tile.expected} reported"
        else:
            assert tile.runs_today and tile.expected == weekday_tile.expected > 0
            assert tile.missing_total == tile.expected
    assert png.startswith(b"\x89PNG")


def test_a_weekday_service_reporting_at_the_weekend_is_still_shown(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        assignment = reporter_of(session, "dental")
        record_report(session=session, organisation=assignment.organisation, service=assignment.service, level=2,
                      reporter=assignment.person, day=SATURDAY, now=datetime(2021, 5, 8, 9, tzinfo=LONDON))  # fmt: skip
        wales = session.scalars(select(Organisation).where(Organisation.code == "wales")).one()
        tile = next(
            t for t in escalation_picture(session=session, root=wales, today=SATURDAY).tiles if t.key == "dental"
        )
        footer, alt_text = _today(session, SATURDAY)
    assert (tile.reported, tile.expected, tile.reported_text) == (1, 0, "1 reported, not expected today")
    assert f"{assignment.service.name}: worst level 2, 1 of 1 reported" in alt_text
    assert footer.startswith(f"{_expected_pairs_every_day(seeded_db)} organisations still to report.")


def _expected_pairs_every_day(database: Database) -> int:
    with database.unit_of_work() as session:
        return _expected_pairs(session, every_day_only=True)


@pytest.mark.parametrize("day", NOT_WORKING)
def test_checkins_chasers_and_manager_notes_leave_weekday_services_alone(seeded_db: Database, day: date) -> None:
    asked_at = datetime.combine(day, time(9), tzinfo=LONDON)
    with seeded_db.unit_of_work() as session:
        resting = _weekday_only(session)
        checkins = decide_checkins(session=session, today=day)
        enqueue(session=session, planned=checkins, now=asked_at)
        later = datetime.combine(day, time(12), tzinfo=LONDON)
        chasers = decide_chasers(session=session, today=day, now=later)
        notes = decide_missed_reports(session=session, today=day, now=later)
        working = decide_checkins(session=session, today=TUESDAY)
    assert len(checkins) == len(chasers) == _expected_pairs_every_day(seeded_db) > 0
    assert not {p.payload["service_id"] for p in [*checkins, *chasers]} & set(resting)
    assert notes and not {service for n in notes for _org, service, _person in n.payload["missing"]} & set(resting)
    assert {p.payload["service_id"] for p in working} & set(resting), "on a working day they are asked"


def test_the_digest_counts_missed_check_ins_on_working_days_only(seeded_db: Database) -> None:
    """The digest of Tuesday 4 May (moved off the bank holiday) looks back over 27 April to 3 May: a
    weekday-only service missed four days (Tuesday to Friday), a 24/7 one all seven."""
    with seeded_db.unit_of_work() as session:
        resting = set(_weekday_only(session).values())
        wales = session.scalars(select(Organisation).where(Organisation.code == "wales")).one()
        missed = missed_checkins(session=session, root=wales, today=TUESDAY)
    assert missed
    assert {m.days for m in missed if m.service in resting} == {4}
    assert {m.days for m in missed if m.service not in resting} == {7}


@pytest.mark.parametrize("day", NOT_WORKING)
def test_the_home_of_a_weekday_reporter_says_not_expected_today(seeded_db: Database, day: date) -> None:
    with seeded_db.unit_of_work() as session:
        reporter = reporter_of(session, "dental").person
        clock = FixedClock(datetime.combine(day, time(10), tzinfo=LONDON))
        resting = say(session, clock, "home", reporter)
        working = say(session, FixedClock(datetime.combine(TUESDAY, time(10), tzinfo=LONDON)), "home", reporter)
    assert "Dental" in text_of(resting) and "not expected today" in text_of(resting)
    assert "not reported yet today" in text_of(working) and "not expected today" not in text_of(working)


def test_a_welsh_reader_reads_the_new_notes_in_welsh(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session, speaking("cy"):
        reporter = reporter_of(session, "dental").person
        home = say(session, FixedClock(datetime.combine(SATURDAY, time(10), tzinfo=LONDON)), "home", reporter)
        footer, alt_text = _today(session, SATURDAY)
    assert home.title.startswith(f"Hafan {reporter.name}") and "dim disgwyl heddiw" in text_of(home)
    assert "Dim disgwyl heddiw (dyddiau'r wythnos yn unig): " in footer and ": dim disgwyl heddiw" in alt_text
