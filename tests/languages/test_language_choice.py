"""A language per person and per channel (issue 13): set and shown with `language` / `iaith`, offered once
at first contact, taken from the platform's locale, Welsh for Welsh writers, both languages (Welsh first) in
a channel that has not chosen. Against real SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import FixedClock
from bot.console.session import ConsoleChat
from bot.directory.models import ChannelLanguage
from bot.i18n import speaking
from bot.plans.importer import import_plan
from bot.plans.models import StatusUpdate
from bot.plans.reading import read_plan_file
from bot.storage.database import Database
from commands.audience import (
    BOTH,
    answer_asker,
    answer_in,
    channel_audience,
    language_from_locale,
    reader_language,
)
from commands.context import CommandContext
from commands.grammar import parse, written_in_welsh
from commands.model import LanguageChoice
from commands.replies import Reply
from tests.conftest import SEEDED_AT
from tests.helpers import ADMIN, action, person, text_of

NEWCOMER = "deiniol.fychan@example.nhs.wales"
WELSH_SPEAKER = "gwenllian.prys@example.nhs.wales"


def ask(database: Database, clock: FixedClock, email: str, text: str, **options: object) -> Reply:
    with database.unit_of_work() as session:
        ctx = CommandContext(session=session, actor=person(session, email), clock=clock, **options)  # type: ignore[arg-type]
        return answer_asker(text, ctx)


def test_the_grammar_reads_language_in_both_languages() -> None:
    assert parse("language") == LanguageChoice()
    assert parse("iaith cymraeg") == LanguageChoice(choice="cy")
    assert parse("/milestones language English") == LanguageChoice(choice="en")
    assert parse("iaith sianel dwyieithog") == LanguageChoice(choice="both", channel=True)
    assert parse("language channel cymraeg") == LanguageChoice(choice="cy", channel=True)
    assert not isinstance(parse("language both"), LanguageChoice)  # only a channel reads both
    assert not isinstance(parse("language klingon"), LanguageChoice)


def test_a_language_is_stored_and_shown(seeded_db: Database, clock: FixedClock) -> None:
    assert "have not chosen" in ask(seeded_db, clock, NEWCOMER, "language").title
    done = ask(seeded_db, clock, NEWCOMER, "language cymraeg")
    assert done.title == "Wedi'i wneud: eich iaith bellach yw Cymraeg." and done.language == "cy"
    with seeded_db.unit_of_work() as session:
        assert person(session, NEWCOMER).language == "cy"
    assert ask(seeded_db, clock, NEWCOMER, "language").title == "Eich iaith yw Cymraeg."
    assert ask(seeded_db, clock, NEWCOMER, "language english").title == "Done: your language is now English."
    with seeded_db.unit_of_work() as session:
        assert person(session, NEWCOMER).language == "en"


def test_the_directory_file_sets_a_language(seeded_db: Database) -> None:
    with seeded_db.unit_of_work() as session:
        assert person(session, WELSH_SPEAKER).language == "cy"
        assert person(session, ADMIN).language is None


def test_the_choice_is_offered_once_and_not_to_someone_who_has_chosen(seeded_db: Database, clock: FixedClock) -> None:
    first = ask(seeded_db, clock, NEWCOMER, "mine")
    offer = first.sections[-1].prompt
    assert offer is not None and offer.kind == "language"
    assert [(c.value, c.label) for c in offer.choices] == [("cy", "Cymraeg"), ("en", "English")]
    assert "Cymraeg neu English?" in text_of(first)
    second = ask(seeded_db, clock, NEWCOMER, "mine")
    assert all(s.prompt is None or s.prompt.kind != "language" for s in second.sections)
    with seeded_db.unit_of_work() as session:
        assert person(session, NEWCOMER).language_offered_at == clock.now()
    chosen = ask(seeded_db, clock, WELSH_SPEAKER, "mine")
    assert all(s.prompt is None or s.prompt.kind != "language" for s in chosen.sections)


def test_welsh_words_are_answered_in_welsh_whatever_the_preference(seeded_db: Database, clock: FixedClock) -> None:
    ask(seeded_db, clock, NEWCOMER, "language english")
    assert ask(seeded_db, clock, NEWCOMER, "iaith").title == "Eich iaith yw English."
    assert written_in_welsh("/milestones hwyr") and written_in_welsh("dangos esr/1.a")
    assert not written_in_welsh("help") and not written_in_welsh("overdue")


def test_the_locale_decides_only_when_nothing_else_does(seeded_db: Database) -> None:
    assert [language_from_locale(x) for x in ("cy", "cy-GB", "cy_GB", "en-US", "fr-FR", None)] == [
        "cy", "cy", "cy", "en", None, None]  # fmt: skip
    with seeded_db.unit_of_work() as session:
        newcomer, speaker = person(session, NEWCOMER), person(session, WELSH_SPEAKER)
        assert reader_language(newcomer, locale=lambda: "cy-GB") == "cy"
        assert reader_language(newcomer) == "en"
        assert reader_language(speaker, locale=lambda: "en-GB") == "cy"
        assert reader_language(newcomer, text="overdue", locale=lambda: "en-GB") == "en"


def test_a_channel_is_answered_in_both_languages_welsh_first_until_it_chooses(
    seeded_db: Database, clock: FixedClock
) -> None:
    with seeded_db.unit_of_work() as session:
        assert channel_audience(session, platform="slack", channel="C1") == BOTH
        ctx = CommandContext(
            session=session, actor=person(session, NEWCOMER), clock=clock, source="slack", channel="C1"
        )
        both = answer_in("language channel", ctx, BOTH)
    lines = both.plain_lines()
    assert both.language == BOTH
    assert lines[0] == "Iaith y sianel hon yw Cymraeg / English."
    assert lines.index("This channel's language is Cymraeg / English.") > 0
    chosen = ask(seeded_db, clock, NEWCOMER, "iaith sianel cymraeg", source="slack", channel="C1")
    assert chosen.title == "Wedi'i wneud: iaith y sianel hon bellach yw Cymraeg."
    with seeded_db.unit_of_work() as session:
        row = session.get(ChannelLanguage, ("slack", "C1"))
        assert row is not None and row.language == "cy" and row.set_by_id == person(session, NEWCOMER).id
        assert channel_audience(session, platform="slack", channel="C1") == "cy"
    assert ask(seeded_db, clock, NEWCOMER, "language channel").title.startswith("`language channel` works")


def test_a_change_answered_in_both_languages_is_made_once(seeded_db: Database, clock: FixedClock) -> None:
    with seeded_db.unit_of_work() as session:
        target = action(session, "esr/1.a")
        assert target.owner is not None
        before = session.scalar(
            select(func.count()).select_from(StatusUpdate).where(StatusUpdate.action_id == target.id)
        )
        ctx = CommandContext(session=session, actor=target.owner, clock=clock, source="slack", channel="C1")
        reply = answer_in('update esr/1.a at_risk "waiting"', ctx, BOTH)
    assert reply.tone == "success"
    with seeded_db.unit_of_work() as session:
        target = action(session, "esr/1.a")
        after = session.scalar(
            select(func.count()).select_from(StatusUpdate).where(StatusUpdate.action_id == target.id)
        )
        assert target.status == "at_risk" and after == before + 1


def test_shipped_data_reads_in_welsh(seeded_db: Database) -> None:
    from bot.directory.models import Organisation
    from bot.escalation.models import Level, Service

    with seeded_db.unit_of_work() as session:
        board = session.scalar(select(Organisation).where(Organisation.code == "cvuhb"))
        dental = session.scalar(select(Service).where(Service.key == "dental"))
        level = session.scalar(select(Level).where(Level.number == 3))
        assert board is not None and dental is not None and level is not None
        assert board.local_name == "Cardiff and Vale University Health Board"
        with speaking("cy"):
            assert board.local_name == "Bwrdd Iechyd Prifysgol Caerdydd a'r Fro"
            assert dental.local_name == "Gwasanaethau Deintyddol Cyffredinol (GDS)"
            assert level.local_label == "Lefel 3 \u2013 Pwysau difrifol"
            assert level.local_expected_actions[1].startswith("Uwchgyfeirio")
        assert level.local_expected_actions == level.expected_actions


def test_an_imported_plan_carries_its_welsh_columns(seeded_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "dwyieithog.csv"
    path.write_text(
        "Ref,Action,Action (Welsh),Expected output,expected_output_cy,Timeline\n"
        "1,Agree the rota,Cytuno ar y rota,A rota,Rota,31 March 2021\n"
        "2,Publish the plan,,The plan,,31 March 2021\n",
        encoding="utf-8",
    )
    plan_file = read_plan_file(path, key="bilingual", name="Bilingual", overrides={})
    with seeded_db.unit_of_work() as session:
        import_plan(session=session, plan_file=plan_file, now=SEEDED_AT)
    with seeded_db.unit_of_work() as session:
        first, second = action(session, "bilingual/1"), action(session, "bilingual/2")
        assert (first.title_cy, first.expected_output_cy, second.title_cy) == ("Cytuno ar y rota", "Rota", None)
        with speaking("cy"):
            assert (first.local_title, first.local_expected_output) == ("Cytuno ar y rota", "Rota")
            assert second.local_title == "Publish the plan"  # no Welsh: the English, never blank
        assert first.local_title == "Agree the rota"
    # Importing the same file again changes nothing.
    with seeded_db.unit_of_work() as session:
        assert import_plan(session=session, plan_file=plan_file, now=SEEDED_AT).unchanged == 2


def test_the_console_follows_the_terminals_locale_until_the_person_chooses(
    sqlite_db: Database, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "cy_GB.UTF-8")
    chat = ConsoleChat(sqlite_db, clock, email=NEWCOMER)
    first = chat.say("language")
    assert first.startswith("Nid ydych wedi dewis iaith eto.")
    assert "Cymraeg neu English?" in first and "[Cymraeg] [English]" in first  # the offer, as a line
    chat.say("language english")
    assert chat.say("language").startswith("Your language is English.")
    assert "Cymraeg neu English?" not in chat.say("language")
