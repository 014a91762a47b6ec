"""What every Teams handler shares: the runtime, the connector of the server's event loop, and the two steps
of a turn that touch the outside world (finding who spoke, posting a card back)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import _, speaking
from bot.runtime import Runtime
from bot.storage.delivery import ProcessedDelivery
from bot.teams.cards import render_card
from bot.teams.connector import TeamsConnector, card_message
from bot.teams.identity import with_email
from bot.teams.references import Origin, origin_of
from commands.audience import rendering_language
from commands.replies import Reply, refusal


@dataclass
class TeamsBot:
    runtime: Runtime
    connector: TeamsConnector

    async def identify(self, activity: Any) -> Origin:
        return await with_email(origin_of(activity), database=self.runtime.database, connector=self.connector)

    async def post(self, origin: Origin, reply: Reply, *, reply_to: str | None = None) -> str:
        with speaking(rendering_language(reply)):
            card = render_card(reply)
        return await self.connector.send(service_url=origin.service_url, conversation_id=origin.conversation_id,
                                         message=card_message(card, reply.title), reply_to=reply_to)  # fmt: skip


def first_delivery(*, session: Session, key: str, now: datetime) -> bool:
    """False when this activity was handled before: Teams redelivers when we answer slowly."""
    if session.scalar(select(ProcessedDelivery.key).where(ProcessedDelivery.key == key)) is not None:
        return False
    session.add(ProcessedDelivery(key=key, received_at=now))
    session.flush()
    return True


def unknown_person(origin: Origin) -> Reply:
    """One sentence, as on every surface (commands/access.py), naming the account Teams gave us."""
    who = origin.email or _("your Teams account")
    return refusal(_("I only answer people in the milestones directory, and {who} is not in the milestones directory: "
                     "ask a milestones-bot administrator to add your work email.").format(who=who))  # fmt: skip
