"""A click on a prompt card (Action.Execute → `adaptiveCard/action` invoke). The answer is recorded once per
card message, and the invoke response replaces the card with the receipt: what was recorded, by whom, when."""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from typing import Any

from microsoft_teams.api import InvokeResponse
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.delivery.port import DeliveryFailed
from bot.i18n import _, speaking
from bot.teams.cards import ANSWER_VERB, CARD_CONTENT_TYPE, note_input_id, render_card
from bot.teams.connector import card_message
from bot.teams.identity import find_person
from bot.teams.references import Origin, remember
from bot.teams.turn import TeamsBot, unknown_person
from commands.audience import answer_prompt_in_language, rendering_language
from commands.context import CommandContext
from commands.language import LANGUAGE_SUBJECT
from commands.prompts import PromptAnswer
from commands.replies import Reply, error

log = logging.getLogger(__name__)


class CardAnswer(BaseModel):
    """The card's action data merged with every input of the card (Teams sends both in `value.action.data`).
    A bundled prompt has a note box per action, named after the subject its buttons answer."""

    model_config = ConfigDict(extra="allow")

    subject: str
    asked_on: date
    value: str | None = None
    level: str | None = None
    note: str | None = None

    def prompt_answer(self, message_key: str) -> PromptAnswer:
        typed = (self.model_extra or {}).get(note_input_id(self.subject), self.note)
        note = str(typed or "").strip() or None
        return PromptAnswer(self.subject, self.value or self.level or "", self.asked_on, message_key, note)


async def on_card_action(bot: TeamsBot, activity: Any) -> InvokeResponse[Any]:
    action = activity.value.action
    if action.verb != ANSWER_VERB:
        return _error(_("This card action ({verb}) is not one I know.").format(verb=action.verb))
    try:
        data = CardAnswer.model_validate(action.data or {})
    except ValidationError:
        return _error(_("This card is missing what it asks about; ask for a new prompt."))
    origin = await bot.identify(activity)
    card_id = activity.reply_to_id or activity.id
    reply = await asyncio.to_thread(
        _record, bot, origin, data.prompt_answer(f"teams:{origin.conversation_id}:{card_id}")
    )
    if reply.tone in ("refusal", "error") or data.subject.startswith(f"{LANGUAGE_SUBJECT}:"):
        # The prompt stays, so its rightful answerer can still use it; the language offer sits under an
        # answer the person still wants, so its confirmation does not replace that card either.
        return _respond("application/vnd.microsoft.activity.message", reply.title)
    if not origin.is_personal and activity.reply_to_id:
        await _replace_for_everyone(bot, origin, activity.reply_to_id, reply)
    with speaking(rendering_language(reply)):
        return _respond(CARD_CONTENT_TYPE, render_card(reply))


def _record(bot: TeamsBot, origin: Origin, answer: PromptAnswer) -> Reply:
    runtime = bot.runtime
    with runtime.database.unit_of_work() as session:
        person = find_person(session=session, origin=origin)
        remember(session=session, origin=origin, person=person, now=runtime.clock.now())
        if person is None:
            return unknown_person(origin)
        ctx = CommandContext(session=session, actor=person, clock=runtime.clock, source="teams",
                             observer=runtime.command_observer)  # fmt: skip
        try:
            with session.begin_nested():
                return answer_prompt_in_language(answer, ctx)
        except Exception:  # a card from an older version, a vanished row: an apology, never a stack trace
            log.exception("card answer failed: %s %s", answer.subject, answer.value)
            return error(
                _("Sorry, I couldn't record that answer and nothing was changed."), _("Please try again later.")
            )


async def _replace_for_everyone(bot: TeamsBot, origin: Origin, activity_id: str, reply: Reply) -> None:
    """The invoke response updates the clicker's view; others in a channel or group chat need the edit."""
    with speaking(rendering_language(reply)):
        message = card_message(render_card(reply), reply.title)
    try:
        await bot.connector.update(service_url=origin.service_url, conversation_id=origin.conversation_id,
                                   activity_id=activity_id, message=message)  # fmt: skip
    except DeliveryFailed as problem:
        log.warning("could not replace the answered card for everyone: %s", problem.reason)


def _respond(content_type: str, value: object) -> InvokeResponse[Any]:
    return InvokeResponse[Any](status=200, body={"statusCode": 200, "type": content_type, "value": value})


def _error(message: str) -> InvokeResponse[Any]:
    body = {"statusCode": 400, "type": "application/vnd.microsoft.error",
            "value": {"code": "BadRequest", "message": message}}  # fmt: skip
    return InvokeResponse[Any](status=200, body=body)
