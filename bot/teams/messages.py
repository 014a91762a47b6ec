"""Text to the bot, in a personal chat or with an @mention in a channel: the same command language as
`/milestones …` in Slack, answered with a card (in the thread, in channels)."""

from __future__ import annotations

import asyncio
import html
import re
from typing import Any

from microsoft_teams.api.activities.utils.strip_mentions_text import strip_mentions_text

from bot.signed_links import download_maker, picture_maker
from bot.teams.audience import answer_in_private, strangers_here
from bot.teams.identity import find_person
from bot.teams.references import Origin, remember
from bot.teams.turn import TeamsBot, first_delivery, unknown_person
from commands.audience import answer_asker, channel_audience
from commands.context import CommandContext
from commands.replies import Reply

_LEFTOVER_MENTION = re.compile(r"<at>.*?</at>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def command_text(activity: Any) -> str:
    """The words of the command: mentions of the bot removed, and the HTML Teams wraps channel posts in."""
    text = strip_mentions_text(activity) or ""
    text = _TAG.sub(" ", _LEFTOVER_MENTION.sub(" ", text))
    return " ".join(html.unescape(text).replace("\xa0", " ").split())


async def on_message(bot: TeamsBot, activity: Any) -> None:
    origin = await bot.identify(activity)
    locale = getattr(activity, "locale", None)
    reply = await asyncio.to_thread(_answer, bot, origin, activity.id, command_text(activity), locale)
    if reply is None:
        return
    if origin.is_personal:
        await bot.post(origin, reply)
        return
    strangers = await strangers_here(bot, origin)
    if strangers == 0:
        await bot.post(origin, reply, reply_to=activity.id)
    else:  # everyone in a channel reads its threads: someone here may not read this answer
        await answer_in_private(bot, origin, reply, thread=activity.id, strangers=strangers)


def _answer(bot: TeamsBot, origin: Origin, activity_id: str, text: str, locale: str | None) -> Reply | None:
    """Answered in the asker's language in a personal chat; in a channel or group chat, where everyone reads
    the thread, in the conversation's language (both when unset)."""
    runtime = bot.runtime
    with runtime.database.unit_of_work() as session:
        if not first_delivery(session=session, key=f"teams:{origin.conversation_id}:{activity_id}",
                              now=runtime.clock.now()):  # fmt: skip
            return None
        person = find_person(session=session, origin=origin)
        remember(session=session, origin=origin, person=person, now=runtime.clock.now())
        if person is None:
            return unknown_person(origin)
        ctx = CommandContext(
            session=session,
            actor=person,
            clock=runtime.clock,
            source="teams",
            picture_link=picture_maker(runtime.settings),
            download_link=download_maker(runtime.settings),
            observer=runtime.command_observer,
            channel=origin.channel_address,
        )
        audience = None if origin.is_personal else channel_audience(session, platform="teams",
                                                                     channel=origin.channel_address)  # fmt: skip
        return answer_asker(text, ctx, locale=lambda: locale, channel=audience)
