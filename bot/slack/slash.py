"""Slash commands (and @mentions): the words go to the shared command language, the reply comes back."""

from __future__ import annotations

import logging
from dataclasses import replace

from slack_sdk import WebClient

from bot.governance.identifiers import redacted
from bot.i18n import _, pgettext
from bot.runtime import Runtime
from bot.signed_links import download_maker, picture_maker
from bot.slack.audience import kept_private, strangers_in_channel
from bot.slack.identity import resolve_person
from bot.slack.locales import SlackLocales
from commands.audience import answer_asker, channel_audience, posted_in_channel
from commands.context import CommandContext
from commands.replies import Reply, error

log = logging.getLogger(__name__)


def answer_command(
    runtime: Runtime,
    client: WebClient,
    locales: SlackLocales,
    *,
    user_id: str,
    command: str,
    text: str,
    channel: str | None = None,
    bot_user_id: str | None = None,
    to_channel: bool = False,
) -> Reply:
    """`command` is `/milestones` or `/escalation` (empty for a mention); the grammar reads both namespaces.
    A reply meant for the channel (`public`, or every answer to a mention when `to_channel`) comes back
    public only when everyone in `channel` is in the directory (bot/slack/audience.py)."""
    try:
        with runtime.database.unit_of_work() as session:
            actor = resolve_person(session=session, client=client, user_id=user_id)
            ctx = CommandContext(session=session, actor=actor, clock=runtime.clock, source="slack",
                                 picture_link=picture_maker(runtime.settings),
                                 download_link=download_maker(runtime.settings),
                                 observer=runtime.command_observer, channel=channel)  # fmt: skip
            words = f"{command} {text}".strip()
            in_channel = channel is not None and (to_channel or posted_in_channel(words))
            reply = answer_asker(words, ctx, locale=lambda: locales.locale(client, user_id),
                                 channel=channel_audience(session, platform="slack", channel=channel) if in_channel
                                 else None)  # fmt: skip
            if channel is None or not (reply.public or to_channel):
                return reply
            strangers = strangers_in_channel(session=session, client=client, channel=channel, bot_user_id=bot_user_id)
            return replace(reply, public=True) if strangers == 0 else kept_private(reply, strangers)
    except Exception:
        # dispatch.answer already turns faults inside a command into a reply; this catches storage outages.
        log.exception("slash command failed: %s %r", command, redacted(text))
        return error(pgettext("slack", "Sorry, something went wrong on my side and nothing was changed."),
                     _("Please try again in a minute."))  # fmt: skip
