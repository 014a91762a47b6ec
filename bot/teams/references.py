"""Where Teams conversations are, so the bot can write first: Teams only lets a bot message a person or channel
after it has seen a conversation reference for it (from the install or the first message)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import Person
from bot.storage.delivery import ConversationReference

PLATFORM = "teams"
PERSONAL = "personal"
# A person seen only in a channel: enough (user id, tenant, service URL) to open a 1:1 chat with them later.
USER_PREFIX = "user:"


@dataclass(frozen=True)
class Origin:
    """The parts of an activity that say where it came from and who sent it."""

    conversation_id: str
    conversation_type: str
    service_url: str
    tenant_id: str | None
    user_id: str
    aad_object_id: str | None
    email: str | None = None

    @property
    def is_personal(self) -> bool:
        return self.conversation_type == PERSONAL

    @property
    def channel_address(self) -> str:
        # Replies in a channel thread carry ";messageid=…"; the channel itself is the part before it.
        return self.conversation_id.split(";", 1)[0]


def origin_of(activity: Any) -> Origin:
    """From an SDK activity model (message, invoke, conversationUpdate, installationUpdate)."""
    conversation = activity.conversation
    sender = activity.from_
    tenant = conversation.tenant_id or _channel_tenant(activity)
    return Origin(
        conversation_id=conversation.id,
        conversation_type=conversation.conversation_type or PERSONAL,
        service_url=activity.service_url or "",
        tenant_id=tenant,
        user_id=sender.id,
        aad_object_id=sender.aad_object_id,
        email=getattr(sender, "email", None),
    )


def _channel_tenant(activity: Any) -> str | None:
    channel_data = getattr(activity, "channel_data", None)
    tenant = getattr(channel_data, "tenant", None)
    return getattr(tenant, "id", None)


def remember(*, session: Session, origin: Origin, person: Person | None, now: datetime) -> None:
    """Stores (or refreshes) the reference of the conversation, and of the person when they are known."""
    if origin.is_personal:
        _upsert(session, origin.conversation_id, person, origin, now)
        return
    _upsert(session, origin.channel_address, None, origin, now)
    if person is not None and reference_for_person(session=session, person=person) is None:
        _upsert(session, USER_PREFIX + origin.user_id, person, origin, now)


def remember_personal_chat(*, session: Session, person: Person, origin: Origin, conversation_id: str,
                           now: datetime) -> None:  # fmt: skip
    """After opening a 1:1 chat proactively, later sends go straight to it."""
    personal = Origin(conversation_id, PERSONAL, origin.service_url, origin.tenant_id, origin.user_id,
                      origin.aad_object_id, origin.email)  # fmt: skip
    _upsert(session, conversation_id, person, personal, now)


def _upsert(session: Session, address: str, person: Person | None, origin: Origin, now: datetime) -> None:
    row = session.scalar(
        select(ConversationReference).where(
            ConversationReference.platform == PLATFORM, ConversationReference.address == address
        )
    )
    if row is None:
        row = ConversationReference(platform=PLATFORM, address=address)
        session.add(row)
    if person is not None:
        row.person_id = person.id
    row.reference = asdict(origin)
    row.updated_at = now
    session.flush()


def reference_for_person(*, session: Session, person: Person) -> Origin | None:
    """The person's 1:1 chat if there is one, else what a channel message told us about them."""
    rows = session.scalars(
        select(ConversationReference).where(
            ConversationReference.platform == PLATFORM, ConversationReference.person_id == person.id
        )
    ).all()
    rows = sorted(rows, key=lambda row: (row.address.startswith(USER_PREFIX), -row.updated_at.timestamp()))
    return Origin(**rows[0].reference) if rows else None  # type: ignore[arg-type]


def reference_for_conversation(*, session: Session, conversation_id: str) -> Origin | None:
    row = session.scalar(
        select(ConversationReference).where(
            ConversationReference.platform == PLATFORM, ConversationReference.address == conversation_id
        )
    )
    return Origin(**row.reference) if row else None  # type: ignore[arg-type]
