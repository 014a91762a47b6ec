"""Welsh on the chat surfaces and in what the scheduler sends: Slack blocks, Teams cards, the console, a
status prompt bundle, a chaser, a manager's note, a level alert and the weekly digest,
each rendered under `speaking("cy")`. None of the English of chat.po and scheduler.po may be left in them:
every literal run of an English message (the text between its placeholders) longer than a few words is
looked for in the rendered JSON or text."""

from __future__ import annotations

import json
import string
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import LONDON, FixedClock, london_today
from bot.config import Settings
from bot.console.render import render_text
from bot.console.repl import banner
from bot.directory.models import Organisation, Person
from bot.escalation.models import EscalationReport, Service
from bot.escalation.service import list_levels
from bot.i18n import speaking
from bot.i18n.extraction import _catalogs_by_file
from bot.signed_links import dashboard_links
from bot.slack.answers import already_answered
from bot.slack.audience import kept_private
from bot.slack.prompts import message_blocks, note_modal, options_in_message
from bot.storage.database import Database
from bot.teams.audience import answered_in_private_notice
from bot.teams.cards import render_card
from bot.teams.references import Origin
from bot.teams.turn import unknown_person
from commands.context import CommandContext
from commands.home import services_reply, team_reply
from commands.prompts import checkin_prompt
from commands.replies import Picture, Reply, Section, line
from scheduler.alerts import LEVEL_ALERT
from scheduler.checkins import CHASER, MISSED_REPORTS
from scheduler.digest import build_digest
from scheduler.messages import Lookup, build_message
from tests.bundles import queue_bundle
from tests.helpers import action, reporter_of

SHORTEST_CHECKED = 12
SECRET = "welsh-digest-secret-0f3a9c2e7b5d4168"


def _english_runs() -> set[str]:
    """The literal runs of every English message id (singular and plural) kept in chat.po and scheduler.po."""
    runs: set[str] = set()
    for name, catalog in _catalogs_by_file("cy"):
        if name not in ("chat.po", "scheduler.po"):
            continue
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            for text in filter(None, ids):
                for literal, *_rest in string.Formatter().parse(str(text)):
                    runs.update(part.strip() for part in literal.split("\n") if len(part.strip()) > SHORTEST_CHECKED)
    return runs


ENGLISH = _english_runs()


def assert_welsh(rendered: object, *welsh: str) -> None:
    text = rendered if isinstance(rendered, str) else json.dumps(rendered, ensure_ascii=False)
    left = sorted(run for run in ENGLISH if run in text)
    assert left == [], f"English left in the Welsh rendering: {left}"
    missing = [word for word in welsh if word not in text]
    assert missing == [], f"expected Welsh not found: {missing}\n{text[:2000]}"


def test_the_english_list_is_not_empty() -> None:
    assert "Services you report for" in ENGLISH and "Missed check-ins:" in ENGLISH and len(ENGLISH) > 50


def _long_reply() -> Reply:
    lines = [line(f"esr/1.{n} a line long enough to fill the message quickly " * 4) for n in range(1000)]
    return Reply(title="Teitl", sections=[Section(lines=lines)], footer="Troedyn")


def _checkin(session: Session, day: date) -> Reply:
    assignment = reporter_of(session, "dental")
    return checkin_prompt(assignment.service, assignment.organisation, list_levels(session=session), day)


def test_slack_blocks_modal_and_refusals_in_welsh(seeded_db: Database, clock: FixedClock) -> None:
    with speaking("cy"), seeded_db.unit_of_work() as session:
        prompt = _checkin(session, london_today(clock))
        blocks = message_blocks(prompt)
        modal = note_modal(options_in_message({"blocks": blocks}, "prompt"), channel="C1", message_ts="1.2")
        long = message_blocks(_long_reply())
        private = kept_private(Reply(title="Teitl"), 2)
        unchecked = kept_private(Reply(title="Teitl"), None)
        assert_welsh([blocks, modal], "Dewiswch lefel", "Ychwanegu nodyn", "Cofnodi", "Canslo", "Eich ateb")
        assert_welsh(long, "llinell arall heb eu dangos yma")
        assert_welsh(render_text(private), "Dangosir i chi yn unig: nid yw 2 berson yn y sianel hon")
        assert_welsh(render_text(unchecked), "ni allwn wirio pwy sydd yn y sianel hon")
        assert_welsh(already_answered().title, "Atebwyd y neges hon eisoes")


def test_slack_app_home_parts_in_welsh(seeded_db: Database, clock: FixedClock) -> None:
    with speaking("cy"), seeded_db.unit_of_work() as session:
        reporter = reporter_of(session, "dental").person
        ctx = CommandContext(session=session, actor=reporter, clock=clock, source="slack")
        services = services_reply(ctx, reporter)
        team = next(r for p in session.scalars(select(Person)) if (r := team_reply(ctx, p)) is not None)
        assert services is not None
        assert_welsh(message_blocks(services), "Gwasanaethau rydych chi'n adrodd arnynt", "heb adrodd eto heddiw")
        assert_welsh(message_blocks(team), "Eich tîm", "gweithred agored", "yn hwyr")


def test_teams_cards_in_welsh(seeded_db: Database, clock: FixedClock) -> None:
    origin = Origin("a:1", "personal", "https://teams.example/", None, "29:1", None)
    with speaking("cy"), seeded_db.unit_of_work() as session:
        card = render_card(_checkin(session, london_today(clock)))
        long = render_card(_long_reply())
        stranger = render_card(unknown_person(origin))
        notice = answered_in_private_notice(3)
        assert_welsh(card, "Adrodd y lefel hon", "Dewiswch lefel.", "Ychwanegu nodyn (dewisol)")
        assert_welsh(long, "llinell arall heb eu dangos yma")
        assert_welsh(stranger, "nid yw eich cyfrif Teams yng nghyfeiriadur milestones")
        assert_welsh(notice.title, "nid yw 3 pherson yma")


def test_the_console_in_welsh() -> None:
    with speaking("cy"):
        with_picture = Reply(title="Teitl", picture=Picture("https://example.test/p.png", "teils"))
        rendered = "\n".join([render_text(with_picture), banner("Siân", "sian@example.test")])
    assert_welsh(rendered, "Llun: teils", "chi yw Siân")


def test_a_status_prompt_bundle_in_welsh_has_no_english_from_these_catalogs(
    seeded_db: Database, clock: FixedClock
) -> None:
    with speaking("cy"), seeded_db.unit_of_work() as session:
        target = action(session, "esr/1.a")
        assert target.owner is not None
        reply = queue_bundle(
            session, recipient=target.owner, actions=[target], day=london_today(clock), now=clock.now()
        )
        assert_welsh(message_blocks(reply), "Ychwanegu nodyn")
        assert_welsh(render_card(reply), "Ychwanegu nodyn (dewisol)")


def _scheduled(session: Session, kind: str, payload: dict[str, object], day: date, clock: FixedClock) -> Reply:
    return build_message(lookup=Lookup(session), kind=kind, payload=payload, for_day=day, now=clock.now())


def test_chaser_manager_note_and_alert_in_welsh(seeded_db: Database, clock: FixedClock) -> None:
    today = london_today(clock)
    with speaking("cy"), seeded_db.unit_of_work() as session:
        assignment = reporter_of(session, "dental")
        where = {"organisation_id": assignment.organisation_id, "service_id": assignment.service_id}
        chaser = _scheduled(session, CHASER, where, today, clock)
        missing = [[assignment.organisation_id, assignment.service_id, assignment.person_id]]
        note = _scheduled(session, MISSED_REPORTS, {"missing": missing}, today, clock)
        report = EscalationReport(organisation_id=assignment.organisation_id, service_id=assignment.service_id,
                                  day=today, level=4, reported_by_id=assignment.person_id, reported_at=clock.now(),
                                  note="prinder staff")  # fmt: skip
        session.add(report)
        session.flush()
        alert = _scheduled(session, LEVEL_ALERT, {"report_id": report.id, "previous": 1}, today, clock)
        assert_welsh(message_blocks(chaser), "Nodyn atgoffa: dim adroddiad eto heddiw.")
        assert_welsh(message_blocks(note), "Heb adrodd eto heddiw (15 Ion 2021)", "Gofynnwyd iddynt")
        assert_welsh(render_card(alert), "Codiad sydyn —", "Adroddwyd ", "3 lefel yn uwch", "gan ")


def test_the_weekly_digest_in_welsh(seeded_db: Database, clock: FixedClock) -> None:
    links = dashboard_links(Settings(dashboard_enabled=True, dashboard_secret=SECRET,
                                     dashboard_base_url="https://milestones.example.nhs.wales"))  # fmt: skip
    with seeded_db.unit_of_work() as session:
        root = session.scalars(select(Organisation).where(Organisation.code == "cvuhb")).one()
        _give_a_week_of_reports(session, root, london_today(clock))
        with speaking("cy"):
            welsh = build_digest(session=session, root=root, today=london_today(clock), now=clock.now(), links=links)
            rendered = [message_blocks(welsh), render_card(welsh), render_text(welsh)]
        english = build_digest(session=session, root=root, today=london_today(clock), now=clock.now(), links=links)
    expected = ("Crynodeb wythnosol ar gyfer", "Yn hwyr:", "Dyledus yn y 14 diwrnod nesaf:", "Dim diweddariad ers 30",
                "Lefelau uwchgyfeirio yr wythnos diwethaf: y lefel waethaf bob dydd", "Gwen",
                "Gwiriadau dyddiol a fethwyd:",
                "Agor y dangosfwrdd ar gyfer", "14 Ion 2021")  # fmt: skip
    for one in rendered:
        assert_welsh(one, *expected)
    assert english.title.startswith("Weekly digest for") and "Missed check-ins" in render_text(english)


def _give_a_week_of_reports(session: Session, root: Organisation, today: date) -> None:
    """One report on the week's first day, so the trends line has a level and the other days are missed."""
    service = session.scalars(select(Service).order_by(Service.position)).first()
    assert service is not None
    at = datetime.combine(today, datetime.min.time(), tzinfo=LONDON)
    session.add(EscalationReport(organisation_id=root.id, service_id=service.id, day=today - timedelta(days=7),
                                 level=2, reported_at=at))  # fmt: skip
    session.flush()


@pytest.mark.parametrize("strangers", [1, 2, 3, 6, 7])
def test_teams_notice_counts_people_with_welsh_mutations(strangers: int) -> None:
    words = {1: "1 person", 2: "2 berson", 3: "3 pherson", 6: "6 pherson", 7: "7 person"}
    with speaking("cy"):
        assert words[strangers] in answered_in_private_notice(strangers).title
