"""Commands in Welsh (issue 13): every kind of reply in commands/ rendered for a reader answered in Welsh comes
out in Welsh, with none of the English sentences of commands.po left in it; the Welsh command words parse to
the same commands as the English ones; and help lists the Welsh forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import FixedClock, london_today
from bot.escalation.models import Level
from bot.i18n import speaking
from bot.storage.database import Database
from commands import dispatch
from commands.context import CommandContext
from commands.dispatch import answer
from commands.grammar import parse, written_in_welsh
from commands.model import Help, Overdue
from commands.paging import next_page
from commands.prompts import PromptAnswer, answer_prompt, checkin_prompt
from commands.replies import Reply
from tests.bundles import queue_bundle
from tests.helpers import ADMIN, action, outsider, person, reporter_of, say, text_of

COMMANDS_PO = Path(__file__).resolve().parent.parent / "bot/i18n/locale/cy/LC_MESSAGES/commands.po"
# Shorter pieces ("Parts", "by") may be names, codes or the same word in both languages.
LONGEST_ALLOWED = 12


@cache
def english_pieces() -> frozenset[str]:
    """The literal text of every English message id in commands.po, cut at its placeholders."""
    with COMMANDS_PO.open("rb") as handle:
        catalog = read_po(handle, locale="cy")
    ids = [text for message in catalog if message.id for text in _ids(message.id)]
    pieces = (piece.strip() for text in ids for piece in re.split(r"\{[a-z_]+\}", text))
    return frozenset(piece for piece in pieces if len(piece) > LONGEST_ALLOWED)


def _ids(message_id: str | tuple[str, ...]) -> tuple[str, ...]:
    return message_id if isinstance(message_id, tuple) else (message_id,)


def rendered(reply: Reply) -> str:
    """Everything a reader sees, buttons and their question included."""
    prompts = [reply.prompt, *(section.prompt for section in reply.sections)]
    choices = [f"{p.question} " + " ".join(c.label for c in p.choices) for p in prompts if p is not None]
    return "\n".join([text_of(reply), *choices])


def assert_welsh(reply: Reply, *expected: str) -> str:
    text = rendered(reply)
    left_in_english = sorted(piece for piece in english_pieces() if piece in text)
    assert left_in_english == [], f"English left in a Welsh reply:\n{text}"
    for welsh in expected:
        assert welsh in text, f"{welsh!r} not in:\n{text}"
    return text


@pytest.fixture
def session(sqlite_db: Database) -> Iterator[Session]:
    with sqlite_db.unit_of_work() as session, speaking("cy"):
        yield session


def test_the_english_pieces_are_found() -> None:
    assert "Overdue actions" in english_pieces() and "Say which action to show, for example `show esr/1.a`." in (
        english_pieces()
    )


def test_overdue_lists_and_their_pages(session: Session, clock: FixedClock) -> None:
    grouped = assert_welsh(say(session, clock, "hwyr", None), "Gweithredoedd hwyr", "diwrnod yn hwyr", "Diweddarwch un")
    assert re.search(r"\d+ gweithred hwyr", grouped)
    assert_welsh(
        say(session, clock, "hwyr cynllun:esr", None),
        "Gweithredoedd hwyr ar gyfer cynllun esr",
        "`/milestones hwyr cynllun:esr tudalen:2`",
    )
    assert_welsh(
        say(session, clock, "hwyr cynllun:esr tudalen:2", None), "tudalen 2 o 2", "Y rhestr gyfan fel un ffeil:"
    )
    assert_welsh(say(session, clock, "hwyr tudalen:999", None), "Nid oes tudalen 999", "Dechreuwch eto")
    early = FixedClock(clock.instant.replace(year=2017, month=1))
    assert_welsh(say(session, early, "hwyr cynllun:esr", None), "Nid oes dim yn hwyr ar gyfer cynllun esr heddiw")
    assert_welsh(
        say(session, clock, "hwyr cynllun:esrr", None),
        "Nid oes cynllun `esrr`",
        "Oeddech chi'n golygu `/milestones hwyr cynllun:esr`",
    )
    assert_welsh(say(session, clock, "hwyr sefydliad:atlantis", None), "Nid oes sefydliad `atlantis`")


def test_due_and_mine(session: Session, clock: FixedClock) -> None:
    assert_welsh(say(session, clock, "dyledus 8w", None), "Dyledus yn y 56 diwrnod nesaf", "yn ddyledus. Gweler un")
    owner = action(session, "esr/1.a").owner
    assert_welsh(say(session, clock, "fy-rhai", owner), "Eich gweithredoedd", "Yn hwyr", "agored")
    assert_welsh(say(session, clock, "fy-rhai", None), "Nid wyf yn gwybod pwy ydych chi eto")
    assert_welsh(say(session, clock, "cartref", owner), "Eich gweithredoedd")


def test_show_plan_parts_and_recurring(session: Session, clock: FixedClock) -> None:
    assert_welsh(say(session, clock, "dangos esr/1.a", None), "Gweithred:", "Perchennog:", "Statws:", "Newidiwch hi")
    assert_welsh(say(session, clock, "dangos esr/1.c", None), "Rhannau", "mewn rhannau, pob un â'i statws ei hun")
    assert_welsh(say(session, clock, "dangos pacesetter/3.3.4", None), "Achlysuron", "Yn ailadrodd:")
    assert_welsh(say(session, clock, "cynllun esr", None), "Gweler un gyda `/milestones dangos esr/<ref>`")
    assert_welsh(say(session, clock, "dangos esr/99.z", None), "Nid oes gweithred `esr/99.z`")
    assert_welsh(say(session, clock, "cynllun esrr", None), "Oeddech chi'n golygu `cynllun esr`?")


def test_update_assign_snooze_and_their_refusals(session: Session, clock: FixedClock) -> None:
    target = action(session, "esr/1.a")
    owner = target.owner
    changed = say(session, clock, 'diweddaru esr/1.a mewn-perygl "aros am LlC"', owner)
    assert_welsh(changed, "Statws esr/1.a bellach yw Mewn perygl (cyn hyn: Heb ddechrau).", "Cofnodwyd gan")
    assert_welsh(say(session, clock, "diweddaru esr/1.a mewn-perygl", owner), "Statws esr/1.a yw Mewn perygl eisoes")
    assert_welsh(say(session, clock, "diweddaru esr/1.a rhywbeth", owner), "Nid yw `rhywbeth` yn statws.")
    refused = say(session, clock, "diweddaru esr/1.a wedi-gorffen", outsider(session, target))
    assert_welsh(refused, "Ni allwch ddiweddaru esr/1.a", "gofynnwch i un ohonynt")
    assigned = say(session, clock, f"neilltuo esr/1.a {ADMIN}", person(session, ADMIN))
    assert_welsh(assigned, "sydd bellach yn berchen ar esr/1.a", "o hyn ymlaen")
    assert_welsh(say(session, clock, "gohirio esr/1.a 1w", person(session, ADMIN)), "Dim negeseuon atgoffa am esr/1.a")
    assert_welsh(say(session, clock, "gohirio esr/1.c 1w", person(session, ADMIN)), "Caiff esr/1.c ei chyflawni")
    assert_welsh(say(session, clock, "dyddiad-cau esr/10.a 2021-03-31", person(session, ADMIN)), "bellach yn ddyledus")


@pytest.mark.parametrize("topic", ["wedi-methu", "anghyrraeddadwy", "heb-berchennog", "heb-ddyddiad", "dynodwyr"])
def test_admin_lists(session: Session, clock: FixedClock, topic: str) -> None:
    assert_welsh(say(session, clock, f"gweinyddu {topic}", person(session, ADMIN)))
    assert_welsh(say(session, clock, f"gweinyddu {topic}", None), "Dim ond gweinyddwyr")


def test_admin_lists_say_what_they_count(session: Session, clock: FixedClock) -> None:
    admin = person(session, ADMIN)
    assert_welsh(say(session, clock, "gweinyddu heb-berchennog", admin), "heb berchennog eto", "Rhowch berchennog")
    assert_welsh(say(session, clock, "gweinyddu heb-ddyddiad", admin), "heb ddyddiad cau", "amserlen fel")


def test_escalation_today_history_and_report(session: Session, clock: FixedClock) -> None:
    assert_welsh(say(session, clock, "uwchgyfeirio heddiw", None), "Lefelau uwchgyfeirio heddiw", "Heb adrodd eto:")
    assignment = reporter_of(session, "dental")
    reported = say(session, clock, '/escalation adrodd dental 2 "un deintydd i ffwrdd"', assignment.person)
    assert_welsh(reported, "Cofnodwyd", "lefel 2", "Gweithredoedd disgwyliedig ar y lefel hon", "cedwir y ddau")
    assert_welsh(say(session, clock, "uwchgyfeirio hanes dental 30d", None), "y 30 diwrnod diwethaf", "1 adroddiad")
    assert_welsh(say(session, clock, "uwchgyfeirio adrodd dental 9", assignment.person), "yn lefel uwchgyfeirio")
    assert_welsh(say(session, clock, "uwchgyfeirio adrodd dentl 2", assignment.person), "Nid oes gwasanaeth")
    assert_welsh(say(session, clock, "uwchgyfeirio adrodd dental 2", person(session, ADMIN)), "Nid ydych yn adroddwr")


def test_help_lists_the_welsh_forms_first(session: Session, clock: FixedClock) -> None:
    text = assert_welsh(say(session, clock, "cymorth", None), "Beth y gallaf ei wneud", "teipiwch `hwyr`")
    assert "/milestones hwyr [cynllun:ALLWEDD]" in text and "(overdue)" in text
    assert "/escalation heddiw [sefydliad:COD] [cyhoeddus] (today)" in text
    one = assert_welsh(say(session, clock, "cymorth dangos", None), "/milestones dangos esr/1.a (show)")
    assert "/milestones hwyr" not in one


def test_parse_problems_and_the_apology(session: Session, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    unknown = assert_welsh(
        say(session, clock, "blah", None), "Nid wyf yn adnabod y gorchymyn `blah`", "cynllun, dangos, diweddaru"
    )
    assert "overdue" not in unknown.split("\n")[0]
    assert_welsh(say(session, clock, "dangos", None), "Dywedwch pa weithred i'w dangos")
    assert_welsh(say(session, clock, 'diweddaru esr/1.a "heb ei gau', None), "Nid yw dyfynnod wedi'i gau")
    assert_welsh(say(session, clock, "gohirio esr/1.a yfory", None), "Ni allwn ddarllen `yfory`")
    assert_welsh(say(session, clock, "hwyr tudalen:x", None), "yn rhif tudalen")

    def broken(command: Help, ctx: CommandContext) -> Reply:
        raise RuntimeError("a fault inside")

    monkeypatch.setitem(dispatch.HANDLERS, Help, broken)
    assert_welsh(say(session, clock, "cymorth", None), "Mae'n ddrwg gennyf")


def test_patient_identifiers_are_refused_in_welsh(session: Session, clock: FixedClock) -> None:
    refused = say(session, clock, 'diweddaru esr/1.a mewn-perygl "NHS 943 476 5919"', None)
    assert_welsh(refused, "Mae'n ymddangos bod rhif GIG yn y testun hwnnw", "cofnod clinigol")
    counted = say(session, clock, "gweinyddu dynodwyr", person(session, ADMIN))
    assert_welsh(counted, "rhif GIG o console: 1 yn y 7 diwrnod diwethaf")


def test_strangers_are_refused_in_welsh(session: Session, clock: FixedClock) -> None:
    reply = answer("hwyr", CommandContext(session=session, actor=None, clock=clock, source="slack"))
    assert_welsh(reply, "Dim ond pobl yng nghyfeiriadur milestones")


def test_prompts_and_their_receipts(session: Session, clock: FixedClock) -> None:
    target = action(session, "esr/1.a")
    assert target.owner is not None
    bundle = queue_bundle(session, recipient=target.owner, actions=[target], day=london_today(clock), now=clock.now())
    assert_welsh(
        bundle,
        "Sut mae esr/1.a yn mynd?",
        "Gohirio am wythnos",
        "Ar y trywydd iawn",
        "Statws diwethaf:",
        "`/milestones fy-rhai`",
    )
    (prompt,) = [section.prompt for section in bundle.sections if section.prompt is not None]
    ctx = CommandContext(session=session, actor=target.owner, clock=clock, source="slack")
    click = PromptAnswer(prompt.subject, "at_risk", prompt.asked_on, "slack:C1:1", "hwyr")
    assert_welsh(answer_prompt(click, ctx), "Cofnodwyd: esr/1.a: Mewn perygl", " ar ")
    assert_welsh(answer_prompt(click, ctx), "eisoes; ni chofnodwyd dim mwy")
    assignment = reporter_of(session, "gp_in_hours")
    levels = list(session.scalars(select(Level).order_by(Level.number)))
    checkin = checkin_prompt(assignment.service, assignment.organisation, levels, london_today(clock))
    assert_welsh(checkin, "Lefel uwchgyfeirio heddiw ar gyfer", "Ar ba lefel ydych chi?")
    lost = PromptAnswer("nonsense:x", "1", london_today(clock), "m")
    assert_welsh(answer_prompt(lost, ctx), "nad wyf yn ei deall mwyach")


def test_english_stays_and_the_kept_overdue_reply_is_kept_per_language(session: Session, clock: FixedClock) -> None:
    with speaking("en"):
        assert say(session, clock, "hwyr", None).title.startswith("Overdue actions")
    assert say(session, clock, "overdue", None).title.startswith("Gweithredoedd hwyr")
    with speaking("en"):
        assert say(session, clock, "overdue", None).title.startswith("Overdue actions")


BOTH_WAYS = [
    ("hwyr", "overdue"),
    ("hwyr cynllun:esr sefydliad:bcuhb arweinydd:HoPC tudalen:2 cyhoeddus",
     "overdue plan:esr org:bcuhb lead:HoPC page:2 public"),
    ("cerrig-milltir hwyr", "/milestones overdue"),
    ("dyledus 2w", "due 2w"),
    ("fy-rhai tudalen:3", "mine page:3"),
    ("cartref", "home"),
    ("dangos esr/1.a", "show esr/1.a"),
    ("cynllun esr", "plan esr"),
    ('diweddaru esr/1.a heb-ddechrau "nodyn"', 'update esr/1.a not_started "nodyn"'),
    ("diweddaru esr/1.a ar-y-trywydd", "update esr/1.a on_track"),
    ("diweddaru esr/1.a mewn-perygl", "update esr/1.a at_risk"),
    ("diweddaru esr/1.a wedi-rhwystro", "update esr/1.a blocked"),
    ("diweddaru esr/1.a wedi-gorffen", "update esr/1.a done"),
    ("diweddaru esr/1.a wedi-gollwng", "update esr/1.a dropped"),
    ("neilltuo esr/1.a someone@example.nhs.wales", "assign esr/1.a someone@example.nhs.wales"),
    ("gohirio esr/1.a 1w", "snooze esr/1.a 1w"),
    ("dyddiad-cau esr/1.a 2021-03-31", "due-date esr/1.a 2021-03-31"),
    ("gweinyddu wedi-methu", "admin failed"),
    ("gweinyddu anghyrraeddadwy", "admin unreachable"),
    ("gweinyddu heb-berchennog tudalen:2", "admin unowned page:2"),
    ("gweinyddu heb-ddyddiad", "admin undated"),
    ("gweinyddu dynodwyr", "admin identifiers"),
    ("cymorth", "help"),
    ("cymorth hwyr", "help overdue"),
    ("cymorth uwchgyfeirio", "help escalation"),
    ("uwchgyfeirio", "escalation"),
    ("uwchgyfeirio heddiw sefydliad:bcuhb cyhoeddus", "/escalation today org:bcuhb public"),
    ("/escalation hanes dental 30d", "/escalation history dental 30d"),
    ('uwchgyfeirio adrodd dental 2 "dau i ffwrdd"', 'escalation report dental 2 "dau i ffwrdd"'),
    ("uwchgyfeirio cymorth", "escalation help"),
]  # fmt: skip


@pytest.mark.parametrize(("welsh", "english"), BOTH_WAYS)
def test_welsh_words_parse_to_the_same_command(welsh: str, english: str) -> None:
    assert parse(welsh) == parse(english)
    assert type(parse(english)).__name__ != "ParseProblem"
    assert written_in_welsh(welsh) and not written_in_welsh(english)


@pytest.mark.parametrize("text", ["help", "", "show esr/1.a heddiw", 'update esr/1.a done "hwyr"', 'show "open'])
def test_shared_words_and_free_text_are_not_welsh(text: str) -> None:
    assert not written_in_welsh(text)


def test_written_in_welsh_sees_a_welsh_key_in_an_english_command() -> None:
    assert written_in_welsh("overdue sefydliad:bcuhb") and written_in_welsh("UPDATE esr/1.a Mewn-Perygl")
    assert written_in_welsh("iaith cymraeg") and written_in_welsh("/milestones iaith")


def test_the_next_page_is_written_in_welsh_and_parses_back() -> None:
    command = Overdue(plan="esr", lead="Head of Primary Care", public=True)
    with speaking("cy"):
        welsh = next_page(command)
    assert welsh == '/milestones hwyr cynllun:esr arweinydd:"Head of Primary Care" cyhoeddus tudalen:2'
    assert parse(welsh) == Overdue(plan="esr", lead="Head of Primary Care", public=True, page=2)
    assert next_page(command) == '/milestones overdue plan:esr lead:"Head of Primary Care" public page:2'
