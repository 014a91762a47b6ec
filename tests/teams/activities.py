"""Activity JSON as Teams sends it to /api/messages: messages, installs and card clicks."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

BOT_ID = "28:milestones-bot"
TENANT = "tenant-0001"
_ids = itertools.count(1)


@dataclass(frozen=True)
class TeamsUser:
    user_id: str
    aad_object_id: str
    name: str

    def account(self) -> dict[str, Any]:
        return {"id": self.user_id, "aadObjectId": self.aad_object_id, "name": self.name}


@dataclass(frozen=True)
class Chat:
    conversation_id: str
    conversation_type: str = "personal"

    def account(self) -> dict[str, Any]:
        return {"id": self.conversation_id, "conversationType": self.conversation_type, "tenantId": TENANT}


def _envelope(kind: str, user: TeamsUser, chat: Chat, service_url: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "id": f"activity-in-{next(_ids)}",
        "timestamp": "2021-01-15T10:00:00Z",
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": user.account(),
        "recipient": {"id": BOT_ID, "name": "Milestones"},
        "conversation": chat.account(),
        "channelData": {"tenant": {"id": TENANT}},
        **fields,
    }


def message(user: TeamsUser, chat: Chat, text: str, service_url: str, *, mention_bot: bool = False) -> dict[str, Any]:
    entities = []
    if mention_bot:
        text = f"<at>Milestones</at> {text}"
        entities = [
            {"type": "mention", "text": "<at>Milestones</at>", "mentioned": {"id": BOT_ID, "name": "Milestones"}}
        ]
    return _envelope("message", user, chat, service_url, text=text, entities=entities)


def bot_added(user: TeamsUser, chat: Chat, service_url: str) -> dict[str, Any]:
    return _envelope("conversationUpdate", user, chat, service_url, membersAdded=[{"id": BOT_ID}])


def installation_added(user: TeamsUser, chat: Chat, service_url: str) -> dict[str, Any]:
    return _envelope("installationUpdate", user, chat, service_url, action="add")


def card_click(user: TeamsUser, chat: Chat, service_url: str, *, card_id: str, data: dict[str, Any],
               verb: str = "answer") -> dict[str, Any]:  # fmt: skip
    value = {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}
    return _envelope("invoke", user, chat, service_url, name="adaptiveCard/action", value=value, replyToId=card_id)


def card_buttons(card: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Action.Execute button of a card, in order: the card's own and those in its body's action sets."""
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                found.append(node)
            for child in node.values():
                walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(card.get("body", []))
    walk(card.get("actions", []))
    return found


def block_text(element: dict[str, Any]) -> str:
    """What a card's text element says: every text is a RichTextBlock of TextRuns (never markdown)."""
    return "".join(run["text"] for run in element["inlines"])
