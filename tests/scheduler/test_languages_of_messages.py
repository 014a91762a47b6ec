"""Scheduled messages are built and rendered in each recipient's language: the sender decides it per row (a
person's choice, a channel's setting, both languages when a channel has none)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from bot.console.port import RecordingPort
from bot.delivery.port import Delivered
from bot.directory.models import ChannelLanguage, Person
from bot.i18n import Language, current_language
from bot.storage.outbox import OutboxMessage
from commands.audience import BOTH
from commands.replies import Reply
from scheduler.checkins import decide_checkins
from scheduler.messages import Lookup
from scheduler.outbox import enqueue
from scheduler.sender import Claimed, Sender
from tests.scheduler.simulation import Simulation

DAY = date(2021, 5, 4)


@dataclass
class LanguageRecordingPort(RecordingPort):
    """Notes the language each message was rendered in."""

    languages: list[Language] = field(default_factory=list)

    def send_to_person(self, person: Person, reply: Reply) -> Delivered:
        self.languages.append(current_language())
        return super().send_to_person(person, reply)


def test_a_welsh_speakers_checkin_is_built_and_sent_in_welsh(sqlite_sim: Simulation) -> None:
    sim = sqlite_sim
    sim.at(DAY, sim.settings.checkin_time)
    with sim.database.unit_of_work() as session:
        planned = decide_checkins(session=session, today=DAY)[:2]
        assert enqueue(session=session, planned=planned, now=sim.clock.now()) == 2
        first = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        assert first is not None
        welsh_reader = session.get(Person, int(first.recipient.split(":")[1]))
        assert welsh_reader is not None
        welsh_reader.language = "cy"
        welsh_email = welsh_reader.email
    port = LanguageRecordingPort()
    Sender(sim.database, [port], sim.clock, sim.settings, worker="a").drain()
    by_email = {sent.to: sent.reply for sent in port.sent}
    assert by_email[welsh_email].language == "cy"
    assert port.languages[0] == "cy"
    others = [reply for to, reply in by_email.items() if to != welsh_email]
    assert all(reply.language == "en" for reply in others)


def test_a_channel_gets_its_own_language_or_both(sqlite_sim: Simulation) -> None:
    with sqlite_sim.database.unit_of_work() as session:
        lookup = Lookup(session)
        row = Claimed(1, "digest", "slack:C9", DAY, {}, 0)
        assert Sender._audience(lookup, row) == BOTH
        session.add(ChannelLanguage(platform="slack", channel_id="C9", language="en", set_at=sqlite_sim.clock.now()))
        session.flush()
        assert Sender._audience(lookup, row) == "en"
