"""Who reads an answer in a Teams channel or group chat. Teams has no private replies: a reply in a thread is
seen by every member. Only people in the directory may read what the bot answers, so in a conversation with
anyone else (a guest, a member of another tenant) the answer goes to the asker's personal chat instead, and
the thread gets one line saying so."""

from __future__ import annotations

import asyncio
import logging

from bot.delivery.port import DeliveryFailed
from bot.directory.service import get_person_by_email, get_person_by_teams_id
from bot.i18n import _, ngettext
from bot.storage.database import Database
from bot.teams.cards import render_card
from bot.teams.connector import card_message
from bot.teams.references import Origin
from bot.teams.turn import TeamsBot
from commands.replies import Reply

log = logging.getLogger(__name__)


async def strangers_here(bot: TeamsBot, origin: Origin) -> int | None:
    """How many members of the conversation are not in the directory; None when Teams will not say."""
    try:
        members = await bot.connector.members(service_url=origin.service_url, conversation_id=origin.conversation_id)
    except DeliveryFailed as problem:
        log.warning("could not list the conversation's members: %s", problem.reason)
        return None
    return await asyncio.to_thread(_count_strangers, bot.runtime.database, members)


def _count_strangers(database: Database, members: list[tuple[str | None, str | None]]) -> int:
    with database.unit_of_work() as session:
        return sum(
            1
            for aad_id, email in members
            if not (aad_id and get_person_by_teams_id(session=session, teams_id=aad_id))
            and not (email and get_person_by_email(session=session, email=email))
        )


async def answer_in_private(bot: TeamsBot, origin: Origin, reply: Reply, *, thread: str, strangers: int | None) -> None:
    """The answer in the asker's personal chat; in the thread, only why it is not there."""
    personal = await bot.connector.open_personal_chat(service_url=origin.service_url, user_id=origin.user_id,
                                                      tenant_id=origin.tenant_id)  # fmt: skip
    await bot.connector.send(service_url=origin.service_url, conversation_id=personal,
                             message=card_message(render_card(reply), reply.title))  # fmt: skip
    await bot.post(origin, answered_in_private_notice(strangers), reply_to=thread)


def answered_in_private_notice(strangers: int | None) -> Reply:
    """The one line the thread gets instead of the answer."""
    if not strangers:
        return Reply(
            title=_("I have answered you in our personal chat: I could not check who is in this conversation.")
        )
    return Reply(
        title=ngettext(
            "I have answered you in our personal chat: {n} person here is not in the milestones directory.",
            "I have answered you in our personal chat: {n} people here are not in the milestones directory.",
            strangers,
        ).format(n=strangers)
    )
