"""The sender: claims due outbox rows, delivers each through the chat port that can reach the recipient,
and records what happened.

Claiming sets a lease; a sender that dies mid-send leaves its rows to be claimed again when the lease runs
out (at-least-once). On PostgreSQL several senders share the work with FOR UPDATE SKIP LOCKED; on SQLite a
single process is assumed. Each row's outbox id is the delivery key ports may pass on for deduplication."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.idempotency import delivery_key
from bot.delivery.port import ChatPort, Delivered, DeliveryFailed
from bot.directory.models import Person
from bot.storage.database import Database
from commands.replies import Reply
from scheduler.messages import Obsolete, build_message
from scheduler.models import UNREACHABLE, OutboxMessage
from scheduler.outbox import recipient_person_id

log = logging.getLogger(__name__)


def claim_due(*, session: Session, worker: str, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Marks up to `limit` due rows as being sent by `worker`, and returns their ids."""
    due = (
        select(OutboxMessage.id)
        .where(
            or_(
                (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == "sending") & (OutboxMessage.lease_until < now),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    ids = list(session.scalars(due))
    if ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status="sending", lease_until=now + lease, claimed_by=worker, attempts=OutboxMessage.attempts + 1)
        )
    return ids


@dataclass
class Sender:
    database: Database
    ports: Sequence[ChatPort]
    clock: Clock
    settings: Settings
    worker: str = "sender"
    _stop: threading.Event = field(default_factory=threading.Event)

    def run_once(self) -> int:
        """Claims and delivers one batch; returns how many rows were handled."""
        lease = timedelta(seconds=self.settings.delivery_lease_seconds)
        with self.database.unit_of_work() as session:
            ids = claim_due(
                session=session,
                worker=self.worker,
                now=self.clock.now(),
                lease=lease,
                limit=self.settings.sender_batch_size,
            )
        for row_id in ids:
            with self.database.unit_of_work() as session:
                self._deliver(session, row_id)
        return len(ids)

    def drain(self) -> int:
        """Delivers until nothing is due now (tests, `schedule run-once`)."""
        total = 0
        while handled := self.run_once():
            total += handled
        return total

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                handled = self.run_once()
            except Exception:  # a database hiccup must not end the sender thread
                log.exception("sender round failed")
                handled = 0
            if not handled:
                self._stop.wait(self.settings.sender_poll_seconds)

    def stop(self) -> None:
        self._stop.set()

    def _deliver(self, session: Session, row_id: int) -> None:
        row = session.get(OutboxMessage, row_id)
        if row is None or row.status != "sending" or row.claimed_by != self.worker:
            return  # another sender took it over after our lease ran out
        now = self.clock.now()
        try:
            reply = build_message(session=session, kind=row.kind, payload=row.payload, for_day=row.for_day, now=now)
        except Obsolete as reason:
            _finish(row, "skipped", str(reason))
            return
        try:
            delivered = self._send(session, row, reply)
        except DeliveryFailed as failure:
            self._retry_or_fail(row, failure, now)
            return
        except Exception as problem:  # a port bug or a dropped connection: retried like a 5xx
            log.exception("delivering outbox row %s failed", row.id)
            self._retry_or_fail(row, DeliveryFailed(f"{type(problem).__name__}: {problem}"), now)
            return
        if delivered is None:
            _finish(row, "failed", UNREACHABLE)
            return
        row.platform, row.conversation, row.message_id = (
            delivered.platform,
            delivered.conversation,
            delivered.message_id,
        )
        row.sent_at = now
        _finish(row, "sent", None)

    def _send(self, session: Session, row: OutboxMessage, reply: Reply) -> Delivered | None:
        with delivery_key(f"outbox-{row.id}"):
            person_id = recipient_person_id(row.recipient)
            if person_id is None:
                platform, _, channel = row.recipient.partition(":")
                port = next((p for p in self.ports if p.platform == platform), None)
                return port.send_to_channel(channel, reply) if port else None
            person = session.get(Person, person_id)
            port = next((p for p in self.ports if person is not None and p.can_reach(person)), None)
            return port.send_to_person(person, reply) if port and person else None

    def _retry_or_fail(self, row: OutboxMessage, failure: DeliveryFailed, now: datetime) -> None:
        if failure.permanent or row.attempts >= self.settings.delivery_max_attempts:
            _finish(row, "failed", failure.reason)
            return
        if failure.retry_after is not None:
            delay = failure.retry_after
        else:
            # Exponential backoff with full jitter spreads retries after an outage instead of stampeding.
            base = self.settings.delivery_backoff_seconds * 2 ** (row.attempts - 1)
            delay = base / 2 + random.uniform(0, base / 2)
        row.next_attempt_at = now + timedelta(seconds=delay)
        row.last_error = failure.reason
        row.status, row.lease_until, row.claimed_by = "pending", None, None


def _finish(row: OutboxMessage, status: str, error: str | None) -> None:
    row.status, row.last_error, row.lease_until = status, error, None
