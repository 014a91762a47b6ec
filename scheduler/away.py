"""Out of office: who stands in for whom on a given day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.directory.models import AwayPeriod


def away_on(*, session: Session, day: date) -> dict[int, int | None]:
    """Everyone away on `day`, mapped to their delegate (None when they named nobody)."""
    rows = session.execute(
        select(AwayPeriod.person_id, AwayPeriod.delegate_id).where(
            AwayPeriod.starts_on <= day, AwayPeriod.ends_on >= day
        )
    )
    away: dict[int, int | None] = {}
    for person_id, delegate_id in rows:
        away[person_id] = delegate_id if delegate_id is not None else away.get(person_id)
    return away


def stand_in(person_id: int, away: dict[int, int | None]) -> int:
    """The delegate of an away person (following a delegate who is away too), else the person."""
    seen = {person_id}
    current = person_id
    while current in away and (delegate := away[current]) is not None and delegate not in seen:
        seen.add(delegate)
        current = delegate
    return current
