"""TeamsChatPort: how the scheduler's sender reaches people and channels in Teams (ChatPort is synchronous;
the SDK is async, so the port runs its own event loop on a daemon thread and waits for each call)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from bot.delivery.pacing import TEAMS_LIMITS
from bot.delivery.port import Delivered, DeliveryFailed
from bot.directory.models import Person
from bot.runtime import Runtime
from bot.teams.cards import render_card
from bot.teams.connector import TeamsConnector, card_message
from bot.teams.references import (
    PLATFORM,
    Origin,
    reference_for_conversation,
    reference_for_person,
    remember_personal_chat,
)
from commands.replies import Reply

T = TypeVar("T")
# Longest wait for one send, retries included; the outbox owns anything slower.
SEND_TIMEOUT_SECONDS = 120


class TeamsChatPort:
    platform = PLATFORM
    limits = TEAMS_LIMITS

    def __init__(self, runtime: Runtime, connector_factory: Callable[[], TeamsConnector]) -> None:
        self.runtime = runtime
        self._connector_factory = connector_factory
        self._loop: asyncio.AbstractEventLoop | None = None
        self._connector: TeamsConnector | None = None
        self._start_lock = threading.Lock()
        # The sender asks can_reach right before send_to_person: the reference read for one serves both.
        self._last_reference: tuple[int, Origin | None] | None = None

    def can_reach(self, person: Person) -> bool:
        return self._reference(person) is not None

    def send_to_person(self, person: Person, reply: Reply) -> Delivered:
        origin = self._reference(person)
        self._last_reference = None  # the next question about anyone reads afresh
        if origin is None:
            raise DeliveryFailed(f"{person.name} has not installed the bot in Teams or written to it yet",
                                 permanent=True)  # fmt: skip
        if not origin.is_personal:
            origin = self._open_personal_chat(person, origin)
        return self._send(origin, reply)

    def _reference(self, person: Person) -> Origin | None:
        last = self._last_reference
        if last is not None and last[0] == person.id:
            return last[1]
        with self.runtime.database.unit_of_work() as session:
            origin = reference_for_person(session=session, person=person)
        self._last_reference = (person.id, origin)
        return origin

    def send_to_channel(self, channel: str, reply: Reply) -> Delivered:
        with self.runtime.database.unit_of_work() as session:
            origin = reference_for_conversation(session=session, conversation_id=channel)
        if origin is None:
            raise DeliveryFailed(f"the bot has not been added to the Teams channel {channel}", permanent=True)
        return self._send(origin, reply)

    def _open_personal_chat(self, person: Person, seen_in_channel: Origin) -> Origin:
        conversation_id = self._run(lambda c: c.open_personal_chat(service_url=seen_in_channel.service_url,
                                                                   user_id=seen_in_channel.user_id,
                                                                   tenant_id=seen_in_channel.tenant_id))  # fmt: skip
        with self.runtime.database.unit_of_work() as session:
            remember_personal_chat(session=session, person=session.get_one(Person, person.id), origin=seen_in_channel,
                                   conversation_id=conversation_id, now=self.runtime.clock.now())  # fmt: skip
            origin = reference_for_conversation(session=session, conversation_id=conversation_id)
        assert origin is not None
        return origin

    def _send(self, origin: Origin, reply: Reply) -> Delivered:
        message = card_message(render_card(reply), reply.title)
        activity_id = self._run(lambda c: c.send(service_url=origin.service_url,
                                                 conversation_id=origin.conversation_id, message=message))  # fmt: skip
        return Delivered(PLATFORM, origin.conversation_id, activity_id)

    def _run(self, call: Callable[[TeamsConnector], Coroutine[Any, Any, T]]) -> T:
        loop, connector = self._started()
        future = asyncio.run_coroutine_threadsafe(call(connector), loop)
        try:
            return future.result(timeout=SEND_TIMEOUT_SECONDS)
        except TimeoutError as problem:
            future.cancel()
            raise DeliveryFailed(f"Teams send took longer than {SEND_TIMEOUT_SECONDS}s") from problem

    def _started(self) -> tuple[asyncio.AbstractEventLoop, TeamsConnector]:
        with self._start_lock:
            if self._loop is None or self._connector is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="teams-port", daemon=True).start()
                self._connector = self._connector_factory()
            return self._loop, self._connector
