"""The parts of Slack's payloads the surface reads, validated at the edge: a payload missing them is
logged and ignored instead of failing halfway through."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class SlackUser(BaseModel):
    id: str


class MessageContainer(BaseModel):
    channel_id: str
    message_ts: str
    # A slash command's answer is ephemeral: only its response_url can replace it, never chat.update.
    is_ephemeral: bool = False


class BlockAction(BaseModel):
    """A click on a button or select inside a message."""

    user: SlackUser
    container: MessageContainer
    trigger_id: str | None = None
    message: dict[str, Any] = {}
    response_url: str | None = None


class ClickedElement(BaseModel):
    value: str | None = None
    selected_option: dict[str, Any] | None = None

    @property
    def chosen(self) -> str | None:
        return self.value or (self.selected_option or {}).get("value")


class NoteMetadata(BaseModel):
    """What the note modal remembers about the prompt message it was opened from."""

    channel: str
    ts: str


class SlashCommand(BaseModel):
    command: str
    user_id: str
    text: str = ""
    channel_id: str | None = None
    response_url: str | None = None
