"""Install: the bot added to a personal chat, a team or a group chat. The conversation reference is stored so
prompts and digests can be sent without waiting for anyone to write first; a personal chat is welcomed with
the person's home (their actions, services and team)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.i18n import _
from bot.teams.identity import find_person
from bot.teams.references import Origin, remember
from bot.teams.turn import TeamsBot, unknown_person
from commands.context import CommandContext
from commands.home import home
from commands.model import Home
from commands.replies import Reply


def bot_was_added(activity: Any) -> bool:
    bot_id = activity.recipient.id
    return any(member.id == bot_id for member in (activity.members_added or []))


async def on_conversation_update(bot: TeamsBot, activity: Any) -> None:
    if not bot_was_added(activity):
        return
    origin = await bot.identify(activity)
    welcome = await asyncio.to_thread(_remember, bot, origin)
    # Only a personal chat gets a welcome; a team would see it as noise in its General channel.
    if origin.is_personal:
        await bot.post(origin, welcome)


async def on_installation_update(bot: TeamsBot, activity: Any) -> None:
    """Sent alongside conversationUpdate; it refreshes the same reference (no second welcome)."""
    if getattr(activity, "action", None) == "add":
        await asyncio.to_thread(_remember, bot, await bot.identify(activity))


def _remember(bot: TeamsBot, origin: Origin) -> Reply:
    with bot.runtime.database.unit_of_work() as session:
        person = find_person(session=session, origin=origin)
        remember(session=session, origin=origin, person=person, now=bot.runtime.clock.now())
        if person is None:
            return unknown_person(origin)
        # The welcome is the person's home: what is theirs to do, right away.
        ctx = CommandContext(session=session, actor=person, clock=bot.runtime.clock, source="teams")
        welcome = home(Home(), ctx)
        welcome.title = _(
            "Hello {name}: I'll send your prompts here. This is your home: type `home` to see it again."
        ).format(name=person.name)
        return welcome
