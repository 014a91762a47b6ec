"""Recording a click on a prompt, once per message however often it is clicked or redelivered."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError

from bot.i18n import _, pgettext
from bot.runtime import Runtime
from bot.slack.blocks import fallback_text
from bot.slack.identity import resolve_person
from bot.slack.prompts import decode, message_blocks
from bot.storage.delivery import ProcessedDelivery
from commands.audience import answer_prompt_in_language
from commands.context import CommandContext
from commands.prompts import PromptAnswer
from commands.replies import Reply, refusal

log = logging.getLogger(__name__)


def already_answered() -> Reply:
    return Reply(title=_("This prompt was already answered; nothing more was recorded."))


@dataclass(frozen=True)
class Click:
    user_id: str
    channel: str
    message_ts: str
    value: str
    note: str | None = None
    ephemeral: bool = False

    @property
    def message_key(self) -> str:
        return f"slack:{self.channel}:{self.message_ts}"


def record_click(runtime: Runtime, client: WebClient, click: Click) -> Reply:
    """The receipt or redrawn prompt when recorded; otherwise a refusal or 'already answered' for the clicker."""
    decoded = decode(click.value)
    if decoded is None:
        # The same words as commands/prompts.py's refusal, kept under a context so each area's file owns its own.
        return refusal(pgettext("slack", "That button belongs to a prompt I no longer understand."),
                       pgettext("slack", "Use `/milestones help` instead."))  # fmt: skip
    answer = PromptAnswer(decoded.subject, decoded.choice, decoded.asked_on, click.message_key, click.note or None)
    try:
        with runtime.database.unit_of_work() as session:
            if session.get(ProcessedDelivery, answer.answer_key) is not None:
                return already_answered()
            actor = resolve_person(session=session, client=client, user_id=click.user_id)
            ctx = CommandContext(session=session, actor=actor, clock=runtime.clock, source="slack",
                                 observer=runtime.command_observer)  # fmt: skip
            reply = answer_prompt_in_language(answer, ctx)
            if reply.receipt is not None:
                # Covers every kind of answer (snoozes too), one per message and subject (each action of a
                # bundle); a concurrent duplicate fails here and its whole transaction rolls back.
                session.add(ProcessedDelivery(key=answer.answer_key, received_at=ctx.now))
                session.flush()
            return reply
    except IntegrityError:
        return already_answered()


def replace_prompt(client: WebClient, click: Click, reply: Reply) -> None:
    """The clicked message becomes the reply: a receipt without buttons, or the bundle redrawn with the
    answered action's buttons gone (or another page of it)."""
    try:
        client.chat_update(channel=click.channel, ts=click.message_ts, blocks=message_blocks(reply),
                           text=fallback_text(reply))  # fmt: skip
    except SlackApiError as problem:
        # The answer is recorded; a stale prompt only invites a click that will say "already answered".
        log.warning("could not update prompt %s: %s", click.message_key, problem.response.get("error"))
