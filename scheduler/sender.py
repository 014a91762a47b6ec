"""The sender: claims due outbox rows, delivers each through the chat port that can reach the recipient,
and records what happened.

Claiming sets a lease; a sender that dies mid-send leaves its rows to be claimed again when the lease runs
out (at-least-once). On PostgreSQL several senders share the work with FOR UPDATE SKIP LOCKED; on SQLite a
single process is assumed. Each row's outbox id is the delivery key ports may pass on for deduplication.

Rows are sent in claim order (everyone's first message before anyone's second, scheduler/outbox.py), each
at the pace its platform's published limits allow (bot/delivery/pacing.py): a short wait is waited, a
conversation that must wait longer has its row put back for then, so the batch moves on to others."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, Update, bindparam, or_, select, update
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.config import Settings
from bot.delivery.idempotency import delivery_key
from bot.delivery.pacing import Pacer
from bot.delivery.port import ChatPort, Delivered, DeliveryFailed
from bot.directory.models import Person
from bot.signed_links import dashboard_links
from bot.storage.database import Database
from bot.storage.outbox import UNREACHABLE, OutboxMessage, addressed_to_person
from commands.replies import Reply
from scheduler.messages import Lookup, Obsolete, build_message
from scheduler.outbox import recipient_person_id

log = logging.getLogger(__name__)
# A conversation that must wait longer than this (Teams' 60 messages in 30 seconds, a busy Slack channel) has
# its row put back in the outbox for then, instead of holding up the rest of the batch.
MAX_PACING_WAIT_SECONDS = 2.0


class Deferred(Exception):
    """The conversation may not be written to for `seconds` yet."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"paced for {seconds:.2f}s")
        self.seconds = seconds


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


@dataclass(frozen=True)
class Claimed:
    """A row this sender claimed: what is needed to build and address its message."""

    id: int
    kind: str
    recipient: str
    for_day: date
    payload: dict[str, Any]
    attempts: int


CLAIMED = (
    OutboxMessage.id,
    OutboxMessage.kind,
    OutboxMessage.recipient,
    OutboxMessage.for_day,
    OutboxMessage.payload,
    OutboxMessage.attempts,
)


@dataclass
class Sender:
    database: Database
    ports: Sequence[ChatPort]
    clock: Clock
    settings: Settings
    worker: str = "sender"
    pacer: Pacer = field(default_factory=Pacer)
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
            claimed = [
                Claimed(*values) for values in session.execute(select(*CLAIMED).where(OutboxMessage.id.in_(ids)))
            ]
            lease_until = self.clock.now() + lease
        self._deliver_batch(claimed, lease_until)
        return len(ids)

    def _deliver_batch(self, rows: list[Claimed], lease_until: datetime) -> None:
        """One session and lookup for the batch (recipients read in one query, services and levels once);
        each row still commits on its own, right after its send, so a crash loses at most the message in
        flight. One message at a time: with the GIL, parallel sends cost more CPU than they save time.
        The session keeps one connection for the batch, rather than taking one from the pool (and pinging
        it) for every row it records."""
        with self.database.engine.connect() as connection, self.database.sessions(bind=connection) as session:
            lookup = Lookup(session, links=dashboard_links(self.settings))
            ids = [row.id for row in rows]  # in claim order
            recipients = select(Person).join(OutboxMessage, addressed_to_person()).where(OutboxMessage.id.in_(ids))
            lookup.hold(list(session.scalars(recipients)))
            claim_order = {row_id: n for n, row_id in enumerate(ids)}
            for row in sorted(rows, key=lambda c: claim_order[c.id]):
                if self.clock.now() >= lease_until:
                    return  # a slow batch: the rest are another sender's to claim once our lease ends
                self._record(session, row, self._deliver(lookup, row))

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

    def _deliver(self, lookup: Lookup, row: Claimed) -> dict[str, Any]:
        """Sends one message; returns what to record on its row."""
        now = self.clock.now()
        try:
            reply = build_message(lookup=lookup, kind=row.kind, payload=row.payload, for_day=row.for_day, now=now)
        except Obsolete as reason:
            return _finished("skipped", str(reason))
        try:
            delivered = self._send(lookup, row, reply)
        except Deferred as later:
            return _put_back(row, now + timedelta(seconds=later.seconds))
        except DeliveryFailed as failure:
            return self._retry_or_fail(row, failure, now)
        except Exception as problem:  # a port bug or a dropped connection: retried like a 5xx
            log.exception("delivering outbox row %s failed", row.id)
            return self._retry_or_fail(row, DeliveryFailed(f"{type(problem).__name__}: {problem}"), now)
        if delivered is None:
            return _finished("failed", UNREACHABLE)
        return _finished("sent", None) | {
            "platform": delivered.platform,
            "conversation": delivered.conversation,
            "message_id": delivered.message_id,
            "sent_at": now,
        }

    def _record(self, session: Session, row: Claimed, outcome: dict[str, Any]) -> None:
        try:
            session.execute(
                _outcome_update(tuple(sorted(outcome))), {"row_id": row.id, "worker": self.worker, **outcome}
            )
            session.commit()
        except Exception:
            session.rollback()
            log.exception("outbox row %s: recording the outcome failed; it is retried after its lease", row.id)

    def _send(self, lookup: Lookup, row: Claimed, reply: Reply) -> Delivered | None:
        route = self._route(lookup, row)
        if route is None:
            return None
        port, person = route
        self._pace(port, row.recipient)
        with delivery_key(f"outbox-{row.id}"):
            if person is None:
                return port.send_to_channel(row.recipient.partition(":")[2], reply)
            return port.send_to_person(person, reply)

    def _route(self, lookup: Lookup, row: Claimed) -> tuple[ChatPort, Person | None] | None:
        """The port that can reach the recipient, and the person when it is one (None: nobody can)."""
        person_id = recipient_person_id(row.recipient)
        if person_id is None:
            platform = row.recipient.partition(":")[0]
            port = next((p for p in self.ports if p.platform == platform), None)
            return (port, None) if port else None
        person = lookup.get(Person, person_id)
        port = next((p for p in self.ports if person is not None and p.can_reach(person)), None)
        return (port, person) if port and person else None

    def _pace(self, port: ChatPort, conversation: str) -> None:
        """Waits for the moment the platform's limits allow; raises Deferred when that is too far off."""
        wait = self.pacer.conversation_wait(port.platform, conversation, port.limits)
        if wait > MAX_PACING_WAIT_SECONDS:
            raise Deferred(wait)
        self._stop.wait(max(0.0, self.pacer.book(port.platform, conversation, port.limits)))

    def _retry_or_fail(self, row: Claimed, failure: DeliveryFailed, now: datetime) -> dict[str, Any]:
        if failure.permanent or row.attempts >= self.settings.delivery_max_attempts:
            return _finished("failed", failure.reason)
        if failure.retry_after is not None:
            delay = failure.retry_after
        else:
            # Exponential backoff with full jitter spreads retries after an outage instead of stampeding.
            base = self.settings.delivery_backoff_seconds * 2 ** (row.attempts - 1)
            delay = base / 2 + random.uniform(0, base / 2)
        return {
            "status": "pending",
            "lease_until": None,
            "claimed_by": None,
            "last_error": failure.reason,
            "next_attempt_at": now + timedelta(seconds=delay),
        }


@lru_cache(maxsize=8)
def _outcome_update(columns: tuple[str, ...]) -> Update:
    """One prepared UPDATE per kind of outcome, so recording 2,000 sends does not rebuild 2,000 statements.
    Only while the row is still ours: a sender whose lease ran out must not overwrite the next one's."""
    table = cast(Table, OutboxMessage.__table__)
    return (
        update(table)
        .where(table.c.id == bindparam("row_id"), table.c.claimed_by == bindparam("worker"))
        .values({name: bindparam(name) for name in columns})
    )


def _put_back(row: Claimed, due: datetime) -> dict[str, Any]:
    """Pending again from `due`, as if never claimed: pacing is not a failed attempt."""
    return {"status": "pending", "lease_until": None, "claimed_by": None, "attempts": row.attempts - 1,
            "next_attempt_at": due}  # fmt: skip


def _finished(status: str, error: str | None) -> dict[str, Any]:
    return {"status": status, "last_error": error, "lease_until": None}
