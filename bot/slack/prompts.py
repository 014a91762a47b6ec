"""Prompts as Block Kit: buttons (each action of a status prompt, page turns) or a select (escalation
check-in), plus "Add a note", which opens a modal with the same row's choices and a note box.

What a click means travels in the element's value as `subject|choice|asked_on`, so answering needs no
state kept between sending the prompt and the click."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.i18n import _, pgettext
from bot.slack.blocks import MAX_MESSAGE_BLOCKS, Block, escape, reply_blocks, shorten, text_section
from commands.replies import Choice, Prompt, Reply, Section

ANSWER_ACTION = "milestones.prompt.answer"
NOTE_ACTION = "milestones.prompt.note"
NOTE_VIEW = "milestones.prompt.note_view"
MAX_BLOCK_ID_CHARS = 255
# Slack's limits for options: 75 characters of text or description, 150 of value.
MAX_OPTION_CHARS = 75
BUTTON_STYLES = {"on_track": "primary", "done": "primary", "blocked": "danger"}


@dataclass(frozen=True)
class Answer:
    subject: str
    choice: str
    asked_on: date


def encode(subject: str, choice: str, asked_on: date) -> str:
    return f"{subject}|{choice}|{asked_on.isoformat()}"


def decode(value: str) -> Answer | None:
    """None for a value this version did not write (an old message, or a forged payload)."""
    parts = value.split("|")
    if len(parts) != 3:
        return None
    try:
        return Answer(parts[0], parts[1], date.fromisoformat(parts[2]))
    except ValueError:
        return None


def plain(text: str, limit: int = MAX_OPTION_CHARS) -> dict[str, Any]:
    return {"type": "plain_text", "text": shorten(text, limit), "emoji": True}


def option(prompt: Prompt, choice: Choice) -> dict[str, Any]:
    value = encode(prompt.subject, choice.value, prompt.asked_on)
    built: dict[str, Any] = {"text": plain(choice.label), "value": value}
    if choice.description:
        built["description"] = plain(choice.description)
    return built


def _button(prompt: Prompt, index: int, choice: Choice) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "action_id": f"{ANSWER_ACTION}.{index}", "text": plain(choice.label),
                              "value": encode(prompt.subject, choice.value, prompt.asked_on)}  # fmt: skip
    if choice.value in BUTTON_STYLES:
        button["style"] = BUTTON_STYLES[choice.value]
    return button


def _choice_elements(prompt: Prompt) -> list[dict[str, Any]]:
    if prompt.kind != "escalation":
        return [_button(prompt, index, choice) for index, choice in enumerate(prompt.choices)]
    return [{"type": "static_select", "action_id": f"{ANSWER_ACTION}.select", "placeholder": plain(_("Choose a level")),
             "options": [option(prompt, choice) for choice in prompt.choices]}]  # fmt: skip


def prompt_blocks(prompt: Prompt, block_id: str = "prompt") -> list[Block]:
    """The question (when there is one) and a row of its controls. Each row in a message has its own block
    id: the note button carries it, so the note modal offers the choices of the row it was opened from."""
    elements = _choice_elements(prompt)
    if prompt.allow_note:
        elements.append({"type": "button", "action_id": NOTE_ACTION, "text": plain(_("Add a note")), "value": block_id})
    question = [text_section(f"*{escape(prompt.question)}*")] if prompt.question else []
    return [*question, {"type": "actions", "block_id": block_id, "elements": elements}]


def section_prompt_blocks(section: Section) -> list[Block]:
    """The buttons of one action in a bundled prompt, right under its lines."""
    if section.prompt is None or not section.prompt.choices:
        return []
    return prompt_blocks(section.prompt, block_id=shorten(f"prompt:{section.prompt.subject}", MAX_BLOCK_ID_CHARS))


def message_blocks(reply: Reply) -> list[Block]:
    """A whole message: the reply with each section's buttons, then the prompt's controls when it asks
    something."""
    if reply.prompt is None:
        return reply_blocks(reply, extra=section_prompt_blocks)
    controls = prompt_blocks(reply.prompt)
    body = reply_blocks(reply, max_blocks=MAX_MESSAGE_BLOCKS, reserve=len(controls), extra=section_prompt_blocks)
    return body + controls


def options_in_message(message: dict[str, Any], block_id: str | None = None) -> list[dict[str, Any]]:
    """The choices of the row whose note button was clicked (every row's, for a message from before rows
    had their own ids), read back from the message, for the note modal."""
    rows = [b for b in message.get("blocks", []) if b.get("type") == "actions"]
    if any(row.get("block_id") == block_id for row in rows):
        rows = [row for row in rows if row.get("block_id") == block_id]
    options: list[dict[str, Any]] = []
    for row in rows:
        for element in row.get("elements", []):
            if element.get("action_id", "").startswith(ANSWER_ACTION):
                if element["type"] == "button":
                    options.append({"text": element["text"], "value": element["value"]})
                else:
                    options.extend(element.get("options", []))
    return options


def note_modal(options: list[dict[str, Any]], *, channel: str, message_ts: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": NOTE_VIEW,
        "private_metadata": json.dumps({"channel": channel, "ts": message_ts}),
        "title": plain(_("Add a note"), 24),
        "submit": plain(pgettext("note modal", "Record"), 24),
        "close": plain(pgettext("note modal", "Cancel"), 24),
        "blocks": [
            {"type": "input", "block_id": "choice", "label": plain(_("Your answer")),
             "element": {"type": "static_select", "action_id": "value", "options": options}},
            {"type": "input", "block_id": "note", "label": plain(pgettext("note modal", "Note")),
             "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 500}},
        ],
    }  # fmt: skip
