"""Some status history for `init --demo`, so `show`, the digest and the dashboard have movement to show: a
few owned actions went on track two months before `now`, and some of those at risk a fortnight before.
Each update is marked `source="demo"` and carries an idempotency key, so seeding twice records it once."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.plans.models import Action, StatusUpdate
from bot.plans.service import record_status

DEMO_SOURCE = "demo"
ACTIONS_MOVED = 12
STEPS = (
    (60, "on_track", "Work started; first meeting held with the cluster leads."),
    (14, "at_risk", "Waiting for returns from two clusters; chased this week."),
)


def seed_demo_history(*, session: Session, now: datetime) -> int:
    """Returns how many status updates were recorded (0 when the demo's history is already there: the
    actions it moved are no longer the ones a second draw would pick)."""
    if session.scalar(select(StatusUpdate.id).where(StatusUpdate.source == DEMO_SOURCE).limit(1)):
        return 0
    candidates = session.scalars(
        select(Action)
        .where(Action.owner_id.is_not(None), Action.is_rollup.is_(False), Action.status == "not_started")
        .order_by(Action.id)
    ).all()
    chosen = random.Random("demo-history").sample(list(candidates), min(ACTIONS_MOVED, len(candidates)))
    recorded = 0
    for index, action in enumerate(chosen):
        if action.owner is None:  # excluded by the query; says so to the type checker
            continue
        steps = STEPS if index % 2 else STEPS[:1]
        for days_before, status, note in steps:
            update = record_status(session=session, action=action, status=status, actor=action.owner,
                                   now=now - timedelta(days=days_before), note=note, source=DEMO_SOURCE,
                                   idempotency_key=f"demo:{action.id}:{status}")  # fmt: skip
            recorded += update is not None
    return recorded
