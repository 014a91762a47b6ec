"""Outgoing calls to the Bot Connector through the Teams SDK's API client, with the retry policy Teams asks for.

The connector throttles with 429 (and answers 412/502/504 when busy); those are retried here with exponential
backoff and jitter, honouring Retry-After, a bounded number of times. Anything else becomes DeliveryFailed so
the outbox decides when to try again (4xx other than those: permanent, retrying cannot help)."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from microsoft_teams.api import Account, ApiClient
from microsoft_teams.api.activities.message.message import MessageActivityInput
from microsoft_teams.api.auth.credentials import TokenProviderProtocol
from microsoft_teams.api.clients.conversation.params import CreateConversationParams
from microsoft_teams.api.models import Attachment
from microsoft_teams.common import ClientOptions

from bot.config import Settings
from bot.delivery.port import DeliveryFailed
from bot.teams.cards import CARD_CONTENT_TYPE

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRYABLE = frozenset({412, 429, 502, 504})
# Statuses where the same request can succeed later (auth token refresh, timeouts, server faults).
TRANSIENT_CLIENT_ERRORS = frozenset({401, 408, 409})


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int
    base_seconds: float
    max_seconds: float

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(max(1, settings.teams_retry_attempts), settings.teams_retry_base_seconds,
                   settings.teams_retry_max_seconds)  # fmt: skip

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Retry-After when the connector gave one, else doubling; jitter spreads retries of many senders."""
        wanted = retry_after if retry_after is not None else self.base_seconds * 2**attempt
        return min(self.max_seconds, wanted) * random.uniform(1.0, 1.25)


def card_message(card: dict[str, Any], summary: str) -> MessageActivityInput:
    """A message carrying one Adaptive Card; `summary` is what notifications and screen readers show."""
    attachment = Attachment(content_type=CARD_CONTENT_TYPE, content=card)
    return MessageActivityInput.model_validate({"summary": summary}).add_attachments(attachment)


class TeamsConnector:
    """One per event loop: the SDK's HTTP client must not be shared between loops."""

    def __init__(self, *, service_url_override: str | None, token_provider: TokenProviderProtocol,
                 policy: RetryPolicy, timeout: float = 15.0) -> None:  # fmt: skip
        self.service_url_override = service_url_override.rstrip("/") if service_url_override else None
        self.policy = policy
        self._api = ApiClient(
            self.service_url_override or "https://smba.trafficmanager.net/teams",
            ClientOptions(timeout=timeout),
            token_provider=token_provider,
        )

    def _for(self, service_url: str) -> ApiClient:
        # The override points every call at a local stand-in instead of the activity's serviceUrl.
        return self._api.from_service_url(self.service_url_override or service_url)

    async def send(self, *, service_url: str, conversation_id: str, message: MessageActivityInput,
                   reply_to: str | None = None) -> str:  # fmt: skip
        conversations = self._for(service_url).conversations
        if reply_to:
            sent = await self._call(lambda: conversations.reply_to_activity(conversation_id, reply_to, message))
        else:
            sent = await self._call(lambda: conversations.create_activity(conversation_id, message))
        return sent.id

    async def update(self, *, service_url: str, conversation_id: str, activity_id: str,
                     message: MessageActivityInput) -> None:  # fmt: skip
        conversations = self._for(service_url).conversations
        await self._call(lambda: conversations.update_activity(conversation_id, activity_id, message))

    async def open_personal_chat(self, *, service_url: str, user_id: str, tenant_id: str | None) -> str:
        """The 1:1 conversation between the bot and a user (Teams returns the existing one if there is one)."""
        channel_data = {"tenant": {"id": tenant_id}} if tenant_id else None
        params = CreateConversationParams(members=[Account(id=user_id)], tenant_id=tenant_id, channel_data=channel_data)
        conversations = self._for(service_url).conversations
        resource = await self._call(lambda: conversations.create(params))
        return resource.id

    async def member_email(self, *, service_url: str, conversation_id: str, user_id: str) -> str | None:
        """The member's email (or user principal name): activities carry only ids."""
        conversations = self._for(service_url).conversations
        member = await self._call(lambda: conversations.get_member_by_id(conversation_id, user_id))
        email: str | None = member.email or member.user_principal_name
        return email

    async def members(self, *, service_url: str, conversation_id: str) -> list[tuple[str | None, str | None]]:
        """Everyone in a channel or group chat, as (Entra object id, email or user principal name)."""
        conversations = self._for(service_url).conversations
        found = await self._call(lambda: conversations.get_members(conversation_id))
        return [(member.aad_object_id, member.email or member.user_principal_name) for member in found]

    async def _call(self, call: Callable[[], Awaitable[T]]) -> T:
        for attempt in range(self.policy.attempts):
            try:
                return await call()
            except httpx.HTTPStatusError as problem:
                status = problem.response.status_code
                retry_after = _retry_after(problem.response)
                if status not in RETRYABLE:
                    permanent = 400 <= status < 500 and status not in TRANSIENT_CLIENT_ERRORS
                    raise DeliveryFailed(f"Bot Connector answered {status}", permanent=permanent) from problem
                if attempt + 1 == self.policy.attempts:
                    raise DeliveryFailed(f"Bot Connector still answered {status} after {attempt + 1} tries",
                                         retry_after=retry_after) from problem  # fmt: skip
                wait = self.policy.delay(attempt, retry_after)
                log.info("Bot Connector answered %s; retrying in %.2fs", status, wait)
                await asyncio.sleep(wait)
            except httpx.TransportError as problem:
                raise DeliveryFailed(f"Bot Connector unreachable: {type(problem).__name__}") from problem
        raise AssertionError("unreachable: the loop returns or raises")


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date; fall back to our own backoff
