"""The console surface: one message in, the same path as chat, a text reply out."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.console.render import render_text
from bot.directory.models import Person
from bot.directory.service import get_person_by_email
from bot.i18n import _, speaking
from bot.i18n.terminal import terminal_language
from bot.storage.database import Database
from commands.audience import answer_asker, rendering_language
from commands.context import CommandContext, DownloadLink, PictureLink

DEMO_ADMIN = "admin@example.nhs.wales"


class UnknownPerson(LookupError):
    pass


@dataclass
class ConsoleChat:
    database: Database
    clock: Clock
    email: str = DEMO_ADMIN
    picture_link: PictureLink | None = None
    download_link: DownloadLink | None = None

    def person_name(self) -> str:
        with self.database.unit_of_work() as session:
            return self._person(session).name

    def say(self, text: str) -> str:
        with self.database.unit_of_work() as session:
            actor = self._person(session)
            ctx = CommandContext(session=session, actor=actor, clock=self.clock, source="console",
                                 picture_link=self.picture_link, download_link=self.download_link)  # fmt: skip
            # The terminal's locale plays the part of a chat platform's: it decides when the person has not.
            reply = answer_asker(text, ctx, locale=terminal_language)
            with speaking(rendering_language(reply)):
                return render_text(reply)

    def _person(self, session: object) -> Person:
        person = get_person_by_email(session=session, email=self.email)  # type: ignore[arg-type]
        if person is None:
            raise UnknownPerson(
                _(
                    "No one with the email {email} is in the directory. Run `milestones-bot init --demo` to load the "
                    "demo people, or pass --as with a known email."
                ).format(email=self.email)
            )
        return person
