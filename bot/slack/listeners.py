"""Bolt listeners: do the work, then acknowledge, then answer through `respond()` or the Web API. Durable
before acknowledged: whatever a command or click changes is committed before Slack hears "received", so a
crash either loses a request Slack was never told about (Slack shows the person an error) or keeps it.
The work takes milliseconds; Slack allows three seconds. The same listeners serve HTTP and Socket Mode."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.i18n import speaking
from bot.runtime import Runtime
from bot.slack.answers import Click, record_click, replace_prompt
from bot.slack.blocks import fallback_text, reply_blocks
from bot.slack.events import first_delivery, publish_home
from bot.slack.locales import SlackLocales
from bot.slack.payloads import BlockAction, ClickedElement, NoteMetadata, SlashCommand
from bot.slack.prompts import ANSWER_ACTION, NOTE_ACTION, NOTE_VIEW, message_blocks, note_modal, options_in_message
from bot.slack.responses import Responder
from bot.slack.slash import answer_command
from commands.audience import rendering_language
from commands.replies import Reply

log = logging.getLogger(__name__)

SLASH_COMMANDS = ("/milestones", "/escalation")
MENTION = re.compile(r"<@[A-Z0-9]+>")


def register(app: App, runtime: Runtime) -> None:
    respond = Responder()
    locales = SlackLocales()

    def on_command(ack: Ack, command: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        slash = SlashCommand.model_validate(command)
        reply = answer_command(runtime, client, locales, user_id=slash.user_id, command=slash.command, text=slash.text,
                               channel=slash.channel_id, bot_user_id=context.bot_user_id)  # fmt: skip
        ack()
        with speaking(rendering_language(reply)):
            respond(slash.response_url, blocks=message_blocks(reply), text=fallback_text(reply),
                    response_type="in_channel" if reply.public else "ephemeral")  # fmt: skip

    def on_answer(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        click = _click(body, action)
        if click is None:
            ack()
            return
        reply = record_click(runtime, client, click)
        ack()
        with speaking(rendering_language(reply)):
            if reply.replaces_prompt and click.ephemeral:  # the language offer under a slash command's answer
                respond(body.get("response_url"), blocks=message_blocks(reply), text=fallback_text(reply),
                        replace_original=True)  # fmt: skip
            elif reply.replaces_prompt:
                replace_prompt(client, click, reply)
            else:  # only the person who clicked sees a refusal; the prompt stays for its rightful owner
                respond(body.get("response_url"), blocks=reply_blocks(reply), text=fallback_text(reply),
                        response_type="ephemeral", replace_original=False)  # fmt: skip

    def on_note(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        clicked = BlockAction.model_validate(body)
        options = options_in_message(clicked.message, ClickedElement.model_validate(action).value)
        modal = note_modal(options, channel=clicked.container.channel_id, message_ts=clicked.container.message_ts)
        client.views_open(trigger_id=clicked.trigger_id, view=modal)

    def on_note_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        click = _note_click(body, view)
        reply = record_click(runtime, client, click)
        if reply.receipt is None:
            # The modal stays open with the reason, so the person sees why nothing was recorded.
            ack(response_action="errors", errors={"note": reply.title})
            return
        ack()
        replace_prompt(client, click, reply)

    def on_home_opened(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") == "home" and first_delivery(runtime, body.get("event_id")):
            publish_home(runtime, client, locales, event["user"])

    def answer_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient, context: BoltContext,
                       next: Callable[[], None]) -> None:  # fmt: skip
        # Bolt acknowledges an event before its listener runs; a listener's middleware runs before that, so
        # a mention that changes something is recorded here, before Slack is told it was received.
        if first_delivery(runtime, body.get("event_id")):
            text = MENTION.sub("", event.get("text", "")).strip()
            context["reply"] = answer_command(runtime, client, locales, user_id=event["user"], command="", text=text,
                                              channel=event["channel"], bot_user_id=context.bot_user_id,
                                              to_channel=True)  # fmt: skip
        next()

    def on_mention(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        reply: Reply | None = context.get("reply")
        if reply is None:  # a redelivery of an event already answered
            return
        thread = event.get("thread_ts") or event["ts"]
        with speaking(rendering_language(reply)):
            _post_mention_reply(client, event, thread, reply)

    for name in SLASH_COMMANDS:
        app.command(name)(on_command)
    app.action(re.compile(rf"^{re.escape(ANSWER_ACTION)}\."))(on_answer)
    app.action(NOTE_ACTION)(on_note)
    app.view(NOTE_VIEW)(on_note_submitted)
    app.event("app_home_opened")(on_home_opened)
    app.event("app_mention", middleware=[answer_mention])(on_mention)


def _click(body: dict[str, Any], action: dict[str, Any]) -> Click | None:
    try:
        clicked = BlockAction.model_validate(body)
        value = ClickedElement.model_validate(action).chosen
    except ValidationError:
        log.warning("ignoring a block action without a message container: %s", body.get("type"))
        return None
    if value is None:
        return None
    container = clicked.container
    return Click(clicked.user.id, container.channel_id, container.message_ts, value, ephemeral=container.is_ephemeral)


def _note_click(body: dict[str, Any], view: dict[str, Any]) -> Click:
    meta = NoteMetadata.model_validate_json(view["private_metadata"])
    values = view["state"]["values"]
    choice = values["choice"]["value"]["selected_option"]["value"]
    note = values.get("note", {}).get("value", {}).get("value")
    return Click(body["user"]["id"], meta.channel, meta.ts, choice, note)


def _post_mention_reply(client: WebClient, event: dict[str, Any], thread: str, reply: Reply) -> None:
    if reply.public:
        client.chat_postMessage(channel=event["channel"], thread_ts=thread, blocks=message_blocks(reply),
                                text=fallback_text(reply))  # fmt: skip
    else:  # someone in the channel may not read it: only the asker sees the answer
        client.chat_postEphemeral(channel=event["channel"], user=event["user"], thread_ts=thread,
                                  blocks=message_blocks(reply), text=fallback_text(reply))  # fmt: skip
