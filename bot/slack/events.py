"""Events API deliveries: each event id is handled once, however often Slack retries it
(`X-Slack-Retry-Num`), because a retry of a slow or lost acknowledgement is the same event again."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from bot.i18n import speaking
from bot.runtime import Runtime
from bot.slack.home import home_view
from bot.slack.identity import resolve_person
from bot.slack.locales import SlackLocales
from bot.storage.delivery import first_seen
from commands.audience import reader_language
from commands.context import CommandContext

log = logging.getLogger(__name__)


def first_delivery(runtime: Runtime, event_id: str | None) -> bool:
    """True the first time an event id is seen; events without an id are always handled."""
    if not event_id:
        return True
    if first_seen(runtime.database, f"slack:event:{event_id}", at=runtime.clock.now()):
        return True
    log.info("ignoring redelivered Slack event %s", event_id)
    return False


def publish_home(runtime: Runtime, client: WebClient, locales: SlackLocales, user_id: str) -> None:
    with runtime.database.unit_of_work() as session:
        actor = resolve_person(session=session, client=client, user_id=user_id)
        with speaking(reader_language(actor, locale=lambda: locales.locale(client, user_id))):
            view = home_view(CommandContext(session=session, actor=actor, clock=runtime.clock, source="slack"))
    client.views_publish(user_id=user_id, view=view)
