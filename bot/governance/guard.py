"""The guard as entry points use it: check a free text, count a refusal (kind and source only), and the
counts admins see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.governance.identifiers import Kind, kinds_in
from bot.governance.models import IdentifierRefusal


def refused_kinds(texts: list[str | None], *, session: Session, source: str, now: datetime, today: date) -> list[Kind]:
    """The kinds of patient identifier in any of the texts (none: the texts may be kept); a refusal is counted."""
    kinds: list[Kind] = []
    for text in texts:
        for kind in kinds_in(text or "", today=today):
            if kind not in kinds:
                kinds.append(kind)
    for kind in kinds:
        session.add(IdentifierRefusal(kind=kind, source=source, refused_at=now))
    return kinds


@dataclass(frozen=True)
class RefusalCount:
    kind: str
    source: str
    last_7_days: int
    last_30_days: int
    all_time: int


def refusal_counts(*, session: Session, now: datetime) -> list[RefusalCount]:
    week, month = now - timedelta(days=7), now - timedelta(days=30)
    recent = IdentifierRefusal.refused_at
    rows = session.execute(
        select(
            IdentifierRefusal.kind,
            IdentifierRefusal.source,
            func.count().filter(recent >= week),
            func.count().filter(recent >= month),
            func.count(),
        )
        .group_by(IdentifierRefusal.kind, IdentifierRefusal.source)
        .order_by(IdentifierRefusal.kind, IdentifierRefusal.source)
    )
    return [RefusalCount(kind, source, w, m, total) for kind, source, w, m, total in rows]
