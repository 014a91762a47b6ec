"""Queuing a bundled status prompt the way the scheduler does (an outbox row through `enqueue`) and building
its message the way the sender does, for tests that send it through a real chat port."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot.directory.models import Person
from bot.plans.models import Action
from commands.replies import Reply
from scheduler.messages import Lookup, build_message
from scheduler.outbox import Planned, enqueue, person_recipient
from scheduler.prompt_bundles import BUNDLE, STATUS_PROMPT, BundleItem, bundle_payload, by_urgency


def queue_bundle(
    session: Session, *, recipient: Person, actions: Sequence[Action], day: date, now: datetime, page_size: int = 10
) -> Reply:
    items = by_urgency(BundleItem(a.id, "overdue", a.deadline()) for a in actions)
    payload = bundle_payload(recipient.id, items, page_size)
    planned = Planned(STATUS_PROMPT, person_recipient(recipient.id), BUNDLE, day, payload)
    enqueue(session=session, planned=[planned], now=now)
    return build_message(lookup=Lookup(session), kind=STATUS_PROMPT, payload=payload, for_day=day, now=now)
