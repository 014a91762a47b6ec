"""Which language a reply is written in, decided here for every surface and for the scheduler.

A reply to one person: Welsh when they wrote to the bot in Welsh (the Welsh Language Standards: answer Welsh
in Welsh); otherwise the language they chose (`language cymraeg`, the first-contact buttons, people.yaml);
otherwise their platform's locale (Slack's `users.info`, the Teams activity's `locale`); otherwise English.
A reply posted in a channel: the channel's setting (`language channel …`), or both languages, Welsh first,
when the channel has none.

Surfaces call `answer_asker` for a command and render under `speaking(rendering_language(reply))`; the
scheduler builds each message with `written_for(recipient_audience(…), …)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Literal

from sqlalchemy.orm import Session

from bot.directory.models import ChannelLanguage, Person
from bot.i18n import Language, is_language, speaking
from commands.context import CommandContext
from commands.dispatch import answer
from commands.grammar import parse, written_in_welsh
from commands.language import LANGUAGE_SUBJECT
from commands.prompts import PromptAnswer, answer_prompt
from commands.replies import Choice, Prompt, Reply, Section, Text, line

Audience = Language | Literal["both"]
Locale = Callable[[], str | None]
BOTH: Audience = "both"


def language_from_locale(locale: str | None) -> Language | None:
    """`cy`, `cy-GB`, `cy_GB` → Welsh; `en-GB`, `en-US` → English; anything else says nothing."""
    base = (locale or "").replace("_", "-").split("-")[0].lower()
    return base if is_language(base) else None


def reader_language(person: Person | None, *, text: str = "", locale: Locale = lambda: None) -> Language:
    """`locale` is asked only when nothing else decides (Slack's costs a call to `users.info`)."""
    if text and written_in_welsh(text):
        return "cy"
    if person is not None and is_language(person.language):
        return person.language
    return language_from_locale(locale()) or "en"


def posted_in_channel(text: str) -> bool:
    """Whether the command asks for its answer in the channel (`overdue public`)."""
    return bool(getattr(parse(text), "public", False))


def answer_asker(text: str, ctx: CommandContext, *, locale: Locale = lambda: None,
                 channel: Audience | None = None) -> Reply:  # fmt: skip
    """What a surface calls for a command: written for `channel` when the answer is posted in one (its
    setting, or BOTH), otherwise in the asker's language and, the first time, offering the choice."""
    if channel is not None and ctx.actor is not None:  # a stranger's refusal is never posted in the channel
        return answer_in(text, ctx, channel)
    reply = answer_in(text, ctx, reader_language(ctx.actor, text=text, locale=locale))
    return offer_language(reply, ctx.actor, now=ctx.now, today=ctx.today)


def channel_audience(session: Session, *, platform: str, channel: str | None) -> Audience:
    row = session.get(ChannelLanguage, (platform, channel)) if channel else None
    if row is None:
        return BOTH
    chosen = row.language
    return chosen if is_language(chosen) else BOTH


def answer_in(text: str, ctx: CommandContext, audience: Audience) -> Reply:
    """The answer written for `audience`. Both languages answer twice against the same data: the English
    inside a savepoint that is rolled back, so a command that changes something changes it once."""
    return written_for(audience, lambda: answer(text, ctx), rehearse_in=ctx.session)


def written_for(audience: Audience, build: Callable[[], Reply], *, rehearse_in: Session | None = None) -> Reply:
    """A message built for `audience`: once in its language, or twice and joined, Welsh first. With
    `rehearse_in`, the English is built inside a savepoint of that session that is rolled back."""
    if audience == "cy" or audience == "en":
        with speaking(audience):
            reply = build()
        return replace(reply, language=reply.language or audience)  # `language cymraeg` answers in its choice
    with speaking("en"):
        if rehearse_in is None:
            english = build()
        else:
            with rehearse_in.begin_nested() as rehearsal:
                english = build()
                rehearsal.rollback()
    with speaking("cy"):
        return replace(both_languages(build(), english), language=BOTH)


def recipient_audience(session: Session, recipient: Person | None, channel: tuple[str, str] | None) -> Audience:
    """Who a scheduled message is for: a person (their language) or a `(platform, channel)`."""
    if channel is not None:
        return channel_audience(session, platform=channel[0], channel=channel[1])
    return reader_language(recipient)


def rendering_language(reply: Reply) -> Language:
    """The language a surface renders its own words of the reply in (buttons, "… and 3 more"): the reply's,
    Welsh for a reply in both."""
    return "cy" if reply.language in ("cy", BOTH) else "en"


def both_languages(welsh: Reply, english: Reply) -> Reply:
    """One message, Welsh first: the Welsh reply, then the English one under its own title."""

    def body(reply: Reply) -> list[Section]:
        footer = [Section(lines=[line(Text(reply.footer, "muted"))])] if reply.footer else []
        return [*reply.sections, *footer]

    english_part = [Section(heading=english.title), *body(english)]
    return replace(welsh, sections=[*body(welsh), *english_part], footer=None)


def offer_language(reply: Reply, person: Person | None, *, now: datetime, today: date) -> Reply:
    """The first message to someone who has not chosen a language carries the choice, once: two buttons on
    Slack and Teams, the commands on the console."""
    if person is None or person.language or person.language_offered_at is not None:
        return reply
    person.language_offered_at = now
    commands = line("Cymraeg neu English? ", Text("/milestones iaith cymraeg", "code"), " · ",
                    Text("/milestones language english", "code"))  # fmt: skip
    choices = (Choice("cy", "Cymraeg"), Choice("en", "English"))
    prompt = Prompt(kind="language", subject=f"{LANGUAGE_SUBJECT}:{person.id}", question="", choices=choices,
                    asked_on=today, allow_note=False)  # fmt: skip
    return replace(reply, sections=[*reply.sections, Section(lines=[commands], prompt=prompt)])


def answer_prompt_in_language(answer: PromptAnswer, ctx: CommandContext) -> Reply:
    """A click on a prompt, answered in the clicker's language (the language buttons answer in the one chosen)."""
    language = reader_language(ctx.actor)
    with speaking(language):
        reply = answer_prompt(answer, ctx)
    return replace(reply, language=reply.language or language)
